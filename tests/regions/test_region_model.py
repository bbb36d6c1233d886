"""Region: a kota/kabupaten using KotaCerdas, identified by its Kemendagri code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan import services
from kotacerdas.regions.models import Region


@pytest.mark.parametrize(
    "code",
    [
        "14",  # a province
        "14.72.01",  # a kecamatan
        "14.72.01.1003",  # a kelurahan
        "99.99",  # unknown
        "1473",  # the BPS code of Dumai
        "1472",  # undotted
        "",
    ],
)
def test_it_rejects_codes_that_are_not_a_known_kabupaten_or_kota(db, code):
    region = Region(code=code, name="Wilayah uji")

    with pytest.raises(ValidationError) as excinfo:
        region.full_clean()

    messages = excinfo.value.message_dict["code"]
    assert any("bukan kode kab/kota Kemendagri" in m for m in messages), messages


@pytest.mark.parametrize(("code", "name"), [("14.72", "Kota Dumai"), ("33.05", "Kab. Kebumen")])
def test_it_accepts_a_kemendagri_kabupaten_or_kota_code(db, code, name):
    Region(code=code, name=name).full_clean()


def test_it_refuses_a_second_region_with_the_same_code(db):
    Region.objects.create(code="14.72", name="Kota Dumai")

    with pytest.raises(ValidationError) as excinfo:
        Region(code="14.72", name="Dumai lagi").full_clean()

    assert excinfo.value.message_dict["code"] == ["Wilayah dengan kode ini sudah terdaftar."]


def test_it_knows_its_province_kecamatan_and_kelurahan(db):
    region = Region.objects.create(code="14.72", name="Kota Dumai")

    assert region.province is not None
    assert region.province.name == "Riau"
    assert len(region.kecamatan()) == 7
    assert len(region.kelurahan()) == 36
    assert str(region) == "Kota Dumai"


def test_it_creates_a_region_once_and_audits_it(db):
    first = services.region_get_or_create(actor=None, code="14.72", name="Kota Dumai")
    again = services.region_get_or_create(actor=None, code="14.72", name="Nama lain")

    assert again.pk == first.pk
    assert Region.objects.get().name == "Kota Dumai"
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.CREATE
    assert event.region_code == "14.72"
    assert event.after == {"code": "14.72", "name": "Kota Dumai"}


def test_it_validates_a_region_created_through_the_service(db):
    with pytest.raises(ValidationError):
        services.region_get_or_create(actor=None, code="1473", name="Kota Dumai (BPS)")

    assert not Region.objects.exists()
    assert not AuditEvent.objects.exists()
