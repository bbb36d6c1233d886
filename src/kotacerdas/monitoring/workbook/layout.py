"""The progress workbook's definition, shared by the export, the reading and
the preview: its sheets, its columns (defined once, in ``COLUMNS``: the export
writes them, the importer reads them, the preview labels its changes with
them), the stamp's keys, and how a report's values are compared and shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from kotacerdas.core.formatting import percent_id, rupiah
from kotacerdas.core.sheets.writing import CONTENT_TYPES
from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Agency
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod

FORMAT = "kotacerdas-laporan-perangkat-daerah"
FORMAT_VERSION = "1"
CONTENT_TYPE = CONTENT_TYPES["xlsx"]
SHEET_DATA = "Laporan"
SHEET_GUIDE = "Petunjuk"
SHEET_STAMP = "_kotacerdas"
# An agency reports on tens of action plans, not thousands.
MAX_ROWS = 2_000

# Keys of the stamp sheet (column A), then a table of one row per action plan.
STAMP_FORMAT = "format"
STAMP_FORMAT_VERSION = "versi_format"
STAMP_PERIOD = "periode_id"
STAMP_AGENCY = "perangkat_daerah_id"
STAMP_EXPORTED = "diekspor_utc"
STAMP_APP = "versi_kotacerdas"
STAMP_TABLE = ("kode", "rencana_aksi_id", "versi_laporan", "diperbarui_utc")

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


def workbook_filename(period: ReportingPeriod, agency: Agency) -> str:
    return f"laporan-{slugify(agency.short_name) or agency.pk}-{period.year}-{period.number}.xlsx"


# --- Values -------------------------------------------------------------------------------


def server_values(plan: ActionPlan, report: ProgressReport | None) -> dict[str, Any]:
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


def clean_text(value: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def same(column: Column, old: Any, new: Any) -> bool:
    if column.kind in ("percent", "money"):
        return Decimal(old) == Decimal(new)
    if column.kind == "text":
        return clean_text(old or "") == clean_text(new or "")
    return bool(old == new)


def status_label(code: str) -> str:
    return str(ActionPlanStatus(code).label) if code in ActionPlanStatus.values else code


def display(column: Column, value: Any) -> str:
    if column.kind == "status":
        return status_label(value)
    if column.kind == "percent":
        return percent_id(Decimal(value))
    if column.kind == "money":
        return rupiah(Decimal(value))
    return str(value or "")


def stamp_time(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat() if value is not None else ""
