"""Reading, cleaning and matching rows, in this process or in a second one.

A large import reads, cleans and matches rows in a forked child process
while this process writes them to the database: on two cores the two halves
run side by side (docs/benchmarks.md). Only when a core is idle, though
(:func:`core_free`): sending the rows from one process to the other costs
about a fifth of the import's CPU, which buys nothing when the other cores
are busy anyway (a loaded machine, the web server beside the worker) — then
the import runs in one process. The child never touches the database:
everything it needs (the region's existing keys, the KBLI code lists, the
region's places) is loaded before the fork, and it sends back batches of
plain tuples through a pipe. Small imports, and
platforms without ``fork``, run both halves in this process; the results are
the same either way (tests/umkm/imports/test_engine.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kotacerdas.umkm import kbli
from kotacerdas.umkm.imports.reading import Book, ImportFileError, open_book
from kotacerdas.umkm.imports.rows import Reason, RowCleaner, Values
from kotacerdas.umkm.registry.models import KbliCode

# Imports of at least this many rows (estimated) clean in a child process.
PARALLEL_MIN_ROWS = 20_000
BATCH_ROWS = 2_000

# What became of a row.
IMPORTED, MATCHED, DUPLICATE, REJECTED = "imported", "matched", "duplicate", "rejected"
SKIPPED = "skipped"  # not a business: a totals, note or signature row (rows.skip_reason)
# (row number, outcome, the INSERT's values when imported, reasons when
#  rejected, warnings, the cells when rejected)
Item = tuple[int, str, tuple[Any, ...] | None, list[Reason], list[Reason], Any]
# the row's values, source row number, fingerprint → the INSERT's values
RowBuilder = Callable[[Values, int, str], tuple[Any, ...]]


def _decimal(value: Decimal | None) -> str | None:
    # Amounts and coordinates travel as text: cheaper to send between the
    # processes, and what both SQLite (Django's adapter) and COPY store anyway.
    return None if value is None else str(value)


def values_row(v: Values) -> tuple[Any, ...]:
    """The stored fields in the order of :data:`.rows.IMPORTED_FIELDS`
    (written out: this runs for every row; a test holds the two together)."""
    return (
        v.name,
        v.name_key,
        v.owner_name,
        v.owner_nik,
        v.nib,
        v.npwp,
        v.kbli_code,
        v.kbli_version,
        v.kbli_category,
        v.address,
        v.kecamatan_code,
        v.kelurahan_code,
        _decimal(v.latitude),
        _decimal(v.longitude),
        v.phone,
        v.workers,
        v.year_started,
        _decimal(v.capital),
        _decimal(v.annual_sales),
        v.size_class,
        v.size_basis,
        v.ikm_class,
        v.halal_number,
        v.pirt_number,
        v.sells_online,
        v.uses_qris,
        _decimal(v.production_capacity),
        v.production_capacity_unit,
    )


def match_keys(*, nik: str, name_key: str, nib: str, phone: str, fp: str) -> list[str]:
    """The keys a business is matched by, for rows and stored businesses
    alike: owner NIK with the name key, NIB, phone; the fingerprint only for
    a business with none of these."""
    keys = []
    if nik:
        keys.append(f"k{nik}|{name_key}")
    if nib:
        keys.append("b" + nib)
    if phone:
        keys.append("p" + phone)
    if not keys and fp:
        keys.append("f" + fp)
    return keys


def core_free() -> bool:
    """Whether a core is idle for the reading process: the last minute's
    load average leaves one free. A fork on a busy machine only adds the
    cost of sending every row across (docs/decisions.md, issue 20)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return False
    return cores > 1 and load <= cores - 1


