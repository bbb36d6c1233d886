"""``Business.registered_year`` (the year of ``created_at`` on the region's
clock) is stored by every way a business is written: a save (the officers'
form, self-registration, the field form and the API all go through
``business_create``), a bulk insert, and the import's raw INSERT (SQLite) or
COPY (PostgreSQL); the migration fills it for the rows that existed."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from kotacerdas.regions import timezones
from kotacerdas.umkm.field.services import field_entry_submit
from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.registry.services import business_create
from tests.umkm.imports.test_engine import ROWS, write_csv
from tests.umkm.statistics.fixtures import PURNAMA, make_business

pytestmark = pytest.mark.django_db

# 31 December 2024 17:30 UTC is already 2025 in WIB (UTC+7).
NEW_YEAR_EVE = dt.datetime(2024, 12, 31, 17, 30, tzinfo=dt.UTC)


def _local_year(business: Business) -> int:
    return business.created_at.astimezone(business.region.tzinfo).year


def test_a_save_stores_the_local_year_of_its_creation(world) -> None:
    business = make_business(world.region, created_at=NEW_YEAR_EVE)
    business.refresh_from_db()
    assert business.registered_year == 2025


@pytest.mark.parametrize(("zone", "year"), [(timezones.WIB, 2025), ("Asia/Jayapura", 2025)])
def test_the_year_follows_the_regions_own_clock(world, zone, year) -> None:
    world.region.time_zone = zone
    world.region.save()
    business = make_business(world.region, created_at=NEW_YEAR_EVE - dt.timedelta(hours=1))
    business.refresh_from_db()
    # 16:30 UTC: 23:30 WIB (still 2024), 01:30 WIT on 1 January.
    assert business.registered_year == (2024 if zone == timezones.WIB else year)


def test_a_later_save_keeps_the_year(world) -> None:
    business = make_business(world.region, created_at=NEW_YEAR_EVE)
    business.name = "Toko Baru"
    business.save()
    business.refresh_from_db()
    assert business.registered_year == 2025


def test_the_service_the_forms_and_the_api_use_stores_it(world, officer) -> None:
    business = business_create(
        actor=officer, region=world.region, data={"name": "Toko Layanan", "kelurahan_code": PURNAMA}
    )
    business.refresh_from_db()
    assert business.registered_year == _local_year(business) == timezone.localdate().year


def test_a_field_entry_stores_it(world, officer) -> None:
    result = field_entry_submit(
        actor=officer,
        region=world.region,
        key=str(uuid.uuid4()),
        data={"name": "Kedai Lapangan", "kelurahan_code": PURNAMA},
    )
    business = Business.objects.get(name="Kedai Lapangan")
    assert result.business == business
    assert business.registered_year == _local_year(business)


def test_a_bulk_insert_stores_it(world) -> None:
    Business.objects.bulk_create(
        [
            Business(region=world.region, name="Satu", kelurahan_code=PURNAMA),
            Business(
                region=world.region, name="Dua", kelurahan_code=PURNAMA, created_at=NEW_YEAR_EVE
            ),
        ]
    )
    years = dict(Business.objects.values_list("name", "registered_year"))
    assert years == {"Satu": timezone.localdate().year, "Dua": 2025}


def test_an_import_stores_it_on_every_row(world, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "survei.csv", ROWS)
    result = run_import(actor=None, region=world.region, path=path, filename=path.name)
    assert result.imported > 0
    imported = list(Business.objects.filter(source=Business.Source.IMPORT))
    assert len(imported) == result.imported
    assert {b.registered_year for b in imported} == {_local_year(b) for b in imported}
    assert None not in {b.registered_year for b in imported}


def test_the_migration_fills_the_rows_that_existed(world) -> None:
    from importlib import import_module

    migration: Any = import_module(
        "kotacerdas.umkm.migrations.0017_registered_year_and_statistics_indexes"
    )
    eve = make_business(world.region, created_at=NEW_YEAR_EVE)
    before = make_business(world.region, created_at=NEW_YEAR_EVE - dt.timedelta(hours=1))
    old = make_business(world.region, created_at=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
    Business.objects.update(registered_year=None)
    migration.backfill(apps, SimpleNamespace(connection=connection))
    years = dict(Business.objects.values_list("pk", "registered_year"))
    assert years == {eve.pk: 2025, before.pk: 2024, old.pk: 2019}


def test_a_new_time_zone_moves_the_businesses_registered_around_new_year(world) -> None:
    """Dumai (14.72) counts on WIB; switched to WIT, a business created at
    16:30 UTC on New Year's Eve (23:30 WIB, 01:30 WIT) moves from 2024 to
    2025 in the statistics; one created at noon stays; switched back, it
    returns."""
    eve = make_business(world.region, created_at=NEW_YEAR_EVE - dt.timedelta(hours=1))
    noon = make_business(world.region, created_at=dt.datetime(2024, 12, 31, 5, tzinfo=dt.UTC))
    assert [eve.registered_year, noon.registered_year] == [2024, 2024]

    world.region.time_zone = timezones.WIT
    world.region.save()
    eve.refresh_from_db()
    noon.refresh_from_db()
    assert [eve.registered_year, noon.registered_year] == [2025, 2024]
    assert eve.registered_year == _local_year(eve)

    world.region.time_zone = ""  # derived again: WIB for Riau
    world.region.save()
    eve.refresh_from_db()
    assert eve.registered_year == 2024 == _local_year(eve)


def test_a_save_without_a_new_zone_reads_no_business(world, django_assert_max_num_queries) -> None:
    make_business(world.region, created_at=NEW_YEAR_EVE)
    world.region.name = "Kota Dumai"
    with django_assert_max_num_queries(2):  # the stored zone, the UPDATE
        world.region.save()
