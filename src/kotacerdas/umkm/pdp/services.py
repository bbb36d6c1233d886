"""Personal data of the registry (UU 27/2022, DOMAIN.md §7): reveal, export,
the per-person report and anonymisation at the end of retention.

Every function that lets personal data out (or removes it) writes one
:class:`~kotacerdas.umkm.models.PersonalDataAccess` row in the same
transaction as the read or the change, so there is no disclosure without its
record. Callers check permission first (``access.businesses_for(user,
"reveal")``); these services trust the querysets they are given.

Decisions:

- An export *with* personal data needs "reveal" and is recorded with every
  business id. An export *without* personal data (the columns of
  :data:`PUBLIC_COLUMNS`; an individual's NPWP, which is their NIK, masked) is
  allowed to everyone who may view the registry and is not recorded: the
  record of processing is about personal data, and this file holds none.
- An export is a background job (:func:`export_job_create`, then the
  worker's :func:`run_export_job`): it reads in chunks *outside* any
  transaction, so that no writer waits for it (issue 14), and records the
  disclosure in its own short transaction when the file is complete, together
  with the job becoming DONE; each download is recorded again
  (:func:`export_job_download`). Reveal, the per-person report and
  anonymisation read little and keep the record in the transaction of the read.
- The per-person report records itself before it is built, so the person sees
  that report in their own processing record.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kotacerdas.core.audit import (
    Actor,
    actor_label,
    audit_record,
    audit_state,
    history_for,
    snapshot,
)
from kotacerdas.core.formatting import decimal_id
from kotacerdas.core.jobs import moment_text, stalled
from kotacerdas.core.logging import redact
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import full_clean
from kotacerdas.core.sheets.writing import TableFile
from kotacerdas.core.storage import delete_private, private_output, private_put
from kotacerdas.regions.models import Region
from kotacerdas.umkm import identifiers
from kotacerdas.umkm.access import can
from kotacerdas.umkm.imports.selectors import SubjectImport, subject_import_jobs
from kotacerdas.umkm.national import sidt
from kotacerdas.umkm.oss.models import OssImport, OssRow
from kotacerdas.umkm.pdp.models import ExportJob, PersonalDataAccess
from kotacerdas.umkm.pdp.selectors import (
    due_for_anonymisation,
    export_businesses,
    retention_years,
)
from kotacerdas.umkm.registry.models import LOCATION_FIELDS, PERSONAL_FIELDS, Business
from kotacerdas.umkm.registry.services import audit_snapshot

logger = logging.getLogger(__name__)

# Cleared by anonymisation: the personal fields plus the location of the home
# business (coordinates point at a person's house as surely as an address).
ANONYMISED_FIELDS = (*PERSONAL_FIELDS, *LOCATION_FIELDS)

# The columns of the export with personal data, in file order: the order is
# a format people's spreadsheets depend on, so it is written out here.
PERSONAL_COLUMNS = (
    "id",
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "kbli_code",
    "kbli_version",
    "kbli_category",
    "kecamatan_code",
    "kelurahan_code",
    "workers",
    "year_started",
    "size_class",
    "size_basis",
    "ikm_class",
    "halal_number",
    "pirt_number",
    "sells_online",
    "uses_qris",
    "source",
    "status",
    "verification",
    "legal_basis",
    "address",
    "latitude",
    "longitude",
    "phone",
    "capital",
    "annual_sales",
    "consent_at",
)
# The export without personal data: the same columns, less everything
# anonymisation clears and the moment the owner consented.
PUBLIC_COLUMNS = tuple(c for c in PERSONAL_COLUMNS if c not in (*ANONYMISED_FIELDS, "consent_at"))


def record_access(
    *,
    actor: Actor,
    region: Region,
    action: str,
    purpose: str,
    fields: Sequence[str],
    business_ids: Sequence[int],
    record_count: int | None = None,
) -> PersonalDataAccess:
    """One row of the record of processing; must run in the caller's
    transaction. The only writer of :class:`PersonalDataAccess`.
    ``record_count`` defaults to the number of ``business_ids`` (an import
    records how many it added without listing them)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_access must run inside the service's transaction")
    user: Any = actor if actor is not None and actor.is_authenticated else None
    return PersonalDataAccess.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        region=region,
        action=action,
        # The purpose is free text shown on the record of processing: a NIK,
        # a phone number or a password typed there is masked (issue 14).
        purpose=redact(purpose)[:500],
        fields=list(fields),
        business_ids=list(business_ids),
        record_count=len(business_ids) if record_count is None else record_count,
    )


