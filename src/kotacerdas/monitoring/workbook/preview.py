"""The preview of an uploaded progress workbook, row by row and field by
field: what would change, what is unchanged, what conflicts with the server
(and why), and every problem with its row number. Nothing is written here;
``apply`` applies what the user confirmed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _g

from kotacerdas.core.sheets import cells
from kotacerdas.core.sheets.cells import Raw
from kotacerdas.core.sheets.problems import Problem, Problems
from kotacerdas.masterplan.models import ActionPlan, Agency
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.workbook.layout import (
    BY_FIELD,
    CODE,
    SHEET_DATA,
    display,
    same,
    server_values,
    stamp_time,
)
from kotacerdas.monitoring.workbook.reading import (
    MESSAGES,
    REFUSALS,
    Parsed,
    Stamp,
    WorkbookRefused,
    parse_values,
    workbook_read,
)


class PreviewOutdated(Exception):
    """The server changed between the preview the user confirmed and the
    apply; nothing was applied. ``preview`` is the fresh one."""

    def __init__(self, preview: Preview) -> None:
        super().__init__("preview outdated")
        self.preview = preview


RowKind = Literal["changed", "unchanged", "conflict"]


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
    errors: list[Problem] = field(default_factory=list)
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
                stamp_time(r.report.updated_at) if r.report else "",
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
        raise WorkbookRefused.of(
            REFUSALS["other_period"],
            theirs=other.label if other else _g("tidak dikenal"),
            ours=period.label,
        )
    if stamp.agency_id != agency.pk:
        other_agency = Agency.objects.filter(pk=stamp.agency_id, region_id=agency.region_id).first()
        raise WorkbookRefused.of(
            REFUSALS["other_agency"],
            theirs=other_agency.short_name if other_agency else _g("tidak dikenal"),
            ours=agency.short_name,
        )
    if not period.is_open:
        raise WorkbookRefused.of(REFUSALS["period_closed"], period=period.label)


def _compare(
    number: int,
    plan: ActionPlan,
    report: ProgressReport | None,
    values: dict[str, Any],
    stamped: tuple[int, str],
) -> PreviewRow:
    server = server_values(plan, report)
    changes = tuple(
        Change(
            column.label(),
            "—" if report is None and column.kind != "status" else display(column, server[f]),
            display(column, values[f]),
        )
        for f, column in BY_FIELD.items()
        if not same(column, server[f], values[f])
    )
    now = (report.version, stamp_time(report.updated_at)) if report else (0, "")
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


def _code_problem(
    code: str, plan: ActionPlan | None, agency: Agency, seen: dict[str, int], stamp: Stamp
) -> tuple[str, dict[str, Any]]:
    """(problem code, parameters) of a row's action plan code; ("", {}) when
    the row is one of the agency's, exported in this file, and not repeated."""
    if not code:
        return "code_missing", {}
    if code in seen:
        return "code_twice", {"code": code, "other": seen[code]}
    if plan is None:
        return "code_unknown", {"code": code}
    if plan.agency_id != agency.pk:
        theirs = plan.agency.short_name
        return "code_other_agency", {"code": code, "theirs": theirs, "ours": agency.short_name}
    if code not in stamp.versions:
        return "code_not_exported", {"code": code}
    return "", {}


def build_preview(parsed: Parsed, period: ReportingPeriod, agency: Agency) -> Preview:
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
    problems = Problems(MESSAGES)
    for number, code, cell in read:
        plan = plans.get(code)
        before = len(problems)
        problem, params = _code_problem(code, plan, agency, seen, parsed.stamp)
        if problem:
            problems.add(SHEET_DATA, number, code_label, problem, **params)
        if code:
            seen.setdefault(code, number)
        values = parse_values(number, cell, problems)
        if len(problems) > before or plan is None:
            continue
        preview.rows.append(
            _compare(number, plan, reports.get(plan.pk), values, parsed.stamp.versions[code])
        )
    preview.errors = sorted(problems, key=lambda e: e.row or 0)
    return preview


def workbook_preview(*, period: ReportingPeriod, agency: Agency, content: bytes) -> Preview:
    """What importing ``content`` would do, against the server as it is now.
    Writes nothing. WorkbookRefused for a file that cannot be imported."""
    return build_preview(workbook_read(content), period, agency)
