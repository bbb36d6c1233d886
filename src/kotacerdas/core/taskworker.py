"""The django-tasks database worker, made to outlive the database.

django_tasks_db's :class:`Worker` lets a "database is locked" pass while it
claims a task, but any other OperationalError (the lock outlasting the busy
timeout elsewhere, a PostgreSQL that refuses connections, a database file
moved away) ends the loop and with it the process: imports stayed queued and
reminders unsent (issue 14). :class:`ResilientWorker` runs the same loop, one
poll at a time, and treats an OperationalError around a poll or a task as an
outage: logged once when it starts (the error's class only: no SQL, no
values) and once when it ends, retried with exponential backoff capped at
:data:`BACKOFF_MAX` seconds, never fatal. Claiming, running and recording a
task are django_tasks_db's own.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from kotacerdas.core.storage import sqlite_connections_check

logger = logging.getLogger(__name__)

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0


def sleep(seconds: float) -> None:
    """Wait; tests replace it to run an outage without waiting."""
    time.sleep(seconds)


class ResilientWorker(Worker):
    outage_since: float | None = None
    backoff: float = 0.0

    def run(self) -> None:
        logger.info("Starting worker queues=%s", ",".join(self.queue_names))
        while self.running:
            try:
                claimed, task_result = self.poll()
            except (OperationalError, InterfaceError) as error:
                self._outage(error)
                sleep(self.backoff)
                continue
            self._recovered()
            if self.batch and claimed and task_result is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and task_result is None:
                sleep(self.interval)

    def poll(self) -> tuple[bool, DBTaskResult | None]:
        """One turn of django_tasks_db's loop: claim the next ready task and
        run it. Returns (whether the queue could be read, the task run)."""
        close_old_connections()
        sqlite_connections_check()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                return False, None  # locked for a moment: the next turn tries again
        if task_result is not None:
            self.run_task(task_result)
        close_old_connections()
        return True, task_result

    def _outage(self, error: Exception) -> None:
        if self.outage_since is None:
            self.outage_since = time.monotonic()
            self.backoff = BACKOFF_FIRST
            # The class and first line only: a driver's message may quote SQL, not data.
            reason = str(error).splitlines()[0][:120] if str(error) else ""
            logger.warning(
                "Database unavailable (%s: %s); the worker keeps retrying",
                type(error).__name__,
                reason,
            )
        else:
            self.backoff = min(BACKOFF_MAX, self.backoff * 2)
        # A broken connection must not be reused on the next try.
        for connection in connections.all(initialized_only=True):
            # Closing a dead connection may fail too; it is gone anyway.
            with contextlib.suppress(Exception):
                connection.close()

    def _recovered(self) -> None:
        if self.outage_since is not None:
            logger.warning(
                "Database available again after %.0f s; the worker resumes",
                time.monotonic() - self.outage_since,
            )
            self.outage_since = None
            self.backoff = 0.0
