"""What an import reports: problems with their sheet, row and column, the
change each row makes (created, updated with old → new, unchanged), and the
rows of the region that the file leaves out. Also the errors about a file
or a region as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

Kind = Literal["masterplan", "label", "agency", "programme", "action_plan"]
KINDS: tuple[Kind, ...] = ("masterplan", "label", "agency", "programme", "action_plan")
KIND_LABELS: dict[Kind, str | Promise] = {
    "masterplan": _("Masterplan"),
    "label": _("Nama pilar/elemen"),
    "agency": _("Perangkat daerah"),
    "programme": _("Program"),
    "action_plan": _("Rencana aksi"),
}
Action = Literal["create", "update", "unchanged"]

# Problem code → (Indonesian message, short English gloss).
MESSAGES: dict[str, tuple[str | Promise, str]] = {
    "required": (_("Wajib diisi."), "required"),
    "too_long": (_("Terlalu panjang: paling banyak %(max)s karakter."), "too long"),
    "not_year": (
        _("Harus tahun berupa bilangan bulat, mis. 2024; tertulis “%(value)s”."),
        "not a whole-number year",
    ),
    "year_range": (_("Tahun %(value)s di luar rentang 2000–2100."), "year out of range"),
    "not_money": (
        _("Harus angka Rupiah, mis. 1500000 atau 1.500.000; tertulis “%(value)s”."),
        "not an amount",
    ),
    "negative": (_("Tidak boleh negatif; tertulis “%(value)s”."), "negative amount"),
    "money_precision": (
        _("Paling banyak %(digits)s digit dan %(places)s angka di belakang koma."),
        "too many digits",
    ),
    "choice": (
        _("Nilai “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s."),
        "unknown value",
    ),
    "duplicate": (
        _("“%(value)s” muncul dua kali di lembar ini (juga baris %(other)s)."),
        "duplicate key",
    ),
    "case_conflict": (
        _("“%(value)s” sudah terdaftar sebagai “%(stored)s”; samakan huruf besar/kecilnya."),
        "differs from an existing key only by case",
    ),
    "unknown_field": (_("Isian “%(value)s” tidak dikenal di lembar ini."), "unknown field"),
    "missing_field": (_("Baris isian ini tidak ada di lembar."), "field row missing"),
    "element_pillar": (
        _("Elemen “%(value)s” bukan elemen pilar %(pillar)s; pilihan: %(allowed)s."),
        "element not in this pillar",
    ),
    "pillar_name": (
        _("Nama pilar berbeda dengan baris %(other)s untuk pilar yang sama."),
        "pillar named differently on two rows",
    ),
    "unknown_agency": (
        _(
            "Perangkat daerah “%(value)s” tidak ada di lembar Perangkat Daerah "
            "maupun di data wilayah."
        ),
        "unknown agency",
    ),
    "unknown_programme": (
        _("Program “%(value)s” tidak ada di lembar Program maupun di masterplan."),
        "unknown programme",
    ),
    "outside_period": (
        _("Tahun %(value)s di luar periode masterplan %(period)s."),
        "year outside the masterplan period",
    ),
    "period_order": (
        _("Tahun akhir tidak boleh sebelum tahun mulai."),
        "end year before start year",
    ),
    "quick_win_year": (
        _("Program quick win wajib memiliki tahun quick win; program lain tidak."),
        "quick-win year missing, or set on a programme that is not a quick win",
    ),
    "quick_win_outside": (
        _("Tahun quick win harus di dalam tahun pelaksanaan program."),
        "quick-win year outside the programme's years",
    ),
    "quick_win_taken": (
        _("Pilar ini sudah punya quick win tahun %(year)s: %(other)s."),
        "one quick win per pillar per year",
    ),
    "rejected": (_("Ditolak saat disimpan: %(error)s"), "refused when saving"),
}


# --- Errors about the file as a whole ------------------------------------------------------


class ExchangeError(Exception):
    """The request cannot be read at all (not one row): the message is shown
    to the user as it is, Indonesian first."""

    def __init__(self, message: str, gloss: str) -> None:
        super().__init__(f"{message} / {gloss}")
        self.message = message
        self.gloss = gloss


class UnreadableWorkbook(ExchangeError):
    pass


class RegionNotAccepted(ExchangeError):
    pass


# --- Problems and changes ----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # the spreadsheet's row number; None for the sheet as a whole
    column: str
    code: str
    message: str  # Indonesian (translated when the user reads English)
    gloss: str  # short English

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += " " + _g("baris %(n)s") % {"n": self.row}
        if self.column:
            where += ", " + _g("kolom %(c)s") % {"c": self.column}
        return f"{where}: {self.message} ({self.gloss})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "gloss": self.gloss,
        }


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    kind: Kind
    key: str
    name: str
    sheet: str
    row: int | None
    action: Action
    fields: tuple[FieldChange, ...] = ()


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0

    def add(self, action: Action) -> None:
        if action == "create":
            self.created += 1
        elif action == "update":
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ImportResult:
    region_code: str
    region_name: str
    dry_run: bool
    region_created: bool = False
    start_year: int | None = None
    applied: bool = False
    problems: list[Problem] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    absent: dict[Kind, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[Kind, Counts]:
        counts = {kind: Counts() for kind in KINDS}
        for change in self.changes:
            counts[change.kind].add(change.action)
        for kind, keys in self.absent.items():
            counts[kind].absent = len(keys)
        return counts

    @property
    def changed(self) -> bool:
        return self.region_created or any(c.action != "unchanged" for c in self.changes)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kotacerdas masterplan import --json``."""
        return {
            "region": self.region_code,
            "region_name": self.region_name,
            "region_created": self.region_created,
            "start_year": self.start_year,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "counts": {kind: vars(c) for kind, c in self.counts.items()},
            "problems": [p.as_dict() for p in self.problems],
            "changes": [
                {
                    "kind": c.kind,
                    "key": c.key,
                    "action": c.action,
                    "sheet": c.sheet,
                    "row": c.row,
                    "fields": [vars(f) for f in c.fields],
                }
                for c in self.changes
                if c.action != "unchanged"
            ],
            "absent": self.absent,
        }


class Problems:
    """Collects problems, each message built from ``MESSAGES[code]``."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, sheet: str, row: int | None, column: str, code: str, **params: Any) -> None:
        message, gloss = MESSAGES[code]
        text = str(message) % params if params else str(message)
        self.items.append(Problem(sheet, row, column, code, text, gloss))
