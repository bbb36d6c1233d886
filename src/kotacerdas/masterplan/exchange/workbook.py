"""The masterplan workbook (.xlsx): sheet names, columns and the values each
column accepts, defined once here. The export writes these columns, the
importer reads them, the "Petunjuk" sheet and docs/masterplan-template.md
describe them (``reference_markdown``).

Column keys are fixed Indonesian identifiers (``kode_pilar``); files are
matched by header text, so users may reorder columns or add their own
(ignored), but not rename the template's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.sheets.cells import Choices
from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Agency,
    Element,
    FundingSource,
    Horizon,
    Masterplan,
    Pillar,
    Programme,
)
from kotacerdas.masterplan.pillars import PILLARS

TEMPLATE_VERSION = "1"
# Largest number of data rows read from one sheet: a masterplan has hundreds
# of rows, not tens of thousands; larger files are refused before parsing.
MAX_ROWS = 10_000

SHEET_GUIDE = "Petunjuk"
SHEET_MASTERPLAN = "Masterplan"
SHEET_LABELS = "Pilar dan Elemen"
SHEET_AGENCIES = "Perangkat Daerah"
SHEET_PROGRAMMES = "Program"
SHEET_ACTION_PLANS = "Rencana Aksi"
# Hidden: every choice column's codes beside their labels (the dropdowns'
# source; docs/decisions.md "Workbooks in Indonesian labels"). Not read back.
SHEET_CODES = "Daftar Kode"
CODES_HEADER = ("kolom", "kode", "label", "label_en")

# The "Petunjuk" sheet carries these two stamps in column A/B.
STAMP_TEMPLATE = "versi_templat"
STAMP_APP = "versi_kotacerdas"

# Header cells of the field/value sheet "Masterplan".
FIELD_HEADER = ("kolom", "nilai", "keterangan")

ColumnKind = Literal["text", "year", "money", "choice", "agencies"]


def _from_text_choices(choices: type[models.TextChoices], *aliases: tuple[str, str]) -> Choices:
    return Choices(options=tuple(choices.choices), aliases=tuple(aliases), labelled=True)


HORIZONS = _from_text_choices(
    Horizon,
    ("quick win", Horizon.QUICK_WIN),
    ("jangka pendek", Horizon.QUICK_WIN),
    ("pendek", Horizon.QUICK_WIN),
    ("menengah", Horizon.MEDIUM),
    ("panjang", Horizon.LONG),
)
STATUSES = _from_text_choices(
    ActionPlanStatus,
    ("belum mulai", ActionPlanStatus.NOT_STARTED),
    ("sedang berjalan", ActionPlanStatus.RUNNING),
)
FUNDING = _from_text_choices(FundingSource)
MASTERPLAN_STATUSES = _from_text_choices(Masterplan.Status, ("ditetapkan", "enacted"))
PILLAR_CHOICES = Choices(
    options=tuple((p.code, p.name) for p in PILLARS),
    aliases=tuple((p.name_id, p.code) for p in PILLARS),
)
ELEMENTS_OF: dict[str, tuple[str, ...]] = {
    p.code: tuple(code for code, _name in p.elements) for p in PILLARS
}


@dataclass(frozen=True)
class Lookup:
    """A column whose values come from another sheet's column (a dropdown in
    the file; a cross-reference check on import)."""

    sheet: str
    column: str


@dataclass(frozen=True)
class Column:
    key: str
    description: str | Promise
    gloss: str
    kind: ColumnKind = "text"
    required: bool = False
    # The model field this column fills: its max_length is the limit on import,
    # and a rule the model refuses on save is reported on this column.
    model: type[models.Model] | None = None
    field: str = ""
    choices: Choices | None = None
    lookup: Lookup | None = None
    width: int = 18
    allowed: str | Promise = ""

    @property
    def max_length(self) -> int | None:
        if self.model is None or not self.field:
            return None
        model_field = self.model._meta.get_field(self.field)
        return None if model_field.is_relation else getattr(model_field, "max_length", None)

    def allowed_text(self) -> str:
        if self.allowed:
            return str(self.allowed)
        if self.choices is not None and self.choices.labelled:
            return str(
                _("%(labels)s; kodenya (%(codes)s) dan label bahasa Inggris juga diterima")
            ) % {
                "labels": ", ".join(self.choices.labels()),
                "codes": ", ".join(self.choices.codes),
            }
        if self.choices is not None:
            return self.choices.describe()
        if self.kind == "year":
            return str(_("tahun 2000–2100, di dalam periode masterplan"))
        if self.kind == "money":
            return str(_("angka ≥ 0, mis. 1.500.000, Rp 1.500.000,- atau 1,5 juta; kosong = 0"))
        if self.max_length:
            return str(_("teks, paling banyak %(n)s karakter")) % {"n": self.max_length}
        return str(_("teks"))


@dataclass(frozen=True)
class Sheet:
    name: str
    description: str | Promise
    gloss: str
    columns: tuple[Column, ...]
    # "table": a header row then one row per item; "fields": one row per
    # column key (kolom | nilai | keterangan).
    layout: Literal["table", "fields"] = "table"
    key: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


MASTERPLAN_SHEET = Sheet(
    name=SHEET_MASTERPLAN,
    description=_(
        "Identitas masterplan: satu baris per isian. Wilayah dipilih saat impor; "
        "masterplan dikenali dari wilayah dan tahun mulai."
    ),
    gloss="The masterplan itself, one row per field; matched by region and start year.",
    layout="fields",
    key=("tahun_mulai",),
    columns=(
        Column(
            "judul",
            _("Judul masterplan"),
            "title",
            required=True,
            model=Masterplan,
            field="title",
        ),
        Column(
            "tahun_mulai",
            _("Tahun mulai periode; bersama wilayah menjadi kunci masterplan"),
            "first year; with the region, the key of the masterplan",
            kind="year",
            required=True,
            model=Masterplan,
            field="start_year",
        ),
        Column(
            "tahun_akhir",
            _("Tahun akhir periode"),
            "last year",
            kind="year",
            required=True,
            model=Masterplan,
            field="end_year",
        ),
        Column(
            "dasar_hukum",
            _("Dasar hukum, mis. Peraturan Wali Kota Dumai Nomor 30 Tahun 2023"),
            "legal basis",
            model=Masterplan,
            field="legal_basis",
        ),
        Column(
            "status",
            _("Status masterplan"),
            "draft or enacted",
            kind="choice",
            required=True,
            model=Masterplan,
            field="status",
            choices=MASTERPLAN_STATUSES,
        ),
    ),
)

LABELS_SHEET = Sheet(
    name=SHEET_LABELS,
    description=_(
        "Nama pilar dan elemen sesuai dokumen masterplan daerah. Kode tetap (enam pilar, "
        "tiga elemen per pilar); hanya nama yang dibaca."
    ),
    gloss="Pillar and element labels; the codes are fixed, only the names are read.",
    key=("kode_pilar", "kode_elemen"),
    columns=(
        Column(
            "kode_pilar",
            _("Kode pilar (tetap)"),
            "pillar code (fixed)",
            kind="choice",
            required=True,
            choices=PILLAR_CHOICES,
            width=14,
        ),
        Column(
            "kode_elemen",
            _("Kode elemen (tetap)"),
            "element code (fixed)",
            required=True,
            width=24,
            allowed=_("kode elemen pilar tersebut, lihat daftar di lembar ini"),
        ),
        Column(
            "nama_pilar",
            _("Nama pilar"),
            "pillar label",
            required=True,
            model=Pillar,
            field="name",
            width=28,
        ),
        Column(
            "nama_elemen",
            _("Nama elemen"),
            "element label",
            required=True,
            model=Element,
            field="name",
            width=44,
        ),
    ),
)

AGENCIES_SHEET = Sheet(
    name=SHEET_AGENCIES,
    description=_("Perangkat daerah (OPD) wilayah; dikenali dari singkatannya."),
    gloss="The region's agencies, matched by short name.",
    key=("singkatan",),
    columns=(
        Column(
            "singkatan",
            _("Singkatan, mis. Diskominfotiksan; dipakai di lembar Program dan Rencana Aksi"),
            "short name, the key used by the other sheets",
            required=True,
            model=Agency,
            field="short_name",
            width=20,
        ),
        Column(
            "nama",
            _("Nama lengkap"),
            "full name",
            required=True,
            model=Agency,
            field="name",
            width=50,
        ),
        Column("kepala", _("Kepala"), "head", model=Agency, field="head", width=34),
    ),
)

_AGENCY_LOOKUP = Lookup(SHEET_AGENCIES, "singkatan")

PROGRAMMES_SHEET = Sheet(
    name=SHEET_PROGRAMMES,
    description=_("Program masterplan; dikenali dari kodenya di dalam masterplan."),
    gloss="Programmes, matched by code within the masterplan.",
    key=("kode",),
    columns=(
        Column(
            "kode",
            _("Kode program, mis. GOV-01"),
            "programme code",
            required=True,
            model=Programme,
            field="code",
            width=12,
        ),
        Column(
            "kode_pilar",
            _("Kode pilar"),
            "pillar code",
            kind="choice",
            required=True,
            choices=PILLAR_CHOICES,
            width=14,
        ),
        Column(
            "kode_elemen",
            _("Kode elemen, harus milik pilar di kolom kode_pilar"),
            "element code, must belong to the pillar",
            required=True,
            model=Programme,
            field="element",
            lookup=Lookup(SHEET_LABELS, "kode_elemen"),
            width=24,
            allowed=_("kode elemen dari lembar Pilar dan Elemen"),
        ),
        Column(
            "jangka",
            _("Jangka waktu program"),
            "horizon",
            kind="choice",
            required=True,
            model=Programme,
            field="horizon",
            choices=HORIZONS,
            width=12,
        ),
        Column(
            "pengampu",
            _("Singkatan perangkat daerah pengampu"),
            "lead agency (short name)",
            required=True,
            model=Programme,
            field="lead_agency",
            lookup=_AGENCY_LOOKUP,
            width=18,
            allowed=_("singkatan dari lembar Perangkat Daerah atau yang sudah terdaftar"),
        ),
        Column(
            "pendukung",
            _("Singkatan perangkat daerah pendukung, dipisah koma"),
            "supporting agencies, comma-separated short names",
            kind="agencies",
            model=Programme,
            field="supporting_agencies",
            width=30,
            allowed=_("singkatan dipisah koma, mis. Bappeda, Diskominfotiksan"),
        ),
        Column(
            "nama",
            _("Nama program"),
            "name",
            required=True,
            model=Programme,
            field="name",
            width=40,
        ),
        Column(
            "deskripsi",
            _("Deskripsi"),
            "description",
            model=Programme,
            field="description",
            width=50,
        ),
        Column(
            "tahun_mulai",
            _("Tahun mulai program"),
            "first year",
            kind="year",
            required=True,
            model=Programme,
            field="start_year",
            width=12,
        ),
        Column(
            "tahun_akhir",
            _("Tahun akhir program"),
            "last year",
            kind="year",
            required=True,
            model=Programme,
            field="end_year",
            width=12,
        ),
        Column(
            "tahun_quick_win",
            _("Tahun quick win: wajib untuk jangka quick_win, kosong untuk yang lain"),
            "quick-win year: required for quick wins, empty otherwise",
            kind="year",
            model=Programme,
            field="quick_win_year",
            width=14,
            allowed=_("tahun di dalam tahun program; satu quick win per pilar per tahun"),
        ),
        Column(
            "sumber_dana",
            _("Sumber pendanaan"),
            "funding source",
            kind="choice",
            required=True,
            model=Programme,
            field="funding_source",
            choices=FUNDING,
            width=12,
        ),
        Column(
            "perkiraan_biaya",
            _("Perkiraan biaya dalam Rupiah"),
            "estimated cost in rupiah",
            kind="money",
            model=Programme,
            field="estimated_cost",
            width=18,
        ),
        Column(
            "keluaran",
            _("Keluaran (output)"),
            "output",
            model=Programme,
            field="output",
            width=40,
        ),
        Column(
            "hasil",
            _("Hasil (outcome)"),
            "outcome",
            model=Programme,
            field="outcome",
            width=40,
        ),
    ),
)

ACTION_PLANS_SHEET = Sheet(
    name=SHEET_ACTION_PLANS,
    description=_("Rencana aksi per tahun; dikenali dari kodenya di dalam masterplan."),
    gloss="Action plans, matched by code within the masterplan.",
    key=("kode",),
    columns=(
        Column(
            "kode",
            _("Kode rencana aksi, mis. GOV-01.01"),
            "action plan code",
            required=True,
            model=ActionPlan,
            field="code",
            width=14,
        ),
        Column(
            "kode_program",
            _("Kode program induk"),
            "programme code",
            required=True,
            model=ActionPlan,
            field="programme",
            lookup=Lookup(SHEET_PROGRAMMES, "kode"),
            width=14,
            allowed=_("kode dari lembar Program atau yang sudah terdaftar"),
        ),
        Column(
            "tahun",
            _("Tahun pelaksanaan"),
            "year",
            kind="year",
            required=True,
            model=ActionPlan,
            field="year",
            width=10,
        ),
        Column(
            "perangkat_daerah",
            _("Singkatan perangkat daerah penanggung jawab"),
            "responsible agency (short name)",
            required=True,
            model=ActionPlan,
            field="agency",
            lookup=_AGENCY_LOOKUP,
            width=20,
            allowed=_("singkatan dari lembar Perangkat Daerah atau yang sudah terdaftar"),
        ),
        Column(
            "status",
            _("Status pelaksanaan"),
            "status",
            kind="choice",
            required=True,
            model=ActionPlan,
            field="status",
            choices=STATUSES,
            width=15,
        ),
        Column(
            "kegiatan",
            _("Kegiatan"),
            "activity",
            required=True,
            model=ActionPlan,
            field="activity",
            width=50,
        ),
        Column(
            "target",
            _("Target/keluaran"),
            "target",
            model=ActionPlan,
            field="target",
            width=40,
        ),
    ),
)

# Every sheet that is read back, in workbook order (after "Petunjuk").
SHEETS: tuple[Sheet, ...] = (
    MASTERPLAN_SHEET,
    LABELS_SHEET,
    AGENCIES_SHEET,
    PROGRAMMES_SHEET,
    ACTION_PLANS_SHEET,
)


def reference_markdown() -> str:
    """The column reference of docs/masterplan-template.md, from the
    definitions above (a test keeps the document in step)."""
    lines: list[str] = []
    with translation.override("id"):
        for sheet in SHEETS:
            lines += [f"### {sheet.name}", "", f"{sheet.description}", f"*{sheet.gloss}*", ""]
            first = "isian / field" if sheet.layout == "fields" else "kolom / column"
            lines += [
                f"| {first} | wajib / required | isi / content | nilai / values |",
                "|---|---|---|---|",
            ]
            for column in sheet.columns:
                required = "ya / yes" if column.required else "—"
                content = f"{column.description} — *{column.gloss}*"
                lines.append(
                    f"| `{column.key}` | {required} | {content} | {column.allowed_text()} |"
                )
            lines.append("")
        lines += [
            "### Kode pilar dan elemen / Pillar and element codes",
            "",
            "| kode_pilar | kode_elemen | nama bawaan / default name |",
            "|---|---|---|",
        ]
        for pillar in PILLARS:
            for code, name in pillar.elements:
                lines.append(f"| `{pillar.code}` | `{code}` | {name} |")
    return "\n".join(lines).rstrip() + "\n"