# --- Reveal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Revealed:
    business: Business
    values: dict[str, Any]


def business_reveal(*, actor: Actor, business: Business, purpose: str) -> Revealed:
    """The personal fields of one business in clear, recorded as a REVEAL."""
    values = {name: getattr(business, name) for name in PERSONAL_FIELDS}
    with transaction.atomic():
        record_access(
            actor=actor,
            region=business.region,
            action=PersonalDataAccess.Action.REVEAL,
            purpose=purpose,
            fields=[name for name, value in values.items() if value not in (None, "")],
            business_ids=[business.pk],
        )
    return Revealed(business=business, values=values)


# --- Export -----------------------------------------------------------------------------


def _cell(business: Business, name: str, *, personal: bool, zone: dt.tzinfo) -> Any:
    value = getattr(business, name)
    if name == "npwp" and not personal:
        return business.masked_npwp
    if isinstance(value, dt.datetime):
        # The region's local time with its ISO 8601 offset (…T00:30:00+07:00):
        # the reader sees both the local clock and the instant.
        return value.astimezone(zone).isoformat(timespec="seconds")
    return value


# Rows read per query by an export: each is its own short read, outside any
# transaction, so a writer waits for none of them (tests lower it).
EXPORT_CHUNK_ROWS = 2000
# The worker's task that runs an export (it calls run_export_job), and the
# one that removes expired files (it calls exports_expire).
EXPORT_TASK = "kotacerdas.umkm.tasks.export_run"
EXPIRE_TASK = "kotacerdas.umkm.tasks.exports_remove_expired"
# What the audit trail keeps of an export job: never its filters (a search
# may be a NIK) and the purpose only masked (it is stored masked).
EXPORT_AUDIT_FIELDS = (
    "state",
    "fmt",
    "personal",
    "purpose",
    "rows_total",
    "size",
    "error",
    "expires_at",
    "layout",
    "since",
)

ExportState = ExportJob.State


class ExportCut(Exception):
    """An export stopped at one of its caps; ``message`` tells the user why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _export_snapshot(job: ExportJob) -> dict[str, Any]:
    return snapshot(job, EXPORT_AUDIT_FIELDS)


def _export_audit(*, actor: Actor, job: ExportJob, before: dict[str, Any] | None) -> None:
    audit_state(
        actor=actor,
        instance=job,
        fields=EXPORT_AUDIT_FIELDS,
        before=before,
        region_code=job.region.code,
    )


def export_job_create(
    *,
    actor: Any,
    region: Region,
    personal: bool,
    purpose: str = "",
    fmt: str = "csv",
    filters: dict[str, str] | None = None,
    layout: str = ExportJob.Layout.REGISTRY,
    since: dt.datetime | None = None,
) -> ExportJob:
    """Queue an export of the list ``actor`` saw (``filters``, as the list
    takes them). The caller has checked that ``actor`` may view the registry
    (and reveal, for ``personal``). Nothing is read here: the worker writes
    the file (:func:`run_export_job`) and records the disclosure then.
    ``layout`` SIDT-KUMKM writes the ministry's layout (``since``: only the
    changes since then), always with personal data."""
    with transaction.atomic():
        job = ExportJob(
            region=region,
            created_by=actor,
            fmt=fmt,
            layout=layout,
            since=since,
            personal=personal,
            purpose=redact(purpose.strip())[:500] if personal else "",
            filters={k: v for k, v in (filters or {}).items() if v},
        )
        full_clean(job)
        job.save()
        _export_audit(actor=actor, job=job, before=None)
        job_id = job.pk
        transaction.on_commit(lambda: _export_enqueue(job_id))
    return job


def _export_enqueue(job_id: int) -> None:
    """Hand the QUEUED job to the worker (named by path: tasks.py sits above
    the services it calls). The task id is the queue's bookkeeping."""
    result = import_string(EXPORT_TASK).enqueue(job_id=job_id)
    ExportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def _export_claim(job_id: int) -> bool:
    """QUEUED → RUNNING, once: a task delivered twice does not export twice."""
    now = timezone.now()
    return bool(
        ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
            state=ExportState.RUNNING, started_at=now, progress_at=now, rows_done=0
        )
    )


