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

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
