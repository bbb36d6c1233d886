"""The registry's background tasks, run by ``kotacerdas worker``. Each only
calls a service: the import of a survey file queued from the web
(:func:`kotacerdas.umkm.imports.services.import_job_run`), the matching of a
large OSS-RBA NIB list (:func:`kotacerdas.umkm.oss.services.oss_job_run`), the duplicate
search of a big region after a change, an export of the list
(:func:`kotacerdas.umkm.pdp.services.run_export_job`), the removal
of an export's file when it expires (queued with ``run_after``), and the
daily anonymisation at the end of retention (kotacerdas.core.scheduler)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from kotacerdas.regions.models import Region
from kotacerdas.umkm.duplicates.services import candidates_find
from kotacerdas.umkm.field.services import field_keys_expire
from kotacerdas.umkm.imports import services as import_services
from kotacerdas.umkm.imports.services import import_job_run
from kotacerdas.umkm.oss.services import oss_job_run, oss_personal_data_expire
from kotacerdas.umkm.pdp.services import exports_expire, run_export_job


@task()
def import_run(job_id: int) -> dict[str, Any]:
    """Run the import of a QUEUED job; return its summary (empty when the
    job was not QUEUED or failed)."""
    return import_job_run(job_id=job_id)


@task()
def oss_import_run(job_id: int) -> dict[str, Any]:
    """Match a QUEUED OSS-RBA NIB list too large to match during its upload;
    return its state (empty when it was not QUEUED)."""
    job = oss_job_run(job_id=job_id)
    return {} if job is None else {"state": job.state, "rows": job.rows}


@task()
def duplicates_find(
    region_id: int,
    business_ids: list[int] | None = None,
    actor_id: int | None = None,
    record_run: bool = False,
) -> dict[str, Any]:
    """Find a big region's duplicate candidates (those involving
    ``business_ids`` when given): queued after a business is saved or from
    the duplicates page when the region is too big to search at once."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        return {}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    found = candidates_find(
        actor=actor, region=region, business_ids=business_ids, record_run=record_run
    )
    return found.as_dict()


@task()
def anonymise_expired(day: str | None = None) -> dict[str, int]:
    """Daily: clear the personal data of every region's businesses closed
    longer than its retention period (UU 27/2022: delete at the end of
    retention). Idempotent; ``day`` is the scheduler's."""
    regions = list(Region.objects.order_by("code"))
    _files, result = import_services.anonymise_due(actor=None, regions=regions)
    return dict(result.counts)


@task()
def export_run(job_id: int) -> dict[str, Any]:
    """Write the file of a QUEUED export job; return its rows and size (empty
    when the job was not QUEUED, was cut at a cap or failed)."""
    return run_export_job(job_id)


@task()
def exports_remove_expired() -> int:
    """Delete the files of exports past their time (settings
    KOTACERDAS_EXPORT_KEEP_HOURS): queued by each finished export to run
    when its file expires; returns how many expired."""
    return exports_expire()


@task()
def import_files_expire(day: str | None = None) -> dict[str, int]:
    """Daily: delete stored import files past their retention (and failed
    jobs', and those holding anonymised people); clear the invisible rows of
    failed imports, and the personal data of OSS NIB list rows left
    undecided past the same retention; expire export files and exports that
    never started (their filters may hold a NIK), should no export have run
    to do it; forget the offline form's keys past their retention.
    Idempotent; ``day`` is the scheduler's."""
    counts = import_services.import_files_expire()
    counts["oss_rows_cleared"] = oss_personal_data_expire()
    counts["field_keys_purged"] = field_keys_expire()
    counts["exports_expired"] = exports_expire()
    return counts


@task()
def import_leftovers_purge() -> int:
    """Delete the invisible rows of imports that failed (queued when a page
    gives up a job whose worker died)."""
    return import_services.import_leftovers_purge()