def _export_progress(job_id: int, *, done: int, total: int | None = None) -> None:
    """How far the export is, for the progress bar: one short autocommit write
    per chunk (the moment doubles as the worker's sign of life)."""
    values: dict[str, Any] = {"rows_done": done, "progress_at": timezone.now()}
    if total is not None:
        values["rows_total"] = total
    ExportJob.objects.filter(pk=job_id, state=ExportState.RUNNING).update(**values)


@dataclass(frozen=True)
class Written:
    rows: int
    size: int
    business_ids: list[int]


def _caps() -> tuple[int, int, int]:
    return (
        settings.KOTACERDAS_EXPORT_MAX_ROWS,
        settings.KOTACERDAS_EXPORT_MAX_BYTES,
        settings.KOTACERDAS_EXPORT_MAX_SECONDS,
    )


def _rows_cut(limit: int) -> ExportCut:
    return ExportCut(
        _(
            "Ekspor dihentikan: hasil saringan lebih dari %(limit)s baris, batas satu ekspor. "
            "Persempit saringan (misalnya per kecamatan) lalu ekspor lagi."
        )
        % {"limit": decimal_id(Decimal(limit), 0)}
    )


def _bytes_cut(limit: int) -> ExportCut:
    return ExportCut(
        _(
            "Ekspor dihentikan: berkas melewati %(size)s, batas satu ekspor. Persempit saringan "
            "atau pilih CSV (lebih kecil dari XLSX) lalu ekspor lagi."
        )
        % {"size": size_text(limit)}
    )


def _time_cut(limit: int) -> ExportCut:
    return ExportCut(
        _(
            "Ekspor dihentikan: pembuatan berkas melewati %(minutes)s menit, batas satu ekspor. "
            "Persempit saringan lalu ekspor lagi."
        )
        % {"minutes": decimal_id(Decimal(limit) / 60, 0 if limit % 60 == 0 else 1)}
    )


def size_text(size: int) -> str:
    """A file size for people: ``12,5 MB``, ``830 KB``."""
    if size >= 1024 * 1024:
        return f"{decimal_id(Decimal(size) / (1024 * 1024), 1)} MB"
    return f"{decimal_id(Decimal(max(size, 1)) / 1024, 0)} KB"


def reads_in_transaction() -> bool:
    """Whether a read now would run inside a transaction the code opened.
    The transaction a test case wraps itself in does not count: it is the
    test runner's, and no other connection writes meanwhile."""
    connection = transaction.get_connection()
    return any(not block._from_testcase for block in connection.atomic_blocks)


def _export_write(job: ExportJob, path: Path) -> Written:
    """Write the file of ``job`` to ``path``, reading in chunks by id, each
    chunk its own query in autocommit: never inside ``transaction.atomic``,
    whose IMMEDIATE transaction on SQLite would hold the write lock for the
    whole read (issue 14: 45 s of "database is locked" for everyone).
    Raises ExportCut past a cap; the caller removes the file then."""
    if reads_in_transaction():
        raise RuntimeError("An export must not read inside a transaction: it would block writers.")
    max_rows, max_bytes, max_seconds = _caps()
    started = time.monotonic()
    zone = job.region.tzinfo
    columns: Sequence[str]
    if job.layout == ExportJob.Layout.SIDT_KUMKM:
        businesses = sidt.sidt_businesses(job)
        columns = sidt.HEADER
        since = job.since

        def row(business: Business) -> list[Any]:
            return sidt.sidt_row(business, since=since, zone=zone)
    else:
        businesses = export_businesses(job)
        columns = PERSONAL_COLUMNS if job.personal else PUBLIC_COLUMNS

        def row(business: Business) -> list[Any]:
            return [_cell(business, c, personal=job.personal, zone=zone) for c in columns]

    total = businesses.count()
    _export_progress(job.pk, done=0, total=total)
    if total > max_rows:
        raise _rows_cut(max_rows)
    table = TableFile(path, columns, job.fmt)
    ids: list[int] = []
    try:
        last = 0
        while True:
            chunk = list(businesses.filter(id__gt=last).order_by("id")[:EXPORT_CHUNK_ROWS])
            if not chunk:
                break
            for business in chunk:
                table.write(row(business))
                ids.append(business.pk)
                if table.size > max_bytes:
                    raise _bytes_cut(max_bytes)
            if len(ids) > max_rows:
                raise _rows_cut(max_rows)
            if time.monotonic() - started > max_seconds:
                raise _time_cut(max_seconds)
            last = chunk[-1].pk
            _export_progress(job.pk, done=len(ids))
        table.close()
        if table.size > max_bytes:
            raise _bytes_cut(max_bytes)
        if time.monotonic() - started > max_seconds:
            raise _time_cut(max_seconds)
    except BaseException:
        table.discard()
        raise
    return Written(rows=len(ids), size=table.size, business_ids=ids)


