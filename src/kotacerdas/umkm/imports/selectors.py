"""Reads of the survey imports: earlier imports of the same file, the
remembered column mapping, what a committed import recorded, and where an
uploaded file lies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from kotacerdas.core.audit import history_for
from kotacerdas.core.extensions import PersonalData
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.storage import private_local_copy
from kotacerdas.regions.models import Region
from kotacerdas.umkm.imports.models import (
    ColumnMapping,
    FilesRemoved,
    ImportJob,
    mapping_from_json,
)
from kotacerdas.umkm.imports.reading import ImportFileError, open_book
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.registry.models import LOCATION_FIELDS, PERSONAL_FIELDS, Business


def earlier_imports(job: ImportJob) -> models.QuerySet[ImportJob]:
    """Finished imports of the same file (same SHA-256) into the same region."""
    return (
        ImportJob.objects.filter(
            region_id=job.region_id, file_sha256=job.file_sha256, state=ImportJob.State.DONE
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at", "-id")
    )


def imports_running(*, region_id: int, exclude: int | None = None) -> models.QuerySet[ImportJob]:
    """The import jobs of a region that are running now (at most one but for
    a moment: services._claim), oldest first."""
    running = ImportJob.objects.filter(region_id=region_id, state=ImportJob.State.RUNNING)
    if exclude is not None:
        running = running.exclude(pk=exclude)
    return running.order_by("started_at", "pk")


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


def import_summary(job: ImportJob) -> dict[str, Any] | None:
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
    summary = import_summary(job)
    if summary is None or "warnings" not in summary:
        return None
    return int(summary["warnings"])


def import_skipped(job: ImportJob) -> int | None:
    """How many rows the import of ``job`` skipped as not businesses (totals,
    notes, signatures); None when the job has not been imported or was
    imported before rows were skipped."""
    summary = import_summary(job)
    if summary is None or "skipped" not in summary:
        return None
    return int(summary["skipped"])


def import_place_rules(job: ImportJob) -> dict[str, int]:
    """How many rows of ``job`` had their kelurahan read by each reported rule
    (short name, former name, officer's name, spelling); empty when none."""
    summary = import_summary(job) or {}
    places = summary.get("places")
    return {str(k): int(v) for k, v in places.items()} if isinstance(places, dict) else {}


def stored_file(job: ImportJob) -> AbstractContextManager[Path]:
    """The uploaded file of ``job`` as a path on this machine, for the
    spreadsheet readers (``with stored_file(job) as path:``): the stored file
    itself, or a temporary copy of it from the bucket, removed afterwards
    (core.storage.private_local_copy)."""
    return private_local_copy(job.stored_name)


# --- Stored files that hold personal data -----------------------------------------------------


def _holds_files() -> Q:
    return ~Q(stored_name="") | ~Q(report_name="")


def files_expired(*, now: dt.datetime, days: int) -> dict[str, list[int]]:
    """The jobs whose stored files must go now, by reason: finished (or never
    mapped) longer than ``days`` ago, failed, or holding a business that has
    since been anonymised."""
    cutoff = now - dt.timedelta(days=days)
    held = ImportJob.objects.filter(_holds_files())
    anonymised = Business.all_rows.filter(anonymised_at__isnull=False, import_job__isnull=False)
    return {
        FilesRemoved.FAILED: list(
            held.filter(state=ImportJob.State.FAILED).values_list("pk", flat=True)
        ),
        FilesRemoved.EXPIRED: list(
            held.filter(
                Q(state=ImportJob.State.DONE, finished_at__lt=cutoff)
                | Q(state=ImportJob.State.MAPPING, created_at__lt=cutoff)
            ).values_list("pk", flat=True)
        ),
        FilesRemoved.ANONYMISED: list(
            held.filter(pk__in=anonymised.values("import_job_id")).values_list("pk", flat=True)
        ),
    }


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


_NOT_DIGIT = re.compile(r"\D")
# Phone numbers compare by their subscriber digits (without 0, 62 or +62).
_PHONE_HEAD = re.compile(r"^(?:62|0)")


def _needles(*, niks: Iterable[str], phones: Iterable[str]) -> set[str]:
    found = {_digits(nik) for nik in niks if len(_digits(nik)) >= 12}
    for phone in phones:
        tail = _PHONE_HEAD.sub("", _digits(phone))
        if len(tail) >= 8:
            found.add(tail)
    return found


def _file_mentions(name: str, filename: str, needles: set[str]) -> bool:
    """Whether the stored file ``name`` has a cell holding one of ``needles``
    (digits compared, whatever the spacing or punctuation in the cell)."""
    if not needles:
        return False
    try:
        with private_local_copy(name) as path, open_book(path, filename=filename) as book:
            for sheet in book.sheets:
                for _number, cells in book.rows(sheet):
                    for cell in cells:
                        if cell is None or cell == "":
                            continue
                        digits = _digits(str(cell).removesuffix(".0"))
                        if len(digits) >= 8 and any(n in digits for n in needles):
                            return True
    except (ImportFileError, FileNotFoundError):
        return False
    return False


def jobs_holding_people(*, businesses: Iterable[Business]) -> list[int]:
    """The import jobs whose stored files hold one of ``businesses``: the job
    that imported it, and any job of its region whose upload or rejection
    report mentions its owner's NIK or its phone number."""
    by_region: dict[int, list[Business]] = {}
    for business in businesses:
        by_region.setdefault(business.region_id, []).append(business)
    found: set[int] = set()
    for region_id, items in by_region.items():
        found.update(b.import_job_id for b in items if b.import_job_id is not None)
        needles = _needles(niks=(b.owner_nik for b in items), phones=(b.phone for b in items))
        found.update(_jobs_mentioning(region_id=region_id, needles=needles))
    held = ImportJob.objects.filter(_holds_files(), pk__in=found)
    return sorted(held.values_list("pk", flat=True))


def _jobs_mentioning(*, region_id: int, needles: set[str]) -> list[int]:
    if not needles:
        return []
    jobs = ImportJob.objects.filter(_holds_files(), region_id=region_id).order_by("pk")
    return [
        job.pk
        for job in jobs.only("pk", "filename", "stored_name", "report_name")
        if any(
            _file_mentions(name, filename, needles)
            for name, filename in ((job.stored_name, job.filename), (job.report_name, "r.xlsx"))
            if name
        )
    ]


@dataclass(frozen=True)
class SubjectImport:
    """An import job whose stored files hold a person, for the subject report."""

    job: ImportJob
    imported_their_business: bool
    files_mention_them: bool
    expires_at: dt.datetime | None  # None: the files are gone already


def subject_import_jobs(*, region: Region, nik: str) -> list[SubjectImport]:
    """The import jobs of ``region`` that imported a business of the owner
    with ``nik`` or whose stored files (upload, rejection report) still
    mention the NIK or the phone of one of their businesses: the person's
    data is in those files until they expire."""
    businesses = list(Business.all_rows.filter(Q(owner_nik=nik) | Q(npwp=nik), region=region))
    imported = {b.import_job_id for b in businesses if b.import_job_id is not None}
    needles = _needles(niks=[nik], phones=(b.phone for b in businesses))
    mentioning = set(_jobs_mentioning(region_id=region.pk, needles=needles))
    jobs = ImportJob.objects.filter(pk__in=imported | mentioning).order_by("created_at", "pk")
    keep = dt.timedelta(days=settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS)
    return [
        SubjectImport(
            job=job,
            imported_their_business=job.pk in imported,
            files_mention_them=job.pk in mentioning,
            expires_at=(job.finished_at or job.created_at) + keep
            if job.stored_name or job.report_name
            else None,
        )
        for job in jobs
    ]


def personal_data_kept() -> PersonalData:
    """The registry's personal data, for the manifest of a backup: the
    business table's personal columns, the record of processing, and the
    import files still stored (uploads and rejection reports)."""
    files: dict[str, str] = {}
    for stored, report in ImportJob.objects.filter(_holds_files()).values_list(
        "stored_name", "report_name"
    ):
        if stored:
            files[stored] = "umkm_import_upload"
        if report:
            files[report] = "umkm_import_rejection_report"
    return PersonalData(
        tables={
            Business._meta.db_table: [*PERSONAL_FIELDS, *LOCATION_FIELDS, "npwp"],
            PersonalDataAccess._meta.db_table: ["purpose", "business_ids"],
        },
        files=files,
    )
