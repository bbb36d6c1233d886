"""Roles over more than one region (docs/decisions.md §81): the deployment
admin, the ministry's operator and analyst, other ministries' readers and the
province analyst. Each widens at most the regions whose *published* figures
the user may compare (``regions_in_comparison_scope``); none opens a region's
non-public data or lets its holder change anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.accounts import policy
from kotacerdas.core.access import (
    regions_for,
    regions_in_comparison_scope,
    role_scope,
    roles_of,
)
from kotacerdas.core.models import DeploymentRole, Membership, Role
from kotacerdas.regions.models import Region
from tests.factories import make_user


@pytest.fixture
def regions(db) -> dict[str, Region]:
    codes = {
        "riau": ("14", "Provinsi Riau"),
        "dumai": ("14.72", "Kota Dumai"),
        "kampar": ("14.01", "Kabupaten Kampar"),
        "jabar": ("32", "Provinsi Jawa Barat"),
        "bandung": ("32.73", "Kota Bandung"),
    }
    # The module's shared world (conftest.py) already holds Kota Dumai.
    return {
        key: Region.objects.get_or_create(code=c, defaults={"name": n})[0]
        for key, (c, n) in codes.items()
    }


def _deployment(username: str, role: str) -> Any:
    user = make_user(username)
    DeploymentRole.objects.create(user=user, role=role)
    return user


def _codes(user: Any) -> list[str]:
    return sorted(regions_in_comparison_scope(user).values_list("code", flat=True))


def _all() -> list[str]:
    # The module's world and outsiders (conftest.py) hold regions too.
    return sorted(Region.objects.values_list("code", flat=True))


@pytest.mark.parametrize(
    "role",
    [
        DeploymentRole.Kind.MINISTRY_OPERATOR,
        DeploymentRole.Kind.MINISTRY_ANALYST,
        DeploymentRole.Kind.OTHER_MINISTRY,
    ],
)
def test_the_ministrys_roles_compare_every_region(regions, role) -> None:
    assert _codes(_deployment("kemen", role)) == _all()


def test_a_superuser_compares_every_region(regions) -> None:
    assert _codes(make_user("root", is_superuser=True)) == _all()


def test_a_province_analyst_compares_the_province_and_its_kab_kota_only(regions) -> None:
    analyst = make_user("analis-riau")
    Membership.objects.create(user=analyst, region=regions["riau"], role=Role.PROVINCE_ANALYST)

    riau = [c for c in _all() if c == "14" or c.startswith("14.")]
    assert _codes(analyst) == riau
    assert "14.01" in riau and "32.73" not in riau


def test_a_region_role_compares_its_own_regions(regions) -> None:
    admin = make_user("tim-dumai")
    Membership.objects.create(user=admin, region=regions["dumai"], role=Role.ADMIN)

    assert _codes(admin) == ["14.72"]
    assert len(_all()) > 1


def test_a_deployment_admin_and_a_stranger_compare_nothing(regions) -> None:
    assert _codes(_deployment("ops", DeploymentRole.Kind.DEPLOYMENT_ADMIN)) == []
    assert _codes(make_user("warga")) == []


@pytest.mark.parametrize(
    "role",
    [
        DeploymentRole.Kind.DEPLOYMENT_ADMIN,
        DeploymentRole.Kind.MINISTRY_OPERATOR,
        DeploymentRole.Kind.MINISTRY_ANALYST,
        DeploymentRole.Kind.OTHER_MINISTRY,
    ],
)
def test_no_deployment_role_opens_or_changes_a_region(regions, role) -> None:
    roles = roles_of(_deployment("d", role))

    assert not roles.superuser
    assert not roles.member_regions and not roles.admin_regions and not roles.region_wide
    assert not any(roles.can_view_region(r.pk) for r in regions.values())
    assert not regions_for(roles_user := _deployment("d2", role)).exists()
    assert not regions_for(roles_user, "change").exists()


def test_a_province_analyst_is_no_member_of_the_province(regions) -> None:
    analyst = make_user("analis-riau")
    Membership.objects.create(user=analyst, region=regions["riau"], role=Role.PROVINCE_ANALYST)
    roles = roles_of(analyst)

    assert roles.analyst_provinces == frozenset({"14"})
    assert not roles.can_view_region(regions["riau"].pk)
    assert not roles.region_wide and not roles.officer_regions
    assert not regions_for(analyst).exists()
    assert not regions_for(analyst, "change").exists()


def test_only_the_deployment_admin_and_superusers_manage_the_deployment(regions) -> None:
    assert roles_of(_deployment("ops", DeploymentRole.Kind.DEPLOYMENT_ADMIN)).manages_deployment
    assert roles_of(make_user("root", is_superuser=True)).manages_deployment
    analyst = _deployment("kemen", DeploymentRole.Kind.MINISTRY_ANALYST)
    assert not roles_of(analyst).manages_deployment
    admin = make_user("tim-dumai")
    Membership.objects.create(user=admin, region=regions["dumai"], role=Role.ADMIN)
    assert not roles_of(admin).manages_deployment


def test_a_province_analyst_is_appointed_in_a_province_only(regions) -> None:
    analyst = make_user("analis")
    membership = Membership(user=analyst, region=regions["dumai"], role=Role.PROVINCE_ANALYST)

    with pytest.raises(ValidationError) as caught:
        membership.full_clean()

    assert "provinsi" in " ".join(caught.value.message_dict["region"])
    Membership(user=analyst, region=regions["riau"], role=Role.PROVINCE_ANALYST).full_clean()


def test_a_deployment_role_is_held_once(regions) -> None:
    user = _deployment("ops", DeploymentRole.Kind.DEPLOYMENT_ADMIN)

    with pytest.raises(ValidationError):
        DeploymentRole(user=user, role=DeploymentRole.Kind.DEPLOYMENT_ADMIN).full_clean()


def test_roles_are_read_in_one_query(regions, django_assert_num_queries) -> None:
    user = _deployment("both", DeploymentRole.Kind.MINISTRY_ANALYST)
    Membership.objects.create(user=user, region=regions["riau"], role=Role.PROVINCE_ANALYST)
    Membership.objects.create(user=user, region=regions["bandung"], role=Role.ADMIN)
    user = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        roles = roles_of(user)

    assert roles.deployment == frozenset({DeploymentRole.Kind.MINISTRY_ANALYST})
    assert roles.analyst_provinces == frozenset({"14"})
    assert roles.admin_regions == frozenset({regions["bandung"].pk})


def test_two_users_with_different_deployment_roles_never_share_a_cached_page(regions) -> None:
    analyst = _deployment("a", DeploymentRole.Kind.MINISTRY_ANALYST)
    other = _deployment("b", DeploymentRole.Kind.OTHER_MINISTRY)
    province = make_user("c")
    Membership.objects.create(user=province, region=regions["riau"], role=Role.PROVINCE_ANALYST)

    assert len({role_scope(analyst), role_scope(other), role_scope(province)}) == 3


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (DeploymentRole.Kind.DEPLOYMENT_ADMIN, True),
        (DeploymentRole.Kind.MINISTRY_OPERATOR, True),
        (DeploymentRole.Kind.MINISTRY_ANALYST, False),
        (DeploymentRole.Kind.OTHER_MINISTRY, False),
    ],
)
def test_the_roles_that_act_must_use_a_second_factor(regions, role, required) -> None:
    assert policy.mfa_required(_deployment("d", role)) is required
