"""The life of a survey import on the web: writes to an import job.

An officer uploads a file (:func:`import_job_create`, state MAPPING), maps its
columns (:func:`import_job_map`, state QUEUED; the mapping is remembered for
the region and the header), and ``kotacerdas worker`` runs the task
:func:`kotacerdas.umkm.tasks.import_run`, which calls :func:`import_job_run`
(RUNNING, then DONE or FAILED) through the import engine
:func:`kotacerdas.umkm.imports.engine.run_import`, the same code as
``kotacerdas umkm import``. Progress and the worker's sign of life are in
:mod:`kotacerdas.umkm.imports.progress`.
"""

from __future__ import annotations

import datetime as dt
import enum
import glob
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_state, snapshot
from kotacerdas.core.jobs import moment_text, stalled
from kotacerdas.core.services import full_clean
from kotacerdas.core.storage import (
    delete_private,
    private_is_local,
    private_output,
    private_put,
    private_storage,
    store_checked,
)
from kotacerdas.core.uploads import CheckedUpload
from kotacerdas.regions.models import Region
from kotacerdas.umkm.duplicates.services import candidates_find
from kotacerdas.umkm.imports.engine import (
    ImportGivenUp,
    ImportResult,
    run_import,
    staged_rows_purge,
)
from kotacerdas.umkm.imports.models import (
    ColumnMapping,
    FilesRemoved,
    ImportJob,
    mapping_from_json,
    mapping_to_json,
)
from kotacerdas.umkm.imports.progress import ProgressBeat, is_stalled, job_progress, read_progress
from kotacerdas.umkm.imports.reading import ImportFileError
from kotacerdas.umkm.imports.selectors import (
    files_expired,
    import_summary,
    imports_running,
    jobs_holding_people,
    stored_file,
)
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.pdp.selectors import due_for_anonymisation
from kotacerdas.umkm.pdp.services import AnonymiseResult, businesses_anonymise, record_access
from kotacerdas.umkm.registry.models import PERSONAL_FIELDS, Business
from kotacerdas.umkm.statistics.selectors import registry_statistics, statistics_forget

logger = logging.getLogger(__name__)

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
    "files_removed_reason",
)

State = ImportJob.State
# The worker's task that runs an import (it calls import_job_run).
IMPORT_TASK = "kotacerdas.umkm.tasks.import_run"
# The worker's task that deletes the invisible rows of failed imports.
LEFTOVERS_TASK = "kotacerdas.umkm.tasks.import_leftovers_purge"
# A job whose region is busy with another import is tried again after this long.
REGION_BUSY_RETRY = dt.timedelta(seconds=15)


def _user(actor: Actor) -> Any:
    """The user row to store for ``actor`` (None for the system)."""
    return actor if actor is not None and actor.is_authenticated else None


def _snapshot(job: ImportJob) -> dict[str, Any]:
    return snapshot(job, AUDIT_FIELDS)


def _audit(*, actor: Actor, job: ImportJob, before: dict[str, Any] | None) -> None:
    audit_state(
        actor=actor, instance=job, fields=AUDIT_FIELDS, before=before, region_code=job.region.code
    )


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
            full_clean(job)
            job.save()
            _audit(actor=actor, job=job, before=None)
    except BaseException:
        delete_private(stored)
        raise
    return job


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
        full_clean(job)
        job.save(update_fields=["sheet", "header_row", "mapping", "rows_total", "state"])
        _audit(actor=actor, job=job, before=before)
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    """Hand the QUEUED job to the worker. The task is named by its path, as
    the scheduler names its tasks: ``tasks.py`` sits above the services it
    calls. The task id is the queue's bookkeeping (the job's audited change
    is its state), kept to find the task of a job."""
    result = import_string(IMPORT_TASK).enqueue(job_id=job_id)
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
    # A failed job's upload holds personal data and serves no one now.
    import_files_remove(job_id=job.pk, reason=FilesRemoved.FAILED)
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
        if import_summary(job) is not None:
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
        # The progress entry was the dead worker's sign of life; now it is litter.
        transaction.on_commit(ProgressBeat(job.pk).remove)
        failed = job.state == State.FAILED
        if failed and job.staging:
            # The rows the dead worker wrote are invisible; the worker deletes them.
            transaction.on_commit(_enqueue_leftovers_purge)
    if failed:
        import_files_remove(job_id=job.pk, reason=FilesRemoved.FAILED)
    return job


