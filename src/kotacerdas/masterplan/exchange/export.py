"""Writing the masterplan workbook with openpyxl: a region's whole masterplan
(``masterplan_export``) or the empty template (``template_empty``). The
``*_cells`` functions turn one object into its row; the importer uses the
same functions to show what an update changes (old → new)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kotacerdas import __version__
from kotacerdas.core.sheets.writing import put_cell
from kotacerdas.masterplan.exchange.workbook import (
    CODES_HEADER,
    FIELD_HEADER,
    MASTERPLAN_SHEET,
    SHEET_ACTION_PLANS,
    SHEET_AGENCIES,
    SHEET_CODES,
    SHEET_GUIDE,
    SHEET_LABELS,
    SHEET_PROGRAMMES,
    SHEETS,
    STAMP_APP,
    STAMP_TEMPLATE,
    TEMPLATE_VERSION,
    Column,
    Sheet,
)
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from kotacerdas.masterplan.pillars import PILLARS

CellValue = str | int | Decimal | None
Row = dict[str, CellValue]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Dropdowns and number checks reach this many rows below the data.
SPARE_ROWS = 1000

_BRAND = "0F5C6E"
_MUTED = "5B6B79"
_SOFT = "E3F0F3"
_REQUIRED_FILL = PatternFill("solid", fgColor=_BRAND)
_OPTIONAL_FILL = PatternFill("solid", fgColor=_MUTED)
_CODE_FILL = PatternFill("solid", fgColor=_SOFT)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


# --- One object, one row ------------------------------------------------------------


def masterplan_cells(masterplan: Masterplan) -> Row:
    return {
        "judul": masterplan.title,
        "tahun_mulai": masterplan.start_year,
        "tahun_akhir": masterplan.end_year,
        "dasar_hukum": masterplan.legal_basis,
        "status": masterplan.status,
    }


def agency_cells(agency: Agency) -> Row:
    return {"singkatan": agency.short_name, "nama": agency.name, "kepala": agency.head}


def programme_cells(programme: Programme, supporting: list[str] | None = None) -> Row:
    if supporting is None:
        supporting = [a.short_name for a in programme.supporting_agencies.all()]
    return {
        "kode": programme.code,
        "kode_pilar": programme.element.pillar.code,
        "kode_elemen": programme.element.code,
        "jangka": programme.horizon,
        "pengampu": programme.lead_agency.short_name,
        "pendukung": ", ".join(sorted(supporting, key=str.casefold)),
        "nama": programme.name,
        "deskripsi": programme.description,
        "tahun_mulai": programme.start_year,
        "tahun_akhir": programme.end_year,
        "tahun_quick_win": programme.quick_win_year,
        "sumber_dana": programme.funding_source,
        "perkiraan_biaya": Decimal(programme.estimated_cost),
        "keluaran": programme.output,
        "hasil": programme.outcome,
    }


def action_plan_cells(plan: ActionPlan) -> Row:
    return {
        "kode": plan.code,
        "kode_program": plan.programme.code,
        "tahun": plan.year,
        "perangkat_daerah": plan.agency.short_name,
        "status": plan.status,
        "kegiatan": plan.activity,
        "target": plan.target,
    }


def _default_labels() -> list[Row]:
    return [
        {"kode_pilar": p.code, "kode_elemen": code, "nama_pilar": p.name, "nama_elemen": name}
        for p in PILLARS
        for code, name in p.elements
    ]


def _label_rows(masterplan: Masterplan) -> list[Row]:
    return [
        {
            "kode_pilar": pillar.code,
            "kode_elemen": element.code,
            "nama_pilar": pillar.name,
            "nama_elemen": element.name,
        }
        for pillar in masterplan.pillars.prefetch_related("elements").order_by("order")
        for element in pillar.elements.all()
    ]


# --- Workbooks ---------------------------------------------------------------------------


def masterplan_export(*, masterplan: Masterplan) -> bytes:
    """The whole masterplan of one region as the template workbook. A fixed
    number of queries, whatever the size of the masterplan."""
    programmes = list(
        Programme.objects.filter(masterplan=masterplan)
        .select_related("element__pillar", "lead_agency")
        .prefetch_related("supporting_agencies")
        .order_by("element__pillar__order", "element__order", "code")
    )
    plans = (
        ActionPlan.objects.filter(masterplan=masterplan)
        .select_related("programme__element__pillar", "agency")
        .order_by("programme__element__pillar__order", "programme__code", "year", "code")
    )
    rows = {
        SHEET_LABELS: _label_rows(masterplan),
        SHEET_AGENCIES: [
            agency_cells(a)
            for a in Agency.objects.filter(region_id=masterplan.region_id).order_by("short_name")
        ],
        SHEET_PROGRAMMES: [
            programme_cells(p, [a.short_name for a in p.supporting_agencies.all()])
            for p in programmes
        ],
        SHEET_ACTION_PLANS: [action_plan_cells(p) for p in plans],
    }
    region = masterplan.region
    about = [
        (_("wilayah"), f"{region.name} ({region.code})"),
        (_("masterplan"), f"{masterplan.title} ({masterplan.period_label})"),
        (
            _("diekspor"),
            timezone.localtime(timezone=region.tzinfo).strftime("%Y-%m-%d %H:%M ")
            + region.zone_abbreviation,
        ),
    ]
    return _workbook(masterplan_cells(masterplan), rows, about)


def template_empty() -> bytes:
    """The empty template: the six pillars and their elements with their
    default names, every other sheet with its header row only."""
    fields: Row = {c.key: None for c in MASTERPLAN_SHEET.columns}
    return _workbook(fields, {SHEET_LABELS: _default_labels()}, [])


def _workbook(fields: Row, rows: dict[str, list[Row]], about: list[tuple[str, str]]) -> bytes:
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = SHEET_GUIDE
    _write_guide(guide, about)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        if sheet.layout == "fields":
            _write_fields(ws, sheet, fields)
        else:
            _write_table(ws, sheet, rows.get(sheet.name, []))
    _write_codes(book.create_sheet(SHEET_CODES))
    book.properties.creator = f"KotaCerdas {__version__}"
    book.properties.title = _("Templat masterplan KotaCerdas")
    book.properties.keywords = f"kotacerdas-masterplan-{TEMPLATE_VERSION}"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Cells and sheets ------------------------------------------------------------------


def _header(ws: Worksheet, column: int, key: str, spec: Column | None, row: int = 1) -> None:
    cell = put_cell(ws, row, column, key)
    cell.font = _HEADER_FONT
    cell.fill = _REQUIRED_FILL if spec is None or spec.required else _OPTIONAL_FILL
    if spec is not None:
        note = f"{spec.description}\n{spec.gloss}\n{spec.allowed_text()}"
        cell.comment = Comment(note, "KotaCerdas", width=320, height=120)


def _shown(spec: Column, value: CellValue) -> CellValue:
    """A cell as the workbook shows it: a labelled choice by its Indonesian
    label (the importer reads the label, the code or the English label)."""
    if spec.choices is not None and spec.choices.labelled and isinstance(value, str) and value:
        return spec.choices.label(value)
    return value


def _labelled_columns() -> list[tuple[Sheet, Column]]:
    """Every column that writes labels, in workbook order: the order of the
    hidden codes sheet."""
    return [
        (sheet, spec)
        for sheet in SHEETS
        for spec in sheet.columns
        if spec.choices is not None and spec.choices.labelled
    ]


def _code_ranges() -> dict[int, str]:
    """Where each labelled column's labels sit in the hidden codes sheet
    (``id(column)`` → absolute range): the source of its dropdown."""
    ranges: dict[int, str] = {}
    row = 2
    for _sheet, spec in _labelled_columns():
        assert spec.choices is not None
        count = len(spec.choices.codes)
        ranges[id(spec)] = f"'{SHEET_CODES}'!$C${row}:$C${row + count - 1}"
        row += count
    return ranges


def _write_codes(ws: Worksheet) -> None:
    """The hidden sheet of codes: for every labelled column, each code with
    its Indonesian and English label. The dropdowns read their labels here;
    whoever needs the codes (the API's values) finds them beside the labels."""
    for index, key in enumerate(CODES_HEADER, start=1):
        _header(ws, index, key, None)
    row = 2
    for sheet, spec in _labelled_columns():
        assert spec.choices is not None
        for code in spec.choices.codes:
            values = (
                f"{sheet.name}.{spec.key}",
                code,
                spec.choices.label(code),
                spec.choices.label(code, "en"),
            )
            for column, value in enumerate(values, start=1):
                put_cell(ws, row, column, value)
            row += 1
    for letter, width in zip("ABCD", (28, 16, 24, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.sheet_state = "hidden"


def _letter(sheet: Sheet, key: str) -> str:
    return get_column_letter(sheet.headers.index(key) + 1)


def _validation(spec: Column, sheets: dict[str, Sheet]) -> DataValidation | None:
    """The dropdown or number check of a column. Warnings, not stops: a
    label typed instead of a code is still accepted on import."""
    common: dict[str, Any] = {
        "allow_blank": True,
        "errorStyle": "warning",
        "showErrorMessage": True,
        "errorTitle": spec.key[:32],
        "error": spec.allowed_text()[:255],
    }
    if spec.choices is not None and spec.choices.labelled:
        return DataValidation(type="list", formula1=_code_ranges()[id(spec)], **common)
    if spec.choices is not None:
        return DataValidation(type="list", formula1=f'"{",".join(spec.choices.codes)}"', **common)
    if spec.lookup is not None:
        target = sheets[spec.lookup.sheet]
        letter = _letter(target, spec.lookup.column)
        last = SPARE_ROWS * 5
        formula = f"'{target.name}'!${letter}$2:${letter}${last}"
        return DataValidation(type="list", formula1=formula, **common)
    if spec.kind == "year":
        return DataValidation(
            type="whole", operator="between", formula1="2000", formula2="2100", **common
        )
    if spec.kind == "money":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", **common)
    return None


def _write_table(ws: Worksheet, sheet: Sheet, rows: list[Row]) -> None:
    sheets = {s.name: s for s in SHEETS}
    last = len(rows) + SPARE_ROWS
    for index, spec in enumerate(sheet.columns, start=1):
        _header(ws, index, spec.key, spec)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = spec.width
        validation = _validation(spec, sheets)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
    for number, row in enumerate(rows, start=2):
        for index, spec in enumerate(sheet.columns, start=1):
            cell = put_cell(ws, number, index, _shown(spec, row.get(spec.key)))
            cell.alignment = _WRAP if spec.width >= 40 else _TOP
            if index == 1:
                cell.fill = _CODE_FILL
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(len(rows) + 1, 2)}"


def _write_fields(ws: Worksheet, sheet: Sheet, fields: Row) -> None:
    sheets = {s.name: s for s in SHEETS}
    for index, key in enumerate(FIELD_HEADER, start=1):
        _header(ws, index, key, None)
    for number, spec in enumerate(sheet.columns, start=2):
        key_cell = put_cell(ws, number, 1, spec.key)
        key_cell.fill = _CODE_FILL
        key_cell.font = Font(bold=spec.required)
        put_cell(ws, number, 2, _shown(spec, fields.get(spec.key))).alignment = _WRAP
        note = f"{spec.description} — {spec.gloss}. {spec.allowed_text()}"
        put_cell(ws, number, 3, note).alignment = _WRAP
        validation = _validation(spec, sheets)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"B{number}")
    for letter, width in zip("ABC", (16, 60, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"


def _write_guide(ws: Worksheet, about: list[tuple[str, str]]) -> None:
    lines: list[tuple[str, ...]] = [
        (_("Templat Masterplan Smart City — KotaCerdas"),),
        (),
        (STAMP_TEMPLATE, TEMPLATE_VERSION),
        (STAMP_APP, __version__),
        *about,
        (),
        (_("Cara mengisi"),),
        (
            _(
                "1. Isi lembar Masterplan, Pilar dan Elemen, Perangkat Daerah, Program, dan "
                "Rencana Aksi. Baris pertama tiap lembar adalah judul kolom: jangan diubah."
            ),
        ),
        (
            _(
                "2. Data dikenali dari kodenya: masterplan dari tahun mulai, perangkat daerah "
                "dari singkatan, program dan rencana aksi dari kode. Kode yang sudah ada "
                "memperbarui data; kode baru menambah data."
            ),
        ),
        (
            _(
                "3. Impor tidak pernah menghapus. Data yang tidak ada di berkas dibiarkan dan "
                "dilaporkan sebagai “tidak ada di berkas”."
            ),
        ),
        (
            _(
                "4. Satu kesalahan saja membuat tidak ada yang disimpan; setiap kesalahan "
                "dilaporkan dengan lembar, baris, dan kolomnya."
            ),
        ),
        (
            _(
                "5. Judul kolom biru tua wajib diisi; judul abu-abu boleh kosong. Daftar "
                "pilihan hanya bantuan: kode atau labelnya sama-sama diterima."
            ),
        ),
        (
            _(
                "6. Impor lewat menu Impor Excel di halaman Program masterplan, atau: "
                "kotacerdas masterplan import --region KODE berkas.xlsx"
            ),
        ),
        (_("Lembar Petunjuk ini tidak dibaca saat impor, kecuali versi templat di atas."),),
    ]
    number = 1
    for line in lines:
        for index, value in enumerate(line, start=1):
            put_cell(ws, number, index, value)
        if line == (_("Cara mengisi"),):
            ws.cell(row=number, column=1).font = Font(bold=True)
        number += 1
    ws["A1"].font = Font(bold=True, size=14, color=_BRAND)
    headings = (_("kolom"), _("wajib"), _("isi"), "English", _("nilai yang diterima"))
    for sheet in SHEETS:
        number += 1
        put_cell(ws, number, 1, sheet.name).font = Font(bold=True, size=12, color=_BRAND)
        put_cell(ws, number + 1, 1, f"{sheet.description} — {sheet.gloss}")
        number += 2
        for index, heading in enumerate(headings, start=1):
            _header(ws, index, heading, None, row=number)
        for spec in sheet.columns:
            number += 1
            values = (
                spec.key,
                _("ya") if spec.required else "",
                str(spec.description),
                spec.gloss,
                spec.allowed_text(),
            )
            for index, value in enumerate(values, start=1):
                put_cell(ws, number, index, value).alignment = _WRAP
        number += 1
    for letter, width in zip("ABCDE", (24, 10, 60, 40, 50), strict=True):
        ws.column_dimensions[letter].width = width
