"""The per-agency progress workbook (.xlsx) of one reporting period.

An agency downloads its action plans as a workbook (``workbook_export``),
fills it offline and uploads it. The import is parse → validate every row →
preview of every change, row by row, field by field (``workbook_preview``) →
on confirmation, apply in one transaction through
:func:`kotacerdas.monitoring.services.report_save` (``workbook_apply``).

The columns are defined once, in ``COLUMNS``: the export writes them, the
importer reads them, the preview labels its changes with them.

Conflicts. The hidden sheet ``_kotacerdas`` stamps the period, the agency,
the export time and, per action plan, the report's ``version`` (0 when there
was no report) and ``updated_at``. A row whose values differ from the server
is a *conflict*, listed and never applied, when the report moved on the
server since the export (another version or another ``updated_at``) or can
no longer be edited (submitted or verified). The other rows still apply.

Re-importing a file that was already applied: the rows it changed now equal
the server, so they are "unchanged" and flagged "changed on the server since
the export"; nothing is written and no audit event is added. A row someone
else changed in the meantime is a conflict. To go on editing, download a new
workbook.

Sheet protection has no password on purpose: it keeps codes from being
changed by accident, it is not security. The stamp is not signed either:
every write is checked on the server (the user may write the agency's
reports, the rows belong to that agency, reports are still drafts), so an
edited stamp can only defeat the user's own conflict check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineError, CalamineWorkbook

from kotacerdas import __version__
from kotacerdas.core.access import User
from kotacerdas.core.audit import Actor
from kotacerdas.core.formatting import date_id, percent_id, rupiah
from kotacerdas.core.spreadsheets import put_cell
from kotacerdas.masterplan.exchange import cells
from kotacerdas.masterplan.exchange.cells import CellError, Raw
from kotacerdas.masterplan.exchange.workbook import STATUSES, normalise
from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Agency
from kotacerdas.monitoring import services
from kotacerdas.monitoring.access import plan_filter_for_reports
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod

FORMAT = "kotacerdas-laporan-perangkat-daerah"
FORMAT_VERSION = "1"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_DATA = "Laporan"
SHEET_GUIDE = "Petunjuk"
SHEET_STAMP = "_kotacerdas"
# An agency reports on tens of action plans, not thousands.
MAX_ROWS = 2_000

ColumnKind = Literal["code", "info", "status", "percent", "money", "text"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    kind: ColumnKind
    width: int
    # The ProgressReport field the column fills; "" for the locked columns.
    field: str = ""

    @property
    def editable(self) -> bool:
        return bool(self.field)

    def label(self) -> str:
        return str(self.header)


COLUMNS: tuple[Column, ...] = (
    Column("kode", _("Kode"), "code", 16),
    Column("program", _("Program"), "info", 30),
    Column("kegiatan", _("Kegiatan"), "info", 45),
    Column("target", _("Target"), "info", 28),
    Column("status", _("Status"), "status", 16, "status"),
    Column("progres_fisik", _("Progres fisik (%)"), "percent", 12, "physical_progress"),
    Column("pagu", _("Pagu anggaran (Rp)"), "money", 18, "budget_ceiling"),
    Column("realisasi", _("Realisasi anggaran (Rp)"), "money", 18, "budget_realisation"),
    Column("keluaran", _("Keluaran dicapai"), "text", 40, "output_achieved"),
    Column("uraian", _("Uraian"), "text", 50, "narrative"),
)
CODE = COLUMNS[0]
EDITABLE: tuple[Column, ...] = tuple(c for c in COLUMNS if c.editable)
BY_FIELD = {c.field: c for c in EDITABLE}


def column_letter(key: str) -> str:
    return get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key))


# --- Who may use it ---------------------------------------------------------------------


def workbook_agencies(
    user: User, period: ReportingPeriod, action: Literal["view", "change"]
) -> QuerySet[Agency]:
    """The agencies of the period's masterplan whose reports the user may see
    ("view") or write ("change"): those with at least one such action plan.
    Built on plan_filter_for_reports, so the rule stays in one place."""
    plans = ActionPlan.objects.filter(
        plan_filter_for_reports(user, action), masterplan_id=period.masterplan_id
    )
    return Agency.objects.filter(pk__in=plans.values("agency_id")).order_by("short_name")


def workbook_filename(period: ReportingPeriod, agency: Agency) -> str:
    return f"laporan-{slugify(agency.short_name) or agency.pk}-{period.year}-{period.number}.xlsx"


# --- Values -------------------------------------------------------------------------------


def _server_values(plan: ActionPlan, report: ProgressReport | None) -> dict[str, Any]:
    """The report's input fields as stored; an action plan without a report
    counts as its current status, zero progress and money, empty texts."""
    if report is None:
        return {
            "status": plan.status,
            "physical_progress": Decimal(0),
            "budget_ceiling": Decimal(0),
            "budget_realisation": Decimal(0),
            "output_achieved": "",
            "narrative": "",
        }
    return {c.field: getattr(report, c.field) for c in EDITABLE}


def _clean_text(value: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _same(column: Column, old: Any, new: Any) -> bool:
    if column.kind in ("percent", "money"):
        return Decimal(old) == Decimal(new)
    if column.kind == "text":
        return _clean_text(old or "") == _clean_text(new or "")
    return bool(old == new)


def _status_label(code: str) -> str:
    return str(ActionPlanStatus(code).label) if code in ActionPlanStatus.values else code


def _display(column: Column, value: Any) -> str:
    if column.kind == "status":
        return _status_label(value)
    if column.kind == "percent":
        return percent_id(Decimal(value))
    if column.kind == "money":
        return rupiah(Decimal(value))
    return str(value or "")


def _stamp_time(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat() if value is not None else ""


# --- Export ---------------------------------------------------------------------------------

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
    """The agency's action plans in the period's masterplan, one row each,
    prefilled from the period's report or, without one, the plan's status.
    Three queries, whatever the number of rows. Always in Indonesian, so
    that headers and dropdown labels are the same for everyone."""
    plans = list(
        ActionPlan.objects.filter(masterplan_id=period.masterplan_id, agency=agency)
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
    values = _server_values(plan, report)
    return {
        "kode": plan.code,
        "program": f"{plan.programme.code} {plan.programme.name}",
        "kegiatan": plan.activity,
        "target": plan.target,
        **{c.key: values[c.field] for c in EDITABLE},
        "status": _status_label(values["status"]),
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
    local = timezone.localtime(exported_at)
    lines: list[tuple[str, ...]] = [
        (_g("Laporan kemajuan per perangkat daerah — KotaCerdas"),),
        (),
        (_g("Periode"), period.label),
        (_g("Perangkat daerah"), f"{agency.short_name} — {agency.name}"),
        (_g("Diunduh"), f"{date_id(local.date())} {local:%H:%M}"),
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


# Keys of the stamp sheet (column A), then a table of one row per action plan.
STAMP_FORMAT = "format"
STAMP_FORMAT_VERSION = "versi_format"
STAMP_PERIOD = "periode_id"
STAMP_AGENCY = "perangkat_daerah_id"
STAMP_EXPORTED = "diekspor_utc"
STAMP_APP = "versi_kotacerdas"
STAMP_TABLE = ("kode", "rencana_aksi_id", "versi_laporan", "diperbarui_utc")


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
        (STAMP_EXPORTED, _stamp_time(exported_at)),
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
                _stamp_time(report.updated_at) if report else "",
            )
        )
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            put_cell(ws, number, index, value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


# --- Reading --------------------------------------------------------------------------------


class WorkbookRefused(Exception):
    """The file as a whole cannot be imported (not one row is read): not a
    workbook of this kind, or for another period or agency. ``message`` is
    shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PreviewOutdated(Exception):
    """The server changed between the preview the user confirmed and the
    apply; nothing was applied. ``preview`` is the fresh one."""

    def __init__(self, preview: Preview) -> None:
        super().__init__("preview outdated")
        self.preview = preview


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
    return WorkbookRefused(
        _g(
            "Berkas ini tidak memuat penanda versi KotaCerdas (lembar tersembunyi "
            "%(sheet)s). Unduh lembar kerja laporan dari halaman periode, isi, lalu unggah "
            "berkas itu."
        )
        % {"sheet": SHEET_STAMP}
    )


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
        raise WorkbookRefused(
            _g(
                "Berkas memakai format versi %(found)s; KotaCerdas ini membaca versi "
                "%(ours)s. Unduh berkas baru."
            )
            % {"found": found or "?", "ours": FORMAT_VERSION}
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
    try:
        with CalamineWorkbook.from_filelike(BytesIO(content)) as book:
            names = set(book.sheet_names)
            if SHEET_STAMP not in names:
                raise _unstamped()
            stamp = _read_stamp(
                book.get_sheet_by_name(SHEET_STAMP).to_python(
                    skip_empty_area=False, nrows=MAX_ROWS + 20
                )
            )
            if SHEET_DATA not in names:
                raise WorkbookRefused(
                    _g("Lembar “%(sheet)s” tidak ada di berkas.") % {"sheet": SHEET_DATA}
                )
            grid = book.get_sheet_by_name(SHEET_DATA).to_python(
                skip_empty_area=False, nrows=MAX_ROWS + 2
            )
    except (CalamineError, ValueError, OSError):
        raise WorkbookRefused(_g("Berkas Excel rusak atau tidak dapat dibaca.")) from None
    if len(grid) > MAX_ROWS + 1:
        raise WorkbookRefused(
            _g("Lembar “%(sheet)s” berisi lebih dari %(n)s baris.")
            % {"sheet": SHEET_DATA, "n": MAX_ROWS}
        )
    known = _header_keys()
    header = [known.get(normalise(cells.text(c)), "") for c in grid[0]] if grid else []
    wanted = (CODE, *EDITABLE)
    missing = [c.label() for c in wanted if c.key not in header]
    if missing:
        raise WorkbookRefused(
            _g("Kolom %(columns)s tidak ada di lembar “%(sheet)s”. Unduh berkas baru.")
            % {"columns": ", ".join(f"“{m}”" for m in missing), "sheet": SHEET_DATA}
        )
    columns = {c.key: header.index(c.key) for c in wanted}
    return Parsed(stamp, columns, list(enumerate(grid[1:], start=2)))


# --- Preview ----------------------------------------------------------------------------------

RowKind = Literal["changed", "unchanged", "conflict"]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class PreviewRow:
    row: int
    plan: ActionPlan
    report: ProgressReport | None
    values: dict[str, Any]  # report_save's keyword arguments, as read from the file
    changes: tuple[Change, ...]
    kind: RowKind
    # Conflicts: why the row is not applied. Unchanged rows: a note when the
    # server moved since the export.
    reason: str = ""

    @property
    def moved_on_server(self) -> bool:
        return bool(self.reason)


@dataclass
class Preview:
    period: ReportingPeriod
    agency: Agency
    exported_at: dt.datetime | None
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: int = 0

    def _of(self, kind: RowKind) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind == kind]

    @property
    def changed(self) -> list[PreviewRow]:
        return self._of("changed")

    @property
    def unchanged(self) -> list[PreviewRow]:
        return self._of("unchanged")

    @property
    def conflicts(self) -> list[PreviewRow]:
        return self._of("conflict")

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.changed)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def fingerprint(self) -> str:
        """What the user confirms: every row's outcome, values and the server
        versions it was compared with. Any change between the preview and the
        apply changes it."""
        rows = [
            [
                r.row,
                r.plan.pk,
                r.kind,
                r.report.version if r.report else 0,
                _stamp_time(r.report.updated_at) if r.report else "",
                sorted((k, str(v)) for k, v in r.values.items()),
            ]
            for r in self.rows
        ]
        errors = [[e.row, e.column, e.message] for e in self.errors]
        return hashlib.sha256(json.dumps([rows, errors]).encode()).hexdigest()


