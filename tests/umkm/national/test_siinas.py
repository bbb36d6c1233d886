"""SIINas (issue 20): the IKM flag (KBLI category C), production capacity,
sentra IKM (≥ 5 IKM with the same 5-digit KBLI in one kelurahan) and the
count toward the region's yearly target."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.models import Business, SiinasTarget
from kotacerdas.umkm.national.selectors import (
    SENTRA_MIN_UNITS,
    sentra_ikm,
    siinas_panel_figures,
    siinas_target_progress,
)
from kotacerdas.umkm.national.services import siinas_target_set
from kotacerdas.umkm.registry import services as registry
from tests.permissions.rows_umkm_registry import make_business

pytestmark = pytest.mark.usefixtures("shared_world")

FOOD = "10792"  # C: industri pengolahan (makanan)
BATIK = "13134"  # C: industri tekstil
SHOP = "47111"  # G: perdagangan eceran
PANGKALAN_SESAI = "14.72.01.1003"
PURNAMA = "14.72.01.1006"


def _ikm(world: Any, n: int, *, kbli: str = FOOD, kelurahan: str = PANGKALAN_SESAI, **data: Any):
    return [
        make_business(
            world,
            name=f"IKM {kbli} {kelurahan} {i}",
            owner_nik="",
            phone="",
            kbli_code=kbli,
            kelurahan_code=kelurahan,
            **data,
        )
        for i in range(n)
    ]


def test_a_business_is_ikm_when_its_kbli_is_in_category_c(world) -> None:
    food, shop, unknown = (
        make_business(world, kbli_code=FOOD),
        make_business(world, name="Toko", owner_nik="", phone="", kbli_code=SHOP),
        make_business(world, name="Tanpa KBLI", owner_nik="", phone="", kbli_code=""),
    )
    assert (food.is_ikm, shop.is_ikm, unknown.is_ikm) == (True, False, False)
    # Division 33 is the last of category C, 35 is electricity (D).
    assert make_business(world, name="Reparasi", owner_nik="", phone="", kbli_code="33121").is_ikm
    assert not make_business(
        world, name="Listrik", owner_nik="", phone="", kbli_code="35101"
    ).is_ikm


def test_the_list_filters_ikm_and_the_page_shows_the_flag(personas, world) -> None:
    food = make_business(world, kbli_code=FOOD)
    make_business(world, name="Toko Kelontong", owner_nik="", phone="", kbli_code=SHOP)
    client = personas["officer"]
    url = reverse("umkm:business_list", args=[world.region.code])
    only_ikm = client.get(url, {"ikm": "ya"}).content.decode()
    assert food.name in only_ikm and "Toko Kelontong" not in only_ikm
    not_ikm = client.get(url, {"ikm": "tidak"}).content.decode()
    assert food.name not in not_ikm and "Toko Kelontong" in not_ikm
    detail = client.get(reverse("umkm:business_detail", args=[food.pk])).content.decode()
    assert "KBLI kategori C" in detail


def test_the_form_takes_a_production_capacity_as_people_write_it(personas, world) -> None:
    business = make_business(world, kbli_code=FOOD)
    client = personas["officer"]
    url = reverse("umkm:business_edit", args=[business.pk])
    form = {
        "name": business.name,
        "kbli_code": FOOD,
        "kbli_version": "2020",
        "kelurahan_code": business.kelurahan_code,
        "sells_online": "unknown",
        "uses_qris": "unknown",
    }
    refused = client.post(url, {**form, "production_capacity": "400-500"})
    assert refused.status_code == 200 and "rentang" in refused.content.decode()
    business.refresh_from_db()
    assert business.production_capacity is None

    saved = client.post(
        url, {**form, "production_capacity": "1.500,5", "production_capacity_unit": "kg/bulan"}
    )
    assert saved.status_code == 302
    business.refresh_from_db()
    assert (str(business.production_capacity), business.production_capacity_unit) == (
        "1500.50",
        "kg/bulan",
    )
    change = AuditEvent.objects.filter(object_id=str(business.pk), action="update").latest("pk")
    assert "production_capacity" in {name for name, _old, _new in change.changed_fields()}


def test_a_unit_without_a_capacity_is_refused(world) -> None:
    with pytest.raises(Exception, match="kapasitas produksi"):
        make_business(world, production_capacity_unit="kg/bulan")


def test_five_ikm_with_the_same_product_in_one_kelurahan_are_a_sentra(world) -> None:
    _ikm(world, SENTRA_MIN_UNITS)
    _ikm(world, SENTRA_MIN_UNITS - 1, kelurahan=PURNAMA)  # too few there
    _ikm(world, SENTRA_MIN_UNITS - 2, kbli=BATIK)  # same kelurahan, another product
    _ikm(world, SENTRA_MIN_UNITS, kbli=SHOP, kelurahan=PURNAMA)  # not industry

    (sentra,) = sentra_ikm(region=world.region)
    assert (sentra.kelurahan_code, sentra.kbli_code, sentra.units) == (
        PANGKALAN_SESAI,
        FOOD,
        SENTRA_MIN_UNITS,
    )
    assert sentra.kelurahan == "Pangkalan Sesai" and sentra.kecamatan == "Dumai Barat"


def test_only_counted_ikm_make_a_sentra(world) -> None:
    units = _ikm(world, SENTRA_MIN_UNITS)
    registry.business_set_status(actor=None, business=units[0], status=Business.Status.CLOSED)
    assert sentra_ikm(region=world.region) == []
    _ikm(world, 1)
    assert [s.units for s in sentra_ikm(region=world.region)] == [SENTRA_MIN_UNITS]


def test_the_target_counts_ikm_registered_in_its_year(world) -> None:
    year = timezone.localdate().year
    this_year = _ikm(world, 3)
    last_year = _ikm(world, 2, kbli=BATIK)
    make_business(world, name="Toko", owner_nik="", phone="", kbli_code=SHOP)  # not IKM
    start = dt.datetime(year, 1, 1, tzinfo=world.region.tzinfo)
    Business.objects.filter(pk__in=[b.pk for b in last_year]).update(
        created_at=start - dt.timedelta(minutes=1)  # 31 December, 23.59 WIB
    )
    Business.objects.filter(pk=this_year[0].pk).update(created_at=start)  # 1 January, 00.00 WIB

    assert siinas_target_progress(region=world.region, year=year).target is None
    siinas_target_set(actor=None, region=world.region, year=year, target=6)

    progress = siinas_target_progress(region=world.region, year=year)
    assert (progress.registered, progress.target, progress.ikm_total) == (3, 6, 5)
    assert str(progress.percent) == "50.00"
    assert siinas_target_progress(region=world.region, year=year - 1).registered == 2


def test_the_region_admin_sets_the_target_audited(personas, world) -> None:
    url = reverse("umkm:siinas", args=[world.region.code])
    year = timezone.localdate().year
    client = personas["admin"]
    assert client.post(url, {"year": year, "target": "120"}).status_code == 302
    assert client.post(url, {"year": year, "target": "1.500"}).status_code == 302
    target = SiinasTarget.objects.get(region=world.region, year=year)
    assert target.target == 1500
    actions = list(
        AuditEvent.objects.filter(object_id=str(target.pk), content_type__model="siinastarget")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]

    bad = client.post(url, {"year": year, "target": "2-3"})
    assert bad.status_code == 400 and "rentang" in bad.content.decode()
    assert SiinasTarget.objects.get(pk=target.pk).target == 1500
    assert personas["officer"].post(url, {"year": year, "target": "7"}).status_code == 403

    page = personas["officer"].get(url).content.decode()
    assert 'data-testid="siinas-target-value">1500<' in page
    stats = personas["officer"].get(reverse("umkm:statistics", args=[world.region.code]))
    assert 'data-testid="siinas-panel"' in stats.content.decode()


def test_the_statistics_panel_shows_the_same_figures_in_one_query(
    world, django_assert_num_queries
) -> None:
    year = timezone.localdate().year
    _ikm(world, SENTRA_MIN_UNITS)
    _ikm(world, 2, kbli=BATIK, kelurahan=PURNAMA)
    siinas_target_set(actor=None, region=world.region, year=year, target=20)
    with django_assert_num_queries(1):
        figures = siinas_panel_figures(region=world.region, year=year)
    assert figures.progress == siinas_target_progress(region=world.region, year=year)
    assert figures.sentra_count == len(sentra_ikm(region=world.region)) == 1
