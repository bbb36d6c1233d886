"""Who may do what in the UMKM/IKM registry. ``action`` is one of:

- "view": list and open businesses (personal data masked) and statistics:
  the region's admins (smart city team) and registry officers;
- "change": register, edit, verify, import, resolve duplicates: registry
  officers and admins of the region;
- "reveal": see a full NIK, phone, address or amounts, and export personal
  data: registry officers of the region only (a specific permission, logged
  in ``PersonalDataAccess``; admins do not get it by default).

Agency editors, agency heads and assessors do not see the registry; the
public sees only aggregates (``kotacerdas.umkm.statistics``).
"""

from __future__ import annotations

from typing import Literal, cast

from django.db import models

from kotacerdas.core.access import User, roles_of
from kotacerdas.core.models import Membership, Role
from kotacerdas.regions.models import Region
from kotacerdas.umkm.models import Business, DuplicateCandidate, ImportJob

Action = Literal["view", "change", "reveal"]


def registry_regions(user: User, action: Action = "view") -> models.QuerySet[Region]:
    roles = roles_of(user)
    if roles.superuser:
        return Region.objects.all()
    if not roles.member_regions:
        return Region.objects.none()
    roles_allowed = (
        [Role.REGISTRY_OFFICER] if action == "reveal" else [Role.REGISTRY_OFFICER, Role.ADMIN]
    )
    ids = Membership.objects.filter(user_id=cast(int, user.pk), role__in=roles_allowed)
    return Region.objects.filter(id__in=ids.values("region_id"))


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


def candidates_for(user: User, action: Action = "change") -> models.QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(
        region__in=registry_regions(user, action)
    ).select_related("first", "second", "region")


def can(user: User, action: Action, region: Region) -> bool:
    return registry_regions(user, action).filter(pk=region.pk).exists()