def _enqueue_leftovers_purge() -> None:
    import_string(LEFTOVERS_TASK).enqueue()


def _delete_report(name: str) -> None:
    """Remove a report and the half-written files beside it (see
    RejectionReport: the workbook and its sheets' rows, which hold NIKs).
    In a bucket there is only the finished object: a report is written on
    the worker's machine, in a temporary folder, and uploaded complete."""
    delete_private(name)
    if not private_is_local():
        return
    path = Path(private_storage.path(name))
    path.unlink(missing_ok=True)
    path.with_name(f".{path.name}.partial").unlink(missing_ok=True)
    for part in path.parent.glob(f".{glob.escape(path.name)}.sheet*.partial"):
        part.unlink(missing_ok=True)


def _delete_files(names: list[str]) -> None:
    for name in names:
        _delete_report(name)


def give_up_if_stalled(job: ImportJob) -> ImportJob:
    """``job``, marked failed first if it is RUNNING without progress for
    longer than :data:`~kotacerdas.umkm.imports.progress.STALL_AFTER`, or if
    it is a command line's QUEUED job whose process is gone
    (:func:`cli_job_abandoned`). Pages call this before showing a job."""
    if job.state == State.QUEUED and job.task_id.startswith(CLI_OWNER):
        return import_job_abandoned_fail(job=job)
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


def import_report_export(*, actor: Actor, job: ImportJob) -> str:
    """The stored name of the rejection report of ``job``, its download
    recorded: the report holds the rejected rows' original cells, NIKs and
    phone numbers included, so handing it out is an export of personal data.
    The caller checks that ``actor`` may reveal personal data."""
    with transaction.atomic():
        record_access(
            actor=actor,
            region=job.region,
            action=PersonalDataAccess.Action.EXPORT,
            purpose=f"laporan penolakan impor #{job.pk} ({job.filename})",
            fields=PERSONAL_FIELDS,
            business_ids=[],
        )
    return job.report_name


def _new_report_name() -> str:
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}.xlsx"


class Claim(enum.Enum):
    CLAIMED = "claimed"
    BUSY = "busy"  # another import of the region runs: the job waits
    GONE = "gone"  # not QUEUED (run already, or settled)


