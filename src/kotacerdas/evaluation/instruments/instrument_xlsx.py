"""The instrument as a spreadsheet (.xlsx): sheet "Dimensi" (kode, nama,
bobot) and sheet "Butir" (kode, dimensi, pilar, pertanyaan, bukti dukung,
bobot), plus a "Petunjuk" sheet that is written but never read.

An import never overwrites: it creates a NEW draft version of the
instrument's kind and year (scale and aggregation rule copied from the
version it was uploaded to). It is all-or-nothing: every row is checked
first and every problem is reported with its sheet, row and column; the
draft is created only when there is none. The web upload and any command
share ``instrument_xlsx_import``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kotacerdas.core.audit import Actor
from kotacerdas.core.sheets.cells import Raw, is_blank, normalise, text
from kotacerdas.core.sheets.problems import Problem, UnreadableWorkbook
from kotacerdas.core.sheets.reading import open_book
from kotacerdas.core.sheets.writing import put_cell
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.instruments.models import DIMENSION_CODES_BY_KIND, Instrument, Item
from kotacerdas.evaluation.instruments.selectors import number_id, parse_number
from kotacerdas.masterplan.pillars import PILLARS

SHEET_DIMENSIONS = "Dimensi"
SHEET_ITEMS = "Butir"
SHEET_GUIDE = "Petunjuk"
DIMENSION_COLUMNS = ("kode", "nama", "bobot")
ITEM_COLUMNS = ("kode", "dimensi", "pilar", "pertanyaan", "bukti dukung", "bobot")
MAX_ROWS = 2_000
CODE_MAX, NAME_MAX, TEXT_MAX = 20, 100, 2000

__all__ = ["XlsxImport", "instrument_xlsx_export", "instrument_xlsx_import"]


# --- Export --------------------------------------------------------------------------------


def _header(ws: Worksheet, columns: Sequence[str]) -> None:
    for number, name in enumerate(columns, start=1):
        put_cell(ws, 1, number, name).font = Font(bold=True)
    ws.freeze_panes = "A2"


def instrument_xlsx_export(instrument: Instrument) -> bytes:
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = SHEET_GUIDE
    lines = [
        str(instrument),
        _("Jenis: %(kind)s") % {"kind": instrument.get_kind_display()},
        _("Skala nilai butir: %(low)s–%(high)s, %(places)s angka di belakang koma")
        % {
            "low": number_id(instrument.scale_min),
            "high": number_id(instrument.scale_max),
            "places": instrument.scale_places,
        },
        _("Cara menggabungkan nilai butir: %(rule)s")
        % {"rule": instrument.get_aggregation_display()},
        "",
        _("Lembar Dimensi: kode, nama dan bobot dalam persen tiap dimensi; jumlahnya tepat 100."),
        _(
            "Lembar Butir: kode unik, kode dimensi, kode pilar (boleh kosong), pertanyaan, "
            "bukti dukung yang diharapkan, bobot butir (kosong = 1)."
        ),
        _("Kode pilar: %(codes)s.") % {"codes": ", ".join(p.code for p in PILLARS)},
        _("Mengunggah berkas ini membuat versi draf BARU; versi yang ada tidak diubah."),
    ]
    for number, line in enumerate(lines, start=1):
        put_cell(guide, number, 1, line)
    guide.column_dimensions["A"].width = 100

    dims = book.create_sheet(SHEET_DIMENSIONS)
    _header(dims, DIMENSION_COLUMNS)
    dimensions = list(instrument.dimensions.order_by("order"))
    for row, dimension in enumerate(dimensions, start=2):
        put_cell(dims, row, 1, dimension.code)
        put_cell(dims, row, 2, dimension.name)
        put_cell(dims, row, 3, dimension.weight.normalize())
    dims.column_dimensions["B"].width = 30

    items = book.create_sheet(SHEET_ITEMS)
    _header(items, ITEM_COLUMNS)
    rows = Item.objects.filter(instrument=instrument).select_related("dimension")
    for row, item in enumerate(rows.order_by("dimension__order", "order", "id"), start=2):
        put_cell(items, row, 1, item.code)
        put_cell(items, row, 2, item.dimension.code)
        put_cell(items, row, 3, item.pillar)
        put_cell(items, row, 4, item.question)
        put_cell(items, row, 5, item.evidence)
        put_cell(items, row, 6, item.weight.normalize())
    for column, width in zip("ABCDEF", (10, 12, 14, 70, 50, 8), strict=True):
        items.column_dimensions[column].width = width

    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Import --------------------------------------------------------------------------------


@dataclass
class XlsxImport:
    problems: list[Problem] = field(default_factory=list)
    instrument: Instrument | None = None
    dimensions: int = 0
    items: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Table:
    name: str
    columns: dict[str, int]  # column key → index
    rows: list[tuple[int, Sequence[Raw]]]

    def cell(self, row: Sequence[Raw], key: str) -> Raw:
        index = self.columns[key]
        return row[index] if index < len(row) else None

    def where(self, key: str) -> str:
        return f"{get_column_letter(self.columns[key] + 1)} ({key})"


def _read(content: bytes) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    missing: list[str] = []
    with open_book(content, kind="xlsx") as book:
        for sheet, wanted in (
            (SHEET_DIMENSIONS, DIMENSION_COLUMNS),
            (SHEET_ITEMS, ITEM_COLUMNS),
        ):
            actual = book.sheet_named(sheet)
            if actual is None:
                missing.append(_("lembar “%(s)s” tidak ada") % {"s": sheet})
                continue
            grid = book.table(actual, max_rows=MAX_ROWS)
            header = [normalise(text(c)) for c in grid[0]] if grid else []
            absent = [key for key in wanted if key not in header]
            if absent:
                missing.append(
                    _("lembar “%(s)s”: kolom %(c)s tidak ada")
                    % {"s": sheet, "c": ", ".join(absent)}
                )
                continue
            tables[sheet] = _Table(
                sheet,
                {key: header.index(key) for key in wanted},
                list(enumerate(grid[1:], start=2)),
            )
    if missing:
        raise UnreadableWorkbook(
            _("Berkas tidak mengikuti format instrumen: %(list)s. Unduh berkasnya lagi.")
            % {"list": "; ".join(missing)},
            "not the instrument workbook",
        )
    return tables


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self, table: _Table, row: int | None, key: str, code: str, message: str, gloss: str
    ) -> None:
        column = table.where(key) if key else ""
        self.problems.append(Problem(table.name, row, column, code, message, gloss))

    def required(self, table: _Table, row: int, values: Sequence[Raw], key: str) -> str:
        value = text(table.cell(values, key))
        if not value:
            self.add(table, row, key, "required", _("Wajib diisi."), "required")
        return value

    def limited(self, table: _Table, row: int, key: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.add(
                table,
                row,
                key,
                "too_long",
                _("Terlalu panjang: paling banyak %(max)s karakter.") % {"max": limit},
                "too long",
            )

    def number(self, table: _Table, row: int, values: Sequence[Raw], key: str) -> Decimal | None:
        raw = table.cell(values, key)
        try:
            if isinstance(raw, bool):
                raise ValidationError("bool")
            value = Decimal(str(raw)) if isinstance(raw, int | float) else parse_number(text(raw))
        except (ValidationError, InvalidOperation):
            self.add(
                table,
                row,
                key,
                "not_number",
                _("Harus angka, mis. 20 atau 33,33; tertulis “%(value)s”.") % {"value": text(raw)},
                "not a number",
            )
            return None
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            self.add(
                table,
                row,
                key,
                "precision",
                _("Paling banyak 2 angka di belakang koma; tertulis “%(value)s”.")
                % {"value": text(raw)},
                "too many decimals",
            )
            return None
        return value


def _check_dimensions(check: _Checker, table: _Table, kind: str) -> list[tuple[str, str, Decimal]]:
    known = DIMENSION_CODES_BY_KIND[kind]
    rows: list[tuple[str, str, Decimal]] = []
    seen: dict[str, int] = {}
    usable = True
    for number, values in table.rows:
        if all(is_blank(v) for v in values):
            continue
        code = normalise(check.required(table, number, values, "kode")).replace(" ", "_")
        name = check.required(table, number, values, "nama")
        check.limited(table, number, "nama", name, NAME_MAX)
        weight = check.number(table, number, values, "bobot")
        if code and code not in known:
            check.add(
                table,
                number,
                "kode",
                "unknown_dimension",
                _("Dimensi “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s.")
                % {"value": text(table.cell(values, "kode")), "allowed": ", ".join(known)},
                "unknown dimension",
            )
            code = ""
        elif code in seen:
            check.add(
                table,
                number,
                "kode",
                "duplicate",
                _("“%(value)s” muncul dua kali di lembar ini (juga baris %(other)s).")
                % {"value": code, "other": seen[code]},
                "duplicate key",
            )
            code = ""
        if weight is not None and not Decimal(0) <= weight <= Decimal(100):
            check.add(
                table,
                number,
                "bobot",
                "weight_range",
                _("Bobot dimensi harus antara 0 dan 100; tertulis “%(value)s”.")
                % {"value": number_id(weight)},
                "weight out of range",
            )
            weight = None
        if code:
            seen[code] = number
        if not (code and name and weight is not None):
            usable = False
            continue
        rows.append((code, name, weight))
    missing = [code for code in known if code not in seen]
    if missing:
        check.add(
            table,
            None,
            "kode",
            "missing_dimension",
            _("Dimensi belum ada di lembar ini: %(codes)s.") % {"codes": ", ".join(missing)},
            "dimension missing",
        )
    total = sum((weight for _c, _n, weight in rows), Decimal(0))
    if usable and not missing and total != 100:
        check.add(
            table,
            None,
            "bobot",
            "weights_sum",
            _("Jumlah bobot dimensi harus tepat 100%%, bukan %(total)s%%.")
            % {"total": number_id(total)},
            "weights must sum to 100",
        )
    # Order as the instrument's kind lists its dimensions.
    return sorted(rows, key=lambda r: known.index(r[0]))


def _pillar_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for pillar in PILLARS:
        for alias in (pillar.code, pillar.name, pillar.name_id):
            table[normalise(alias)] = pillar.code
    return table


def _check_items(check: _Checker, table: _Table, kind: str) -> list[dict[str, Any]]:
    known = DIMENSION_CODES_BY_KIND[kind]
    pillars = _pillar_table()
    items: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        if all(is_blank(v) for v in values):
            continue
        ok = True
        code = check.required(table, number, values, "kode")
        check.limited(table, number, "kode", code, CODE_MAX)
        if code and normalise(code) in seen:
            check.add(
                table,
                number,
                "kode",
                "duplicate",
                _("“%(value)s” muncul dua kali di lembar ini (juga baris %(other)s).")
                % {"value": code, "other": seen[normalise(code)]},
                "duplicate item code",
            )
            ok = False
        elif code:
            seen[normalise(code)] = number
        dimension_text = check.required(table, number, values, "dimensi")
        dimension = normalise(dimension_text).replace(" ", "_")
        if dimension_text and dimension not in known:
            check.add(
                table,
                number,
                "dimensi",
                "unknown_dimension",
                _("Dimensi “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s.")
                % {"value": dimension_text, "allowed": ", ".join(known)},
                "unknown dimension",
            )
            ok = False
        pillar_text = text(table.cell(values, "pilar"))
        pillar = pillars.get(normalise(pillar_text), "") if pillar_text else ""
        if pillar_text and not pillar:
            check.add(
                table,
                number,
                "pilar",
                "unknown_pillar",
                _("Pilar “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s, atau kosongkan.")
                % {"value": pillar_text, "allowed": ", ".join(p.code for p in PILLARS)},
                "unknown pillar",
            )
            ok = False
        question = check.required(table, number, values, "pertanyaan")
        check.limited(table, number, "pertanyaan", question, TEXT_MAX)
        evidence = text(table.cell(values, "bukti dukung"))
        check.limited(table, number, "bukti dukung", evidence, TEXT_MAX)
        weight: Decimal | None = Decimal(1)
        if not is_blank(table.cell(values, "bobot")):
            weight = check.number(table, number, values, "bobot")
            if weight is not None and not Decimal(0) < weight < Decimal(10_000):
                check.add(
                    table,
                    number,
                    "bobot",
                    "item_weight",
                    _("Bobot butir harus lebih dari 0 dan di bawah 10.000; tertulis “%(value)s”.")
                    % {"value": number_id(weight)},
                    "item weight out of range",
                )
                weight = None
        if not ok or weight is None or not (code and dimension and question):
            continue
        items.append(
            {
                "code": code,
                "dimension": dimension,
                "pillar": pillar,
                "question": question,
                "evidence": evidence,
                "weight": weight,
            }
        )
    if not seen:
        check.add(table, None, "", "no_items", _("Lembar ini belum berisi butir."), "no items")
    return items


def instrument_xlsx_import(*, actor: Actor, base: Instrument, content: bytes) -> XlsxImport:
    """Check the workbook; when every row is right, create a new draft
    version of ``base``'s kind and year from it. Raises UnreadableWorkbook
    when the file cannot be read as the instrument workbook at all."""
    tables = _read(content)
    check = _Checker()
    dimensions = _check_dimensions(check, tables[SHEET_DIMENSIONS], base.kind)
    items = _check_items(check, tables[SHEET_ITEMS], base.kind)
    result = XlsxImport(problems=check.problems)
    if not result.ok:
        return result
    result.instrument = services.instrument_import(
        actor=actor,
        kind=base.kind,
        year=base.year,
        name=base.name,
        scale={
            "scale_min": base.scale_min,
            "scale_max": base.scale_max,
            "scale_places": base.scale_places,
            "aggregation": base.aggregation,
        },
        dimensions=dimensions,
        items=items,
        based_on=base,
    )
    result.dimensions, result.items = len(dimensions), len(items)
    return result