@contextmanager
def collector_frozen() -> Iterator[None]:
    """The objects that exist when an import starts (the modules, Django, the
    region reference, the existing keys) moved out of the cyclic garbage
    collector's sight until it ends: an import allocates a few objects per
    row, and every collection of the oldest generation walked all of them
    again (0.3 s of about 5 s of CPU in a 100,000-row import, measured once;
    docs/decisions.md §70). Objects made during the import are collected as
    usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def is_blank(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and cell.isspace():
            continue
        return False
    return True


@dataclass(frozen=True)
class _Source:
    path: Path
    filename: str
    sheet: str
    header_index: int
    cleaner: RowCleaner
    existing: set[str]  # the keys of the region's businesses
    build_row: RowBuilder
    book: Book | None = None  # already open (its sheet parsed); else opened here


def _items(source: _Source) -> Iterator[Item]:
    """Every non-blank row below the header, cleaned and matched: rejected,
    matching a business of the region, repeating an earlier row of the file,
    or to be imported."""
    clean = source.cleaner.clean
    fingerprint_of = source.cleaner.fingerprint
    existing = source.existing
    build_row = source.build_row
    seen: set[str] = set()
    opened = (
        nullcontext(source.book)
        if source.book is not None
        else open_book(source.path, filename=source.filename)
    )
    with opened as book:
        text_only = book.kind == "csv"
        for number, cells in book.rows(source.sheet):
            if number <= source.header_index + 1:
                continue
            if text_only:
                if not "".join(cells).strip():
                    continue
            elif is_blank(cells):
                continue
            cleaned = clean(cells)
            v = cleaned.values
            if cleaned.skipped is not None:
                yield (number, SKIPPED, None, [cleaned.skipped], [], cells)
                continue
            if v is None:
                yield (number, REJECTED, None, cleaned.reasons, cleaned.warnings, cells)
                continue
            fp = fingerprint_of(v)
            keys = match_keys(nik=v.owner_nik, name_key=v.name_key, nib=v.nib, phone=v.phone, fp=fp)
            if not existing.isdisjoint(keys):
                yield (number, MATCHED, None, [], cleaned.warnings, None)
            elif not seen.isdisjoint(keys):
                yield (number, DUPLICATE, None, [], cleaned.warnings, None)
            else:
                seen.update(keys)
                row = build_row(v, number, fp)
                yield (number, IMPORTED, row, [], cleaned.warnings, None)


def batches(
    *,
    path: Path,
    filename: str,
    sheet: str,
    header_index: int,
    cleaner: RowCleaner,
    existing: set[str],
    build_row: RowBuilder,
    parallel: bool,
    book: Book | None = None,
) -> Generator[list[Item], None, None]:
    """The rows of ``sheet`` below its header as :func:`_items` gives them,
    in batches."""
    arguments = _Source(path, filename, sheet, header_index, cleaner, existing, build_row, book)
    forking = parallel and "fork" in multiprocessing.get_all_start_methods()
    if not forking or not core_free():
        batch: list[Item] = []
        for item in _items(arguments):
            batch.append(item)
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    for version in kbli.VERSIONS:
        KbliCode.objects.official(version)  # the child must not query the database
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, arguments, receiving), daemon=True)
    child.start()
    sending.close()
    try:
        while True:
            try:
                kind, payload = receiving.recv()
            except EOFError:
                raise RuntimeError("the import's reading process ended unexpectedly") from None
            if kind == "rows":
                yield payload
            elif kind == "end":
                return
            elif kind == "file_error":
                raise ImportFileError(payload)
            else:
                raise RuntimeError(f"the import's reading process failed:\n{payload}")
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _child(sending: Connection, arguments: _Source, receiving: Connection) -> None:
    # The fork copied the parent's reading end: close it, so that when the
    # parent dies (even by SIGKILL) nobody reads the pipe any more and the next
    # send fails (BrokenPipeError) instead of blocking this process forever.
    receiving.close()
    try:
        batch: list[Item] = []
        for item in _items(arguments):
            batch.append(item)
            if len(batch) >= BATCH_ROWS:
                sending.send(("rows", batch))
                batch = []
        sending.send(("rows", batch))
        sending.send(("end", None))
    except ImportFileError as error:
        sending.send(("file_error", error.message))
    except BaseException:
        sending.send(("crash", traceback.format_exc()))
    finally:
        sending.close()
