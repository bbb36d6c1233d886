"""The life of a survey import on the web, and its background task.

An officer uploads a file (:func:`import_job_create`, state MAPPING), maps its
columns (:func:`import_job_map`, state QUEUED; the mapping is remembered for
the region and the header), and ``kotacerdas worker`` runs
:func:`import_run` (RUNNING, then DONE or FAILED) through the import engine
:func:`kotacerdas.umkm.importing.run_import`, the same code as
``kotacerdas umkm import``.

Progress goes to a small JSON file, not to the job's row: the engine imports
in one transaction, and on SQLite that transaction holds the write lock (and
on any database its writes are invisible to other connections), so the web
could not see ``rows_done`` move. The file lies in ``PRIVATE_FILES_DIR``,
which web and worker share already (the worker reads the uploaded file from
there). It also serves as the worker's sign of life: a RUNNING job without
progress for :data:`STALL_AFTER` is settled when a page shows it
(:func:`import_job_give_up`): FAILED, the registry unchanged, unless the
engine had committed before the worker died.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kotacerdas.core.audit import Actor, audit_record, history_for
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.storage import (
    delete_private,
    private_files_dir,
    private_storage,
    store_checked,
)
from kotacerdas.core.uploads import CheckedUpload
from kotacerdas.regions.models import Region
from kotacerdas.umkm.importing import ImportFileError, ImportResult, run_import
from kotacerdas.umkm.models import Business, ColumnMapping, ImportJob

logger = logging.getLogger(__name__)

PROGRESS_DIR = "import-progress"
# A running job that has shown no progress for this long is taken for dead
# (the worker was killed, the machine restarted): its transaction is gone,
# so the registry is as it was before the import.
STALL_AFTER = dt.timedelta(minutes=10)
# The progress file is rewritten at most this often (seconds).
PROGRESS_INTERVAL = 0.5

AUDIT_FIELDS = (
    "state",
    "filename",
    "file_sha256",
    "sheet",
    "header_row",
    "mapping",
    "rows",
    "imported",
    "matched_existing",
    "duplicates_in_file",
    "rejected",
    "error",
)

State = ImportJob.State


def _user(actor: Actor) -> Any:
    """The user row to store for ``actor`` (None for the system)."""
    return actor if actor is not None and actor.is_authenticated else None


def _snapshot(job: ImportJob) -> dict[str, Any]:
    return {name: getattr(job, name) for name in AUDIT_FIELDS}


def _audit(*, actor: Actor, job: ImportJob, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=job,
        before=before,
        after=_snapshot(job),
        region_code=job.region.code,
    )


# --- Mapping as stored (JSON keys are text) ------------------------------------------------


def mapping_to_json(mapping: Mapping[int, str]) -> dict[str, str]:
    return {str(index): field for index, field in sorted(mapping.items())}


def mapping_from_json(data: Mapping[str, Any] | None) -> dict[int, str]:
    result: dict[int, str] = {}
    for key, field in (data or {}).items():
        with contextlib.suppress(TypeError, ValueError):
            result[int(key)] = str(field)
    return result


# --- Selectors ------------------------------------------------------------------------


def earlier_imports(job: ImportJob) -> models.QuerySet[ImportJob]:
    """Finished imports of the same file (same SHA-256) into the same region."""
    return (
        ImportJob.objects.filter(
            region_id=job.region_id, file_sha256=job.file_sha256, state=State.DONE
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at", "-id")
    )


def remembered_mapping(
    *, region: Region, signature: str, columns: int, fields: Mapping[str, Any]
) -> dict[int, str] | None:
    """The mapping saved for this region and header, limited to columns that
    exist and fields that still exist; None when there is none."""
    saved = ColumnMapping.objects.filter(region=region, signature=signature).first()
    if saved is None:
        return None
    return {
        index: field
        for index, field in mapping_from_json(saved.mapping).items()
        if 0 <= index < columns and field in fields
    }


def _load_event(job: ImportJob) -> dict[str, Any] | None:
    """The summary the engine recorded in its audit event when it committed
    the import of ``job``; None when it has not (yet)."""
    after = (
        history_for(job)
        .filter(action=AuditEvent.Action.LOAD)
        .order_by("-occurred_at", "-id")
        .values_list("after", flat=True)
        .first()
    )
    return after if isinstance(after, dict) else None


def import_warnings(job: ImportJob) -> int | None:
    """How many warnings the import of ``job`` gave (rows imported with a
    remark, listed in the report); None when the job has not been imported."""
    summary = _load_event(job)
    if summary is None or "warnings" not in summary:
        return None
    return int(summary["warnings"])


@dataclass(frozen=True)
class Progress:
    """How far a job is, for the progress bar. ``total`` is an estimate
    (None when unknown); ``since`` the last sign of life of the worker."""

    state: str
    done: int
    total: int | None
    since: dt.datetime | None
    waiting_long: bool  # QUEUED for longer than STALL_AFTER: is a worker running?

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
        return Progress(
            job.state, 0, job.rows_total, queued_since, now - queued_since > STALL_AFTER
        )
    return Progress(job.state, job.rows_done, job.rows_total, job.finished_at, False)


def is_stalled(progress: Progress, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        progress.state == State.RUNNING
        and progress.since is not None
        and now - progress.since > STALL_AFTER
    )


# --- Progress file (written by the worker) ------------------------------------------------


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


# --- Services -----------------------------------------------------------------------------


def import_job_create(
    *, actor: Actor, region: Region, upload: UploadedFile, checked: CheckedUpload
) -> ImportJob:
    """Keep the checked upload in private storage and open a job waiting for
    its column mapping."""
    stored = store_checked(upload, checked)
    try:
        with transaction.atomic():
            job = ImportJob(
                region=region,
                created_by=_user(actor),
                filename=checked.original_name,
                stored_name=stored,
                file_sha256=checked.sha256,
                state=State.MAPPING,
            )
            job.full_clean()
            job.save()
            _audit(actor=actor, job=job, before=None)
    except BaseException:
        delete_private(stored)
        raise
    return job


def stored_path(job: ImportJob) -> Path:
    """Where the uploaded file of ``job`` lies (inside private storage)."""
    return Path(private_storage.path(job.stored_name))


def import_job_map(
    *,
    actor: Actor,
    job: ImportJob,
    sheet: str,
    header_row: int,
    headers: list[str],
    signature: str,
    mapping: Mapping[int, str],
    rows_estimate: int | None,
) -> ImportJob:
    """Save the mapping of ``job``, remember it for files with the same header
    in this region, and queue the import (enqueued once the transaction has
    committed, so the worker finds the job QUEUED)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        if job.state != State.MAPPING:
            return job
        before = _snapshot(job)
        ColumnMapping.objects.update_or_create(
            region=job.region,
            signature=signature,
            defaults={
                "headers": headers,
                "mapping": mapping_to_json(mapping),
                "updated_by": _user(actor),
                "updated_at": timezone.now(),
            },
        )
        job.sheet = sheet
        job.header_row = header_row
        job.mapping = mapping_to_json(mapping)
        job.rows_total = rows_estimate
        job.state = State.QUEUED
        job.full_clean()
        job.save(update_fields=["sheet", "header_row", "mapping", "rows_total", "state"])
        _audit(actor=actor, job=job, before=before)
        job_id = job.pk
        transaction.on_commit(lambda: import_job_enqueue(job_id=job_id))
    return job


