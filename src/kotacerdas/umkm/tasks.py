"""The registry's background tasks, run by ``kotacerdas worker``. Each only
calls a service: the import of a survey file queued from the web
(:func:`kotacerdas.umkm.imports.services.import_job_run`), and the daily
anonymisation at the end of retention (kotacerdas.core.scheduler)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from kotacerdas.regions.models import Region
from kotacerdas.umkm.imports.services import import_job_run
from kotacerdas.umkm.pdp.services import businesses_anonymise


@task()
def import_run(job_id: int) -> dict[str, Any]:
    """Run the import of a QUEUED job; return its summary (empty when the
    job was not QUEUED or failed)."""
    return import_job_run(job_id=job_id)


@task()
def anonymise_expired(day: str | None = None) -> dict[str, int]:
    """Daily: clear the personal data of every region's businesses closed
    longer than its retention period (UU 27/2022: delete at the end of
    retention). Idempotent; ``day`` is the scheduler's."""
    result = businesses_anonymise(actor=None, regions=list(Region.objects.order_by("code")))
    return dict(result.counts)
