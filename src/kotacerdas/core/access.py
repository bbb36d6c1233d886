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
from kotacerdas.core.models import DeploymentRole, Membership, Role
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

    Roles over more than one region (docs/decisions.md §81) open no region's
    non-public data and change nothing; they only widen the regions whose
    *published* figures the user may compare (:func:`regions_in_comparison_scope`):
    ``deployment``: the deployment roles held (``DeploymentRole.Kind``);
    ``analyst_provinces``: codes (``14``) of the provinces whose published
    figures, and their kab/kota's, the user reads as a province analyst.
    """

    superuser: bool = False
    admin_regions: frozenset[int] = frozenset()
    member_regions: frozenset[int] = frozenset()
    editor_agencies: frozenset[int] = frozenset()
    agencies: frozenset[int] = frozenset()
    region_wide: frozenset[int] = frozenset()
    officer_regions: frozenset[int] = frozenset()
    assessor_regions: frozenset[int] = frozenset()
    deployment: frozenset[str] = frozenset()
    analyst_provinces: frozenset[str] = frozenset()

    @property
    def manages_deployment(self) -> bool:
        """Creates regions and appoints their admins (superuser or deployment admin)."""
        return self.superuser or DeploymentRole.Kind.DEPLOYMENT_ADMIN in self.deployment

    @property
    def reads_all_regions(self) -> bool:
        """Compares the published figures of every region: a superuser and
        the ministry's roles (operator, analyst, other ministries)."""
        return self.superuser or bool(self.deployment & NATIONAL_READERS)

    def is_admin_of(self, region_id: int) -> bool:
        return self.superuser or region_id in self.admin_regions

    def can_view_region(self, region_id: int) -> bool:
        return self.superuser or region_id in self.member_regions


CACHE_ATTR = "_kotacerdas_roles"
NATIONAL_READERS = frozenset(
    {
        DeploymentRole.Kind.MINISTRY_OPERATOR,
        DeploymentRole.Kind.MINISTRY_ANALYST,
        DeploymentRole.Kind.OTHER_MINISTRY,
    }
)


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
    deployment: set[str] = set()
    provinces: set[str] = set()
    # One query for both kinds of role (the deployment's rows come with no
    # region and no code), kept per user and roles version (core/caching.py:
    # any change to the user's memberships or deployment roles bumps it after
    # its commit): no query per request.
    no_id = models.Value(None, output_field=models.IntegerField())
    rows: Any = kept(
        ("memberships", user.pk),
        lambda: tuple(
            Membership.objects.filter(user_id=user.pk)
            .order_by()
            .values_list("region_id", "region__code", "role", "agency_id")
            .union(
                DeploymentRole.objects.filter(user_id=user.pk)
                .order_by()
                .values_list(
                    no_id, models.Value("", output_field=models.CharField()), "role", no_id
                ),
                all=True,
            )
        ),
        version=roles_version(user.pk),
    )
    for region_id, region_code, role, agency_id in rows:
        if region_id is None:
            deployment.add(role)
            continue
        if role == Role.PROVINCE_ANALYST:
            # Not a member: the province's own non-public data stays closed.
            provinces.add(region_code)
            continue
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
        deployment=frozenset(deployment),
        analyst_provinces=frozenset(provinces),
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


def regions_in_comparison_scope(user: User) -> models.QuerySet[Region]:
    """The regions whose published (frozen) figures ``user`` may see side by
    side (the comparison pages, ``kotacerdas compare``): every region for a
    superuser and the ministry's roles; a province analyst's province and its
    kab/kota (codes ``PP`` and ``PP.*``); the regions of the user's own
    memberships. A deployment admin by that role alone: none (deny by
    default). Published figures only: the caller must not read a region's
    working data through this scope."""
    roles = roles_of(user)
    if roles.reads_all_regions:
        return Region.objects.all()
    scope = models.Q(id__in=roles.member_regions)
    for code in sorted(roles.analyst_provinces):
        scope |= models.Q(code=code) | models.Q(code__startswith=f"{code}.")
    if not roles.member_regions and not roles.analyst_provinces:
        return Region.objects.none()
    return Region.objects.filter(scope)


def fetch(visible: models.QuerySet[M], permitted: models.QuerySet[M], **lookup: object) -> M:
    """The object if ``permitted``; 403 when the user may see it but not do
    this; 404 when the user may not even see it (no existence leak)."""
    obj = permitted.filter(**lookup).first()
    if obj is not None:
        return obj
    if visible.filter(**lookup).exists():
        raise PermissionDenied
    raise Http404
