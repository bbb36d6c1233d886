"""The access vocabulary every app speaks: a user's roles, read once per
request; the regions a user may see or change; and ``fetch``, which turns a
scoped queryset into 404/403. Apps build their scoped querysets
(``action_plans_for(user, "change")``) on top of these primitives; views never
fetch an object without them. ``action`` is "view", "change", "add" or
"delete"."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any, Literal, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from kotacerdas.core.caching import LIVE, cached, kept, roles_version
from kotacerdas.core.models import Membership, Role
from kotacerdas.regions.models import Region

User = AbstractBaseUser | AnonymousUser
Action = Literal["view", "change", "add", "delete"]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Roles:
    """What one user may do, by region id.

    ``officer_regions``: regions whose UMKM registry the user keeps;
    ``region_wide``: regions where a role without an agency (admin, assessor,
    registry officer) lets the user see every agency's reports; ``agencies``:
    every agency the user belongs to (editor or head); ``assessor_regions``:
    regions where the user holds the assessor role (no access by itself).
    """

    superuser: bool = False
    admin_regions: frozenset[int] = frozenset()
    member_regions: frozenset[int] = frozenset()
    editor_agencies: frozenset[int] = frozenset()
    agencies: frozenset[int] = frozenset()
    region_wide: frozenset[int] = frozenset()
    officer_regions: frozenset[int] = frozenset()
    assessor_regions: frozenset[int] = frozenset()

    def is_admin_of(self, region_id: int) -> bool:
        return self.superuser or region_id in self.admin_regions

    def can_view_region(self, region_id: int) -> bool:
        return self.superuser or region_id in self.member_regions


CACHE_ATTR = "_kotacerdas_roles"


def roles_of(user: User) -> Roles:
    if not user.is_authenticated or not user.is_active:
        return Roles()
    cached: Roles | None = getattr(user, CACHE_ATTR, None)
    if cached is not None:
        return cached
    admin: set[int] = set()
    member: set[int] = set()
    editor: set[int] = set()
    agencies: set[int] = set()
    region_wide: set[int] = set()
    officer: set[int] = set()
    assessor: set[int] = set()
    # Kept per user and roles version (core/caching.py: any change to the
    # user's memberships bumps it after its commit): no query per request.
    rows: Any = kept(
        ("memberships", user.pk),
        lambda: tuple(
            Membership.objects.filter(user_id=user.pk).values_list("region_id", "role", "agency_id")
        ),
        version=roles_version(user.pk),
    )
    for region_id, role, agency_id in rows:
        member.add(region_id)
        if role == Role.ADMIN:
            admin.add(region_id)
        if agency_id is None:
            region_wide.add(region_id)
        else:
            agencies.add(agency_id)
        if role == Role.AGENCY_EDITOR:
            editor.add(agency_id)
        if role == Role.REGISTRY_OFFICER:
            officer.add(region_id)
        if role == Role.ASSESSOR:
            assessor.add(region_id)
    roles = Roles(
        superuser=bool(getattr(user, "is_superuser", False)),
        admin_regions=frozenset(admin),
        member_regions=frozenset(member),
        editor_agencies=frozenset(editor),
        agencies=frozenset(agencies),
        region_wide=frozenset(region_wide),
        officer_regions=frozenset(officer),
        assessor_regions=frozenset(assessor),
    )
    setattr(user, CACHE_ATTR, roles)
    return roles


def role_scope(user: User) -> str:
    """The user's roles as a cache key part (core/caching.py): two users with
    the same roles see the same cached body, two with different ones never
    share it. Every scoped helper decides from :func:`roles_of` alone."""
    return ";".join(
        str(sorted(value)) if isinstance(value, frozenset) else str(value)
        for value in astuple(roles_of(user))
    )


def regions_for(user: User, action: Action = "view") -> models.QuerySet[Region]:
    """Regions ``user`` may see ("view": any membership) or change (any other
    action: the region's admins)."""
    roles = roles_of(user)
    if roles.superuser:
        return Region.objects.all()
    ids = roles.member_regions if action == "view" else roles.admin_regions
    return Region.objects.filter(id__in=ids)


def region_visible(user: User, code: str) -> Region | None:
    """The region ``code`` if ``user`` may see it (as ``regions_for(user)``),
    else None. The row is kept per live data version (core/caching.py; any
    save of a region bumps it) and access is decided from the user's roles:
    no query on a signed-in page's every request. For reading only: a
    write fetches its own row."""
    region = cached(
        ("region", code), lambda: Region.objects.filter(code=code).first(), version=LIVE
    )
    if region is None or not roles_of(user).can_view_region(region.pk):
        return None
    return region


def fetch(visible: models.QuerySet[M], permitted: models.QuerySet[M], **lookup: object) -> M:
    """The object if ``permitted``; 403 when the user may see it but not do
    this; 404 when the user may not even see it (no existence leak)."""
    obj = permitted.filter(**lookup).first()
    if obj is not None:
        return obj
    if visible.filter(**lookup).exists():
        raise PermissionDenied
    raise Http404
