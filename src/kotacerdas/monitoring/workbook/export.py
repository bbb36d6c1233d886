"""Writing an agency's progress workbook: the data sheet with its locked and
editable columns and dropdowns, the guide, and the hidden stamp the import
checks conflicts against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kotacerdas import __version__
from kotacerdas.core.formatting import date_id
from kotacerdas.core.sheets.writing import put_cell
from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Agency
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.selectors import period_plans
from kotacerdas.monitoring.workbook.layout import (
    COLUMNS,
    EDITABLE,
    FORMAT,
    FORMAT_VERSION,
    SHEET_DATA,
    SHEET_GUIDE,
    SHEET_STAMP,
    STAMP_AGENCY,
    STAMP_APP,
    STAMP_EXPORTED,
    STAMP_FORMAT,
    STAMP_FORMAT_VERSION,
    STAMP_PERIOD,
    STAMP_TABLE,
    column_letter,
    server_values,
    stamp_time,
    status_label,
)

_BRAND = "0F5C6E"
_MUTED = "5B6B79"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_EDIT_HEADER = PatternFill("solid", fgColor=_BRAND)
_LOCKED_HEADER = PatternFill("solid", fgColor=_MUTED)
_LOCKED_FILL = PatternFill("solid", fgColor="ECEFF2")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_UNLOCKED = Protection(locked=False)


def workbook_export(*, period: ReportingPeriod, agency: Agency) -> bytes:
    """The agency's action plans that the period asks about (the board's
    carry-over rule, ``selectors.period_plans``), one row each, prefilled from
    the period's report or, without one, the plan's status. A fixed number of
    queries, whatever the number of rows. Always in Indonesian, so that
    headers and dropdown labels are the same for everyone."""
    plans = list(
        period_plans(period=period, plans=ActionPlan.objects.filter(agency=agency))
        .select_related("programme")
        .order_by("code")
    )
    reports = {
        r.action_plan_id: r
        for r in ProgressReport.objects.filter(period=period, action_plan__in=plans)
    }
    exported_at = timezone.now()
    book = Workbook()
    data = book.active
    assert data is not None
    with translation.override("id"):
        data.title = SHEET_DATA
        _write_data(data, plans, reports)
        _write_guide(book.create_sheet(SHEET_GUIDE), period, agency, exported_at)
        _write_stamp(book.create_sheet(SHEET_STAMP), period, agency, plans, reports, exported_at)
        book.properties.title = _g("Laporan kemajuan %(agency)s — %(period)s") % {
            "agency": agency.short_name,
            "period": period.label,
        }
    book.properties.creator = f"KotaCerdas {__version__}"
    book.properties.keywords = f"{FORMAT}-{FORMAT_VERSION}"
    # Guidance only (no password): sheets cannot be renamed, moved or unhidden by accident.
    book.security = WorkbookProtection(lockStructure=True)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _export_cells(plan: ActionPlan, report: ProgressReport | None) -> dict[str, Any]:
    values = server_values(plan, report)
    return {
        "kode": plan.code,
        "program": f"{plan.programme.code} {plan.programme.name}",
        "kegiatan": plan.activity,
        "target": plan.target,
        **{c.key: values[c.field] for c in EDITABLE},
        "status": status_label(values["status"]),
    }


def _validation(**options: Any) -> DataValidation:
    return DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, **options)


def _write_data(ws: Worksheet, plans: list[ActionPlan], reports: dict[int, ProgressReport]) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = put_cell(ws, 1, index, column.label())
        cell.font = _HEADER_FONT
        cell.fill = _EDIT_HEADER if column.editable else _LOCKED_HEADER
        cell.alignment = _WRAP
        ws.column_dimensions[get_column_letter(index)].width = column.width
    for number, plan in enumerate(plans, start=2):
        report = reports.get(plan.pk)
        editable = report is None or report.state in (
            ProgressReport.State.DRAFT,
            ProgressReport.State.RETURNED,
        )
        values = _export_cells(plan, report)
        for index, column in enumerate(COLUMNS, start=1):
            cell = put_cell(ws, number, index, values[column.key])
            cell.alignment = _WRAP if column.width >= 28 else _TOP
            if column.kind == "percent":
                cell.number_format = "0.00"
            elif column.kind == "money":
                cell.number_format = "#,##0"
            if column.editable and editable:
                cell.protection = _UNLOCKED
            else:
                cell.fill = _LOCKED_FILL
        if not editable and report is not None:
            note = _g("Laporan sudah %(state)s; baris ini tidak dapat diubah.") % {
                "state": report.get_state_display().lower()
            }
            ws.cell(row=number, column=1).comment = Comment(note, "KotaCerdas")
    last = len(plans) + 1
    if plans:
        _add_validations(ws, last)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    # Guidance, not security: no password; rows, columns and filters stay usable.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


def _add_validations(ws: Worksheet, last: int) -> None:
    def cover(validation: DataValidation, key: str) -> None:
        letter = column_letter(key)
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")

    labels = ",".join(str(label) for label in ActionPlanStatus.labels)
    cover(
        _validation(
            type="list",
            formula1=f'"{labels}"',
            errorTitle=_g("Status"),
            error=_g("Pilih status dari daftar."),
            promptTitle=_g("Status"),
            prompt=_g("Pilih dari daftar."),
        ),
        "status",
    )
    cover(
        _validation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            errorTitle=_g("Progres fisik"),
            error=_g("Angka 0 sampai 100."),
            promptTitle=_g("Progres fisik"),
            prompt=_g("Persen, 0 sampai 100, mis. 45,5."),
        ),
        "progres_fisik",
    )
    for key in ("pagu", "realisasi"):
        # A warning, not a stop: "Rp 1.500.000" typed as text is accepted on import.
        cover(
            _validation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                errorStyle="warning",
                errorTitle=_g("Rupiah"),
                error=_g("Angka Rupiah ≥ 0, mis. 1500000."),
                promptTitle=_g("Rupiah"),
                prompt=_g("Angka Rupiah ≥ 0, mis. 1500000 atau Rp 1.500.000."),
            ),
            key,
        )
    pagu, realisasi = column_letter("pagu"), column_letter("realisasi")
    cover(
        _validation(
            type="custom",
            formula1=f"{realisasi}2<={pagu}2",
            errorStyle="warning",
            errorTitle=_g("Realisasi"),
            error=_g("Realisasi tidak boleh melebihi pagu."),
        ),
        "realisasi",
    )


def _write_guide(
    ws: Worksheet, period: ReportingPeriod, agency: Agency, exported_at: dt.datetime
) -> None:
    region = period.masterplan.region
    local = timezone.localtime(exported_at, region.tzinfo)
    lines: list[tuple[str, ...]] = [
        (_g("Laporan kemajuan per perangkat daerah — KotaCerdas"),),
        (),
        (_g("Periode"), period.label),
        (_g("Perangkat daerah"), f"{agency.short_name} — {agency.name}"),
        (_g("Diunduh"), f"{date_id(local.date())} {local:%H:%M} {region.zone_abbreviation}"),
        (),
        (_g("Cara mengisi"),),
        (
            _g(
                "1. Isi kolom berjudul biru di lembar Laporan: Status (pilih dari daftar), "
                "Progres fisik (0–100), Pagu dan Realisasi anggaran (Rupiah, mis. 1500000 "
                "atau Rp 1.500.000), Keluaran dicapai, Uraian. Sel kosong pada kolom angka "
                "dibaca sebagai 0."
            ),
        ),
        (
            _g(
                "2. Kolom berjudul abu-abu (Kode, Program, Kegiatan, Target) dikunci. Baris "
                "dikenali dari Kode: jangan mengubah kode atau menambah baris."
            ),
        ),
        (
            _g(
                "3. Baris berlatar abu-abu adalah laporan yang sudah diajukan atau "
                "terverifikasi; laporan itu tidak dapat diubah lewat berkas ini."
            ),
        ),
        (
            _g(
                "4. Unggah berkas di halaman periode, bagian Excel per perangkat daerah. "
                "KotaCerdas menampilkan pratinjau setiap perubahan dan setiap kesalahan "
                "dengan nomor barisnya; tidak ada yang disimpan sebelum Anda menekan Terapkan."
            ),
        ),
        (
            _g(
                "5. Bila laporan diubah di KotaCerdas setelah berkas ini diunduh, baris itu "
                "ditampilkan sebagai konflik dan tidak ditimpa. Unduh berkas baru untuk "
                "melanjutkan."
            ),
        ),
        (
            _g(
                "6. Perlindungan lembar tanpa kata sandi: hanya panduan agar kode tidak "
                "terubah tanpa sengaja, bukan pengamanan. Lembar tersembunyi _kotacerdas "
                "menyimpan penanda versi; jangan diubah."
            ),
        ),
    ]
    for number, line in enumerate(lines, start=1):
        for index, value in enumerate(line, start=1):
            put_cell(ws, number, index, value).alignment = _WRAP
    ws["A1"].font = Font(bold=True, size=14, color=_BRAND)
    ws["A7"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 100
    ws.column_dimensions["B"].width = 50
    ws.protection.sheet = True


def _write_stamp(
    ws: Worksheet,
    period: ReportingPeriod,
    agency: Agency,
    plans: list[ActionPlan],
    reports: dict[int, ProgressReport],
    exported_at: dt.datetime,
) -> None:
    rows: list[Sequence[Any]] = [
        (STAMP_FORMAT, FORMAT),
        (STAMP_FORMAT_VERSION, FORMAT_VERSION),
        (STAMP_PERIOD, period.pk),
        (STAMP_AGENCY, agency.pk),
        (STAMP_EXPORTED, stamp_time(exported_at)),
        (STAMP_APP, __version__),
        (),
        STAMP_TABLE,
    ]
    for plan in plans:
        report = reports.get(plan.pk)
        rows.append(
            (
                plan.code,
                plan.pk,
                report.version if report else 0,
                stamp_time(report.updated_at) if report else "",
            )
        )
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            put_cell(ws, number, index, value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
