"""How far an import is, for the progress bar, and the worker's sign of life.

Progress goes to the cache every process shares (``settings.CACHES``: a
folder on one machine, Redis or Valkey across several nodes), not to the
job's row: the engine imports in one transaction, and on SQLite that
transaction holds the write lock (and on any database its writes are
invisible to other connections), so the web could not see ``rows_done``
move; and a write every half second on the database the other users wait
for is what the import is built to avoid. A file beside the uploads (as
before issue 16) is seen by one machine only, and private files may now live
in object storage. The entry holds counts and a time, no personal data.

It also serves as the worker's sign of life: a RUNNING job without progress
for :data:`STALL_AFTER` is settled when a page shows it
(:func:`kotacerdas.umkm.imports.services.import_job_give_up`): FAILED, the
registry unchanged, unless the engine had committed before the worker died.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from kotacerdas.core.jobs import STALL_AFTER, no_worker, stalled
from kotacerdas.umkm.imports.models import ImportJob

logger = logging.getLogger(__name__)

# The progress entry is rewritten at most this often (seconds). When a job is
# taken for dead (STALL_AFTER) and when a queued one says no worker runs are
# the rules of every background job (core.jobs).
PROGRESS_INTERVAL = 0.5
# An entry outlives its last write by this long (seconds): long past
# STALL_AFTER, so a dead worker's job is judged by its last beat, and then
# gone, so nothing accumulates.
PROGRESS_TIMEOUT = int(STALL_AFTER.total_seconds()) * 6

State = ImportJob.State


@dataclass(frozen=True)
class Progress:
    """How far a job is, for the progress bar. ``total`` is an estimate
    (None when unknown); ``since`` the last sign of life of the worker."""

    state: str
    done: int
    total: int | None
    since: dt.datetime | None
    waiting_long: bool  # QUEUED for longer than STALL_AFTER: is a worker running?
    # QUEUED for longer than NO_WORKER_AFTER and no worker beat lately (core.heartbeat).
    no_worker: bool = False

    @property
    def active(self) -> bool:
        return self.state in (State.QUEUED, State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)


def progress_key(job_id: int) -> str:
    return f"kotacerdas:import-progress:{job_id}"


def read_progress(job_id: int) -> tuple[int, int | None, dt.datetime] | None:
    """(rows done, rows expected, written at) from the job's progress entry,
    or None (none, unreadable, or the cache unavailable)."""
    try:
        data = cache.get(progress_key(job_id))
    except Exception:  # the cache's own failures, whatever its backend
        logger.warning("Import progress could not be read", exc_info=True)
        return None
    try:
        total = data.get("total")
        return (
            int(data["done"]),
            int(total) if total is not None else None,
            dt.datetime.fromisoformat(data["at"]),
        )
    except (AttributeError, ValueError, KeyError, TypeError):
        return None


def job_progress(job: ImportJob, *, now: dt.datetime | None = None) -> Progress:
    now = now or timezone.now()
    if job.state == State.RUNNING:
        found = read_progress(job.pk)
        if found is not None:
            done, total, at = found
            total = total or job.rows_total
            # The total is an estimate: past it, say only how many rows are done.
            return Progress(job.state, done, total if total and total >= done else None, at, False)
        return Progress(job.state, 0, job.rows_total, job.started_at, False)
    if job.state == State.DONE:
        return Progress(job.state, job.rows, job.rows, job.finished_at, False)
    if job.state == State.QUEUED:
        queued_since = job.started_at or job.created_at
        waited = now - queued_since
        return Progress(
            job.state,
            0,
            job.rows_total,
            queued_since,
            # Waiting for another import of the region is no sign of a missing worker.
            waited > STALL_AFTER and job.waiting_for_id is None,
            no_worker=no_worker(queued_since, now=now),
        )
    return Progress(job.state, job.rows_done, job.rows_total, job.finished_at, False)


def is_stalled(progress: Progress, *, now: dt.datetime | None = None) -> bool:
    return progress.state == State.RUNNING and stalled(progress.since, now=now)


class ProgressBeat:
    """The progress callback handed to the engine: rewrites the job's entry
    in the shared cache (one ``set``, so a reader sees the old or the new
    value whole), at most every ``interval`` seconds."""

    def __init__(
        self,
        job_id: int,
        *,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.key = progress_key(job_id)
        self.interval = PROGRESS_INTERVAL if interval is None else interval
        self.clock = clock
        self.last: float | None = None

    def __call__(self, done: int, total: int | None) -> None:
        moment = self.clock()
        if self.last is not None and moment - self.last < self.interval:
            return
        self.last = moment
        self.write(done, total)

    def write(self, done: int, total: int | None) -> None:
        """Never raises: a cache that cannot be written must not fail the
        import (its page then shows no movement, and after STALL_AFTER
        without a beat the job is given up, as for a dead worker)."""
        data = {"done": done, "total": total, "at": timezone.now().isoformat()}
        try:
            cache.set(self.key, data, timeout=PROGRESS_TIMEOUT)
        except Exception:
            logger.warning("Import progress could not be written", exc_info=True)

    def remove(self) -> None:
        try:
            cache.delete(self.key)
        except Exception:
            logger.warning("Import progress could not be removed", exc_info=True)