def _new_export_name(fmt: str) -> str:
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}.{fmt}"


def run_export_job(job: ExportJob | int) -> dict[str, Any]:
    """Run a QUEUED export (the worker's task; a benchmark may call it
    directly): write the file in private storage (0600), then, in one short
    transaction, record the disclosure (personal data) and make the job DONE.
    Past a cap or on an error the job is FAILED with its reason and no file
    is kept. Returns ``{"rows", "size"}``, empty when the job did not run to
    the end (not QUEUED, cut, failed)."""
    job_id = job if isinstance(job, int) else job.pk
    if not _export_claim(job_id):
        return {}
    exports_expire()  # a file whose own removal was lost goes now
    job = ExportJob.objects.select_related("region", "created_by").get(pk=job_id)
    user = job.created_by
    if not user.is_active or (job.personal and not _may_reveal(user, job.region)):
        export_job_fail(
            job=job,
            message=_(
                "Ekspor tidak dibuat: akun peminta tidak lagi berwenang mengekspor data ini."
            ),
        )
        return {}
    name = _new_export_name(job.fmt)
    try:
        with private_output(name) as path:
            written = _export_write(job, path)
            # In the bucket before the job offers it (a no-op on local disk).
            private_put(path, name)
    except ExportCut as cut:
        export_job_fail(job=job, message=cut.message)
        return {}
    except Exception:
        logger.exception("export job %s failed", job.pk)
        export_job_fail(
            job=job,
            message=_(
                "Ekspor gagal karena kesalahan sistem; tidak ada berkas yang dibuat. Coba lagi, "
                "atau hubungi admin dengan menyebut nomor ekspor %(number)s."
            )
            % {"number": job.pk},
        )
        return {}
    if not _export_finish(job=job, name=name, written=written):
        delete_private(name)
        return {}
    return {"rows": written.rows, "size": written.size}


def _may_reveal(user: Any, region: Region) -> bool:
    return can(user, "reveal", region)


def _export_finish(*, job: ExportJob, name: str, written: Written) -> bool:
    """RUNNING → DONE with its file, and for personal data the record of
    processing listing every business, in one short transaction: the file is
    offered only with its record. False when the job was settled meanwhile
    (given up as stalled): the caller removes the file."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        if job.state != ExportState.RUNNING:
            return False
        before = _export_snapshot(job)
        if job.personal:
            job.access = record_access(
                actor=job.created_by,
                region=job.region,
                action=PersonalDataAccess.Action.EXPORT,
                purpose=job.purpose,
                fields=list(PERSONAL_FIELDS),
                business_ids=written.business_ids,
            )
        now = timezone.now()
        job.state = ExportState.DONE
        job.stored_name = name
        job.size = written.size
        job.rows_done = job.rows_total = written.rows
        job.finished_at = job.progress_at = now
        job.expires_at = now + dt.timedelta(hours=settings.KOTACERDAS_EXPORT_KEEP_HOURS)
        job.filters = {}  # a search may have been a NIK; the file is made
        job.save(
            update_fields=[
                "access",
                "state",
                "stored_name",
                "size",
                "rows_done",
                "rows_total",
                "finished_at",
                "progress_at",
                "expires_at",
                "filters",
            ]
        )
        _export_audit(actor=job.created_by, job=job, before=before)
        expires_at = job.expires_at
        transaction.on_commit(lambda: _expiry_enqueue(expires_at))
    return True


def _expiry_enqueue(at: dt.datetime) -> None:
    """Queue the removal of the file for the moment it expires: the worker
    runs it then (django-tasks ``run_after``), to the minute, whatever the
    daily schedule; each export also sweeps what is due before it starts."""
    import_string(EXPIRE_TASK).using(run_after=at).enqueue()


def export_job_fail(
    *,
    job: ExportJob,
    message: str,
    states: tuple[str, ...] = (ExportState.QUEUED, ExportState.RUNNING),
) -> ExportJob:
    """The export did not run to the end: no file, the reason for the user.
    Only a job in one of ``states`` (checked under the row lock) fails."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("region").get(pk=job.pk)
        if job.state not in states:
            return job  # a finished job keeps its outcome; a started one runs on
        before = _export_snapshot(job)
        job.state = ExportState.FAILED
        job.error = message
        job.filters = {}
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "filters", "finished_at"])
        _export_audit(actor=None, job=job, before=before)
    return job


