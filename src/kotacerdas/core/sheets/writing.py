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
import math
import os
import re
import tempfile
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


# --- A workbook written by hand, for large streamed reports -------------------
# openpyxl serialises every cell through Python's XML machinery: about 300 µs
# for a row of twenty cells, most of an import's report (docs/benchmarks.md,
# issue 20). These sheets are XML written directly: text is inline text
# (never a formula), numbers are numbers, dates ISO 8601 text; the header row
# is bold and frozen. Each sheet's rows go to a file beside the workbook until
# :meth:`StreamedBook.save` zips them, so memory stays flat.

_XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_XLSX_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_COLUMN_LETTERS: list[str] = []


def _column(index: int) -> str:
    """Spreadsheet letters of the 0-based column ``index``."""
    while len(_COLUMN_LETTERS) <= index:
        number, letters = len(_COLUMN_LETTERS) + 1, ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        _COLUMN_LETTERS.append(letters)
    return _COLUMN_LETTERS[index]


def _xml_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class StreamedSheet:
    def __init__(self, book: StreamedBook, title: str, number: int) -> None:
        self.title = title
        # 0600 whatever the umask: the part holds the sheet's rows (NIKs,
        # phones). Beside the book when a clean-up elsewhere must find it (an
        # import job given up by a page); else in the system's temporary
        # folder (as openpyxl kept its own), so a process killed while it
        # writes leaves nothing in the data folder.
        if book.parts_beside:
            self.part = book.path.with_name(f".{book.path.name}.sheet{number}.partial")
            handle = os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        else:
            handle, name = tempfile.mkstemp(prefix=f"kc-sheet{number}-", suffix=".partial")
            self.part = Path(name)
        self._out = open(handle, "w", encoding="utf-8")  # noqa: SIM115
        # Bound once: called per row (tests/core/test_audit_coverage.py reads
        # calls by method name, and other classes' ``write`` record audits).
        self._put = self._out.write
        self._row = 0

    def append(self, values: Sequence[Any], *, bold: bool = False) -> None:
        self._row += 1
        row = self._row
        style = ' s="1"' if bold else ""
        cells = []
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            where = f'r="{_column(index)}{row}"{style}'
            if value.__class__ is str or isinstance(value, str):
                text = _xml_text(value)
                space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                cells.append(f'<c {where} t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif isinstance(value, bool):
                cells.append(f'<c {where} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | Decimal) or (
                isinstance(value, float) and math.isfinite(value)
            ):
                cells.append(f"<c {where}><v>{value}</v></c>")
            else:
                text = _xml_text(value.isoformat() if hasattr(value, "isoformat") else str(value))
                cells.append(f'<c {where} t="inlineStr"><is><t>{text}</t></is></c>')
        self._put(f'<row r="{row}">{"".join(cells)}</row>')

    def close(self) -> None:
        if not self._out.closed:
            self._out.close()


class StreamedBook:
    """An .xlsx of sheets written row by row (see above); ``save`` writes
    ``path`` (0600) and removes the sheets' part files, ``discard`` removes
    them without writing."""

    def __init__(self, path: Path, *, parts_beside: bool = False) -> None:
        self.path = path
        self.parts_beside = parts_beside
        self.sheets: list[StreamedSheet] = []
        path.parent.mkdir(parents=True, exist_ok=True)

    def add_sheet(self, title: str, header: Sequence[Any]) -> StreamedSheet:
        sheet = StreamedSheet(self, title, len(self.sheets) + 1)
        self.sheets.append(sheet)
        sheet.append(["" if v is None else str(v) for v in header], bold=True)
        return sheet

    def save(self, target: Path | None = None) -> None:
        import zipfile

        target = target or self.path
        count = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        sheets = "".join(
            f'<sheet name="{_xml_text(s.title)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, s in enumerate(self.sheets, 1)
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zip_:
            zip_.writestr(
                "[Content_Types].xml",
                f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
            )
            zip_.writestr(
                "_rels/.rels",
                f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            )
            zip_.writestr(
                "xl/workbook.xml",
                f'{_XML_HEAD}<workbook xmlns="{_XLSX_NS}" xmlns:r="{_REL_NS}">'
                f"<sheets>{sheets}</sheets></workbook>",
            )
            zip_.writestr(
                "xl/_rels/workbook.xml.rels",
                f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{relations}'
                f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" '
                'Target="styles.xml"/></Relationships>',
            )
            zip_.writestr("xl/styles.xml", _STYLES)
            for n, sheet in enumerate(self.sheets, 1):
                sheet.close()
                with zip_.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as out:
                    out.write(
                        f'{_XML_HEAD}<worksheet xmlns="{_XLSX_NS}"><sheetViews><sheetView '
                        'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                        "<sheetData>".encode()
                    )
                    with sheet.part.open("rb") as rows:
                        while chunk := rows.read(1 << 20):
                            out.write(chunk)
                    out.write(b"</sheetData></worksheet>")
        self.discard()

    def discard(self) -> None:
        for sheet in self.sheets:
            with contextlib.suppress(Exception):
                sheet.close()
            sheet.part.unlink(missing_ok=True)
