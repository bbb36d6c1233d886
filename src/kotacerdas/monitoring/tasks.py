"""Background tasks of the monitoring cycle (django-tasks), run by
``kotacerdas worker``; the worker's scheduler enqueues ``send_reminders`` once
a day (kotacerdas.core.scheduler)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django_tasks import task

from kotacerdas.monitoring.reminders import Status, reminders_send


@task()
def send_reminders(day: str | None = None) -> dict[str, int]:
    """Send the reminders and escalations due on ``day`` (ISO date; default:
    each region's own date). The scheduler passes the day it enqueued the task for,
    so a task picked up after midnight still sends that day's reminders."""
    today = dt.date.fromisoformat(day) if day else None  # None: each region's own date
    counts = Counter(result.status for result in reminders_send(today=today))
    reported: tuple[Status, ...] = ("sent", "failed", "skipped")
    return {status: counts[status] for status in reported}