def export_job_give_up_if_stalled(job: ExportJob) -> ExportJob:
    """``job``, FAILED first if it is RUNNING without a sign of life for
    longer than :data:`kotacerdas.core.jobs.STALL_AFTER` (its worker died;
    pages call this before showing a job). Should the worker after all
    finish, it finds the job settled and removes its file."""
    if job.state != ExportState.RUNNING or not stalled(job.progress_at or job.started_at):
        return job
    since = job.progress_at or job.started_at
    assert since is not None
    return export_job_fail(
        job=job,
        message=_(
            "Ekspor berhenti: tidak ada kemajuan sejak %(since)s. Proses latar belakang "
            "kemungkinan terhenti. Minta ekspor lagi."
        )
        % {"since": moment_text(since)},
    )


def export_job_download(*, actor: Any, job: ExportJob) -> str:
    """The stored name of the file of a DONE ``job``, its hand-over recorded:
    each download of personal data is a disclosure of its own (record of
    processing, every business of the file), each other download a line in
    the log. The caller checks that ``actor`` may have it (its requester,
    with "reveal" for personal data)."""
    if job.personal:
        ids = job.access.business_ids if job.access is not None else []
        with transaction.atomic():
            record_access(
                actor=actor,
                region=job.region,
                action=PersonalDataAccess.Action.EXPORT,
                purpose=f"unduhan ekspor #{job.pk}: {job.purpose}",
                fields=list(PERSONAL_FIELDS),
                business_ids=ids,
            )
    else:
        logger.info(
            "export %s downloaded by user %s (region %s, no personal data)",
            job.pk,
            getattr(actor, "pk", None),
            job.region.code,
        )
    return job.stored_name


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their ``expires_at`` (they hold
    registry data, personal data perhaps): the job stays, EXPIRED, without
    its file. Returns how many expired. Jobs still QUEUED after a file's
    lifetime fail, their filters dropped. Queued for each file's expiry
    moment, run before every export and by the daily file sweep."""
    now = now or timezone.now()
    keep = dt.timedelta(hours=settings.KOTACERDAS_EXPORT_KEEP_HOURS)
    # A job never started within a file's lifetime (no worker ran) is not
    # kept waiting with its filters, which may hold a NIK or a phone number
    # typed into the search: it fails, and export_job_fail drops them.
    never_started = ExportJob.objects.filter(state=ExportState.QUEUED, created_at__lte=now - keep)
    for stale in never_started.select_related("region"):
        export_job_fail(
            job=stale,
            # Read without a lock: a worker may have started it since.
            states=(ExportState.QUEUED,),
            message=_(
                "Ekspor tidak dibuat: belum dimulai dalam %(hours)s jam karena proses latar "
                "belakang tidak berjalan. Saringan pencariannya sudah dihapus; minta ekspor lagi."
            )
            % {"hours": settings.KOTACERDAS_EXPORT_KEEP_HOURS},
        )
    due = list(
        ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().select_related("region").get(pk=pk)
            if job.state != ExportState.DONE:
                continue
            before = _export_snapshot(job)
            name = job.stored_name
            job.state = ExportState.EXPIRED
            job.stored_name = ""
            job.save(update_fields=["state", "stored_name"])
            _export_audit(actor=None, job=job, before=before)
            if name:
                transaction.on_commit(functools.partial(_delete_export, name))
    return len(due)


def _delete_export(name: str) -> None:
    try:
        delete_private(name)
    except OSError:
        logger.warning("expired export file could not be removed", exc_info=True)


# --- The per-person report ----------------------------------------------------------------


@dataclass(frozen=True)
class SubjectReport:
    """What the registry holds about one person (by NIK) and who processed it."""

    region: Region
    nik: str
    businesses: list[Business]
    accesses: list[PersonalDataAccess]
    events: list[AuditEvent]
    created_at: dt.datetime
    record: PersonalDataAccess = field(repr=False)
    # Import jobs whose stored files (upload, rejection report) hold the person.
    import_jobs: list[SubjectImport] = field(default_factory=list)
    # The person's rows in an import still writing (or failed and being
    # cleared): invisible to every other reader until the import publishes,
    # but held all the same, so the report shows them.
    staged: list[Business] = field(default_factory=list)
    # Rows of the region's OSS-RBA NIB lists that hold the person's NIK: those
    # still waiting for an officer's decision (a decision or the retention
    # sweep clears the NIK and the address).
    oss_rows: list[OssRow] = field(default_factory=list)

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        """One table for CSV/XLSX: the data, then the processing record."""
        columns = ["bagian", "usaha", "waktu_utc", "pelaku", "tindakan", "rincian"]
        rows: list[list[Any]] = []
        for b in self.businesses:
            for name in PERSONAL_COLUMNS:
                rows.append(["data", b.pk, "", "", name, _csv_value(getattr(b, name))])
        for b in self.staged:
            part = f"data_impor_{b.import_job_id}"  # held by an import still writing
            for name in PERSONAL_COLUMNS:
                rows.append([part, b.pk, "", "", name, _csv_value(getattr(b, name))])
        for r in self.oss_rows:
            part = f"daftar_nib_oss_{r.job_id}"
            for name in OSS_ROW_COLUMNS:
                rows.append([part, r.business_id or "", "", "", name, _csv_value(getattr(r, name))])
        ids = {b.pk for b in self.businesses}
        for a in self.accesses:
            for pk in sorted(ids & set(a.business_ids)):
                rows.append(
                    [
                        "akses",
                        pk,
                        _utc(a.occurred_at),
                        a.actor_label,
                        a.get_action_display(),
                        a.purpose,
                    ]
                )
        for e in self.events:
            rows.append(
                [
                    "riwayat",
                    e.object_id,
                    _utc(e.occurred_at),
                    e.actor_label,
                    e.get_action_display(),
                    ", ".join(name for name, _old, _new in e.changed_fields()),
                ]
            )
        for held in self.import_jobs:
            rows.append(
                [
                    "berkas_impor",
                    "",
                    _utc(held.job.created_at),
                    "",
                    held.job.filename,
                    f"impor #{held.job.pk}",
                ]
            )
        return columns, rows


# What an OSS NIB list row holds about its owner, in the report's data part.
OSS_ROW_COLUMNS = (
    "row_number",
    "nib",
    "name",
    "owner_nik",
    "address",
    "kelurahan_code",
    "kbli_code",
    "outcome",
)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, Decimal):
        return value
    return "" if value is None else value


def subject_report(*, actor: Actor, region: Region, nik: str, purpose: str) -> SubjectReport:
    """Every business of ``region`` whose owner has ``nik`` (merged-away ones
    too: they still hold the person's data), with every access record and
    audit event that touched them, and the person's rows in an import still
    writing (``staged``). ``nik`` must already be clean."""
    with transaction.atomic():
        businesses = list(
            Business.objects.filter(Q(owner_nik=nik) | Q(npwp=nik), region=region)
            .select_related("region")
            .order_by("id")
        )
        staged = list(
            Business.all_rows.filter(
                Q(owner_nik=nik) | Q(npwp=nik), region=region, import_job__staging=True
            )
            .select_related("region", "import_job")
            .order_by("id")
        )
        ids = [b.pk for b in businesses] + [b.pk for b in staged]
        record = record_access(
            actor=actor,
            region=region,
            action=PersonalDataAccess.Action.SUBJECT_REPORT,
            purpose=purpose,
            fields=list(PERSONAL_FIELDS),
            business_ids=ids,
        )
        wanted = set(ids)
        accesses = [
            a
            for a in PersonalDataAccess.objects.filter(region=region).order_by("occurred_at", "id")
            if wanted & set(a.business_ids)
        ]
        events: list[AuditEvent] = []
        for b in businesses:
            events.extend(history_for(b).order_by("occurred_at", "id"))
        # Only rows with this NIK: a row proposed to the person's business by
        # name and address may hold another person's NIK.
        oss_rows = list(
            OssRow.objects.filter(job__region=region, owner_nik=nik)
            .select_related("job")
            .order_by("job_id", "row_number", "id")
        )
    return SubjectReport(
        region=region,
        nik=nik,
        businesses=businesses,
        accesses=accesses,
        events=events,
        created_at=record.occurred_at,
        record=record,
        import_jobs=subject_import_jobs(region=region, nik=nik),
        staged=staged,
        oss_rows=oss_rows,
    )


# --- Anonymisation at the end of retention -------------------------------------------------


@dataclass
class AnonymiseResult:
    counts: dict[str, int] = field(default_factory=dict)  # region code → businesses

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def businesses_anonymise(
    *,
    actor: Actor,
    regions: Iterable[Region],
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> AnonymiseResult:
    """Clear the personal data of closed businesses past retention; the
    aggregates (kelurahan, KBLI, size class, workers…) stay for statistics.
    One PersonalDataAccess(ANONYMISE) per region and run, one audit event per
    business; running it again changes nothing."""
    now = now or timezone.now()
    result = AnonymiseResult()
    for region in regions:
        due = due_for_anonymisation(region, now)
        if dry_run:
            result.counts[region.code] = due.count()
            continue
        with transaction.atomic():
            items = list(due.select_for_update())
            niks: set[str] = set()
            for business in items:
                niks.update(
                    nik
                    for nik in (business.owner_nik, business.npwp)
                    if nik and identifiers.individual_npwp(nik)
                )
                before = audit_snapshot(business)
                for name in ANONYMISED_FIELDS:
                    setattr(business, name, None if _nullable(name) else "")
                if identifiers.individual_npwp(business.npwp):
                    business.npwp = ""  # it is the owner's NIK
                business.anonymised_at = now
                business.save(update_fields=[*ANONYMISED_FIELDS, "npwp", "anonymised_at"])
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    instance=business,
                    before=before,
                    after=audit_snapshot(business),
                    region_code=region.code,
                )
            if items:
                _oss_rows_anonymise(actor=actor, region=region, niks=niks, businesses=items)
                record_access(
                    actor=actor,
                    region=region,
                    action=PersonalDataAccess.Action.ANONYMISE,
                    purpose=_("Akhir masa retensi %(years)s tahun usaha yang tutup")
                    % {"years": retention_years(region)},
                    fields=list(ANONYMISED_FIELDS),
                    business_ids=[b.pk for b in items],
                )
        result.counts[region.code] = len(items)
    return result


def _oss_rows_anonymise(
    *, actor: Actor, region: Region, niks: set[str], businesses: Sequence[Business]
) -> None:
    """The same person in the region's OSS NIB lists: rows with their NIK
    (an unmatched row could otherwise register them again) or matched to a
    business just anonymised lose the NIK and the address; one audit event
    per list, as the retention sweep writes."""
    rows = OssRow.objects.filter(
        Q(owner_nik__in=niks) | Q(business__in=businesses), job__region=region
    ).exclude(owner_nik="", address="")
    for job in OssImport.objects.filter(pk__in=rows.values("job")):
        count = rows.filter(job=job).update(owner_nik="", address="")
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=job,
            before={"rows_with_personal_data_of_anonymised_owners": count},
            after={"rows_with_personal_data_of_anonymised_owners": 0, "reason": "anonymisation"},
            region_code=region.code,
        )


def _nullable(name: str) -> bool:
    """Whether ``name`` is cleared to None (numbers, coordinates) or "" (text)."""
    return bool(getattr(Business._meta.get_field(name), "null", False))
