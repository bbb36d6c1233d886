"""Who may do what in the UMKM/IKM registry. ``action`` is one of:

- "view": list and open businesses (personal data masked) and statistics:
  the region's admins (smart city team) and registry officers;
- "change": register, edit, verify, import, resolve duplicates: registry
  officers and admins of the region;
- "reveal": see a full NIK, phone, address or amounts, and export personal
  data: registry officers of the region only (a specific permission, logged
  in ``PersonalDataAccess``; admins do not get it by default).

Agency editors, agency heads and assessors do not see the registry; the
public sees only aggregates (``kotacerdas.umkm.statistics.selectors``).
"""

from __future__ import annotations

from typing import Literal

from django.db import models

from kotacerdas.core.access import User, fetch, regions_for, roles_of
from kotacerdas.core.timezones import activate_region
from kotacerdas.regions.models import Region
from kotacerdas.umkm.duplicates.models import DuplicateCandidate
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.pdp.models import ExportJob
from kotacerdas.umkm.registry.models import Business

Action = Literal["view", "change", "reveal"]


def registry_region_ids(user: User, action: Action = "view") -> frozenset[int] | None:
    """Ids of the regions where ``user`` may do ``action``; None means every
    region (superusers). Read from the roles cached on the user: no query."""
    roles = roles_of(user)
    if roles.superuser:
        return None
    if action == "reveal":
        return roles.officer_regions
    return roles.officer_regions | roles.admin_regions


def registry_regions(user: User, action: Action = "view") -> models.QuerySet[Region]:
    ids = registry_region_ids(user, action)
    return Region.objects.all() if ids is None else Region.objects.filter(id__in=ids)


def businesses_for(user: User, action: Action = "view") -> models.QuerySet[Business]:
    """Businesses of the regions where ``user`` may do ``action``; merged-away
    records are included (callers filter ``merged_into__isnull``)."""
    return Business.objects.filter(region__in=registry_regions(user, action)).select_related(
        "region"
    )


def import_jobs_for(user: User, action: Action = "change") -> models.QuerySet[ImportJob]:
    return ImportJob.objects.filter(region__in=registry_regions(user, action)).select_related(
        "region", "created_by"
    )


def export_jobs_for(user: User) -> models.QuerySet[ExportJob]:
    """The user's own exports, in the regions whose registry they may still
    view: an export is handed only to whoever asked for it (a personal one
    needs "reveal" too, checked where the file is served)."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(
        created_by_id=user.pk, region__in=registry_regions(user, "view")
    ).select_related("region", "created_by")


def candidates_for(user: User, action: Action = "change") -> models.QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(
        region__in=registry_regions(user, action)
    ).select_related("first", "second", "region")


def registry_region_fetch(user: User, code: str, action: Action = "view") -> Region:
    """The region if ``user`` may do ``action`` in its registry; 403 for other
    members of the region, 404 for everyone else (no existence leak)."""
    region = fetch(regions_for(user), registry_regions(user, action), code=code)
    activate_region(region)  # the registry's pages in the region's own zone
    return region


def business_fetch(user: User, pk: int, action: Action = "view", *, live: bool = False) -> Business:
    """A business if ``user`` may do ``action`` in its region's registry (403
    for other members of the region, 404 for everyone else); ``live`` refuses
    businesses merged into another one."""
    visible = Business.objects.filter(region__in=regions_for(user))
    permitted = businesses_for(user, action)
    if live:
        permitted = permitted.filter(merged_into__isnull=True)
    return fetch(visible, permitted, pk=pk)


def can(user: User, action: Action, region: Region) -> bool:
    ids = registry_region_ids(user, action)
    return ids is None or region.pk in ids
