"""Benchmark of the UMKM survey import (issues 4 and 20, docs/benchmarks.md).

Generates a deterministic synthetic survey file (title rows above the header,
varied value formats, about 2 % invalid and 2 % duplicate rows), imports it
end to end into a fresh database, and, in the same run on the same file,
writes the same rows the plainest way (the floor, bench/umkm_import_floor.py:
csv + sqlite3 executemany with the indexes built after the load, or a plain
COPY on PostgreSQL), before and after the import, and prints the ratio of the
import's time to the floor's. Optionally it imports the same rows through
django-import-export (``ModelResource`` with ``use_bulk``) for comparison.

    python bench/umkm_import.py --rows 1000000 --format csv
    python bench/umkm_import.py --rows 200000 --format xlsx
    python bench/umkm_import.py --database postgres://postgres@127.0.0.1:5432/kc_bench

Never part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HEADER = [
    "No",
    "NAMA USAHA",
    "Nama Pemilik",
    "NIK",
    "NIB",
    "Alamat",
    "Kecamatan",
    "Kelurahan",
    "No. HP",
    "KBLI",
    "Jml Tenaga Kerja",
    "Tahun Berdiri",
    "Modal Usaha (Rp)",
    "Omzet per Tahun (Rp)",
    "Jualan Online",
    "QRIS",
]
PREFIXES = ["Toko", "Warung", "UD", "CV", "RM", "Kedai", "", "", ""]
WORDS = [
    "Berkah", "Jaya", "Makmur", "Sentosa", "Abadi", "Sejahtera", "Mandiri", "Barokah",
    "Sumber", "Rezeki", "Melati", "Mawar", "Nenas", "Bukit", "Laut", "Pantai", "Sinar",
    "Harapan", "Bersama", "Karya", "Baru", "Indah", "Putra", "Putri", "Dumai", "Riau",
]  # fmt: skip
OWNERS = ["Siti", "Budi", "Ani", "Joko", "Rina", "Ahmad", "Dewi", "Agus", "Sri", "Hendra"]
KBLI = ["47111", "56101", "10794", "47721", "96020", "14111", "45401", "56103", "10710"]


def _places() -> list[tuple[str, str, str]]:
    from kotacerdas.regions.reference import kecamatan_of, kelurahan_of

    districts = {a.code: a.name for a in kecamatan_of("14.72")}
    return [(a.code, a.name, districts[a.code[:8]]) for a in kelurahan_of("14.72")]


def survey_rows(count: int, seed: int = 4, first: int = 1) -> Iterator[list[Any]]:
    """``count`` data rows: ~2 % invalid, ~2 % repeating an earlier row.
    Rows are numbered from ``first`` (names and NIBs carry the number, so
    files of disjoint numbers hold different businesses)."""
    rng = random.Random(seed)
    places = _places()
    recent: list[list[Any]] = []
    for i in range(first, first + count):
        roll = rng.random()
        if roll < 0.02 and recent:
            row = list(rng.choice(recent))
            row[0] = i
            yield row
            continue
        code, kelurahan, kecamatan = rng.choice(places)
        name = " ".join(
            w for w in (rng.choice(PREFIXES), rng.choice(WORDS), rng.choice(WORDS), str(i)) if w
        )
        day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
        birth = f"{day:02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}"
        nik = f"{code[:8].replace('.', '')}{birth}{i % 9999 + 1:04d}"
        phone = f"08{rng.randint(11, 99)}{i:08d}"
        phone = rng.choice([phone, f"+62 {phone[1:4]}-{phone[4:8]}-{phone[8:]}", f"62{phone[1:]}"])
        sales = rng.randint(10, 1500) * 1_000_000
        sales_text = rng.choice(
            [f"Rp {sales:,}".replace(",", "."), f"{sales // 1_000_000} juta", str(sales)]
        )
        row: list[Any] = [
            i,
            name,
            rng.choice(OWNERS) + " " + rng.choice(WORDS),
            nik,
            f"{i:013d}" if rng.random() < 0.3 else "",
            f"Jl. {rng.choice(WORDS)} No. {rng.randint(1, 200)}",
            rng.choice([kecamatan, kecamatan.upper(), code[:8]]),
            rng.choice([kelurahan, kelurahan.upper(), kelurahan.lower(), code]),
            phone,
            rng.choice(KBLI),
            rng.randint(1, 30),
            rng.randint(1990, 2024),
            rng.choice(["", f"{rng.randint(5, 900)} juta"]),
            sales_text,
            rng.choice(["ya", "tidak", ""]),
            rng.choice(["Ya", "Tidak", ""]),
        ]
        if roll > 0.98:  # invalid: damaged NIK, unknown kelurahan or no name
            kind = rng.randrange(3)
            if kind == 0:
                row[3] = f"{int(nik[:6]) / 10:.5f}E+15"
            elif kind == 1:
                row[7] = "Atlantis"
            else:
                row[1] = ""
        recent.append(row)
        if len(recent) > 1000:
            recent.pop(0)
        yield row


TITLE = [["DATA UMKM KOTA DUMAI TAHUN 2024"], ["Dinas Koperasi dan UKM"], []]


def write_csv(path: Path, count: int, first: int = 1) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows(TITLE)
        writer.writerow(HEADER)
        writer.writerows(survey_rows(count, first=first))


def write_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for row in TITLE:
        sheet.append(row)
    sheet.append(HEADER)
    for row in survey_rows(count):
        sheet.append(row)
    book.save(path)


class PeakRss:
    """Peak resident memory of this process, sampled (ru_maxrss covers the
    whole process life, so each phase is sampled separately)."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRss:
        self.peak = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def setup_django(database_url: str | None, workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    os.environ["KOTACERDAS_DATA_DIR"] = str(workdir / "data")
    (workdir / "data").mkdir(exist_ok=True)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def fresh_database(database_url: str | None) -> None:
    from django.core.management import call_command
    from django.db import connection

    if database_url:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def region() -> Any:
    from kotacerdas.regions.models import Region

    found, _created = Region.objects.get_or_create(code="14.72", defaults={"name": "Kota Dumai"})
    return found


def run_floor(path: Path, database_url: str | None, workdir: Path, when: str) -> Any:
    """The floor (bench/umkm_import_floor.py) on the same file, same machine."""
    from django.conf import settings
    from umkm_import_floor import postgres_floor, sqlite_floor

    header_row = len(TITLE) + 1
    if database_url:
        floor = postgres_floor(path, header_row, database_url=database_url)
        kind = "COPY, indexes built after"
    else:
        schema = Path(settings.DATABASES["default"]["NAME"])
        floor = sqlite_floor(path, header_row, schema_from=schema, workdir=workdir)
        kind = (
            "csv + executemany, indexes built after"
            if path.suffix == ".csv"
            else ("calamine + executemany, indexes built after")
        )
    print(
        f"floor ({kind}; {when} the import): {floor.rows:,} rows, {floor.elapsed:.2f} s wall, "
        f"{floor.rows / floor.elapsed:,.0f} rows/s (load {floor.load_seconds:.2f} s, indexes "
        f"and commit {floor.elapsed - floor.load_seconds:.2f} s), CPU {floor.cpu:.2f} s, "
        f"peak RSS {floor.peak / 2**20:.0f} MiB, load average {os.getloadavg()[0]:.1f}"
        + (f", server CPU {floor.server_cpu:.2f} s" if floor.server_cpu is not None else "")
    )
    return floor


def run_ours(path: Path, filename: str) -> dict[str, Any]:
    """Time the import; CPU seconds of this process and of the reading
    process are reported too (wall time depends on what else the machine runs)."""
    from django.db import connection
    from umkm_import_floor import backend_cpu

    from kotacerdas.umkm.imports.engine import run_import

    pid = None
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
    server = backend_cpu(pid) if pid is not None else None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with PeakRss() as rss:
        start, cpu = time.perf_counter(), time.process_time()
        result = run_import(
            actor=None,
            region=region(),
            path=path,
            filename=filename,
            report_path=path.with_suffix(".report.xlsx"),
        )
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    server_after = backend_cpu(pid) if pid is not None else None
    return {
        "server_cpu": (
            server_after - server if server is not None and server_after is not None else None
        ),
        "result": result,
        "elapsed": elapsed,
        "cpu": cpu,
        "child_cpu": child_cpu,
        "peak": rss.peak,
        "child_peak": after.ru_maxrss * 1024,
    }


BASELINE_FIELDS = (
    "region",
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "address",
    "kelurahan_code",
    "phone",
    "kbli_code",
    "workers",
    "year_started",
)


def run_import_export(path: Path, count: int) -> tuple[int, float, float]:
    """The same rows through django-import-export in its fastest mode: a
    ModelResource with use_bulk, no per-row instance diffing, no report."""
    import tablib
    from import_export import fields, resources

    from kotacerdas.umkm.models import Business

    region_id = region().pk
    kelurahan = {name.upper(): code for code, name, _k in _places()}
    kelurahan.update({code: code for code in kelurahan.values()})

    class BusinessResource(resources.ModelResource):
        region = fields.Field(attribute="region_id", column_name="region")

        class Meta:
            model = Business
            fields = BASELINE_FIELDS
            import_id_fields: tuple[str, ...] = ()
            use_bulk = True
            batch_size = 5000
            skip_diff = True
            skip_unchanged = False
            report_skipped = False
            force_init_instance = True
            use_transactions = True

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            instance.derive()

    data = tablib.Dataset(headers=list(BASELINE_FIELDS))
    for row in survey_rows(count):
        code = kelurahan.get(str(row[7]).upper(), "14.72.01.1003")
        data.append([region_id, *row[1:6], code, *row[8:12]])
    resource = BusinessResource()
    start, cpu = time.perf_counter(), time.process_time()
    result = resource.import_data(
        data, dry_run=False, raise_errors=False, collect_failed_rows=False
    )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return result.totals.get("new", 0), elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument(
        "--database",
        "--database-url",
        dest="database_url",
        help="sqlite (default: a fresh file in a temp dir) or a PostgreSQL URL (its public "
        "schema is replaced)",
    )
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=50_000,
        help="rows for django-import-export (it is far slower; rows/s are compared)",
    )
    parser.add_argument(
        "--baseline", action="store_true", help="also run django-import-export (issue 4)"
    )
    parser.add_argument("--skip-baseline", action="store_true", help="(the default now)")
    parser.add_argument("--skip-floor", action="store_true")
    args = parser.parse_args()
    if args.database_url == "sqlite":
        args.database_url = None

    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(args.database_url, workdir)
        import platform

        import psutil
        from django.db import connection

        filename = f"survei.{args.format}"
        path = workdir / filename
        start = time.perf_counter()
        (write_csv if args.format == "csv" else write_xlsx)(path, args.rows)
        print(f"machine: {platform.processor() or platform.machine()}, "
              f"{psutil.cpu_count()} CPUs, {psutil.virtual_memory().total // 2**20} MiB RAM, "
              f"Python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.1f} MiB {args.format}) "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip

        fresh_database(args.database_url)
        print(f"database: {connection.vendor}")
        floors = []
        if not args.skip_floor:
            floors.append(run_floor(path, args.database_url, workdir, "before"))
        ours_run = run_ours(path, filename)
        result, elapsed = ours_run["result"], ours_run["elapsed"]
        ours = result.rows / elapsed
        print(f"kotacerdas import: {result.as_dict()}")
        print(f"kotacerdas import: {elapsed:.2f} s wall, {ours:,.0f} rows/s")
        if ours_run["child_cpu"] > 0.05:
            print(
                f"  CPU: {ours_run['cpu']:.2f} s importing process, "
                f"{ours_run['child_cpu']:.2f} s reading process"
            )
            print(
                f"  peak RSS: {ours_run['peak'] / 2**20:.0f} MiB importing process, "
                f"{ours_run['child_peak'] / 2**20:.0f} MiB reading process"
            )
        else:  # pipeline.core_free() said no: one process
            print(f"  CPU: {ours_run['cpu']:.2f} s (one process)")
            print(f"  peak RSS: {ours_run['peak'] / 2**20:.0f} MiB")
        print(f"  load average after the import: {os.getloadavg()[0]:.1f}")
        if ours_run["server_cpu"] is not None:
            print(f"  server CPU: {ours_run['server_cpu']:.2f} s (the PostgreSQL backend)")
        if not args.skip_floor:
            floors.append(run_floor(path, args.database_url, workdir, "after"))
            floor_wall = sum(f.elapsed for f in floors) / len(floors)
            floor_cpu = sum(f.cpu for f in floors) / len(floors)
            ours_cpu = ours_run["cpu"] + ours_run["child_cpu"]
            print(
                f"ratio to the floor: {elapsed / floor_wall:.2f}x wall "
                f"({elapsed:.2f} s against {floor_wall:.2f} s, the mean of the two floor runs), "
                f"{ours_cpu / floor_cpu:.2f}x CPU ({ours_cpu:.2f} s against {floor_cpu:.2f} s)"
            )
            servers = [f.server_cpu for f in floors if f.server_cpu is not None]
            if ours_run["server_cpu"] is not None and len(servers) == len(floors):
                floor_server = sum(servers) / len(servers)
                both = ours_cpu + ours_run["server_cpu"]
                print(
                    f"ratio of client + server CPU: {both / (floor_cpu + floor_server):.2f}x "
                    f"({both:.2f} s against {floor_cpu + floor_server:.2f} s)"
                )
        if not args.baseline or args.skip_baseline:
            return
        fresh_database(args.database_url)
        count = min(args.rows, args.baseline_rows)
        created, base_elapsed, base_cpu = run_import_export(path, count)
        theirs = count / base_elapsed
        print(f"django-import-export (use_bulk) on {count:,} rows: {created:,} created, "
              f"{base_elapsed:.2f} s wall, {theirs:,.0f} rows/s; CPU {base_cpu:.2f} s")  # fmt: skip
        note = "" if count == args.rows else f" (django-import-export on {count:,} rows)"
        print(f"ratio, wall: {ours / theirs:.1f}x rows/s{note}")
        # On a machine shared with other work, CPU seconds per row compare
        # more fairly; ours is bounded by the busier of its two processes.
        ours_cpu = max(ours_run["cpu"], ours_run["child_cpu"])
        print(
            f"ratio, CPU: {(base_cpu / count) / (ours_cpu / result.rows):.1f}x "
            f"(ours {result.rows / ours_cpu:,.0f} rows per CPU-second of the busier process, "
            f"{result.rows / (ours_run['cpu'] + ours_run['child_cpu']):,.0f} per CPU-second "
            f"of both; theirs {count / base_cpu:,.0f})"
        )
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(f"process max RSS over the whole run: {usage.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