def _claim(job_id: int, report_name: str) -> Claim:
    """QUEUED → RUNNING, once: a task delivered twice does not import twice.
    The report's name is kept from the start, so that a job whose worker
    died after the import committed still offers its report.

    One import per region at a time, whatever the number of workers (two
    running at once could both add the same new business, or the same NIB):
    the region's lease is "no other job of the region RUNNING", checked and
    taken in one short transaction that holds the region row (PostgreSQL,
    ``SELECT … FOR UPDATE``) or the database's write lock (SQLite takes it at
    ``BEGIN IMMEDIATE``), so two claims are never both granted. A lease
    whose worker died expires by the rule every job page applies: a RUNNING
    job without a sign of life for ``STALL_AFTER`` is given up first.

    A job given up (or failed) keeps its invisible rows until they are
    purged, and they hold NIBs the new job, reading only visible keys, would
    insert again (refused by the unique NIB). The claim purges them here,
    synchronously, rather than waiting for the queued clean-up task: it runs
    in the worker or the command line (never a web request), the purge is
    the same short-transaction chunks the task runs (safe beside it: each
    chunk locks the job row and checks the flag), it costs what the dead job
    wrote, and a worker alone would otherwise re-queue this claim ahead of
    the task. A job still ``staging`` after that (the purge failed) is the
    region's holder: the job waits and purges again at its next try."""
    job = ImportJob.objects.filter(pk=job_id, state=State.QUEUED).first()
    if job is None:
        return Claim.GONE
    for other in imports_running(region_id=job.region_id, exclude=job_id).select_related("region"):
        give_up_if_stalled(other)
    for leftover in _leftovers(job.region_id, exclude=job_id).values_list("pk", flat=True):
        try:
            staged_rows_purge(job_id=leftover)
        except Exception:
            logger.exception("clearing the rows of failed import %s", leftover)
    try:
        with transaction.atomic():
            # A command-line import in one transaction holds the region row
            # for its whole run (PostgreSQL): not waited for, the region is busy.
            free = Region.objects.select_for_update(skip_locked=True).filter(pk=job.region_id)
            region_free = bool(list(free.values_list("pk", flat=True)))
            holder = (
                imports_running(region_id=job.region_id, exclude=job_id).first()
                or _leftovers(job.region_id, exclude=job_id).first()
            )
            if holder is not None or not region_free:
                ImportJob.objects.filter(pk=job_id, state=State.QUEUED).update(waiting_for=holder)
                return Claim.BUSY
            claimed = ImportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
                state=State.RUNNING,
                started_at=timezone.now(),
                rows_done=0,
                report_name=report_name,
                waiting_for=None,
            )
    except OperationalError:
        # SQLite: the write lock held past the busy timeout (a command-line
        # import in one transaction). The job waits and tries again.
        logger.warning("import job %s: database busy, claim retried later", job_id)
        return Claim.BUSY
    return Claim.CLAIMED if claimed else Claim.GONE


def _leftovers(region_id: int, *, exclude: int) -> QuerySet[ImportJob]:
    """The region's jobs that ended (failed, given up) with invisible rows not
    yet purged."""
    leftovers = ImportJob.objects.filter(region_id=region_id, staging=True)
    return leftovers.exclude(state=State.RUNNING).exclude(pk=exclude).order_by("pk")


def _enqueue_later(job_id: int) -> None:
    """Try a waiting job again after :data:`REGION_BUSY_RETRY` (django-tasks
    ``run_after``): the worker stays free for other work meanwhile."""
    task = import_string(IMPORT_TASK).using(run_after=timezone.now() + REGION_BUSY_RETRY)
    result = task.enqueue(job_id=job_id)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def _find_duplicates(job: ImportJob) -> None:
    """Put the businesses this import added into the duplicate review queue."""
    ids = list(Business.objects.filter(import_job=job).values_list("id", flat=True))
    if not ids:
        return
    try:
        candidates_find(actor=job.created_by, region=job.region, business_ids=ids)
    except Exception:
        # The import itself is complete and committed; the next search of
        # the region (another import, or the duplicates page) finds them.
        logger.exception("duplicate search after import %s failed", job.pk)


def _warm_statistics(job: ImportJob) -> None:
    """Count the region's statistics now, in the worker, so that the first
    visitor after a large import does not wait for the recount (the tally
    lives in the shared cache, settings.CACHES)."""
    try:
        statistics_forget(job.region)  # the rows came all at once, with older stamps
        registry_statistics(region=job.region)
    except Exception:
        logger.exception("statistics after import %s failed", job.pk)