def _refuse_other(stamp: Stamp, period: ReportingPeriod, agency: Agency) -> None:
    if stamp.period_id != period.pk:
        other = ReportingPeriod.objects.filter(
            pk=stamp.period_id, masterplan_id=period.masterplan_id
        ).first()
        raise WorkbookRefused(
            _g("Berkas ini diunduh untuk periode lain (%(theirs)s), bukan %(ours)s.")
            % {"theirs": other.label if other else _g("tidak dikenal"), "ours": period.label}
        )
    if stamp.agency_id != agency.pk:
        other_agency = Agency.objects.filter(pk=stamp.agency_id, region_id=agency.region_id).first()
        raise WorkbookRefused(
            _g("Berkas ini diunduh untuk perangkat daerah lain (%(theirs)s), bukan %(ours)s.")
            % {
                "theirs": other_agency.short_name if other_agency else _g("tidak dikenal"),
                "ours": agency.short_name,
            }
        )
    if not period.is_open:
        raise WorkbookRefused(
            _g(
                "Periode %(period)s tidak sedang dibuka untuk pelaporan; "
                "berkas tidak dapat diimpor."
            )
            % {"period": period.label}
        )


def _parse_number(column: Column, raw: Raw) -> Decimal:
    if cells.is_blank(raw):
        return Decimal(0)
    if column.kind == "percent":
        if isinstance(raw, str):
            raw = raw.strip().removesuffix("%").strip()
        try:
            value = cells.money(raw, max_digits=18, places=2)
        except CellError as error:
            if error.code == "money_precision":
                raise ValueError(_g("Paling banyak 2 angka di belakang koma.")) from None
            if error.code == "negative":
                value = Decimal(-1)
            else:
                raise ValueError(
                    _g("Harus angka 0–100, mis. 45 atau 45,5; tertulis “%(value)s”.")
                    % {"value": cells.text(raw)}
                ) from None
        if not Decimal(0) <= value <= Decimal(100):
            raise ValueError(
                _g("Progres fisik harus antara 0 dan 100; tertulis %(value)s.")
                % {"value": cells.text(raw)}
            )
        return value
    try:
        return cells.money(raw, max_digits=18, places=2)
    except CellError as error:
        if error.code == "negative":
            message = _g("Tidak boleh negatif; tertulis “%(value)s”.")
        elif error.code == "money_precision":
            message = _g(
                "Paling banyak 16 digit dan 2 angka di belakang koma; tertulis “%(value)s”."
            )
        else:
            message = _g(
                "Harus angka Rupiah, mis. 1500000 atau Rp 1.500.000; tertulis “%(value)s”."
            )
        raise ValueError(message % {"value": cells.text(raw)}) from None


