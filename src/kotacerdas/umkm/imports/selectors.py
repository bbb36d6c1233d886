"""Reads of the survey imports: earlier imports of the same file, the
remembered column mapping, what a committed import recorded, and where an
uploaded file lies."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import models

from kotacerdas.core.audit import history_for
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.storage import private_storage
from kotacerdas.regions.models import Region
from kotacerdas.umkm.imports.models import ColumnMapping, ImportJob, mapping_from_json


def earlier_imports(job: ImportJob) -> models.QuerySet[ImportJob]:
    """Finished imports of the same file (same SHA-256) into the same region."""
    return (
        ImportJob.objects.filter(
            region_id=job.region_id, file_sha256=job.file_sha256, state=ImportJob.State.DONE
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


def import_place_rules(job: ImportJob) -> dict[str, int]:
    """How many rows of ``job`` had their kelurahan read by each reported rule
    (short name, former name, officer's name, spelling); empty when none."""
    summary = import_summary(job) or {}
    places = summary.get("places")
    return {str(k): int(v) for k, v in places.items()} if isinstance(places, dict) else {}


def stored_path(job: ImportJob) -> Path:
    """Where the uploaded file of ``job`` lies (inside private storage)."""
    return Path(private_storage.path(job.stored_name))
