"""The daily schedule of ``kotacerdas worker``: background tasks enqueued once
a day, at or after a local hour.

A job is due on a day once the local hour has come; it is enqueued at most
once per day, recorded by a :class:`ScheduledRun` row in the same transaction
as the enqueued task (with the database task backend). A worker that was down
at the hour enqueues the day's job when it starts again; a day it was down
entirely is not caught up. The task receives that day as ``day`` (ISO date).

The rows are the worker's bookkeeping, not records of the plan, so they carry
no audit event; what the task then does (each reminder sent) is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kotacerdas.core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    name: str
    task_path: str  # a django-tasks task taking ``day``
    hour: int  # local time (settings.TIME_ZONE)


def daily_jobs() -> tuple[DailyJob, ...]:
    return (
        DailyJob(
            "monitoring.send_reminders",
            "kotacerdas.monitoring.tasks.send_reminders",
            settings.KOTACERDAS_REMINDER_HOUR,
        ),
        # Personal data of businesses closed past their retention period
        # (UU 27/2022); at night, before the working day.
        DailyJob(
            "umkm.anonymise_expired",
            "kotacerdas.umkm.tasks.anonymise_expired",
            settings.KOTACERDAS_ANONYMISE_HOUR,
        ),
        # Uploaded surveys and rejection reports hold NIKs and phone
        # numbers: deleted after KOTACERDAS_IMPORT_FILE_RETENTION_DAYS.
        DailyJob(
            "umkm.import_files_expire",
            "kotacerdas.umkm.tasks.import_files_expire",
            settings.KOTACERDAS_ANONYMISE_HOUR,
        ),
    )


def schedule_due(*, now: dt.datetime) -> list[ScheduledRun]:
    """Enqueue every daily job that is due at ``now`` and not enqueued for
    that local day yet. Returns the runs enqueued by this call."""
    local = timezone.localtime(now)
    day = local.date()
    enqueued = []
    for job in daily_jobs():
        if local.hour < job.hour:
            continue
        if ScheduledRun.objects.filter(name=job.name, run_on=day).exists():
            continue
        try:
            with transaction.atomic():
                result = import_string(job.task_path).enqueue(day=day.isoformat())
                run = ScheduledRun.objects.create(name=job.name, run_on=day, task_id=result.id)
        except IntegrityError:
            # Another worker enqueued it at the same moment; its transaction won.
            continue
        logger.info("Enqueued %s for %s (task %s)", job.name, day, run.task_id)
        enqueued.append(run)
    return enqueued