def _parse_values(number: int, cell: dict[str, Raw]) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in EDITABLE:
        raw = cell[column.key]
        try:
            if column.kind == "status":
                if cells.is_blank(raw):
                    raise ValueError(_g("Wajib diisi; pilih status dari daftar."))
                code = STATUSES.parse(cells.text(raw))
                if code is None:
                    raise ValueError(
                        _g("Status “%(value)s” tidak ada di daftar; pilih salah satu: %(allowed)s.")
                        % {
                            "value": cells.text(raw),
                            "allowed": ", ".join(str(s) for s in ActionPlanStatus.labels),
                        }
                    )
                values[column.field] = code
            elif column.kind in ("percent", "money"):
                values[column.field] = _parse_number(column, raw)
            else:
                values[column.field] = _clean_text(cells.text(raw))
        except ValueError as error:
            errors.append(RowError(number, column.label(), str(error)))
    ceiling, realisation = values.get("budget_ceiling"), values.get("budget_realisation")
    if ceiling is not None and realisation is not None and realisation > ceiling:
        errors.append(
            RowError(
                number,
                BY_FIELD["budget_realisation"].label(),
                _g("Realisasi %(real)s melebihi pagu %(ceiling)s.")
                % {"real": rupiah(realisation), "ceiling": rupiah(ceiling)},
            )
        )
    return values, errors


