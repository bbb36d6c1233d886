"""Benchmark: the registry statistics page over N businesses of one region.

    python bench/umkm_stats.py [--rows 1000000] [--repeat 5] [--json]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL
when it is set, e.g. a PostgreSQL scratch database), migrates it, inserts N
deterministic synthetic businesses spread over Kota Dumai's 36 kelurahan
(executemany on SQLite, COPY on PostgreSQL; about 95% active, 97% verified,
1% merged away), then times the officers' statistics page through Django's
test client, logged in as a registry officer:

- cold: the first request after a change (stamp + the three GROUP BY
  queries over the covering index ``umkm_stats_cover``);
- warm: the registry unchanged since the last request (stamp + cached tally);
- warm, one kecamatan: the filter is applied to the cached tally;
- the public statistics page (warm).

Target (issue #4): the statistics page over 1,000,000 businesses in at most
300 ms on the 2-core machine.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REGION_CODE = "14.72"
BATCH = 20_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if not os.environ.get("DATABASE_URL"):
        data_dir = tempfile.mkdtemp(prefix="kc-bench-stats-")
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
        os.environ["KOTACERDAS_DATA_DIR"] = data_dir
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rows(n: int, region_id: int, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """Deterministic synthetic businesses as tuples in ``columns`` order."""
    from django.db import connection

    from kotacerdas.regions.reference import kelurahan_of
    from kotacerdas.umkm import kbli

    rnd = random.Random(4)
    villages = [area.code for area in kelurahan_of(REGION_CODE)]
    divisions = ["47", "47", "47", "56", "56", "10", "10", "96", "45", "01", "49", "62", "68"]
    sizes = ["mikro"] * 8 + ["kecil", "menengah", ""]
    stamps = [
        connection.ops.adapt_datetimefield_value(dt.datetime(year, month, 15, 3, 0, tzinfo=dt.UTC))
        for year in range(2019, 2026)
        for month in (1, 4, 7, 10)
    ]
    fixed: dict[str, Any] = {
        "owner_name": "Pemilik Sintetis",
        "owner_nik": "",
        "nib": "",
        "npwp": "",
        "kbli_version": "2020",
        "address": "Jl. Sintetis",
        "phone": "",
        "workers": None,
        "capital": None,
        "annual_sales": None,
        "size_basis": "",
        "ikm_class": "",
        "halal_number": "",
        "pirt_number": "",
        "production_capacity": None,
        "production_capacity_unit": "",
        "source": "import",
        "closed_at": None,
        "legal_basis": "public_task",
        "consent_at": None,
        "import_job_id": None,
        "source_row": None,
        "fingerprint": "",
        "anonymised_at": None,
        "latitude": None,
        "longitude": None,
        "region_id": region_id,
    }
    first_id = 1
    for index in range(n):
        kelurahan = rnd.choice(villages)
        division = rnd.choice(divisions)
        code = f"{division}{rnd.randint(100, 999)}"
        merged = first_id if index % 100 == 99 else None
        created = rnd.choice(stamps)
        row = {
            **fixed,
            "id": first_id + index,
            "name": f"USAHA SINTETIS {index}",
            "name_key": f"SINTETIS {index}",
            "kbli_code": code,
            "kbli_category": kbli.DIVISIONS["2020"][division],
            "kecamatan_code": kelurahan[:8],
            "kelurahan_code": kelurahan,
            "year_started": rnd.randint(1985, 2025) if rnd.random() < 0.9 else None,
            "size_class": rnd.choice(sizes),
            "sells_online": rnd.choice((True, False, None)),
            "uses_qris": rnd.choice((True, False, None)),
            "status": "active" if rnd.random() < 0.95 else "closed",
            "verification": "verified" if rnd.random() < 0.97 else "pending",
            "merged_into_id": merged,
            "created_at": created,
            "updated_at": created,
        }
        yield tuple(row[column] for column in columns)


def _insert(n: int, region_id: int) -> float:
    from django.db import connection, transaction

    from kotacerdas.umkm.models import Business

    columns = [field.column for field in Business._meta.concrete_fields]
    table = Business._meta.db_table
    started = time.perf_counter()
    rows = _rows(n, region_id, columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})")
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _time(client: Any, url: str, repeat: int, **params: str) -> tuple[float, int]:
    timings = []
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - started)
        status = response.status_code
    return statistics.median(timings), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _setup()

    from django.core.cache import cache
    from django.db import connection
    from django.urls import reverse
    from signin import verified_client

    from kotacerdas.core.models import Membership, Role
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.models import Business
    from kotacerdas.umkm.statistics.selectors import registry_statistics

    region, _created = Region.objects.get_or_create(
        code=REGION_CODE, defaults={"name": "Kota Dumai"}
    )
    Business.objects.filter(region=region).delete()
    insert_seconds = _insert(args.rows, region.pk)

    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(username="bench-officer")
    Membership.objects.get_or_create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    client = verified_client(user)
    url = reverse("umkm:statistics", args=[region.code])
    public_url = reverse("umkm:public_statistics", args=[region.code])
    client.get(url)  # session and roles loaded once, as for a user already working

    cold = []
    for _ in range(max(1, args.repeat // 2)):
        cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        cold.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    counted = registry_statistics(region=region).counted
    # The floor: one GROUP BY over the region's rows, straight through the
    # cursor (no ORM, no filters): what the database needs to read them once.
    from kotacerdas.umkm.statistics.selectors import _count_tally, _stamp

    floor_runs = []
    with connection.cursor() as cursor:
        for _ in range(max(1, args.repeat // 2)):
            started = time.perf_counter()
            cursor.execute(
                "SELECT kelurahan_code, COUNT(*) FROM umkm_business WHERE region_id = %s "
                "GROUP BY kelurahan_code",
                [region.pk],
            )
            cursor.fetchall()
            floor_runs.append(time.perf_counter() - started)
    floor = statistics.median(floor_runs)
    # A cold count alone (the stamp and the tally, no page around it).
    from django.core.cache import cache as tally_cache

    tally_runs = []
    for _ in range(max(1, args.repeat // 2)):
        tally_cache.clear()
        started = time.perf_counter()
        _stamp(region)
        _count_tally(region)
        tally_runs.append(time.perf_counter() - started)
    warm, _status = _time(client, url, args.repeat)
    warm_kecamatan, _status = _time(client, url, args.repeat, kecamatan="14.72.03")
    public, _status = _time(client, public_url, args.repeat)
    # One edit makes the next request recompute (the stamp changed).
    business = Business.objects.filter(region=region, status="active").first()
    assert business is not None
    business.status = "closed"
    business.save(update_fields=["status"])
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    after_edit_seconds = time.perf_counter() - started
    after_edit = registry_statistics(region=region).counted
    assert after_edit == counted - (1 if business.merged_into_id is None else 0)

    result = {
        "database": connection.vendor,
        "rows": args.rows,
        "counted": counted,
        "insert_seconds": round(insert_seconds, 1),
        "floor_one_group_by_ms": round(floor * 1000),
        "page_cold_ms": round(statistics.median(cold) * 1000),
        "cold_to_floor": round(statistics.median(cold) / floor, 1),
        "page_warm_ms": round(warm * 1000),
        "page_warm_kecamatan_ms": round(warm_kecamatan * 1000),
        "public_page_warm_ms": round(public * 1000),
        "page_after_one_edit_ms": round(after_edit_seconds * 1000),
        "target_ms": 300,
        "count_cold_ms": round(statistics.median(tally_runs) * 1000),
    }
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for key, value in result.items():
        sys.stdout.write(f"{key:>24}: {value}\n")


if __name__ == "__main__":
    main()
