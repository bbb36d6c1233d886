"""Benchmark: duplicate candidates for N businesses of one region.

    python bench/umkm_duplicates.py [--rows 1000000] [--planted 0.03]
        [--database sqlite|postgres] [--database-url URL] [--json]

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL
scratch database ``--database-url``, dropped and created again), generates N
deterministic synthetic businesses spread over Kota Dumai's 36 kelurahan
(names built from very common words such as BERKAH, JAYA, MAKMUR, shop-type
prefixes, person names and distinctive words; addresses on a few dozen
streets) and plants near-duplicates of about ``--planted`` of them in the
same kelurahan (prefix changed or dropped, a typo, a word abbreviated, the
case changed, the address rewritten). It then times ``candidates_find`` (the
full run the command and the web page start) and prints the seconds, the
candidates per kind, the recall on the planted pairs, the precision (planted
pairs among the candidates: a lower bound, since two generated businesses
can be alike by chance) and the peak memory of the search (with its worker processes; their CPU
too). ``--serial`` keeps the kelurahan passes in one process.

Target (issue 20): 1,000,000 businesses in at most 60 s on SQLite and on
PostgreSQL, the recall kept.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REGION_CODE = "14.72"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/kc_bench_duplicates"
# name, kelurahan, address, phone, NIK, position of the original (planted copies)
Row = tuple[str, str, str, str, str, int | None]
COMMON = [
    "BERKAH",
    "JAYA",
    "MAKMUR",
    "SEJAHTERA",
    "ABADI",
    "MANDIRI",
    "BAROKAH",
    "SUMBER",
    "REZEKI",
    "SINAR",
    "MAJU",
    "UTAMA",
    "INDAH",
    "LESTARI",
    "AGUNG",
]
TRADES = [
    "BANGUNAN",
    "SEMBAKO",
    "KOPI",
    "BAKSO",
    "SATE",
    "JAHIT",
    "LAUNDRY",
    "BENGKEL",
    "PULSA",
    "FOTOKOPI",
    "KUE",
    "MEBEL",
    "ELEKTRONIK",
    "APOTEK",
    "SALON",
    "PERCETAKAN",
    "TAMBAL BAN",
    "MIE AYAM",
]
PEOPLE = [
    "SITI",
    "AMINAH",
    "BUDI",
    "SRI",
    "AHMAD",
    "YANTI",
    "RAHMAT",
    "DEWI",
    "HENDRA",
    "NURUL",
    "AGUS",
    "RINA",
    "JOKO",
    "FITRI",
    "SUSANTI",
    "IWAN",
    "LINDA",
    "BAMBANG",
    "WATI",
    "ZULKIFLI",
]
PREFIXES = ["TOKO", "WARUNG", "UD", "CV", "RM", "KEDAI", "", "", ""]
PREFIX_SWAP = {"TOKO": "TK", "WARUNG": "WRG", "UD": "", "CV": "", "RM": "RUMAH MAKAN", "KEDAI": ""}
SYLLABLES = ["KA", "RA", "SI", "TI", "MA", "NU", "DE", "WI", "LA", "SA", "PU", "RI", "YA"]
SYLLABLES += ["NI", "TO", "BE", "GA", "HA", "JU", "LO", "DI", "KE", "MU", "RO"]
STREETS = [f"{w}" for w in ("SUDIRMAN", "DIPONEGORO", "SUKAJADI", "KESEHATAN", "SULTAN SYARIF")]
STREETS += [f"{a} {b}" for a in ("MERDEKA", "PATIMURA", "NANGKA", "CEMPAKA") for b in ("RAYA", "I")]


def _setup(database_url: str | None) -> None:
    """A fresh database: SQLite in a temporary folder, or the PostgreSQL
    scratch database emptied (created when missing)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    os.environ["KOTACERDAS_DATA_DIR"] = tempfile.mkdtemp(prefix="kc-bench-dup-")
    if database_url:
        import psycopg

        base, _slash, name = database_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _distinct_words(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))))
    return sorted(words)


def _name(rng: random.Random, words: list[str]) -> str:
    prefix = rng.choice(PREFIXES)
    shape = rng.random()
    if shape < 0.15:
        core = f"{rng.choice(COMMON)} {rng.choice(COMMON)}"
    elif shape < 0.45:
        core = f"{rng.choice(COMMON)} {rng.choice(words)}"
    elif shape < 0.65:
        core = f"{rng.choice(('BU', 'PAK'))} {rng.choice(PEOPLE)} {rng.choice(words)}"
    elif shape < 0.85:
        core = f"{rng.choice(TRADES)} {rng.choice(words)} {rng.choice(COMMON)}"
    else:
        core = f"{rng.choice(words)} {rng.choice(words)}"
    return f"{prefix} {core}".strip()