def import_job_enqueue(*, job_id: int) -> None:
    result = import_run.enqueue(job_id=job_id)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def import_job_fail(*, actor: Actor, job: ImportJob, message: str) -> ImportJob:
    """The job could not run (unreadable file, engine error); the registry is
    as it was. The message is shown to the officer."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        if job.state in (State.DONE, State.FAILED):
            return job  # a finished job keeps its outcome
        before = _snapshot(job)
        job.state = State.FAILED
        job.error = message
        job.report_name = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "report_name", "finished_at"])
        _audit(actor=actor, job=job, before=before)
    return job


def import_job_give_up(*, job: ImportJob, since: dt.datetime) -> ImportJob:
    """Settle a RUNNING job that has shown no progress since ``since``: its
    worker is gone. If the engine had committed the import (its audit event
    exists, and it stored the counts on the job) the job is DONE; else it is
    FAILED and the registry is as it was. Only a job still RUNNING changes;
    should its worker after all finish, :func:`import_job_finish` records
    the outcome."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        if job.state != State.RUNNING:
            return job
        before = _snapshot(job)
        if _load_event(job) is not None:
            job.state = State.DONE
            if job.report_name and not private_storage.exists(job.report_name):
                job.report_name = ""
        else:
            job.state = State.FAILED
            # A report the dead worker may have left belongs to no import.
            orphan = job.report_name
            if orphan:
                transaction.on_commit(lambda: _delete_report(orphan))
            job.report_name = ""
            job.error = _(
                "Impor berhenti: tidak ada kemajuan sejak %(since)s. Proses latar belakang "
                "kemungkinan terhenti, sehingga data registri tidak berubah. Unggah berkas "
                "ini lagi untuk mengulang."
            ) % {"since": moment_text(since)}
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "report_name", "finished_at"])
        _audit(actor=None, job=job, before=before)
        # The progress file was the dead worker's sign of life; now it is litter.
        transaction.on_commit(ProgressFile(job.pk).remove)
    return job


def _delete_report(name: str) -> None:
    """Remove a report and the half-written file beside it (see RejectionReport)."""
    path = Path(private_storage.path(name))
    path.unlink(missing_ok=True)
    path.with_name(f".{path.name}.partial").unlink(missing_ok=True)