def import_job_run(*, job_id: int) -> dict[str, Any]:
    """Run the import of a QUEUED job (the worker's task); return its summary
    (empty when the job was not QUEUED or failed; ``{"waiting": True}`` when
    another import of the region runs: the job stays QUEUED, says so on its
    page, and is tried again later)."""
    report_name = _new_report_name()
    claim = _claim(job_id, report_name)
    if claim is Claim.BUSY:
        _enqueue_later(job_id)
        return {"waiting": True}
    if claim is Claim.GONE:
        return {}
    job = ImportJob.objects.select_related("region", "created_by").get(pk=job_id)
    progress = ProgressBeat(job.pk)
    progress.write(0, job.rows_total)
    with private_output(report_name) as report_path:
        result = _run_job(job, progress, report_path)
        if result is None:
            return {}
        published = bool(result.report_path) and report_path.exists()
        if published:
            # A bucket: the report written here goes up now; the job says
            # DONE only afterwards (a worker that dies in between leaves a
            # job given up as DONE without a report, import_job_give_up).
            try:
                private_put(report_path, report_name)
            except Exception:
                # The import is committed; only its report is lost.
                logger.exception("import job %s: the report could not be stored", job.pk)
                published = False
    import_job_finish(
        job=job,
        result=result,
        report_name=report_name if published else "",
        actor=job.created_by,
    )
    # Only now: until the job row says DONE, the entry's freshness is what
    # tells a page that the worker is alive (give_up_if_stalled).
    progress.remove()
    _find_duplicates(job)
    _warm_statistics(job)
    return {key: value for key, value in result.as_dict().items() if key != "report_path"}