def _address(rng: random.Random) -> str:
    return (
        f"Jl. {rng.choice(STREETS).title()} No. {rng.randint(1, 250)} "
        f"RT {rng.randint(1, 20):02d} RW {rng.randint(1, 8):02d}"
    )


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    change = rng.random()
    if change < 0.4:
        return word[:i] + word[i + 1 :]  # a letter dropped
    if change < 0.7:
        return word[:i] + word[i] + word[i:]  # a letter doubled
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # two letters swapped


def _variant(rng: random.Random, name: str, address: str) -> tuple[str, str]:
    words = name.split()
    if words and words[0] in PREFIX_SWAP and rng.random() < 0.6:
        words[0] = PREFIX_SWAP[words[0]]
    elif rng.random() < 0.3:
        words.insert(0, "TOKO")
    first = (
        1
        if len(words) > 1 and words[0] in {"TOKO", "RUMAH", *PREFIX_SWAP, *PREFIX_SWAP.values()}
        else 0
    )
    longest = max(range(first, len(words)), key=lambda k: len(words[k]))
    if rng.random() < 0.5:
        words[longest] = _typo(rng, words[longest])
    name = " ".join(w for w in words if w)
    name = name.title() if rng.random() < 0.5 else name
    if rng.random() < 0.4:
        address = address.replace("Jl.", "Jalan").replace(" RW", ", RW")
    elif rng.random() < 0.4:
        address = address.split(" RT")[0]
    elif rng.random() < 0.3:
        address = ""
    return name, address


def generate(rows: int, planted_share: float, seed: int = 20241118) -> Iterator[Row]:
    """The businesses to insert, in order, as (name, kelurahan, address,
    phone, NIK, position of the original or None); a planted copy follows its
    original. Streamed: a million rows never sit in memory at once."""
    rng = random.Random(seed)
    words = _distinct_words(rng, 4000)
    kelurahan = _kelurahan_codes()
    planted = int(rows * planted_share)
    originals = rows - planted
    plant_at = set(rng.sample(range(originals), planted))
    position = 0
    for row in range(originals):
        kel = rng.choice(kelurahan)
        name, address = _name(rng, words), _address(rng)
        phone = (
            f"628{rng.randint(11, 59)}{rng.randint(1_000_000, 99_999_999)}"
            if rng.random() < 0.6
            else ""
        )
        day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
        birth = f"{day:02d}{rng.randint(1, 12):02d}{rng.randint(50, 99)}"
        nik = f"147201{birth}{rng.randint(1, 9999):04d}" if rng.random() < 0.7 else ""
        yield (name, kel, address, phone, nik, None)
        original = position
        position += 1
        if row in plant_at:
            v_name, v_address = _variant(rng, name, address)
            # Planted copies rarely carry the same phone or NIK (a second
            # survey by another officer): most must be found by the fuzzy pass.
            v_phone = phone if rng.random() < 0.2 else ""
            v_nik = nik if rng.random() < 0.1 else ""
            yield (v_name, kel, v_address, v_phone, v_nik, original)
            position += 1


def _kelurahan_codes() -> list[str]:
    from kotacerdas.regions.reference import kelurahan_of

    return [area.code for area in kelurahan_of(REGION_CODE)]


_SAMPLER = """
import sys, psutil
watched, me = psutil.Process(int(sys.argv[1])), psutil.Process()
peak = 0
def rss():
    total = watched.memory_info().rss
    for child in watched.children(recursive=True):
        if child.pid == me.pid:
            continue
        try:
            total += child.memory_info().rss
        except Exception:
            continue
    return total
import select
while not select.select([sys.stdin], [], [], 0.05)[0]:
    peak = max(peak, rss())
peak = max(peak, rss())
print(peak, flush=True)
"""


class PeakRss:
    """Peak resident memory of this process and its worker processes (the
    kelurahan passes) while the search runs, sampled (ru_maxrss would
    include the setup). Sampled from another process: a sampling thread
    here would keep the search from forking its workers (a fork beside
    other threads is refused, umkm/duplicates/services.py)."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.start = self.peak = 0

    def __enter__(self) -> PeakRss:
        import subprocess

        self.start = self.peak = self.process.memory_info().rss
        self._sampler = subprocess.Popen(  # noqa: S603 - this interpreter, our own script
            [sys.executable, "-c", _SAMPLER, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._sampler.communicate("stop\n", timeout=60)
        self.peak = max(self.peak, int(out.split()[-1]))


def cpu_seconds() -> float:
    """CPU seconds of this process and of its ended worker processes."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def search(region: Any, serial: bool) -> tuple[Any, float, float]:
    """``candidates_find`` over the region: (result, wall s, CPU s of this
    process and the workers); ``serial`` keeps the kelurahan passes here."""
    from kotacerdas.umkm.duplicates import services

    if serial:
        services.PARALLEL_MIN = 10**12
    started, cpu_started = time.perf_counter(), cpu_seconds()
    found = services.candidates_find(actor=None, region=region)
    return found, time.perf_counter() - started, cpu_seconds() - cpu_started


