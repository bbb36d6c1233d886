"""The floor of the UMKM survey import (issue 20): how fast the same rows go
into a table of the same width with nothing else done.

SQLite: a plain ``csv`` (or calamine, for .xlsx) loop and ``sqlite3``
``executemany`` writing every data row of the survey file into a table with
the registry table's 41 columns (its own CREATE TABLE, renamed), in one
transaction, its 10 indexes built after the load. PostgreSQL: a plain
``COPY`` of the same rows into a table of the same columns, the same 10
indexes built after the load, in one transaction.

No cleaning, no matching, no report, no word-search index: the cells are
put as they are into the columns they are mapped to (a derived column gets a
copy of a cell, the import's own columns a constant). Every data row is
written, the rejected and repeated ones too (but a row repeating an
earlier row's NIB, which the table's unique index refuses), so the floor
writes about 3 % more rows than the import does.

Run by bench/umkm_import.py in the same run as the import, on the same file
(so both see the same machine load), or alone:

    python bench/umkm_import_floor.py survei.csv --schema-from var/kotacerdas.sqlite3

Never part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE = "umkm_business"
FLOOR_TABLE = "floor_business"
TO = FLOOR_TABLE
# The survey file's columns (bench/umkm_import.HEADER) → the registry
# column each is written to; derived columns copy their source cell.
COLUMNS = (
    "region_id",
    "name",
    "name_key",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "kbli_code",
    "kbli_version",
    "kbli_category",
    "address",
    "kecamatan_code",
    "kelurahan_code",
    "latitude",
    "longitude",
    "phone",
    "workers",
    "year_started",
    "capital",
    "annual_sales",
    "size_class",
    "size_basis",
    "ikm_class",
    "halal_number",
    "pirt_number",
    "sells_online",
    "uses_qris",
    "production_capacity",
    "production_capacity_unit",
    "source",
    "status",
    "verification",
    "legal_basis",
    "import_job_id",
    "source_row",
    "fingerprint",
    "created_at",
    "updated_at",
)
NOW = "2026-12-07 00:00:00"


@dataclass
class FloorResult:
    rows: int
    elapsed: float
    cpu: float
    load_seconds: float  # of which the rows' insert (the rest: indexes, commit)
    peak: int  # bytes, this process
    server_cpu: float | None = None  # PostgreSQL: the backend's CPU seconds (local server)


def backend_cpu(pid: int) -> float | None:
    """CPU seconds of the PostgreSQL backend ``pid`` when the server runs on
    this machine (read from /proc), else None."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _row(cells: list[Any], number: int) -> tuple[Any, ...]:
    """The 38 values the import writes per row, from the survey's cells."""
    c = cells + [""] * (16 - len(cells))
    return (
        1,
        c[1],
        c[1],
        c[2],
        c[3],
        c[4],
        "",
        c[9],
        "2020",
        c[9][:1] if isinstance(c[9], str) else "",
        c[5],
        c[6],
        c[7],
        None,
        None,
        c[8],
        c[10],
        c[11],
        c[12],
        c[13],
        "",
        "",
        "",
        "",
        "",
        c[14],
        c[15],
        None,
        "",
        "import",
        "active",
        "verified",
        "public_task",
        None,
        number,
        "",
        NOW,
        NOW,
    )


def data_rows(path: Path, header_row: int) -> Iterator[tuple[Any, ...]]:
    """Every non-blank row below the header (1-based ``header_row``), but a
    row repeating an earlier row's NIB (the table's unique index would refuse it)."""
    nibs: set[str] = set()
    for number, cells in _cells(path):
        if number > header_row and any(cells):
            nib = cells[4] if len(cells) > 4 else ""
            if nib:
                if nib in nibs:
                    continue
                nibs.add(nib)
            yield _row(cells, number)


def _cells(path: Path) -> Iterator[tuple[int, list[Any]]]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            yield from enumerate(csv.reader(handle, delimiter=";"), 1)
        return
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    for number, cells in enumerate(sheet.iter_rows(), 1):
        yield number, ["" if c == "" else c if isinstance(c, str) else str(c) for c in cells]


def sqlite_schema(database: Path) -> tuple[str, list[str]]:
    """The registry table's CREATE TABLE and its 10 CREATE INDEX statements
    (from a migrated database), renamed to the floor's table."""
    with sqlite3.connect(database) as source:
        (table,) = source.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [TABLE]
        ).fetchone()
        indexes = [
            sql
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL ORDER BY name",
                [TABLE],
            )
        ]
    return _rename(table), [_rename(sql) for sql in indexes]


def _rename(sql: str) -> str:
    sql = sql.replace(f'"{TABLE}"', f'"{FLOOR_TABLE}"')
    return re.sub(r'INDEX "([^"]+)"', r'INDEX "floor_\1"', sql)