def give_up_if_stalled(job: ImportJob) -> ImportJob:
    """``job``, marked failed first if it is RUNNING without progress for
    longer than :data:`STALL_AFTER` (pages call this before showing a job)."""
    if job.state != State.RUNNING:
        return job
    progress = job_progress(job)
    if is_stalled(progress) and progress.since is not None:
        return import_job_give_up(job=job, since=progress.since)
    return job


def import_job_finish(
    *, job: ImportJob, result: ImportResult, report_name: str, actor: Actor
) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        before = _snapshot(job)
        job.state = State.DONE
        job.error = ""
        job.rows = result.rows
        job.rows_done = result.rows
        job.imported = result.imported
        job.matched_existing = result.matched_existing
        job.duplicates_in_file = result.duplicates_in_file
        job.rejected = result.rejected
        job.report_name = report_name
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                "state",
                "error",
                "rows",
                "rows_done",
                "imported",
                "matched_existing",
                "duplicates_in_file",
                "rejected",
                "report_name",
                "finished_at",
            ]
        )
        _audit(actor=actor, job=job, before=before)
    return job


def moment_text(moment: dt.datetime) -> str:
    """``18 November 2024 pukul 10.15`` in local time."""
    from kotacerdas.core.formatting import date_id

    local = timezone.localtime(moment)
    return _("%(date)s pukul %(time)s") % {
        "date": date_id(local.date()),
        "time": local.strftime("%H.%M"),
    }


def _new_report_name() -> str:
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}.xlsx"


def _claim(job_id: int, report_name: str) -> bool:
    """QUEUED → RUNNING, once: a task delivered twice does not import twice.
    The report's name is kept from the start, so that a job whose worker
    died after the import committed still offers its report."""
    return bool(
        ImportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
            state=State.RUNNING, started_at=timezone.now(), rows_done=0, report_name=report_name
        )
    )


def _find_duplicates(job: ImportJob) -> None:
    """Put the businesses this import added into the duplicate review queue."""
    from kotacerdas.umkm.duplicates import find_candidates

    ids = list(Business.objects.filter(import_job=job).values_list("id", flat=True))
    if not ids:
        return
    try:
        find_candidates(region=job.region, business_ids=ids)
    except Exception:
        # The import itself is complete and committed; the next search of
        # the region (another import, or the duplicates page) finds them.
        logger.exception("duplicate search after import %s failed", job.pk)


def _warm_statistics(job: ImportJob) -> None:
    """Count the region's statistics now, in the worker, so that the first
    visitor after a large import does not wait for the recount (the tally
    lives in the shared cache, settings.CACHES)."""
    from kotacerdas.umkm.statistics import registry_statistics

    try:
        registry_statistics(region=job.region)
    except Exception:
        logger.exception("statistics after import %s failed", job.pk)


@task()
def import_run(job_id: int) -> dict[str, Any]:
    """Run the import of a QUEUED job; return its summary (empty when the
    job was not QUEUED or failed)."""
    report_name = _new_report_name()
    if not _claim(job_id, report_name):
        return {}
    job = ImportJob.objects.select_related("region", "created_by").get(pk=job_id)
    progress = ProgressFile(job.pk)
    progress.write(0, job.rows_total)
    report_path = Path(private_storage.path(report_name))
    report_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        result = run_import(
            actor=job.created_by,
            region=job.region,
            path=stored_path(job),
            filename=job.filename,
            sheet=job.sheet or None,
            mapping=mapping_from_json(job.mapping) or None,
            job=job,
            progress=progress,
            report_path=report_path,
        )
    except ImportFileError as error:
        report_path.unlink(missing_ok=True)
        import_job_fail(actor=job.created_by, job=job, message=error.message)
        progress.remove()
        return {}
    except Exception:
        logger.exception("import job %s failed", job.pk)
        report_path.unlink(missing_ok=True)
        import_job_fail(
            actor=job.created_by,
            job=job,
            message=_(
                "Impor gagal karena kesalahan sistem; data registri tidak berubah. Coba lagi, "
                "atau hubungi admin dengan menyebut nomor impor %(number)s."
            )
            % {"number": job.pk},
        )
        progress.remove()
        return {}
    import_job_finish(
        job=job,
        result=result,
        report_name=report_name if result.report_path and report_path.exists() else "",
        actor=job.created_by,
    )
    # Only now: until the job row says DONE, the file's freshness is what
    # tells a page that the worker is alive (give_up_if_stalled).
    progress.remove()
    _find_duplicates(job)
    _warm_statistics(job)
    return {key: value for key, value in result.as_dict().items() if key != "report_path"}


@task()
def anonymise_expired(day: str | None = None) -> dict[str, int]:
    """Daily (kotacerdas.core.scheduler): clear the personal data of every
    region's businesses closed longer than its retention period (UU 27/2022:
    delete at the end of retention). Idempotent; ``day`` is the scheduler's."""
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.pdp import businesses_anonymise

    result = businesses_anonymise(actor=None, regions=list(Region.objects.order_by("code")))
    return dict(result.counts)