def insert(region_id: int, rows: Iterable[Row]) -> list[tuple[int, int]]:
    """Insert the businesses straight into the table (one prepared template
    row per business, only the varying columns replaced: the ORM's
    bulk_create would take minutes for a million) and return the planted
    pairs as (original id, copy id)."""
    from django.db import connection, transaction

    from kotacerdas.umkm.identifiers import name_key
    from kotacerdas.umkm.models import Business
    from kotacerdas.umkm.registry import search

    template = Business(
        region_id=region_id, name="-", kelurahan_code="14.72.01.1001", source="import"
    )
    template.derive()
    fields = [f for f in Business._meta.concrete_fields if not f.primary_key]
    base = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
    at = {f.attname: k for k, f in enumerate(fields)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = Business._meta.db_table
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        first_id = cursor.fetchone()[0] + 1
    planted: list[tuple[int, int]] = []
    position = 0
    batch: list[list[Any]] = []

    def flush() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # type: ignore[attr-defined]
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                cursor.executemany(sql, batch)
        batch.clear()

    # One transaction, the word-search index filled once at the end (as a
    # large import does).
    with transaction.atomic(), search.bulk_insert():
        for name, kel, address, phone, nik, original in rows:
            values = base.copy()
            values[at["name"]] = name
            values[at["name_key"]] = name_key(name)
            values[at["kelurahan_code"]] = kel
            values[at["kecamatan_code"]] = kel[:8]
            values[at["address"]] = address
            values[at["phone"]] = phone
            values[at["owner_nik"]] = nik
            batch.append(values)
            if original is not None:
                planted.append((original, position))
            position += 1
            if len(batch) >= 10_000:
                flush()
        if batch:
            flush()
    # Ids follow the insertion order in a fresh table on both databases.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(id), COUNT(*) FROM {table} WHERE id >= %s",  # noqa: S608
            [first_id],
        )
        lowest, count = cursor.fetchone()
    assert count == position, (count, position)
    return [(lowest + a, lowest + b) for a, b in planted]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--planted", type=float, default=0.03)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=PG_DEFAULT,
        help=f"the PostgreSQL scratch database, emptied first (default {PG_DEFAULT})",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--serial", action="store_true", help="the kelurahan passes in this process only"
    )
    args = parser.parse_args()
    _setup(args.database_url if args.database == "postgres" else None)

    import psutil
    from django.db import connection

    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.models import DuplicateCandidate

    region, _created = Region.objects.get_or_create(
        code=REGION_CODE, defaults={"name": "Kota Dumai"}
    )
    started = time.perf_counter()
    planted_pairs = set(insert(region.pk, generate(args.rows, args.planted)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    setup_seconds = time.perf_counter() - started
    load = os.getloadavg()[0]

    with PeakRss() as memory:
        found, seconds, cpu = search(region, args.serial)

    pairs = set(
        DuplicateCandidate.objects.filter(region=region).values_list("first_id", "second_id")
    )
    hits = len(planted_pairs & pairs)
    result = {
        "database": connection.vendor,
        "businesses": args.rows,
        "planted_pairs": len(planted_pairs),
        "setup_seconds": round(setup_seconds, 1),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "serial": args.serial,
        "candidates": found.found_total,
        "per_kind": found.found,
        "recall": round(hits / len(planted_pairs), 4) if planted_pairs else None,
        "precision": round(hits / len(pairs), 4) if pairs else None,
        "peak_rss_mib": round(memory.peak / 2**20),
        "rss_before_mib": round(memory.start / 2**20),
        "load_average": {"before": round(load, 1), "after": round(os.getloadavg()[0], 1)},
        "target_seconds": 60,
    }
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        sys.stdout.write(
            f"machine: {psutil.cpu_count()} CPUs, load average {load:.1f} before the search, "
            f"{os.getloadavg()[0]:.1f} after\n"
            f"{result['database']}: {args.rows:,} businesses, {len(planted_pairs):,} planted pairs "
            f"(set up in {setup_seconds:.0f} s)\n"
            f"candidates_find{' (serial)' if args.serial else ''}: {seconds:.2f} s, "
            f"{cpu:.2f} s of CPU with the workers' (target ≤ 60 s)\n"
            f"candidates: {found.found_total:,} {found.found}\n"
            f"recall on planted pairs: {hits:,}/{len(planted_pairs):,} = {result['recall']:.2%}\n"
            f"precision (planted among candidates; a lower bound): {result['precision']:.2%}\n"
            f"peak RSS during the search: {result['peak_rss_mib']} MiB "
            f"({result['rss_before_mib']} MiB before)\n"
        )


if __name__ == "__main__":
    main()
