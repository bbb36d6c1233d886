"""Writing the tables and workbooks KotaCerdas hands out (open data, the
registry's exports, the masterplan template, the progress workbooks, the
evaluation's files): one safe way to put a value in a cell, one CSV writer and
one XLSX writer.

A spreadsheet must never run what a download holds (CSV/formula injection):

- in XLSX, text is always written as text, so ``=...`` never becomes a
  formula (:func:`put_cell`);
- in CSV, a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, unless it is a plain number
  (``-5``, ``+62``, ``1.5``), which no spreadsheet runs (:func:`csv_text`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def csv_text(value: Any) -> str:
    """A value as a CSV cell: empty for None, ``ya``/``tidak`` for booleans,
    ISO 8601 for dates, and text that a spreadsheet opening the file never
    runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads it right), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(v) for v in header])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _as_text(cell: Cell, value: str) -> None:
    """Text always as text ("=..." never becomes a formula), without the
    control characters a workbook may not hold."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"


def streamed_cell(sheet: Any, value: Any) -> Cell:
    """A cell for a write-only (streamed) worksheet, under the same rule as
    :func:`put_cell` for text; other values are written as they are."""
    cell: Cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        _as_text(cell, value)
    else:
        cell.value = value
    return cell


def streamed_value(sheet: Any, value: Any) -> Any:
    """``value`` for a write-only sheet's ``append`` under the rule of
    :func:`streamed_cell`, as a plain value where that rule changes nothing
    (openpyxl then reuses one cell for the row: a large import's report
    costs a fraction of a cell object per value) and as a cell where it does
    (text that would be read as a formula, control characters)."""
    if isinstance(value, str) and (value[:1] == "=" or ILLEGAL_CHARACTERS_RE.search(value)):
        return streamed_cell(sheet, value)
    return value


def put_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write ``value``: text always as text ("=..." never becomes a formula, and
    control characters a file may not hold are dropped); whole Rupiah amounts
    as integers with thousands separators."""
    cell = ws.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    if isinstance(value, str):
        _as_text(cell, value)
    elif isinstance(value, Decimal):
        integral = value == value.to_integral_value()
        cell.value = int(value) if integral else value
        cell.number_format = "#,##0" if integral else "#,##0.00"
    else:
        cell.value = value
    return cell


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook: a header row (may be empty) and the rows below
    it; an empty row stays empty."""

    title: str | None
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]


def xlsx_bytes(*tables: Table) -> bytes:
    """A workbook with one sheet per table, in order."""
    book = Workbook()
    active = book.active
    assert isinstance(active, Worksheet)
    for index, table in enumerate(tables):
        sheet = active if index == 0 else book.create_sheet()
        if table.title is not None:
            sheet.title = table.title
        for column, value in enumerate(table.header, start=1):
            put_cell(sheet, 1, column, value)
        top = 2 if table.header else 1
        for number, row in enumerate(table.rows, start=top):
            for column, value in enumerate(row, start=1):
                put_cell(sheet, number, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_table(header: Sequence[Any], rows: Iterable[Sequence[Any]], fmt: str) -> bytes:
    """One table as ``csv`` or ``xlsx``."""
    if fmt == "xlsx":
        return xlsx_bytes(Table(None, header, rows))
    if fmt == "csv":
        return csv_bytes(header, rows)
    raise ValueError(f"unknown table format {fmt!r}")


class TableFile:
    """One table written row by row to a file on disk, as ``csv`` or
    ``xlsx``, under the same cell rules as :func:`write_table`, in bounded
    memory (the XLSX is a write-only workbook). ``size`` is the bytes written
    so far: exact for CSV, an estimate from the cells' text for XLSX until
    :meth:`close` (then the file's size). The file is created 0600."""

    def __init__(self, path: Path, header: Sequence[Any], fmt: str) -> None:
        if fmt not in ("csv", "xlsx"):
            raise ValueError(f"unknown table format {fmt!r}")
        self.path = path
        self.fmt = fmt
        self.size = 0
        self._out: Any = None
        self._book: Any = None
        self._sheet: Any = None
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if fmt == "csv":
            self._out = open(handle, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._csv = csv.writer(self._out, lineterminator="\r\n")
            self._out.write("\ufeff")
        else:
            os.close(handle)  # openpyxl writes the file itself, at close
            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet()
        self.write(header)

    def write(self, row: Sequence[Any]) -> None:
        if self._sheet is not None:
            self._sheet.append([streamed_cell(self._sheet, _xlsx_value(v)) for v in row])
            # The XML of a cell is about 30 bytes plus its text, before zipping.
            self.size += sum(len(str(v)) + 30 for v in row if v is not None)
            return
        self._csv.writerow([csv_text(v) for v in row])
        self.size = self._out.tell()

    def close(self) -> None:
        if self._book is not None:
            self._book.save(self.path)
            self._book = self._sheet = None
        elif self._out is not None:
            self._out.close()
            self._out = None
        self.size = self.path.stat().st_size

    def discard(self) -> None:
        """Abandon the file: closed if open, then removed, with openpyxl's
        temporary file of a write-only sheet (it holds every row written so
        far, in the system's temporary folder, until the process ends)."""
        with contextlib.suppress(Exception):
            if self._out is not None:
                self._out.close()
            if self._sheet is not None:
                if not self._sheet.closed:
                    self._sheet.close()
                out = getattr(getattr(self._sheet, "_writer", None), "out", None)
                if isinstance(out, str):
                    Path(out).unlink(missing_ok=True)
            self._out = self._book = self._sheet = None
        self.path.unlink(missing_ok=True)


def _xlsx_value(value: Any) -> Any:
    """Whole Rupiah amounts as integers (as :func:`put_cell` writes them)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value
