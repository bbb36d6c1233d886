"""The evaluation report as a workbook: the same ``ReportData`` as the PDF,
with every item and every assessor's score and justification.

Numbers are numbers (never text), with number formats; the exact values are
kept to ten decimals next to the values as published (two decimals, rounded
half-up once). Sheets: Ringkasan, Butir, Kesiapan daerah (only when the
cycle has a readiness instrument), Perbandingan, Metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kotacerdas.core.formatting import round_half_up
from kotacerdas.core.sheets.writing import put_cell
from kotacerdas.evaluation.instruments.selectors import EXACT_PLACES
from kotacerdas.evaluation.reports.data import ComparisonRow, ReportData

SHEET_SUMMARY = "Ringkasan"
SHEET_ITEMS = "Butir"
SHEET_READINESS = "Kesiapan daerah"
SHEET_COMPARISON = "Perbandingan"
SHEET_METADATA = "Metadata"

EXACT_FORMAT = "0.00########"
SHOWN_FORMAT = "0.00"
PERCENT_FORMAT = "General"
BOLD = Font(bold=True)


def exact_decimal(value: Fraction | Decimal) -> Decimal:
    """An exact value as a Decimal of at most ten decimals (what the cell holds)."""
    return round_half_up(Fraction(value), EXACT_PLACES).normalize()


def _number(
    ws: Worksheet, row: int, column: int, value: Fraction | Decimal | None, number_format: str
) -> Cell:
    cell = ws.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    cell.value = None if value is None else exact_decimal(value)
    cell.number_format = number_format
    return cell


def _header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        put_cell(ws, row, column, title).font = BOLD


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _summary(ws: Worksheet, data: ReportData) -> None:
    put_cell(ws, 1, 1, _("Laporan Hasil Evaluasi Smart City")).font = Font(bold=True, size=14)
    status = (
        _("Diumumkan, revisi ke-%(number)s") % {"number": data.revision_number}
        if data.published
        else _("DRAF / belum diumumkan")
    )
    facts = [
        (_("Wilayah"), f"{data.region_name} ({data.region_code})"),
        (_("Tahun"), data.year),
        (_("Tahap"), data.stage),
        (_("Status"), status),
        (_("Tanggal"), data.date_shown),
    ]
    row = 2
    for label, value in facts:
        put_cell(ws, row, 1, label).font = BOLD
        put_cell(ws, row, 2, value)
        row += 1
    row += 1
    put_cell(ws, row, 1, _("Indeks (tepat)")).font = BOLD
    _number(ws, row, 2, data.index_exact, EXACT_FORMAT)
    put_cell(ws, row + 1, 1, _("Indeks (diumumkan, 2 desimal)")).font = BOLD
    _number(ws, row + 1, 2, data.index_rounded, SHOWN_FORMAT)
    row += 3
    if data.figures.result is None:
        put_cell(ws, row, 1, _("Nilai belum dapat dihitung karena:")).font = BOLD
        for offset, problem in enumerate(data.figures.problems, start=1):
            put_cell(ws, row + offset, 1, problem)
        return
    _header(
        ws,
        row,
        [
            _("Kode"),
            _("Dimensi"),
            _("Bobot (%)"),
            _("Jumlah butir"),
            _("Nilai (tepat)"),
            _("Nilai (2 desimal)"),
            _("Kontribusi terbobot (tepat)"),
        ],
    )
    for d in data.dimensions:
        row += 1
        put_cell(ws, row, 1, d.code)
        put_cell(ws, row, 2, d.name)
        _number(ws, row, 3, d.weight, PERCENT_FORMAT)
        put_cell(ws, row, 4, d.item_count)
        _number(ws, row, 5, d.score, EXACT_FORMAT)
        _number(ws, row, 6, d.score_rounded, SHOWN_FORMAT)
        _number(ws, row, 7, d.contribution, EXACT_FORMAT)
    row += 2
    _header(
        ws,
        row,
        [_("Kode"), _("Pilar"), "", _("Jumlah butir"), _("Nilai (tepat)"), _("Nilai (2 desimal)")],
    )
    for p in data.pillars:
        row += 1
        put_cell(ws, row, 1, p.code)
        put_cell(ws, row, 2, p.name)
        put_cell(ws, row, 4, p.item_count)
        _number(ws, row, 5, p.score, EXACT_FORMAT)
        _number(ws, row, 6, p.score_rounded, SHOWN_FORMAT)
    _widths(ws, (30, 34, 12, 14, 16, 18, 26))


def _items(ws: Worksheet, data: ReportData) -> None:
    titles = [_("Dimensi"), _("Pilar"), _("Kode"), _("Pertanyaan"), _("Nilai diajukan")]
    for assessor in data.assessors:
        lead = " (" + _("utama") + ")" if assessor.is_lead else ""
        titles += [
            _("Nilai %(name)s%(lead)s") % {"name": assessor.name, "lead": lead},
            _("Alasan %(name)s") % {"name": assessor.name},
        ]
    titles += [_("Sebaran (tertinggi − terendah)"), _("Nilai konsolidasi")]
    _header(ws, 1, titles)
    for row, item in enumerate(data.items, start=2):
        put_cell(ws, row, 1, item.dimension)
        put_cell(ws, row, 2, item.pillar)
        put_cell(ws, row, 3, item.code)
        put_cell(ws, row, 4, item.question)
        _number(ws, row, 5, item.claimed, SHOWN_FORMAT)
        column = 6
        for mark in item.marks:
            _number(ws, row, column, mark.score, SHOWN_FORMAT)
            put_cell(ws, row, column + 1, mark.justification)
            column += 2
        _number(ws, row, column, item.spread, SHOWN_FORMAT)
        _number(ws, row, column + 1, item.consolidated, SHOWN_FORMAT)
    _widths(ws, (18, 20, 10, 60, 12, *([12, 40] * len(data.assessors)), 14, 14))
    ws.freeze_panes = "E2"


def _comparison_row(ws: Worksheet, row: int, part: str, entry: ComparisonRow) -> None:
    put_cell(ws, row, 1, part)
    put_cell(ws, row, 2, entry.code)
    put_cell(ws, row, 3, entry.label)
    _number(ws, row, 4, entry.previous, EXACT_FORMAT)
    _number(ws, row, 5, entry.current, EXACT_FORMAT)
    _number(ws, row, 6, entry.difference, EXACT_FORMAT)


def _comparison(ws: Worksheet, data: ReportData) -> None:
    comparison = data.comparison
    if comparison is None:
        put_cell(ws, 1, 1, _("Belum ada hasil tahun sebelumnya yang diumumkan untuk wilayah ini."))
        ws.column_dimensions["A"].width = 80
        return
    put_cell(
        ws,
        1,
        1,
        _("Dibandingkan dengan %(previous)s (revisi ke-%(revision)s)")
        % {"previous": comparison.previous_label, "revision": comparison.previous_revision},
    ).font = BOLD
    _header(
        ws,
        2,
        [
            _("Bagian"),
            _("Kode"),
            _("Nama"),
            str(comparison.previous_year),
            str(data.year),
            _("Selisih (tepat)"),
        ],
    )
    row = 3
    _comparison_row(ws, row, _("Indeks"), comparison.index)
    for entry in comparison.dimensions:
        row += 1
        _comparison_row(ws, row, _("Dimensi"), entry)
    for entry in comparison.pillars:
        row += 1
        _comparison_row(ws, row, _("Pilar"), entry)
    _widths(ws, (12, 14, 30, 14, 14, 16))


def _metadata(ws: Worksheet, data: ReportData) -> None:
    instrument = data.cycle.instrument
    source = (
        _("Hasil yang diumumkan, revisi ke-%(number)s") % {"number": data.revision_number}
        if data.published
        else _("Nilai konsolidasi saat ini (DRAF / belum diumumkan)")
    )
    region = data.cycle.region
    zone = f" {region.zone_abbreviation}"
    rows: list[tuple[str, object]] = [
        (_("Dibuat"), timezone.localtime(timezone=region.tzinfo).strftime("%Y-%m-%d %H:%M") + zone),
        (_("Sumber angka"), source),
        (_("Instrumen"), data.instrument),
        (_("Skala nilai butir"), data.scale),
        (_("Cara menggabungkan nilai butir"), str(instrument.get_aggregation_display())),
        (_("Asesor utama"), data.lead_assessor or "—"),
    ]
    if data.revision is not None:
        rows += [
            (
                _("Diumumkan pada"),
                timezone.localtime(data.revision.published_at, region.tzinfo).strftime(
                    "%Y-%m-%d %H:%M"
                )
                + zone,
            ),
            (_("Alasan koreksi"), data.revision.reason or "—"),
        ]
    for row, (label, value) in enumerate(rows, start=1):
        put_cell(ws, row, 1, label).font = BOLD
        put_cell(ws, row, 2, value)
    row = len(rows) + 2
    put_cell(ws, row, 1, _("Cara menghitung")).font = BOLD
    for offset, line in enumerate(data.explanation, start=1):
        put_cell(ws, row + offset, 1, line)
    _widths(ws, (34, 80))


def _readiness(ws: Worksheet, data: ReportData) -> None:
    """The readiness instrument's dimension scores and the readiness index."""
    readiness = data.readiness
    assert readiness is not None
    put_cell(ws, 1, 1, _("Kesiapan daerah")).font = Font(bold=True, size=14)
    put_cell(ws, 2, 1, _("Indeks kesiapan (tepat)")).font = BOLD
    _number(ws, 2, 2, readiness.index, EXACT_FORMAT)
    put_cell(ws, 3, 1, _("Indeks kesiapan (2 desimal)")).font = BOLD
    _number(ws, 3, 2, readiness.index_rounded, SHOWN_FORMAT)
    row = 5
    if readiness.index is None:
        put_cell(ws, row, 1, _("Nilai belum dapat dihitung karena:")).font = BOLD
        for offset, problem in enumerate(readiness.problems, start=1):
            put_cell(ws, row + offset, 1, problem)
        return
    _header(
        ws,
        row,
        [
            _("Kode"),
            _("Dimensi"),
            _("Bobot (%)"),
            _("Jumlah butir"),
            _("Nilai (tepat)"),
            _("Nilai (2 desimal)"),
            _("Kontribusi terbobot (tepat)"),
        ],
    )
    for d in readiness.dimensions:
        row += 1
        put_cell(ws, row, 1, d.code)
        put_cell(ws, row, 2, d.name)
        _number(ws, row, 3, d.weight, PERCENT_FORMAT)
        put_cell(ws, row, 4, d.item_count)
        _number(ws, row, 5, d.score, EXACT_FORMAT)
        _number(ws, row, 6, d.score_rounded, SHOWN_FORMAT)
        _number(ws, row, 7, d.contribution, EXACT_FORMAT)
    _widths(ws, (30, 34, 12, 14, 16, 18, 26))


def report_xlsx(data: ReportData) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SHEET_SUMMARY
    _summary(summary, data)
    _items(book.create_sheet(SHEET_ITEMS), data)
    if data.readiness is not None:
        _readiness(book.create_sheet(SHEET_READINESS), data)
    _comparison(book.create_sheet(SHEET_COMPARISON), data)
    _metadata(book.create_sheet(SHEET_METADATA), data)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