def sqlite_floor(path: Path, header_row: int, *, schema_from: Path, workdir: Path) -> FloorResult:
    from umkm_import import PeakRss

    table, indexes = sqlite_schema(schema_from)
    target = workdir / "floor.sqlite3"
    for leftover in workdir.glob("floor.sqlite3*"):
        leftover.unlink()
    database = sqlite3.connect(target, isolation_level=None)
    database.execute("PRAGMA journal_mode = WAL")
    database.execute("PRAGMA synchronous = NORMAL")
    database.execute(table)
    insert = (
        f"INSERT INTO {FLOOR_TABLE} ({', '.join(COLUMNS)}) "  # noqa: S608 - constant names
        f"VALUES ({', '.join('?' * len(COLUMNS))})"
    )
    with PeakRss() as rss:
        start, cpu = time.perf_counter(), time.process_time()
        database.execute("BEGIN")
        cursor = database.cursor()
        rows = 0
        batch: list[tuple[Any, ...]] = []
        for row in data_rows(path, header_row):
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(insert, batch)
                rows += len(batch)
                batch = []
        cursor.executemany(insert, batch)
        rows += len(batch)
        loaded = time.perf_counter() - start
        for sql in indexes:
            database.execute(sql)
        database.execute("COMMIT")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    database.close()
    for leftover in workdir.glob("floor.sqlite3*"):
        leftover.unlink()
    return FloorResult(rows, elapsed, cpu, loaded, rss.peak)


def postgres_floor(path: Path, header_row: int, *, database_url: str) -> FloorResult:
    """COPY of the same rows into a table like the registry's (columns and
    defaults, no indexes), then the registry's 10 b-tree indexes built."""
    import psycopg
    from umkm_import import PeakRss

    with psycopg.connect(database_url) as connection:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
            cursor.execute(
                f"CREATE TABLE {FLOOR_TABLE} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef NOT LIKE "
                "'%%USING gin%%' AND indexname NOT LIKE '%%_pkey' ORDER BY indexname",
                [TABLE],
            )
            indexes = [
                re.sub(r"INDEX (\S+) ON (\S+\.)?umkm_business", rf"INDEX floor_\1 ON {TO}", sql)
                for (sql,) in cursor.fetchall()
            ]
            cursor.execute(
                "SELECT column_name, character_maximum_length FROM information_schema.columns "
                "WHERE table_name = %s AND character_maximum_length IS NOT NULL",
                [TABLE],
            )
            lengths = dict(cursor.fetchall())
        limits = [(i, lengths[c]) for i, c in enumerate(COLUMNS) if c in lengths]
        connection.commit()
        pid = connection.info.backend_pid
        server = backend_cpu(pid)
        with PeakRss() as rss:
            start, cpu = time.perf_counter(), time.process_time()
            rows = 0
            with connection.cursor() as cursor:
                columns = ", ".join(COLUMNS)
                with cursor.copy(f"COPY {FLOOR_TABLE} ({columns}) FROM STDIN") as copy:
                    for row in data_rows(path, header_row):
                        copy.write_row(_typed(row, limits))
                        rows += 1
                loaded = time.perf_counter() - start
                for sql in indexes:
                    cursor.execute(sql)
            connection.commit()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = backend_cpu(pid)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
        connection.commit()
    used = after - server if server is not None and after is not None else None
    return FloorResult(rows, elapsed, cpu, loaded, rss.peak, used)


def _typed(row: tuple[Any, ...], limits: list[tuple[int, int]]) -> tuple[Any, ...]:
    """PostgreSQL types its columns: a number column gets None for a cell
    that is not a plain number (the floor does not read "250 juta"), a text
    is cut to its column's length."""
    values = list(row)
    for index, limit in limits:
        if isinstance(values[index], str):
            values[index] = values[index][:limit]
    for index in (16, 17, 18, 19):  # workers, year_started, capital, annual_sales
        text = values[index]
        values[index] = text if isinstance(text, str) and text.isdigit() else None
    for index in (25, 26):  # sells_online, uses_qris
        values[index] = {"ya": True, "tidak": False}.get(str(values[index]).lower())
    return tuple(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the survey file (bench/umkm_import.py makes one)")
    parser.add_argument("--header-row", type=int, default=4)
    parser.add_argument("--schema-from", type=Path, help="a migrated SQLite database")
    parser.add_argument("--database-url", help="PostgreSQL URL with the registry migrated")
    args = parser.parse_args()
    if args.database_url:
        result = postgres_floor(args.path, args.header_row, database_url=args.database_url)
    else:
        result = sqlite_floor(
            args.path, args.header_row, schema_from=args.schema_from, workdir=args.path.parent
        )
    print(
        f"floor: {result.rows:,} rows, {result.elapsed:.2f} s ({result.rows / result.elapsed:,.0f} "
        f"rows/s; load {result.load_seconds:.2f} s), CPU {result.cpu:.2f} s, "
        f"peak RSS {result.peak / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
