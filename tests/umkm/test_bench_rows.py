"""The benchmarks' synthetic businesses (bench/business_rows.py) are built
from the model's fields: every column is filled (a new column by its
default), the rows insert with a raw INSERT on SQLite and PostgreSQL, and
the statistics bench's rows carry their registered year."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kotacerdas.umkm.models import Business
from kotacerdas.umkm.statistics.selectors import UNKNOWN, registry_statistics

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import business_rows  # noqa: E402
import umkm_search  # noqa: E402
import umkm_stats  # noqa: E402

pytestmark = pytest.mark.django_db


def _insert(columns: list[str], rows: Any) -> None:
    table = Business._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            list(rows),
        )


def test_a_row_has_every_column_of_the_model(world) -> None:
    built = business_rows.BusinessRows(region=world.region.pk, kelurahan_code="14.72.01.1003")
    assert built.columns == [field.column for field in Business._meta.concrete_fields]
    row = built.row(id=900_001, name="USAHA", name_key="USAHA", kecamatan_code="14.72.01")
    assert len(row) == len(built.columns)
    _insert(built.columns, [row])
    business = Business.objects.get(pk=900_001)
    assert (business.status, business.verification, business.kbli_version) == (
        Business.Status.ACTIVE,
        Business.Verification.VERIFIED,
        "2020",
    )


def test_a_field_the_model_does_not_have_is_refused(world) -> None:
    with pytest.raises(KeyError, match="no_such_column"):
        business_rows.BusinessRows(region=world.region.pk, no_such_column=1)


@pytest.mark.parametrize("bench", [umkm_stats, umkm_search])
def test_the_benchmarks_rows_insert_and_are_counted(world, bench) -> None:  # type: ignore[no-untyped-def]
    region = world.region
    columns, rows = bench._rows(300, region.pk)
    _insert(columns, rows)
    stats = registry_statistics(region=region)
    assert stats.counted > 0
    registered = {cell.key: cell.count for cell in stats.by_year_registered.cells}
    assert UNKNOWN not in registered  # every row carries its registered year
    assert sum(registered.values()) == stats.counted