def _compare(
    number: int,
    plan: ActionPlan,
    report: ProgressReport | None,
    values: dict[str, Any],
    stamped: tuple[int, str],
) -> PreviewRow:
    server = _server_values(plan, report)
    changes = tuple(
        Change(
            column.label(),
            "—" if report is None and column.kind != "status" else _display(column, server[f]),
            _display(column, values[f]),
        )
        for f, column in BY_FIELD.items()
        if not _same(column, server[f], values[f])
    )
    now = (report.version, _stamp_time(report.updated_at)) if report else (0, "")
    moved = now[0] != stamped[0] or (bool(stamped[1]) and now[1] != stamped[1])
    if moved and stamped[0] == 0:
        moved_note = _g("Laporan dibuat di server sejak berkas diunduh.")
    elif moved:
        moved_note = _g(
            "Data di server berubah sejak berkas diunduh (versi %(then)s → %(now)s)."
        ) % {
            "then": stamped[0],
            "now": now[0],
        }
    else:
        moved_note = ""
    if not changes:
        note = _g("%(moved)s Isinya sama dengan berkas.") % {"moved": moved_note} if moved else ""
        return PreviewRow(number, plan, report, values, changes, "unchanged", note)
    if report is not None and report.state not in (
        ProgressReport.State.DRAFT,
        ProgressReport.State.RETURNED,
    ):
        reason = _g("Laporan sudah %(state)s; tidak dapat diubah lewat Excel.") % {
            "state": report.get_state_display().lower()
        }
        return PreviewRow(number, plan, report, values, changes, "conflict", reason)
    if moved:
        reason = _g("%(moved)s Baris ini tidak ditimpa; unduh berkas baru.") % {"moved": moved_note}
        return PreviewRow(number, plan, report, values, changes, "conflict", reason)
    return PreviewRow(number, plan, report, values, changes, "changed")


