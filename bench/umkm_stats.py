"""Benchmark: the registry statistics page over N businesses of one region.

    python bench/umkm_stats.py [--rows 1000000] [--repeat 5] [--json]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL
when it is set, e.g. a PostgreSQL scratch database), migrates it, inserts N
deterministic synthetic businesses spread over Kota Dumai's 36 kelurahan
(executemany on SQLite, COPY on PostgreSQL; about 95% active, 97% verified,
1% merged away), then times the officers' statistics page through Django's
test client, logged in as a registry officer:

- cold: the request with no kept tally (the cache cleared just before, as
  after a restart, an import or the 6-hourly recount): the stamp, the three
  GROUP BY queries over their covering indexes and the rest of the page.
  The database's own caches stay warm (the OS file cache cannot be dropped
  on the shared machine): "cold" is the application's cold, not the disk's;
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


def _rows(n: int, region_id: int) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The columns and deterministic synthetic businesses in their order:
    every other column takes its default (bench/business_rows.py)."""
    from business_rows import BusinessRows, stamp

    from kotacerdas.regions.models import Region
    from kotacerdas.regions.reference import kelurahan_of
    from kotacerdas.umkm import kbli
    from kotacerdas.umkm.registry.models import registered_year

    zone = Region.objects.get(pk=region_id).tzinfo
    built = BusinessRows(
        region=region_id,
        owner_name="Pemilik Sintetis",
        kbli_version="2020",
        address="Jl. Sintetis",
        source="import",
    )
    rnd = random.Random(4)
    villages = [area.code for area in kelurahan_of(REGION_CODE)]
    divisions = ["47", "47", "47", "56", "56", "10", "10", "96", "45", "01", "49", "62", "68"]
    sizes = ["mikro"] * 8 + ["kecil", "menengah", ""]
    moments = [
        dt.datetime(year, month, 15, 3, 0, tzinfo=dt.UTC)
        for year in range(2019, 2026)
        for month in (1, 4, 7, 10)
    ]
    # (stored created_at, its registered year): every row keeps both, as a save does.
    stamps = [(stamp(moment), registered_year(moment, zone)) for moment in moments]

    def rows() -> Iterator[tuple[Any, ...]]:
        first_id = 1
        for index in range(n):
            kelurahan = rnd.choice(villages)
            division = rnd.choice(divisions)
            code = f"{division}{rnd.randint(100, 999)}"
            merged = first_id if index % 100 == 99 else None
            created, year = rnd.choice(stamps)
            yield built.row(
                id=first_id + index,
                name=f"USAHA SINTETIS {index}",
                name_key=f"SINTETIS {index}",
                kbli_code=code,
                kbli_category=kbli.DIVISIONS["2020"][division],
                kecamatan_code=kelurahan[:8],
                kelurahan_code=kelurahan,
                year_started=rnd.randint(1985, 2025) if rnd.random() < 0.9 else None,
                size_class=rnd.choice(sizes),
                sells_online=rnd.choice((True, False, None)),
                uses_qris=rnd.choice((True, False, None)),
                status="active" if rnd.random() < 0.95 else "closed",
                verification="verified" if rnd.random() < 0.97 else "pending",
                merged_into_id=merged,
                created_at=created,
                updated_at=created,
                registered_year=year,
            )

    return built.columns, rows()


def _insert(n: int, region_id: int) -> float:
    from django.db import connection, transaction

    from kotacerdas.umkm.models import Business

    table = Business._meta.db_table
    started = time.perf_counter()
    columns, rows = _rows(n, region_id)
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
        # PostgreSQL: what autovacuum does after a large insert; without the
        # visibility map an index-only scan still visits every heap page.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
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


def _print_plans(client: Any, url: str) -> None:
    """The queries of one cold page that read the business table, slowest
    first, each with its time and the database's plan (to stderr)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = [q for q in captured.captured_queries if "umkm_business" in q["sql"]]
    for query in sorted(queries, key=lambda q: -float(q["time"])):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = "\n    ".join(str(row[-1]) for row in cursor.fetchall())
        took = float(query["time"]) * 1000
        sys.stderr.write(f"{took:8.1f} ms  {query['sql'][:160]}\n    {plan}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--plans",
        action="store_true",
        help="print each query of one cold page that reads the registry: its time and plan",
    )
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
    cold_cpu = []
    for _ in range(max(1, args.repeat // 2)):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cold.append(time.perf_counter() - started)
        cold_cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, response.status_code
    counted = registry_statistics(region=region).counted
    if args.plans:
        _print_plans(client, url)
    # The floor: one GROUP BY over the region's rows, straight through the
    # cursor (no ORM, no filters): what the database needs to read them once.
    from kotacerdas.umkm.statistics.selectors import _count_tally, _stamp

    floor_runs = []
    floor_cpu = []
    with connection.cursor() as cursor:
        for _ in range(max(1, args.repeat // 2)):
            started, started_cpu = time.perf_counter(), time.process_time()
            cursor.execute(
                "SELECT kelurahan_code, COUNT(*) FROM umkm_business WHERE region_id = %s "
                "GROUP BY kelurahan_code",
                [region.pk],
            )
            cursor.fetchall()
            floor_runs.append(time.perf_counter() - started)
            floor_cpu.append(time.process_time() - started_cpu)
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
        # CPU of this process (SQLite runs in it; PostgreSQL's server does not).
        "floor_cpu_ms": round(statistics.median(floor_cpu) * 1000),
        "page_cold_cpu_ms": round(statistics.median(cold_cpu) * 1000),
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
