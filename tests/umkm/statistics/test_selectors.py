"""Figures of the registry: which businesses count, every breakdown, a
kecamatan filter, a constant number of queries, and a cache that follows
every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kotacerdas.umkm.models import Business
from kotacerdas.umkm.statistics.selectors import (
    counted_filter,
    registry_output,
    registry_statistics,
)
from tests.umkm.statistics.fixtures import (
    PANGKALAN_SESAI,
    PURNAMA,
    TELUK_BINJAI,
    clear_cache,
    make_business,
)

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


def _cells(breakdown) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {cell.key: cell.count for cell in breakdown.cells}


@pytest.fixture
def registry(world):  # type: ignore[no-untyped-def]
    r = world.region
    survivor = make_business(r, annual_sales=Decimal(100_000_000), year_started=2015)
    make_business(
        r,
        kelurahan_code=PURNAMA,
        kbli_code="10792",
        capital=Decimal(2_000_000_000),
        year_started=2026,
        sells_online=True,
        uses_qris=True,
    )
    make_business(
        r,
        kelurahan_code=TELUK_BINJAI,
        kbli_code="",
        sells_online=False,
        uses_qris=True,
    )
    # Anonymised businesses still count: the business remains, its owner data is gone.
    make_business(r, owner_nik="", owner_name="", anonymised_at=timezone.now(), year_started=2015)
    # Not counted:
    make_business(r, status=Business.Status.CLOSED)
    make_business(r, verification=Business.Verification.PENDING, source=Business.Source.FORM)
    make_business(r, verification=Business.Verification.REJECTED, source=Business.Source.FORM)
    make_business(r, merged_into=survivor)
    return r


def test_it_counts_only_active_verified_businesses_not_merged_away(registry) -> None:
    stats = registry_statistics(region=registry)
    assert stats.counted == 4
    assert (stats.pending, stats.closed, stats.rejected) == (1, 1, 1)


def test_it_lists_every_area_of_the_region_with_zeros(registry) -> None:
    stats = registry_statistics(region=registry)
    assert len(stats.by_kecamatan.cells) == 7
    assert len(stats.by_kelurahan.cells) == 36
    kecamatan = _cells(stats.by_kecamatan)
    assert kecamatan["14.72.01"] == 3 and kecamatan["14.72.02"] == 1
    assert kecamatan["14.72.05"] == 0
    kelurahan = _cells(stats.by_kelurahan)
    assert kelurahan[PANGKALAN_SESAI] == 2 and kelurahan[PURNAMA] == 1
    assert kelurahan[TELUK_BINJAI] == 1
    assert sum(kelurahan.values()) == stats.counted
    names = {cell.key: (cell.label, cell.group) for cell in stats.by_kelurahan.cells}
    assert names[PURNAMA] == ("Purnama", "Dumai Barat")
    areas = {area.code: area for area in stats.areas}
    assert (areas[PANGKALAN_SESAI].pending, areas[PANGKALAN_SESAI].closed) == (1, 1)


def test_it_breaks_down_by_category_size_year_and_digital_adoption(registry) -> None:
    stats = registry_statistics(region=registry)
    assert _cells(stats.by_category) == {"2020:C": 1, "2020:G": 2, "-": 1}
    labels = {cell.key: cell.label for cell in stats.by_category.cells}
    assert labels["2020:G"].startswith("G — Perdagangan Besar dan Eceran")
    assert _cells(stats.by_size) == {"mikro": 1, "kecil": 1, "menengah": 0, "besar": 0, "-": 2}
    started = _cells(stats.by_year_started)
    assert started["2015"] == 2 and started["2026"] == 1 and started["-"] == 1
    assert started["2020"] == 0  # every year between the first and the last
    this_year = str(timezone.localdate().year)
    assert _cells(stats.by_year_registered) == {this_year: 4}
    assert _cells(stats.sells_online) == {"ya": 1, "tidak": 1, "-": 2}
    assert _cells(stats.uses_qris) == {"ya": 2, "tidak": 0, "-": 2}


def test_percentages_are_exact_and_rounded_half_up_once(world) -> None:
    for _ in range(2):
        make_business(world.region)
    make_business(world.region, kelurahan_code=PURNAMA)
    stats = registry_statistics(region=world.region)
    percent = {cell.key: cell.percent for cell in stats.by_kelurahan.cells}
    assert percent[PANGKALAN_SESAI] == Decimal("66.67")
    assert percent[PURNAMA] == Decimal("33.33")


@pytest.mark.parametrize(
    ("created", "year"),
    [
        # 31 December 2024, 17:00 UTC is already 1 January 2025 in Dumai (UTC+7).
        (dt.datetime(2024, 12, 31, 17, 0, tzinfo=dt.UTC), "2025"),
        (dt.datetime(2024, 12, 31, 16, 59, 59, 999999, tzinfo=dt.UTC), "2024"),
        (dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC), "2024"),
    ],
)
def test_the_year_registered_is_the_local_year(world, created, year) -> None:
    # Stored with the row when it is written (Business.registered_year).
    make_business(world.region, created_at=created)
    stats = registry_statistics(region=world.region)
    assert _cells(stats.by_year_registered) == {year: 1}


def test_it_narrows_every_breakdown_to_one_kecamatan(registry) -> None:
    stats = registry_statistics(region=registry, kecamatan="14.72.02")
    assert stats.kecamatan is not None and stats.kecamatan.name == "Dumai Timur"
    assert stats.counted == 1
    assert {cell.key for cell in stats.by_kelurahan.cells} == {
        area.code for area in registry.kelurahan() if area.code.startswith("14.72.02.")
    }
    assert _cells(stats.by_category) == {"-": 1}
    assert (stats.pending, stats.closed) == (0, 0)


def test_an_unknown_kecamatan_means_the_whole_region(registry) -> None:
    stats = registry_statistics(region=registry, kecamatan="99.99.99")
    assert stats.kecamatan is None and stats.counted == 4


def test_the_query_count_does_not_grow_with_the_data(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for index in range(3):
        make_business(world.region, year_started=2000 + index)
    with django_assert_num_queries(4):  # stamp + three GROUP BY queries
        registry_statistics(region=world.region)
    for index in range(30):
        make_business(world.region, kelurahan_code=TELUK_BINJAI, year_started=1990 + index)
    clear_cache()
    with django_assert_num_queries(4):
        registry_statistics(region=world.region)
    with django_assert_num_queries(1):  # unchanged registry: the cached tally
        registry_statistics(region=world.region, kecamatan="14.72.02")


def test_the_cached_figures_follow_every_change(registry) -> None:
    assert registry_statistics(region=registry).counted == 4
    business = Business.objects.filter(region=registry, status="active").first()
    assert business is not None
    business.status = Business.Status.CLOSED
    business.save(update_fields=["status"])
    assert registry_statistics(region=registry).counted == 3
    make_business(registry)
    assert registry_statistics(region=registry).counted == 4
    assert registry_statistics(region=registry).closed == 2


def test_the_registry_output_counts_registered_and_verified(registry) -> None:
    output = registry_output(region=registry)
    assert (output.registered, output.verified, output.pending) == (5, 4, 1)


def test_after_a_few_changes_only_their_kelurahan_are_recounted(
    registry, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    registry_statistics(region=registry)
    make_business(registry, kelurahan_code=TELUK_BINJAI)
    # stamp + the changed businesses + the three GROUP BY queries for Teluk Binjai
    with django_assert_num_queries(5) as queries:
        stats = registry_statistics(region=registry)
    assert all("14.72.02.1002" in q["sql"] for q in queries.captured_queries[2:])
    assert stats.counted == 5
    assert _cells(stats.by_kelurahan)[TELUK_BINJAI] == 2
    assert _cells(stats.by_kelurahan)[PANGKALAN_SESAI] == 2


def test_a_business_moved_to_another_kelurahan_is_counted_once(registry) -> None:
    registry_statistics(region=registry)
    business = Business.objects.get(region=registry, kelurahan_code=PURNAMA)
    business.kelurahan_code = TELUK_BINJAI
    business.derive()
    business.save()
    stats = registry_statistics(region=registry)
    cells = _cells(stats.by_kelurahan)
    assert (cells[PURNAMA], cells[TELUK_BINJAI], stats.counted) == (0, 2, 4)
    assert _cells(stats.by_category)["2020:C"] == 1


def test_merging_keeps_the_figures_exact(registry) -> None:
    registry_statistics(region=registry)
    first, second = Business.objects.filter(
        counted_filter(), region=registry, kelurahan_code=PANGKALAN_SESAI
    )[:2]
    second.merged_into = first
    second.save()
    assert registry_statistics(region=registry).counted == 3


def test_a_deletion_shows_at_the_next_full_recount(registry, monkeypatch) -> None:
    # The product never deletes businesses (it anonymises them); a deletion
    # leaves no trace in the stamp and shows at the next full recount.
    registry_statistics(region=registry)
    Business.objects.filter(region=registry, kelurahan_code=TELUK_BINJAI).delete()
    monkeypatch.setattr("kotacerdas.umkm.statistics.selectors.FULL_RECOUNT_SECONDS", 0)
    stats = registry_statistics(region=registry)
    assert stats.counted == 3 and _cells(stats.by_kelurahan)[TELUK_BINJAI] == 0


@pytest.mark.parametrize(
    ("zone", "created", "year"),
    [
        # 31 December 2024, 16:30 UTC: 23:30 WIB, but 00:30 WITA on 1 January 2025.
        ("", dt.datetime(2024, 12, 31, 16, 30, tzinfo=dt.UTC), "2024"),
        ("Asia/Makassar", dt.datetime(2024, 12, 31, 16, 30, tzinfo=dt.UTC), "2025"),
        ("Asia/Makassar", dt.datetime(2024, 12, 31, 15, 59, tzinfo=dt.UTC), "2024"),
        # 15:00 UTC is midnight WIT.
        ("Asia/Jayapura", dt.datetime(2024, 12, 31, 15, 0, tzinfo=dt.UTC), "2025"),
    ],
)
def test_the_year_registered_follows_the_regions_own_clock(world, zone, created, year) -> None:
    world.region.time_zone = zone
    world.region.save()
    # Stored with the row when it is written (Business.registered_year).
    make_business(world.region, created_at=created)
    stats = registry_statistics(region=world.region)
    assert _cells(stats.by_year_registered) == {year: 1}