def _build(parsed: Parsed, period: ReportingPeriod, agency: Agency) -> Preview:
    _refuse_other(parsed.stamp, period, agency)
    preview = Preview(period=period, agency=agency, exported_at=parsed.stamp.exported_at)
    code_label = CODE.label()
    read: list[tuple[int, str, dict[str, Raw]]] = []
    for number, raw in parsed.rows:
        cell = {
            key: raw[index] if index < len(raw) else None for key, index in parsed.columns.items()
        }
        if all(cells.is_blank(v) for v in cell.values()):
            continue
        read.append((number, cells.text(cell[CODE.key]), cell))
    plans = {
        p.code: p
        for p in ActionPlan.objects.filter(
            masterplan_id=period.masterplan_id, code__in=[code for _n, code, _c in read]
        ).select_related("agency")
    }
    reports = {
        r.action_plan_id: r
        for r in ProgressReport.objects.filter(
            period=period, action_plan__in=[p for p in plans.values() if p.agency_id == agency.pk]
        )
    }
    seen: dict[str, int] = {}
    for number, code, cell in read:
        plan = plans.get(code)
        problem = ""
        if not code:
            problem = _g("Kode kosong; baris ini tidak dapat dikenali.")
        elif code in seen:
            problem = _g("Kode %(code)s sudah ada di baris %(other)s.") % {
                "code": code,
                "other": seen[code],
            }
        elif plan is None:
            problem = _g("Kode %(code)s tidak ada di masterplan ini.") % {"code": code}
        elif plan.agency_id != agency.pk:
            problem = _g("Rencana aksi %(code)s milik %(theirs)s, bukan %(ours)s.") % {
                "code": code,
                "theirs": plan.agency.short_name,
                "ours": agency.short_name,
            }
        elif code not in parsed.stamp.versions:
            problem = _g("Kode %(code)s tidak ada saat berkas diunduh; unduh berkas baru.") % {
                "code": code
            }
        if code:
            seen.setdefault(code, number)
        values, errors = _parse_values(number, cell)
        if problem:
            preview.errors.append(RowError(number, code_label, problem))
        preview.errors.extend(errors)
        if problem or errors or plan is None:
            continue
        preview.rows.append(
            _compare(number, plan, reports.get(plan.pk), values, parsed.stamp.versions[code])
        )
    preview.errors.sort(key=lambda e: e.row)
    return preview


def workbook_preview(*, period: ReportingPeriod, agency: Agency, content: bytes) -> Preview:
    """What importing ``content`` would do, against the server as it is now.
    Writes nothing. WorkbookRefused for a file that cannot be imported."""
    return _build(workbook_read(content), period, agency)


# --- Apply ------------------------------------------------------------------------------------


def workbook_apply(
    *,
    actor: Actor,
    period: ReportingPeriod,
    agency: Agency,
    content: bytes,
    fingerprint: str | None = None,
) -> Preview:
    """Apply the changed, conflict-free rows of ``content`` in one transaction
    through services.report_save (audited with ``actor``). Nothing is applied
    when the file has any error (the returned preview has them), when
    ``fingerprint`` no longer matches the preview (PreviewOutdated), or when
    any save is refused (WorkbookRefused; everything rolls back). The caller
    has checked that ``actor`` may write ``agency``'s reports."""
    parsed = workbook_read(content)
    with transaction.atomic():
        period = (
            ReportingPeriod.objects.select_for_update()
            .select_related("masterplan__region")
            .get(pk=period.pk)
        )
        # Lock the agency's reports so that what was compared is what is written.
        list(
            ProgressReport.objects.select_for_update()
            .filter(
                period=period,
                action_plan_id__in=ActionPlan.objects.filter(
                    masterplan_id=period.masterplan_id, agency=agency
                ).values("pk"),
            )
            .values_list("pk", flat=True)
        )
        preview = _build(parsed, period, agency)
        if fingerprint is not None and preview.fingerprint != fingerprint:
            raise PreviewOutdated(preview)
        if not preview.can_apply:
            return preview
        for row in preview.changed:
            try:
                services.report_save(actor=actor, period=period, action_plan=row.plan, **row.values)
            except (ValidationError, IntegrityError) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                raise WorkbookRefused(
                    _g(
                        "Baris %(row)s (%(code)s) ditolak saat disimpan: %(error)s "
                        "Tidak ada yang disimpan."
                    )
                    % {"row": row.row, "code": row.plan.code, "error": text}
                ) from None
        preview.applied = len(preview.changed)
    return preview
