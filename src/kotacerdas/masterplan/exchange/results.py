"""What a masterplan import reports: its problem codes (after the cell
readers' codes of :mod:`kotacerdas.core.sheets.cells`), the change each row
makes (created, updated with old → new, unchanged), and the rows of the
region that the file leaves out. Problems and the errors about a whole file
are the shared ones of :mod:`kotacerdas.core.sheets.problems`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.sheets.cells import CELL_MESSAGES
from kotacerdas.core.sheets.problems import ExchangeError, Message, Problem

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

# The codes of the masterplan import: the cell readers' codes, then its own.
MESSAGES: dict[str, Message] = {
    **CELL_MESSAGES,
    "duplicate": Message(
        _("“%(value)s” muncul dua kali di lembar ini (juga baris %(other)s)."),
        "duplicate key",
    ),
    "case_conflict": Message(
        _("“%(value)s” sudah terdaftar sebagai “%(stored)s”; samakan huruf besar/kecilnya."),
        "differs from an existing key only by case",
    ),
    "unknown_field": Message(_("Isian “%(value)s” tidak dikenal di lembar ini."), "unknown field"),
    "missing_field": Message(_("Baris isian ini tidak ada di lembar."), "field row missing"),
    "element_pillar": Message(
        _("Elemen “%(value)s” bukan elemen pilar %(pillar)s; pilihan: %(allowed)s."),
        "element not in this pillar",
    ),
    "pillar_name": Message(
        _("Nama pilar berbeda dengan baris %(other)s untuk pilar yang sama."),
        "pillar named differently on two rows",
    ),
    "unknown_agency": Message(
        _(
            "Perangkat daerah “%(value)s” tidak ada di lembar Perangkat Daerah "
            "maupun di data wilayah."
        ),
        "unknown agency",
    ),
    "unknown_programme": Message(
        _("Program “%(value)s” tidak ada di lembar Program maupun di masterplan."),
        "unknown programme",
    ),
    "outside_period": Message(
        _("Tahun %(value)s di luar periode masterplan %(period)s."),
        "year outside the masterplan period",
    ),
    "outside_programme": Message(
        _("Tahun %(value)s di luar tahun pelaksanaan program %(programme)s (%(years)s)."),
        "action plan year outside its programme's years",
    ),
    "period_order": Message(
        _("Tahun akhir tidak boleh sebelum tahun mulai."),
        "end year before start year",
    ),
    "quick_win_year": Message(
        _("Program quick win wajib memiliki tahun quick win; program lain tidak."),
        "quick-win year missing, or set on a programme that is not a quick win",
    ),
    "quick_win_outside": Message(
        _("Tahun quick win harus di dalam tahun pelaksanaan program."),
        "quick-win year outside the programme's years",
    ),
    "quick_win_taken": Message(
        _("Pilar ini sudah punya quick win tahun %(year)s: %(other)s."),
        "one quick win per pillar per year",
    ),
    "rejected": Message(_("Ditolak saat disimpan: %(error)s"), "refused when saving"),
}


class RegionNotAccepted(ExchangeError):
    """The region code is not a Kemendagri province or kab/kota."""


# --- Changes -------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class KeptStatus:
    """A status the file would change but the import leaves: a report or a
    correction set it, or the masterplan runs reporting periods. The row's
    other columns are still imported."""

    key: str
    sheet: str
    row: int | None
    stored: str  # status label now
    asked: str  # status label in the file
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


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
    kept_statuses: list[KeptStatus] = field(default_factory=list)

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
            "kept_statuses": [k.as_dict() for k in self.kept_statuses],
        }
