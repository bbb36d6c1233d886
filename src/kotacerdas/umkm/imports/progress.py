"""How far an import is, for the progress bar, and the worker's sign of life.

Progress goes to a small JSON file, not to the job's row: the engine imports
in one transaction, and on SQLite that transaction holds the write lock (and
on any database its writes are invisible to other connections), so the web
could not see ``rows_done`` move. The file lies in ``PRIVATE_FILES_DIR``,
which web and worker share already (the worker reads the uploaded file from
there). It also serves as the worker's sign of life: a RUNNING job without
progress for :data:`STALL_AFTER` is settled when a page shows it
(:func:`kotacerdas.umkm.imports.services.import_job_give_up`): FAILED, the
registry unchanged, unless the engine had committed before the worker died.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from kotacerdas.core.jobs import STALL_AFTER, no_worker, stalled
from kotacerdas.core.storage import private_files_dir
from kotacerdas.umkm.imports.models import ImportJob

PROGRESS_DIR = "import-progress"
# When a job is taken for dead (STALL_AFTER) and when a queued one says no
# worker runs: the rules of every background job (core.jobs).
# The progress file is rewritten at most this often (seconds).
PROGRESS_INTERVAL = 0.5

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


def progress_path(job_id: int) -> Path:
    return private_files_dir() / PROGRESS_DIR / f"{job_id}.json"


def read_progress(job_id: int) -> tuple[int, int | None, dt.datetime] | None:
    """(rows done, rows expected, written at) from the progress file, or None."""
    try:
        data = json.loads(progress_path(job_id).read_text(encoding="utf-8"))
        total = data.get("total")
        return (
            int(data["done"]),
            int(total) if total is not None else None,
            dt.datetime.fromisoformat(data["at"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
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


class ProgressFile:
    """The progress callback handed to the engine: rewrites the job's JSON
    file atomically (temporary file + ``os.replace``), at most every
    ``interval`` seconds."""

    def __init__(
        self,
        job_id: int,
        *,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = progress_path(job_id)
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
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps({"done": done, "total": total, "at": timezone.now().isoformat()})
        handle, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.stem}-", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
