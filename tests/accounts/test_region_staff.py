"""A region admin keeps the region's own people and agencies; the deployment
admin (no superuser) adds regions from the Kemendagri reference and appoints
their admins, and sees nothing inside a region by that role alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.test import Client
from django.urls import reverse

from kotacerdas.core.models import AuditEvent, DeploymentRole, Membership, Role
from kotacerdas.masterplan.models import Agency
from kotacerdas.regions.models import Region
from tests.conftest import World
from tests.factories import RegionFactory, make_user
from tests.logins import login_verified

User = get_user_model()


def _signed_in(user: Any) -> Client:
    return login_verified(Client(), user)


def _users(world: World) -> str:
    return reverse("accounts:region_users", args=[world.region.code])


def test_a_region_admin_creates_an_account_with_a_role_in_an_agency(
    world: World, admin_user
) -> None:
    client = _signed_in(admin_user)

    response = client.post(
        _users(world),
        {
            "username": "sari",
            "full_name": "Sari Wulandari",
            "email": "sari@dumaikota.go.id",
            "role": Role.AGENCY_EDITOR,
            "agency": world.agency_a.pk,
        },
    )

    assert response.status_code == 302
    sari = User.objects.get(username="sari")
    # A password nobody knows, but usable: "Lupa kata sandi" finds the
    # account (Django's reset form skips an unusable one).
    assert sari.has_usable_password()
    assert list(PasswordResetForm().get_users("sari@dumaikota.go.id")) == [sari]
    assert (sari.first_name, sari.last_name) == ("Sari", "Wulandari")
    membership = Membership.objects.get(user=sari)
    assert (membership.region, membership.role, membership.agency) == (
        world.region,
        Role.AGENCY_EDITOR,
        world.agency_a,
    )
    event = AuditEvent.objects.get(content_type__model="membership", object_id=str(membership.pk))
    assert event.actor_label == admin_user.username
    assert event.region_code == world.region.code
    assert AuditEvent.objects.filter(content_type__model="user", object_id=str(sari.pk)).exists()
    page = client.get(_users(world)).content.decode()
    assert "Sari Wulandari" in page and "Akun baru dibuat" in page


def test_a_region_admin_gives_an_existing_account_a_role(world: World, admin_user) -> None:
    rina = make_user("rina-baru")

    response = _signed_in(admin_user).post(
        _users(world), {"username": "rina-baru", "role": Role.REGISTRY_OFFICER}
    )

    assert response.status_code == 302
    assert Membership.objects.filter(user=rina, role=Role.REGISTRY_OFFICER).exists()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"username": "x", "email": "x@example.id", "role": Role.AGENCY_HEAD}, "Pilih perangkat"),
        ({"username": "x", "role": Role.ADMIN}, "Akun baru perlu surel"),
        ({"username": "x", "email": "x@example.id", "role": Role.ASSESSOR}, "pilihan yang valid"),
        (
            {"username": "x", "email": "x@example.id", "role": Role.PROVINCE_ANALYST},
            "pilihan yang valid",
        ),
    ],
)
def test_it_refuses_a_role_it_cannot_give_and_says_why(
    world: World, admin_user, data, field_message
) -> None:
    response = _signed_in(admin_user).post(_users(world), data)

    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_it_refuses_an_agency_of_another_region(world: World, admin_user) -> None:
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    foreign = Agency.objects.create(region=other, short_name="Diskominfo", name="Dinas Kominfo")

    response = _signed_in(admin_user).post(
        _users(world),
        {
            "username": "x",
            "email": "x@example.id",
            "role": Role.AGENCY_EDITOR,
            "agency": foreign.pk,
        },
    )

    assert response.status_code == 400
    assert not Membership.objects.filter(agency=foreign).exists()


def test_a_region_admin_ends_a_role_but_not_their_own_admin_role(
    world: World, admin_user, editor_a
) -> None:
    client = _signed_in(admin_user)
    editor_role = Membership.objects.get(user=editor_a)
    own = Membership.objects.get(user=admin_user, role=Role.ADMIN)

    client.post(reverse("accounts:region_user_remove", args=[world.region.code, editor_role.pk]))
    refused = client.post(
        reverse("accounts:region_user_remove", args=[world.region.code, own.pk]), follow=True
    )

    assert not Membership.objects.filter(pk=editor_role.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, content_type__model="membership"
    ).exists()
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "tidak dapat mencabut peran admin Anda sendiri" in refused.content.decode()


def test_the_ministrys_assessor_role_is_not_the_region_admins_to_end(
    world: World, admin_user, assessor
) -> None:
    role = Membership.objects.get(user=assessor)

    response = _signed_in(admin_user).post(
        reverse("accounts:region_user_remove", args=[world.region.code, role.pk])
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=role.pk).exists()


def test_only_the_regions_admin_keeps_its_people(world: World, editor_a) -> None:
    stranger = make_user("admin-pekanbaru")
    Membership.objects.create(
        user=stranger, region=RegionFactory(code="14.71", name="Kota Pekanbaru"), role=Role.ADMIN
    )

    assert _signed_in(editor_a).get(_users(world)).status_code == 403
    assert _signed_in(stranger).get(_users(world)).status_code == 404
    assert Client().get(_users(world)).status_code == 302


def test_a_region_admin_adds_an_agency(world: World, admin_user) -> None:
    url = reverse("accounts:region_agencies", args=[world.region.code])
    client = _signed_in(admin_user)

    added = client.post(url, {"short_name": "Disdik", "name": "Dinas Pendidikan", "head": ""})
    again = client.post(url, {"short_name": "Disdik", "name": "Dinas Pendidikan lagi"})

    assert added.status_code == 302
    agency = Agency.objects.get(region=world.region, short_name="Disdik")
    assert AuditEvent.objects.filter(
        content_type__model="agency", object_id=str(agency.pk), region_code=world.region.code
    ).exists()
    assert again.status_code == 400
    assert "Singkatan perangkat daerah sudah dipakai" in again.content.decode()
    assert Agency.objects.filter(short_name="Disdik").count() == 1


# --- The deployment admin ---------------------------------------------------------

DEPLOYMENT = reverse("accounts:deployment_regions")


@pytest.fixture
def deployment_admin(db) -> Any:
    user = make_user("ops-nasional")
    DeploymentRole.objects.create(user=user, role=DeploymentRole.Kind.DEPLOYMENT_ADMIN)
    return user


def test_the_deployment_admin_adds_a_province_and_appoints_its_admin(deployment_admin) -> None:
    make_user("tim-riau")
    client = _signed_in(deployment_admin)

    response = client.post(DEPLOYMENT, {"code": "14", "admin": "tim-riau"}, follow=True)

    riau = Region.objects.get(code="14")
    assert (riau.name, riau.kind) == ("Provinsi Riau", Region.Kind.PROVINCE)
    assert Membership.objects.filter(
        user__username="tim-riau", region=riau, role=Role.ADMIN
    ).exists()
    text = response.content.decode()
    assert "Wilayah 14 Provinsi Riau ditambahkan." in text
    assert "tim-riau diangkat sebagai admin." in text
    assert AuditEvent.objects.get(content_type__model="region").actor_label == "ops-nasional"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "99.99", "admin": ""}, "tidak ada dalam referensi"),
        ({"code": "14.72.01", "admin": ""}, "bukan kab/kota"),
        ({"code": "14.72", "admin": "nobody"}, "Pengguna nobody tidak ada"),
    ],
)
def test_the_deployment_page_refuses_bad_input_and_adds_nothing(
    deployment_admin, data, message
) -> None:
    response = _signed_in(deployment_admin).post(DEPLOYMENT, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Region.objects.exists()


def test_the_deployment_page_speaks_english_too(deployment_admin) -> None:
    client = _signed_in(deployment_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.post(DEPLOYMENT, {"code": "99.99", "admin": ""})

    assert "is not in the Kemendagri region reference" in response.content.decode()


def test_the_deployment_admin_sees_no_regions_data(deployment_admin, world: World) -> None:
    client = _signed_in(deployment_admin)

    assert client.get(DEPLOYMENT).status_code == 200
    assert client.get(reverse("masterplan:dashboard", args=[world.region.code])).status_code == 404
    assert client.get(_users(world)).status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AGENCY_EDITOR])
def test_region_roles_do_not_manage_the_deployment(world: World, role) -> None:
    user = make_user("regional")
    agency = world.agency_a if role == Role.AGENCY_EDITOR else None
    Membership.objects.create(user=user, region=world.region, role=role, agency=agency)

    assert _signed_in(user).get(DEPLOYMENT).status_code == 403


def test_a_ministry_analyst_does_not_manage_the_deployment(db) -> None:
    analyst = make_user("analis")
    DeploymentRole.objects.create(user=analyst, role=DeploymentRole.Kind.MINISTRY_ANALYST)

    assert _signed_in(analyst).get(DEPLOYMENT).status_code == 403


def test_a_region_admin_gives_no_role_to_themselves(world: World, admin_user) -> None:
    """The registry officer's reveal of NIK and phone is kept from admins:
    an admin cannot hand it (or any role) to their own account."""
    response = _signed_in(admin_user).post(
        _users(world), {"username": admin_user.username, "role": Role.REGISTRY_OFFICER}
    )

    assert response.status_code == 400
    assert "diri sendiri" in response.content.decode()
    assert not Membership.objects.filter(user=admin_user, role=Role.REGISTRY_OFFICER).exists()


def test_the_deployment_admin_cannot_appoint_themselves_in_a_region(
    deployment_admin, world: World
) -> None:
    """A deployment admin opens no region's data by that role: appointing
    their own account admin of an existing region would."""
    response = _signed_in(deployment_admin).post(
        DEPLOYMENT, {"code": world.region.code, "admin": deployment_admin.username}
    )

    assert response.status_code == 400
    assert "diri sendiri" in response.content.decode()
    assert not Membership.objects.filter(user=deployment_admin).exists()
