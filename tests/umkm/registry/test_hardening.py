"""Defects found in review, kept fixed: derived fields follow edits, an
individual's NPWP is personal data, hostile input gets a message instead of
an error page, and only pending registrations are verified."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kotacerdas.core.audit import history_for
from kotacerdas.umkm import identifiers
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.pdp.services import businesses_anonymise, subject_report
from kotacerdas.umkm.registry import services
from tests.permissions.rows_umkm_registry import NIK, make_business

pytestmark = pytest.mark.usefixtures("shared_world")


def test_an_edit_saves_the_derived_fields(world, officer) -> None:
    business = make_business(world)
    services.business_update(
        actor=officer,
        business=business,
        data={
            "name": "Apotek Sehat Sentosa",
            "kelurahan_code": "14.72.05.1002",
            "kbli_code": "47111",
        },
    )
    stored = Business.objects.get(pk=business.pk)
    assert stored.name_key == "APOTEK SEHAT SENTOSA"
    assert stored.kecamatan_code == "14.72.05"
    assert stored.kbli_category == "G"


def test_an_individuals_npwp_is_masked_in_the_audit_trail_and_anonymised(world, officer) -> None:
    business = make_business(world, npwp=NIK)
    services.business_update(actor=officer, business=business, data={"workers": 9})
    for event in history_for(business):
        assert NIK not in f"{event.before} {event.after}"
    found = subject_report(actor=officer, region=world.region, nik=NIK, purpose="uji")
    assert business.pk in [b.pk for b in found.businesses]
    services.business_set_status(actor=officer, business=business, status="closed")
    Business.objects.filter(pk=business.pk).update(closed_at="2000-01-01T00:00:00Z")
    businesses_anonymise(actor=None, regions=[world.region])
    business.refresh_from_db()
    assert business.npwp == "" and business.owner_nik == ""


def test_an_entitys_npwp_stays(world, officer) -> None:
    entity = "0" + "012345674" + "001000"  # "0" + a legacy NPWP with a valid check digit
    assert identifiers.clean_npwp(entity) == entity
    business = make_business(world, npwp=entity)
    assert entity in str(history_for(business).first().after)


@pytest.mark.parametrize(
    ("cleaner", "raw"),
    [
        (identifiers.clean_nik, "²472010101900001"),
        (identifiers.clean_amount, "1" * 30),
        (identifiers.clean_amount, 1e30),
        (identifiers.clean_int, "9" * 20),
        (identifiers.clean_year, "٢٠٢٠"),
        (lambda raw: identifiers.clean_coordinate(raw, latitude=True), "nan"),
    ],
)
def test_hostile_values_are_refused_with_a_reason(cleaner, raw) -> None:  # type: ignore[no-untyped-def]
    if cleaner is identifiers.clean_year:
        with pytest.raises(identifiers.Invalid):
            identifiers.clean_year(raw, 2026)
        return
    with pytest.raises(identifiers.Invalid) as caught:
        cleaner(raw)
    assert caught.value.message


def test_the_public_form_answers_hostile_input_with_messages(world, client) -> None:
    response = client.post(
        reverse("umkm:register", args=[world.region.code]),
        {
            "name": "Kue Siti",
            "owner_name": "Siti",
            "owner_nik": "²472010101900001",
            "phone": "0812 3456 7891",
            "address": "Jl. Uji",
            "kelurahan_code": "14.72.01.1003",
            "capital": "1" * 30,
            "consent": "on",
        },
    )
    assert response.status_code == 400  # the form again, with its messages
    page = response.content.decode()
    assert "terlalu besar" in page
    assert not Business.objects.exists()


@pytest.mark.parametrize("route", ["umkm:business_list", "umkm:access_log"])
def test_a_strange_page_number_shows_the_first_page(world, personas, route: str) -> None:
    response = personas["officer"].get(reverse(route, args=[world.region.code]), {"page": "²"})
    assert response.status_code == 200


def test_only_pending_registrations_are_verified(world, officer) -> None:
    business = make_business(world)
    assert business.verification == Business.Verification.VERIFIED
    with pytest.raises(ValidationError, match="menunggu verifikasi"):
        services.business_verify(actor=officer, business=business, accept=False)
    assert Business.objects.get(pk=business.pk).verification == "verified"
