"""Region: a kota/kabupaten using KotaCerdas, identified by its Kemendagri code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan import services
from kotacerdas.regions import reference
from kotacerdas.regions.models import Region


@pytest.mark.parametrize(
    "code",
    [
        "99",  # no such province
        "14.72.01",  # a kecamatan
        "14.72.01.1003",  # a kelurahan
        "99.99",  # unknown
        "1473",  # the BPS code of Dumai
        "1472",  # undotted
        "",
    ],
)
def test_it_rejects_codes_that_are_not_a_known_province_kabupaten_or_kota(db, code):
    region = Region(code=code, name="Wilayah uji")

    with pytest.raises(ValidationError) as excinfo:
        region.full_clean()

    messages = excinfo.value.message_dict["code"]
    assert any("bukan kode provinsi atau kab/kota Kemendagri" in m for m in messages), messages


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("14.72", "Kota Dumai", Region.Kind.KABKOTA),
        ("33.05", "Kab. Kebumen", Region.Kind.KABKOTA),
        ("14", "Provinsi Riau", Region.Kind.PROVINCE),
        ("34", "Daerah Istimewa Yogyakarta", Region.Kind.PROVINCE),
    ],
)
def test_it_accepts_a_kemendagri_province_kabupaten_or_kota_code(db, code, name, kind):
    region = Region(code=code, name=name)
    region.full_clean()
    region.save()

    assert Region.objects.get(code=code).kind == kind
    assert region.is_province is (kind == Region.Kind.PROVINCE)


def test_it_derives_the_kind_from_the_code_on_every_save(db):
    region = Region.objects.create(code="14.72", name="Kota Dumai")
    region.code = "14"
    region.save(update_fields=["code"])

    assert Region.objects.get(pk=region.pk).kind == Region.Kind.PROVINCE


def test_the_database_refuses_a_kind_that_contradicts_the_code(db):
    from django.db import IntegrityError, transaction

    Region.objects.bulk_create([Region(code="14.72", name="Kota Dumai")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(code="14.72").update(kind=Region.Kind.PROVINCE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.bulk_create([Region(code="14", name="Riau", kind=Region.Kind.KABKOTA)])


def test_a_province_holds_the_kab_kota_whose_code_starts_with_its_own(db):
    riau = Region.objects.create(code="14", name="Provinsi Riau")
    dumai = Region.objects.create(code="14.72", name="Kota Dumai")
    kampar = Region.objects.create(code="14.01", name="Kabupaten Kampar")
    Region.objects.create(code="12.71", name="Kota Medan")
    # Another province, and the province itself, are not its kab/kota.
    Region.objects.create(code="11", name="Aceh")

    assert list(riau.kabkota()) == [kampar, dumai]
    assert not dumai.kabkota().exists()
    assert [a.code for a in riau.kabkota_areas()][:1] == ["14.01"]
    assert len(riau.kabkota_areas()) == len(reference.children("14"))
    assert riau.kecamatan() == [] and riau.kelurahan() == []
    assert riau.province is not None and riau.province.name == "Riau"
    assert riau.province_code == dumai.province_code == "14"


@pytest.mark.parametrize(
    ("code", "zone", "abbreviation"),
    [
        ("14", "Asia/Jakarta", "WIB"),
        ("73", "Asia/Makassar", "WITA"),
        ("94", "Asia/Jayapura", "WIT"),
    ],
)
def test_a_province_keeps_the_clock_of_its_code(db, code, zone, abbreviation):
    region = Region.objects.create(code=code, name="Provinsi uji")

    assert (region.zone_name, region.zone_abbreviation) == (zone, abbreviation)


def test_a_province_dates_its_documents_with_its_full_name(db):
    assert Region(code="14", name="Provinsi Riau").place_name == "Provinsi Riau"
    assert Region(code="14.72", name="Kota Dumai").place_name == "Dumai"


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
