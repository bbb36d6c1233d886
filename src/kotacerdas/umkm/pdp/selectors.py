"""Reads of the record of processing and of retention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from kotacerdas.regions.models import Region
from kotacerdas.umkm.access import businesses_for, can
from kotacerdas.umkm.pdp.models import ExportJob, PersonalDataAccess
from kotacerdas.umkm.registry.models import Business, RegistrySettings
from kotacerdas.umkm.registry.selectors import BusinessFilters, business_search

DEFAULT_RETENTION_YEARS = 5


def access_log(*, region: Region) -> models.QuerySet[PersonalDataAccess]:
    return PersonalDataAccess.objects.filter(region=region).select_related("actor")


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_years(region: Region) -> int:
    settings = RegistrySettings.objects.filter(region=region).first()
    return settings.retention_years if settings is not None else DEFAULT_RETENTION_YEARS


def due_for_anonymisation(region: Region, now: dt.datetime) -> models.QuerySet[Business]:
    """Closed businesses whose retention period (counted from ``closed_at``) is over."""
    cutoff = _years_before(now, retention_years(region))
    return Business.objects.filter(
        region=region,
        status=Business.Status.CLOSED,
        closed_at__lt=cutoff,
        anonymised_at__isnull=True,
    ).select_related("region")


@dataclass(frozen=True)
class AnonymisationPreview:
    """What ``businesses_anonymise`` would clear in a region now: how many
    businesses, the first of them by name, and the retention they passed."""

    count: int
    shown: tuple[Business, ...]
    retention_years: int


def anonymisation_preview(
    *, region: Region, now: dt.datetime, limit: int = 50
) -> AnonymisationPreview:
    due = due_for_anonymisation(region, now)
    return AnonymisationPreview(
        count=due.count(),
        shown=tuple(due.order_by("name", "pk")[:limit]),
        retention_years=retention_years(region),
    )


def export_businesses(job: ExportJob) -> models.QuerySet[Business]:
    """The businesses an export job writes: the list its requester saw, with
    the requester's rights as they are *now* (a search on owner and address
    only for who may still reveal them), merged-away records left out."""
    user = job.created_by
    return business_search(
        businesses=businesses_for(user).filter(region=job.region),
        filters=BusinessFilters.from_data(job.filters),
        personal=can(user, "reveal", job.region),
    )