def _run_job(job: ImportJob, progress: ProgressBeat, report_path: Path) -> ImportResult | None:
    """The engine on the job's stored file (a temporary copy of it on this
    machine when the files are in a bucket), its report written to
    ``report_path``; None when the job failed (recorded) or was given up."""
    try:
        with stored_file(job) as path:
            return run_import(
                actor=job.created_by,
                region=job.region,
                path=path,
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
        return None
    except ImportGivenUp:
        # A page settled the job meanwhile (FAILED, with its reason); its rows
        # are purged already. Expected, not a system error: no traceback.
        logger.info("import job %s was given up while it ran; stopped", job.pk)
        report_path.unlink(missing_ok=True)
        progress.remove()
        return None
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
        return None


# --- The command line's staged import --------------------------------------------------------

# How often the command line asks again for the region's lease while it waits (seconds).
REGION_BUSY_POLL = 2.0
# A command line's job names its process in ``task_id`` (a worker's job names
# its queued task there): ``cli:PID@HOST``. No worker task will ever run such a
# job, so when the process is gone while the job is still QUEUED (it waited for
# another import of its region and was killed with SIGKILL, or its machine
# stopped) nothing else would end it.
CLI_OWNER = "cli:"


def _host() -> str:
    """This machine's name and, where /proc shows it, its process namespace:
    two containers given the same host name (compose's ``hostname:``) do not
    see each other's processes, so a pid is only checked where its namespace
    is this process's own."""
    try:
        space = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()
    return f"{space}.{socket.gethostname()}"


def cli_owner(pid: int | None = None) -> str:
    """``cli:PID@HOST`` of this process (or of ``pid`` on this host), as
    stored in ``ImportJob.task_id`` (64 characters at most)."""
    return f"{CLI_OWNER}{os.getpid() if pid is None else pid}@{_host()}"[:64]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def cli_job_abandoned(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    """True when ``job`` is a command line's QUEUED job whose process is gone:
    on this host, no process has its pid; on any host, its sign of life (the
    progress entry, rewritten at every poll while it waits, else its creation)
    is older than :data:`~kotacerdas.core.jobs.STALL_AFTER` (another host's
    process, or a pid reused on this one)."""
    if job.state != State.QUEUED or not job.task_id.startswith(CLI_OWNER):
        return False
    pid_text = job.task_id.removeprefix(CLI_OWNER).partition("@")[0]
    here = pid_text.isdigit() and job.task_id == cli_owner(int(pid_text))
    if here and not _process_alive(int(pid_text)):
        return True
    beat = read_progress(job.pk)
    return stalled(beat[2] if beat is not None else job.created_at, now=now)


def import_job_abandoned_fail(*, job: ImportJob) -> ImportJob:
    """``job``, FAILED first if :func:`cli_job_abandoned` (checked again under
    the job's row lock, so a command that claims the lease meanwhile keeps
    its job). It never ran: the registry is unchanged."""
    if not cli_job_abandoned(job):
        return job
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        if not cli_job_abandoned(job):
            return job
        before = _snapshot(job)
        job.state = State.FAILED
        job.error = _(
            "Impor dari baris perintah berhenti sebelum dimulai: prosesnya tidak berjalan lagi. "
            "Data registri tidak berubah."
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        _audit(actor=None, job=job, before=before)
        transaction.on_commit(ProgressBeat(job.pk).remove)
    logger.warning("import job %s: its command-line process is gone; marked failed", job.pk)
    return job


def import_jobs_abandoned_fail() -> int:
    """Settle every command line's QUEUED job whose process is gone (the
    daily sweep; pages settle the jobs they show). Returns how many."""
    queued = ImportJob.objects.filter(state=State.QUEUED, task_id__startswith=CLI_OWNER)
    return sum(
        import_job_abandoned_fail(job=job).state == State.FAILED
        for job in queued.select_related("region")
    )


def import_run_here(
    *,
    actor: Actor,
    region: Region,
    path: Path,
    filename: str,
    sheet: str | None = None,
    report_path: Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    waiting: Callable[[ImportJob | None], None] | None = None,
    poll: float | None = None,
) -> tuple[ImportJob, ImportResult]:
    """``kotacerdas umkm import --staged``: an import job run in this process
    instead of the worker, by the same rules as a web upload's. Its rows are
    written in short transactions and published at once (other users keep
    writing meanwhile), and it takes the region's lease like any job: while
    another import of the region runs, it waits (``waiting`` is told of each
    holder, once). The file stays where it is (not copied into private
    storage); the job is listed with the region's imports. Raises
    :class:`ImportFileError` for an unreadable file (the job FAILED)."""
    with transaction.atomic():
        job = ImportJob(
            region=region,
            created_by=_user(actor),
            filename=filename[:255],
            sheet=sheet or "",
            state=State.QUEUED,
            task_id=cli_owner(),
        )
        full_clean(job)
        job.save()
        _audit(actor=actor, job=job, before=None)
    told: set[int | None] = set()
    beat = ProgressBeat(job.pk)
    try:
        # While it waits, the entry is its sign of life (cli_job_abandoned).
        beat.write(0, None)
        while (claim := _claim(job.pk, "")) is Claim.BUSY:
            holder = ImportJob.objects.filter(pk=job.pk).values_list("waiting_for", flat=True)[0]
            if waiting is not None and holder not in told:
                waiting(ImportJob.objects.filter(pk=holder).first() if holder else None)
            told.add(holder)
            time.sleep(REGION_BUSY_POLL if poll is None else poll)
            beat.write(0, None)
    except BaseException:
        # Ctrl-C, or SIGTERM/SIGHUP (the command turns them into SystemExit).
        beat.remove()
        import_job_fail(actor=actor, job=job, message=_("Impor dibatalkan sebelum dimulai."))
        raise
    if claim is Claim.GONE:  # settled by someone else while it waited
        beat.remove()
        job.refresh_from_db()
        raise ImportFileError(job.error or _("Impor dibatalkan sebelum dimulai."))
    job = ImportJob.objects.select_related("region", "created_by").get(pk=job.pk)
    beat.write(0, None)

    def advance(done: int, total: int | None) -> None:
        beat(done, total)  # the sign of life pages read (a dead command is given up)
        if progress is not None:
            progress(done, total)

    try:
        result = run_import(
            actor=actor,
            region=region,
            path=path,
            filename=filename,
            sheet=sheet,
            job=job,
            progress=advance,
            report_path=report_path,
        )
    except ImportFileError as error:
        import_job_fail(actor=actor, job=job, message=error.message)
        raise
    except BaseException:
        import_job_fail(
            actor=actor,
            job=job,
            message=_("Impor dari baris perintah berhenti; data registri tidak berubah."),
        )
        raise
    finally:
        beat.remove()
    job = import_job_finish(job=job, result=result, report_name="", actor=actor)
    return job, result


# --- Stored files: personal data that expires ------------------------------------------------


def import_files_remove(*, job_id: int, reason: str) -> bool:
    """Delete the uploaded file and the rejection report of a job (they hold
    NIKs and phone numbers) and record when and why, so the job's page says
    why the report is gone. Not while the job runs (it reads the file).
    Returns whether anything was removed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("region").filter(pk=job_id)
        found = job.first()
        if found is None or not (found.stored_name or found.report_name):
            return False
        if found.state in (State.QUEUED, State.RUNNING):
            return False
        before = _snapshot(found)
        names = [name for name in (found.stored_name, found.report_name) if name]
        if found.state == State.MAPPING:
            # Never mapped: without its file it can only fail.
            found.state = State.FAILED
            found.finished_at = timezone.now()
            found.error = _(
                "Berkas unggahan dihapus sebelum kolomnya dipetakan (%(reason)s); data "
                "registri tidak berubah. Unggah berkas ini lagi untuk mengimpor."
            ) % {"reason": FilesRemoved(reason).label}
        found.stored_name = ""
        found.report_name = ""
        found.files_removed_at = timezone.now()
        found.files_removed_reason = reason
        found.save(
            update_fields=[
                "state",
                "finished_at",
                "error",
                "stored_name",
                "report_name",
                "files_removed_at",
                "files_removed_reason",
            ]
        )
        _audit(actor=None, job=found, before=before)
        transaction.on_commit(lambda: _delete_files(names))
    return True


def import_files_expire(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's daily sweep: delete the files of jobs past
    ``KOTACERDAS_IMPORT_FILE_RETENTION_DAYS``, of failed jobs (normally gone
    at once) and of jobs holding an anonymised business; clear the invisible
    rows failed imports left behind. Idempotent."""
    now = now or timezone.now()
    counts = {"expired": 0, "failed": 0, "anonymised": 0}
    days = settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS
    for reason, jobs in files_expired(now=now, days=days).items():
        for job_id in jobs:
            counts[reason] += import_files_remove(job_id=job_id, reason=reason)
    counts["rows_cleared"] = import_leftovers_purge()
    counts["abandoned"] = import_jobs_abandoned_fail()
    return counts


def import_files_forget(*, businesses: list[Business]) -> int:
    """Before ``businesses`` are anonymised: delete the stored files of every
    import job holding one of them (the job that imported it, or a file that
    mentions its owner's NIK or phone). Simplest honest design: the whole
    files go, and the job's page says why (docs/decisions.md)."""
    removed = 0
    for job_id in jobs_holding_people(businesses=businesses):
        removed += import_files_remove(job_id=job_id, reason=FilesRemoved.ANONYMISED)
    return removed


def import_files_forget_due(*, regions: list[Region], now: dt.datetime | None = None) -> int:
    """Before the anonymisation at the end of retention: delete the stored
    import files holding the people about to be anonymised."""
    now = now or timezone.now()
    return sum(
        import_files_forget(businesses=list(due_for_anonymisation(region, now)))
        for region in regions
    )


def anonymise_due(
    *, actor: Actor, regions: list[Region], now: dt.datetime | None = None
) -> tuple[int, AnonymiseResult]:
    """The end of retention, whole, for the web, the command and the daily
    task alike: first the stored import files holding the people due (their
    NIK and phone are in them, and cannot be found once cleared), then their
    registry rows. Returns the files removed and the anonymisation's result."""
    files = import_files_forget_due(regions=regions, now=now)
    return files, businesses_anonymise(actor=actor, regions=regions, now=now)


def import_leftovers_purge() -> int:
    """Delete the invisible rows of every staging job whose import is not
    running (it failed, or its worker died and a page gave it up)."""
    removed = 0
    leftovers = ImportJob.objects.filter(staging=True).exclude(state__in=[State.RUNNING])
    for job_id in leftovers.values_list("pk", flat=True):
        removed += staged_rows_purge(job_id=job_id)
    return removed
