"""A province is a region too (Smart Province): the same masterplan, pages,
portal and clock as a kab/kota, under its two-digit Kemendagri code."""

from __future__ import annotations

from django.urls import reverse

from kotacerdas.core.models import Membership, Role
from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.regions.models import Region
from tests.factories import (
    AgencyFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
    make_user,
)
from tests.logins import login_verified


def _province_with_a_masterplan() -> Region:
    riau = Region.objects.create(code="14", name="Provinsi Riau")
    masterplan = make_masterplan(riau, title="Masterplan Smart Province Riau 2024–2034")
    agency = AgencyFactory(region=riau, short_name="Diskominfotik", name="Dinas Kominfotik")
    programme = make_programme(masterplan, lead_agency=agency)
    make_action_plan(programme, agency=agency, status="berjalan")
    make_action_plan(programme, agency=agency)
    return riau


def test_a_province_keeps_its_own_masterplan_with_the_same_figures(db, client) -> None:
    riau = _province_with_a_masterplan()
    admin = make_user("gubernur-tim")
    Membership.objects.create(user=admin, region=riau, role=Role.ADMIN)
    login_verified(client, admin)

    response = client.get(reverse("masterplan:dashboard", args=["14"]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Provinsi Riau" in text
    figures = masterplan_figures(masterplan=riau.masterplans.get())
    assert figures.overall.action_plans.denominator == 2
    assert figures.overall.action_plans.numerator == 1


def test_the_portal_of_a_province_opens_under_its_code(db, client) -> None:
    _province_with_a_masterplan()

    response = client.get(reverse("portal:home", args=["14"]))

    assert response.status_code == 200
    assert "Provinsi Riau" in response.content.decode()


def test_a_province_and_a_kab_kota_of_it_live_side_by_side(db) -> None:
    riau = _province_with_a_masterplan()
    dumai = Region.objects.create(code="14.72", name="Kota Dumai")
    make_masterplan(dumai)

    assert list(riau.kabkota()) == [dumai]
    assert dumai.province_code == riau.code
