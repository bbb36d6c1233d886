"""Benchmark: the registry list's word search over N businesses of one region,
against the anchor (the name-prefix search it replaced), in one run.

    python bench/umkm_search.py [--rows 1000000] [--repeat 5] [--json]
        [--postgres postgres://postgres@127.0.0.1:5432/kc_bench_search]

Builds a fresh SQLite database in a temporary folder, migrates it, inserts N
deterministic synthetic businesses (names from a vocabulary of shop kinds
and words, owners, streets, a NIB for one in three) with executemany, the
FTS5 index filled at the end as a large import does; then times, through
Django's test client signed in as a registry officer (owner and address
searchable), the first page of the business list for:

- the anchor: the name-prefix range the word search replaced (``?q=ke``:
  a query of words shorter than 3 letters still takes that path);
- a rare word, a word in about 1 % of names, a common word (about 8 %), two
  words, the last 4 digits of a NIB, an owner's surname;
- and, at the selector (no page), the 1 % word for a role that may not search
  personal data (name and NIB only; the admin, who signs in with MFA).

With ``--postgres URL`` the same is measured on that (scratch) PostgreSQL
database in a second process (COPY, then the pg_trgm indexes are built).
Target (issue 21): a word search page at most 300 ms at 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
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
KINDS = ["Keripik", "Warung", "Toko", "Batik", "Kedai Kopi", "Bengkel", "Salon", "Laundry"]
KINDS += ["Kue", "Jahit", "Catering", "Sate", "Bakso", "Mebel", "Percetakan", "Fotokopi"]
# 600 words: word w appears in about 1/600 of the names (by position), "Berkah"
# in about 8 %.
WORDS = [
    f"{a}{b}"
    for a in ("Ta", "Me", "Ri", "Sa", "Nu", "Ka", "Lo", "Pe", "Du", "Bi")
    for b in (
        "bir",
        "layu",
        "nas",
        "wit",
        "rani",
        "mela",
        "tuah",
        "dang",
        "jaya",
        "sari",
        "gan",
        "lam",
        "rok",
        "pin",
        "das",
        "kah",
        "tan",
        "mun",
        "rap",
        "sil",
        "bun",
        "dir",
        "gul",
        "han",
        "jun",
        "kor",
        "lim",
        "mar",
        "nan",
        "pol",
        "rin",
        "sut",
        "tek",
        "wan",
        "yus",
        "zal",
        "bas",
        "cen",
        "dar",
        "fik",
        "gon",
        "hal",
        "ion",
        "jar",
        "kim",
        "lus",
        "mok",
        "nis",
        "opa",
        "pur",
        "qis",
        "ris",
        "sam",
        "tig",
        "umi",
        "vin",
        "wer",
        "xan",
        "yan",
        "zon",
    )
]
OWNERS = ["Siti", "Rahmat", "Nur", "Zulkifli", "Dewi", "Syafrizal", "Fitri", "Hendra", "Yusni"]
SURNAMES = [f"{w}wati" for w in WORDS[:300]] + [f"{w}din" for w in WORDS[300:]]
STREETS = ["Sudirman", "Sultan Syarif Kasim", "Diponegoro", "Kenanga", "Nenas", "Cempedak"]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if not os.environ.get("DATABASE_URL"):
        data_dir = tempfile.mkdtemp(prefix="kc-bench-search-")
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
    from kotacerdas.umkm import identifiers
    from kotacerdas.umkm.registry.models import registered_year

    moment = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    built = BusinessRows(
        region=region_id,
        kbli_version="2020",
        size_class="mikro",
        source="import",
        created_at=stamp(moment),
        updated_at=stamp(moment),
        registered_year=registered_year(moment, Region.objects.get(pk=region_id).tzinfo),
    )
    rnd = random.Random(21)
    villages = [area.code for area in kelurahan_of(REGION_CODE)]

    def rows() -> Iterator[tuple[Any, ...]]:
        for index in range(n):
            kelurahan = villages[index % len(villages)]
            words = [WORDS[(index * 7 + k * 131) % len(WORDS)] for k in range(rnd.randint(1, 2))]
            if index % 12 == 0:
                words.append("Berkah")
            name = f"{KINDS[index % len(KINDS)]} {' '.join(words)} {index % 997}"
            yield built.row(
                id=index + 1,
                name=name,
                name_key=identifiers.name_key(name),
                owner_name=f"{OWNERS[index % 9]} {SURNAMES[(index * 13) % len(SURNAMES)]}",
                nib=f"{9_120_000_000_000 + index:013d}" if index % 3 == 0 else "",
                address=f"Jl. {STREETS[index % 6]} No. {index % 250 + 1}",
                kecamatan_code=kelurahan[:8],
                kelurahan_code=kelurahan,
            )

    return built.columns, rows()


def _insert(n: int, region_id: int) -> float:
    from django.db import connection, transaction

    from kotacerdas.umkm.models import Business
    from kotacerdas.umkm.registry import search

    table = Business._meta.db_table
    started = time.perf_counter()
    columns, rows = _rows(n, region_id)
    sys.stderr.write(f"inserting {n} rows into {connection.vendor}\n")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Building the trigram indexes once is much cheaper than updating
            # them row by row during the load.
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'umkm_search_%%'")
            indexes = [row[0] for row in cursor.fetchall()]
            for name in ("name", "owner", "address", "nib"):
                cursor.execute(f"DROP INDEX umkm_search_{name}")
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})")
            # The foreign keys are checked now: no index can be built while
            # their deferred checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in indexes:
                cursor.execute(sql)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            batch: list[tuple[Any, ...]] = []
            # As a large import does: the word-search index filled at the end.
            with search.bulk_insert():
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


def _time(client: Any, url: str, repeat: int, q: str) -> tuple[float, int]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, {"q": q})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings), len(re.findall(rb'href="/umkm/\d+/"', response.content))


def _measure(rows: int, repeat: int, *, reuse: bool = False) -> dict[str, Any]:
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.urls import reverse
    from signin import verified_client

    from kotacerdas.core.models import Membership, Role
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.models import Business
    from kotacerdas.umkm.registry.selectors import BusinessFilters, business_search, page_of

    region, _created = Region.objects.get_or_create(
        code=REGION_CODE, defaults={"name": "Kota Dumai"}
    )
    if reuse and Business.objects.filter(region=region).count() == rows:
        insert_seconds = 0.0  # loaded by an earlier run (--reuse)
    else:
        Business.objects.filter(region=region).delete()
        insert_seconds = _insert(rows, region.pk)
    user, _created = get_user_model().objects.get_or_create(username="bench-officer")
    Membership.objects.get_or_create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    officer = verified_client(user)
    url = reverse("umkm:business_list", args=[region.code])
    officer.get(url)  # session and roles loaded once
    probe = 3 * (rows // 7)
    nib_tail = f"{9_120_000_000_000 + probe - probe % 3:013d}"[-4:]
    queries = {
        # The old search: a name-prefix range walked in order (a query of
        # words shorter than 3 letters still takes that path).
        "anchor_prefix": ("ke", officer),
        "prefix_word_6pct": ("kerip", officer),
        "rare_word": (f"{WORDS[5]} {WORDS[(5 + 131) % len(WORDS)]}", officer),
        "word_1pct": (WORDS[17], officer),
        "common_word_8pct": ("berkah", officer),
        "two_words": (f"laundry {WORDS[17]}", officer),
        "nib_last_4_digits": (nib_tail, officer),
        "owner_surname": (SURNAMES[40], officer),
    }
    result: dict[str, Any] = {
        "database": connection.vendor,
        "rows": rows,
        "insert_seconds": round(insert_seconds, 1),
    }
    for label, (q, client) in queries.items():
        seconds, listed = _time(client, url, repeat, q)
        result[f"{label}_ms"] = round(seconds * 1000, 1)
        result[f"{label}_listed"] = listed
    # Name and NIB only (the admin's search, who must sign in with MFA: timed
    # at the selector, without the page around it).
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = page_of(
            business_search(
                businesses=Business.objects.filter(region=region),
                filters=BusinessFilters(q=WORDS[17]),
                personal=False,
            ),
            1,
        )
        timings.append(time.perf_counter() - started)
    result["word_1pct_name_only_query_ms"] = round(statistics.median(timings) * 1000, 1)
    result["word_1pct_name_only_query_listed"] = len(page.items)
    anchor = result["anchor_prefix_ms"]
    slowest = max(v for k, v in result.items() if k.endswith("_ms") and k != "anchor_prefix_ms")
    result["slowest_word_search_ms"] = slowest
    result["slowest_vs_anchor"] = round(slowest / anchor, 2)
    result["target_ms"] = 300
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default="", help="a scratch PostgreSQL database URL")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the rows of an earlier run (DATABASE_URL) when their number matches",
    )
    args = parser.parse_args()
    _write(_measure(args.rows, args.repeat, reuse=args.reuse), as_json=args.json)
    if args.postgres:
        child = subprocess.run(  # noqa: S603 - this script, with our own arguments
            [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--repeat",
                str(args.repeat),
                "--json",
            ],
            env={**os.environ, "DATABASE_URL": args.postgres},
            check=True,
            capture_output=True,
            text=True,
        )
        for line in child.stdout.splitlines():
            if line.strip():
                _write(json.loads(line), as_json=args.json)


def _write(result: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key:>32}: {value}\n")
        sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
