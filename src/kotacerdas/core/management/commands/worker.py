"""``kotacerdas worker``: runs the background tasks (django-tasks, database
backend) and enqueues the daily jobs of kotacerdas.core.scheduler.

One process does both: the django-tasks database worker loop runs in the
main thread, and a small scheduler thread checks every minute whether a daily
job is due. SIGTERM or SIGINT stops it cleanly: a task that is running
finishes first (a second signal aborts it), then the scheduler thread is
joined. ``--once`` enqueues what is due, runs every task that is ready and
exits: for tests and for cron instead of a resident worker.

The worker never exits on a database outage (locked past its busy timeout,
refused, moved away): see kotacerdas.core.taskworker. It beats every few
seconds (kotacerdas.core.heartbeat), which /healthz and the pages of queued
jobs read. ``kotacerdas serve`` starts it beside the web server by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db import DatabaseBackend

from kotacerdas.core.heartbeat import Heartbeat, beat
from kotacerdas.core.models import ScheduledRun
from kotacerdas.core.scheduler import schedule_due
from kotacerdas.core.storage import private_umask
from kotacerdas.core.taskworker import ResilientWorker

logger = logging.getLogger(__name__)

# How often the scheduler thread looks at the clock, in seconds.
SCHEDULE_EVERY = 60


def clock() -> dt.datetime:
    """The current time; tests replace it with a fixed one."""
    return timezone.now()


class Command(BaseCommand):
    help = (
        "Jalankan tugas latar dan jadwal harian (pengingat laporan). / "
        "Run background tasks and the daily schedule (reporting reminders)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help=(
                "Antrekan jadwal yang sudah waktunya, jalankan semua tugas yang siap, lalu "
                "berhenti (untuk cron). / Enqueue what is due, run every ready task, exit."
            ),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help=(
                "Detik antara pemeriksaan antrean saat kosong (bawaan 5). / "
                "Seconds between queue checks when idle."
            ),
        )
        # Set by ``kotacerdas serve``, whose own banner tells how to stop both.
        parser.add_argument("--supervised", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        with private_umask():  # files and folders created: 0600 / 0700
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        interval: float = options["interval"]
        if interval <= 0:
            raise CommandError("--interval harus lebih dari 0. / must be above 0.")
        uses_database = isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
        if options["once"]:
            beat()
            self._schedule()
            if uses_database:
                self._worker(batch=True, interval=0).run()
            return
        if not uses_database:
            raise CommandError(
                "kotacerdas worker butuh backend tugas basis data "
                "(TASKS default: django_tasks_db.DatabaseBackend). / "
                "needs the database task backend."
            )
        self._run_forever(interval, supervised=options["supervised"])

    def _schedule(self) -> list[ScheduledRun]:
        runs = schedule_due(now=clock())
        for run in runs:
            self.stdout.write(
                _("Diantrekan / enqueued: %(name)s untuk %(day)s")
                % {"name": run.name, "day": run.run_on.isoformat()}
            )
        return runs

    def _worker(self, *, batch: bool, interval: float) -> ResilientWorker:
        return ResilientWorker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )

    def _scheduler_loop(self, stop: threading.Event) -> None:
        try:
            while True:
                close_old_connections()
                try:
                    self._schedule()
                except Exception:
                    # A database hiccup must not end the schedule: try again next minute.
                    logger.exception("Scheduler check failed")
                if stop.wait(SCHEDULE_EVERY):
                    return
        finally:
            connections.close_all()  # this thread's connections

    def _run_forever(self, interval: float, *, supervised: bool = False) -> None:
        worker = self._worker(batch=False, interval=interval)
        stop = threading.Event()
        scheduler = threading.Thread(
            target=self._scheduler_loop, args=(stop,), name="kotacerdas-scheduler", daemon=True
        )
        # The database worker's handlers: the first SIGTERM/SIGINT lets a running
        # task finish (or exits at once when idle), a second one aborts it.
        worker.configure_signals()
        if supervised:
            self.stdout.write(_("Pekerja latar berjalan. / Background worker running."))
        else:
            self.stdout.write(
                _("Pekerja berjalan; Ctrl+C untuk berhenti. / Worker running; Ctrl+C to stop.")
            )
        self.stdout.flush()
        heartbeat = Heartbeat().start()
        scheduler.start()
        try:
            worker.run()
        finally:
            heartbeat.stop()
            stop.set()
            scheduler.join(timeout=30)
            worker.reset_signals()
            self.stdout.write(_("Pekerja berhenti. / Worker stopped."))
