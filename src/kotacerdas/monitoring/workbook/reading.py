"""Reading an uploaded progress workbook: the file (through the shared reader,
which refuses what is not an .xlsx, zip bombs and oversized sheets), its
stamp, its header, and each editable cell as the value ``report_save`` takes
(numbers through :mod:`kotacerdas.core.numbers`, like the report form).

Problems of a row are :class:`~kotacerdas.core.sheets.problems.Problem` with
the codes of :data:`MESSAGES`; a file that cannot be imported at all raises
:class:`WorkbookRefused` with the words of :data:`REFUSALS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kotacerdas.core import numbers
from kotacerdas.core.formatting import rupiah
from kotacerdas.core.sheets import cells
from kotacerdas.core.sheets.cells import CELL_MESSAGES, CellError, Raw, normalise
from kotacerdas.core.sheets.problems import ExchangeError, Message, Problems
from kotacerdas.core.sheets.reading import open_book
from kotacerdas.masterplan.exchange.workbook import STATUSES
from kotacerdas.masterplan.models import ActionPlanStatus
from kotacerdas.monitoring.workbook.layout import (
    BY_FIELD,
    CODE,
    COLUMNS,
    EDITABLE,
    FORMAT,
    FORMAT_VERSION,
    MAX_ROWS,
    SHEET_DATA,
    SHEET_STAMP,
    STAMP_AGENCY,
    STAMP_EXPORTED,
    STAMP_FORMAT,
    STAMP_FORMAT_VERSION,
    STAMP_PERIOD,
    STAMP_TABLE,
    Column,
    clean_text,
)

# The codes of a row's problems: the cell readers' (not_money, negative,
# money_precision), then the workbook's own.
MESSAGES: dict[str, Message] = {
    **CELL_MESSAGES,
    "status_required": Message(
        _("Wajib diisi; pilih status dari daftar."), "required: choose a status from the list"
    ),
    "status_unknown": Message(
        _("Status “%(value)s” tidak ada di daftar; pilih salah satu: %(allowed)s."),
        "unknown status",
    ),
    "not_percent": Message(
        _("Harus angka 0–100, mis. 45 atau 45,5; tertulis “%(value)s”."), "not a percentage"
    ),
    "percent_precision": Message(
        _("Paling banyak 2 angka di belakang koma."), "at most 2 decimals"
    ),
    "percent_range": Message(
        _("Progres fisik harus antara 0 dan 100; tertulis %(value)s."),
        "progress outside 0-100",
    ),
    "over_ceiling": Message(
        _("Realisasi %(real)s melebihi pagu %(ceiling)s."), "realisation over the ceiling"
    ),
    "code_missing": Message(
        _("Kode kosong; baris ini tidak dapat dikenali."), "code missing: the row is unknown"
    ),
    "code_twice": Message(
        _("Kode %(code)s sudah ada di baris %(other)s."), "the code is on another row too"
    ),
    "code_unknown": Message(
        _("Kode %(code)s tidak ada di masterplan ini."), "no such action plan in the masterplan"
    ),
    "code_other_agency": Message(
        _("Rencana aksi %(code)s milik %(theirs)s, bukan %(ours)s."),
        "action plan of another agency",
    ),
    "code_not_exported": Message(
        _("Kode %(code)s tidak ada saat berkas diunduh; unduh berkas baru."),
        "not in the file when it was downloaded",
    ),
}

# Why a whole file is refused.
REFUSALS: dict[str, Message] = {
    "unstamped": Message(
        _(
            "Berkas ini tidak memuat penanda versi KotaCerdas (lembar tersembunyi "
            "%(sheet)s). Unduh lembar kerja laporan dari halaman periode, isi, lalu unggah "
            "berkas itu."
        ),
        "no KotaCerdas stamp (hidden sheet %(sheet)s): download the workbook from the period page",
    ),
    "format_version": Message(
        _(
            "Berkas memakai format versi %(found)s; KotaCerdas ini membaca versi "
            "%(ours)s. Unduh berkas baru."
        ),
        "format version %(found)s; this KotaCerdas reads version %(ours)s",
    ),
    "sheet_missing": Message(
        _("Lembar “%(sheet)s” tidak ada di berkas."), 'sheet "%(sheet)s" missing'
    ),
    "columns_missing": Message(
        _("Kolom %(columns)s tidak ada di lembar “%(sheet)s”. Unduh berkas baru."),
        'columns %(columns)s missing from sheet "%(sheet)s"',
    ),
    "other_period": Message(
        _("Berkas ini diunduh untuk periode lain (%(theirs)s), bukan %(ours)s."),
        "downloaded for another period (%(theirs)s), not %(ours)s",
    ),
    "other_agency": Message(
        _("Berkas ini diunduh untuk perangkat daerah lain (%(theirs)s), bukan %(ours)s."),
        "downloaded for another agency (%(theirs)s), not %(ours)s",
    ),
    "period_closed": Message(
        _("Periode %(period)s tidak sedang dibuka untuk pelaporan; berkas tidak dapat diimpor."),
        "period %(period)s is not open for reporting",
    ),
    "rejected": Message(
        _("Baris %(row)s (%(code)s) ditolak saat disimpan: %(error)s Tidak ada yang disimpan."),
        "row %(row)s (%(code)s) refused when saving; nothing was saved",
    ),
}


class WorkbookRefused(ExchangeError):
    """The file as a whole cannot be imported (not one row is read): not a
    workbook of this kind, or for another period or agency. ``message`` is
    shown as it is."""


@dataclass(frozen=True)
class Stamp:
    period_id: int
    agency_id: int
    exported_at: dt.datetime | None
    # code → (report version, report updated_at in UTC ISO) at export time
    versions: dict[str, tuple[int, str]]


@dataclass(frozen=True)
class Parsed:
    stamp: Stamp
    columns: dict[str, int]  # column key → index in the row
    rows: list[tuple[int, Sequence[Raw]]]  # (Excel row number, cells)


def _whole(raw: Raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _unstamped() -> WorkbookRefused:
    return WorkbookRefused.of(REFUSALS["unstamped"], sheet=SHEET_STAMP)


def _read_stamp(grid: Sequence[Sequence[Raw]]) -> Stamp:
    fields: dict[str, Raw] = {}
    versions: dict[str, tuple[int, str]] = {}
    in_table = False
    for row in grid:
        key = cells.text(row[0]) if row else ""
        if in_table:
            version = _whole(row[2]) if len(row) > 2 else None
            if key and version is not None:
                updated = cells.text(row[3]) if len(row) > 3 else ""
                versions[key] = (version, updated)
        elif key == STAMP_TABLE[0]:
            in_table = True
        elif key:
            fields[key] = row[1] if len(row) > 1 else None
    if cells.text(fields.get(STAMP_FORMAT)) != FORMAT:
        raise _unstamped()
    found = cells.text(fields.get(STAMP_FORMAT_VERSION))
    if found != FORMAT_VERSION:
        raise WorkbookRefused.of(
            REFUSALS["format_version"], found=found or "?", ours=FORMAT_VERSION
        )
    period_id = _whole(fields.get(STAMP_PERIOD))
    agency_id = _whole(fields.get(STAMP_AGENCY))
    if period_id is None or agency_id is None:
        raise _unstamped()
    try:
        exported_at: dt.datetime | None = dt.datetime.fromisoformat(
            cells.text(fields.get(STAMP_EXPORTED))
        )
    except ValueError:
        exported_at = None
    return Stamp(period_id, agency_id, exported_at, versions)


def _header_keys() -> dict[str, str]:
    """Header text (key, Indonesian or English label, normalised) → key."""
    table: dict[str, str] = {}
    for language in ("id", "en"):
        with translation.override(language):
            for column in COLUMNS:
                table.setdefault(normalise(column.label()), column.key)
    for column in COLUMNS:
        table[normalise(column.key)] = column.key
    return table


def workbook_read(content: bytes) -> Parsed:
    """The stamp and the rows of an uploaded workbook, or WorkbookRefused."""
    with open_book(content, kind="xlsx", refusal=WorkbookRefused) as book:
        if SHEET_STAMP not in book.sheets:
            raise _unstamped()
        stamp = _read_stamp(book.grid(SHEET_STAMP, rows=MAX_ROWS + 20))
        if SHEET_DATA not in book.sheets:
            raise WorkbookRefused.of(REFUSALS["sheet_missing"], sheet=SHEET_DATA)
        grid = book.table(SHEET_DATA, max_rows=MAX_ROWS)
    known = _header_keys()
    header = [known.get(normalise(cells.text(c)), "") for c in grid[0]] if grid else []
    wanted = (CODE, *EDITABLE)
    missing = [c.label() for c in wanted if c.key not in header]
    if missing:
        raise WorkbookRefused.of(
            REFUSALS["columns_missing"],
            columns=", ".join(f"“{m}”" for m in missing),
            sheet=SHEET_DATA,
        )
    columns = {c.key: header.index(c.key) for c in wanted}
    return Parsed(stamp, columns, list(enumerate(grid[1:], start=2)))


# --- Cells ------------------------------------------------------------------------------------


def _percent(raw: Raw) -> tuple[Decimal | None, str, dict[str, Any]]:
    """(value, problem code, its parameters) of a progress cell."""
    try:
        value = numbers.read_percent(raw)
    except numbers.NumberError as error:
        if error.code == "precision":
            return None, "percent_precision", {}
        if error.code in ("not_number", "range"):
            return None, "not_percent", {"value": cells.text(raw)}
        return None, "percent_range", {"value": cells.text(raw)}
    value = value if value is not None else Decimal(0)
    if value > 100:
        return None, "percent_range", {"value": cells.text(raw)}
    return value, "", {}


def parse_values(number: int, cell: dict[str, Raw], problems: Problems) -> dict[str, Any]:
    """``report_save``'s keyword arguments from the editable cells of row
    ``number``; what cannot be read is added to ``problems`` and left out.
    Empty number cells are 0."""
    values: dict[str, Any] = {}

    def add(column: Column, code: str, **params: Any) -> None:
        problems.add(SHEET_DATA, number, column.label(), code, **params)

    for column in EDITABLE:
        raw = cell[column.key]
        if column.kind == "status":
            code = STATUSES.parse(cells.text(raw))
            if cells.is_blank(raw):
                add(column, "status_required")
            elif code is None:
                allowed = ", ".join(str(s) for s in ActionPlanStatus.labels)
                add(column, "status_unknown", value=cells.text(raw), allowed=allowed)
            else:
                values[column.field] = code
        elif column.kind == "percent":
            value, problem, params = _percent(raw)
            if problem:
                add(column, problem, **params)
            else:
                values[column.field] = value
        elif column.kind == "money":
            try:
                values[column.field] = cells.money(raw, max_digits=18, places=2)
            except CellError as error:
                add(column, error.code, **error.params)
        else:
            values[column.field] = clean_text(cells.text(raw))
    ceiling, realisation = values.get("budget_ceiling"), values.get("budget_realisation")
    if ceiling is not None and realisation is not None and realisation > ceiling:
        add(
            BY_FIELD["budget_realisation"],
            "over_ceiling",
            real=rupiah(realisation),
            ceiling=rupiah(ceiling),
        )
    return values
