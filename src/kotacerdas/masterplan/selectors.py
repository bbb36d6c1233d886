"""The figures of a masterplan, computed here and only here.

The counting rule (version ``RULE_VERSION``; stated on the "Cara menghitung"
page, tested in tests/masterplan/test_figures.py):

- An action plan is *in implementation* when its status is ``berjalan`` or
  ``selesai``.
- An action plan that is ``dibatalkan`` (cancelled) is not counted at all: it
  leaves both numerator and denominator. One that is ``ditunda`` (postponed)
  stays in the denominator and is not in implementation: a postponement is a
  delay the plan still owes.
- A programme *runs* when at least one of its action plans in scope is in
  implementation. A programme is counted unless it has action plans in scope
  and every one of them is cancelled; a programme without action plans is
  counted and not running.
- A quick win's status: *dibatalkan* when it has action plans and every one
  is cancelled; *belum dimulai* when it has none, or none of its counted
  plans is in implementation; *selesai* when every counted plan is done;
  otherwise *berjalan*.
- Per year: a year's action plans are those of that year; a year's
  programmes are those whose years include it, judged by their action plans
  of that year only (all cancelled that year: not counted that year; none
  that year: counted, not running). An action plan's year always lies within
  its programme's years (database triggers, migration 0005), so no plan is
  counted in a year its programme does not run.
- A status the smart city team corrected without a report counts like any
  other; the figures say how many counted plans carry such a correction and
  the explanation lists them with their reasons.
- Percentages are exact ratios rounded half-up once, at the end, to two
  decimals.

Every figure is built from one load of the masterplan's rows (a fixed number
of queries, whatever the number of programmes and action plans) and can list
the items behind its numerator and denominator.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.caching import LIVE, cached
from kotacerdas.core.formatting import percent_of
from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Agency,
    Horizon,
    Masterplan,
    Pillar,
    Programme,
    StatusCorrection,
    StatusSource,
)
from kotacerdas.regions.models import Region

RULE_VERSION = "1"
IN_IMPLEMENTATION = frozenset({ActionPlanStatus.RUNNING.value, ActionPlanStatus.DONE.value})
NOT_COUNTED = frozenset({ActionPlanStatus.CANCELLED.value})

YEAR_RULE = _(
    "Per tahun: dihitung rencana aksi tahun itu saja, dan program yang tahun "
    "pelaksanaannya mencakup tahun itu, dinilai dari rencana aksinya tahun itu. "
    "Program yang semua rencana aksinya tahun itu dibatalkan tidak dihitung "
    "tahun itu; program tanpa rencana aksi tahun itu dihitung dan belum berjalan. "
    "Tahun rencana aksi selalu di dalam tahun pelaksanaan programnya, jadi tidak "
    "ada rencana aksi yang dihitung di tahun yang programnya tidak berjalan."
)
QUICK_WIN_RULE = _(
    "Status quick win: Dibatalkan bila semua rencana aksinya dibatalkan; Belum "
    "dimulai bila belum ada rencana aksi atau belum ada yang berjalan; Selesai "
    "bila semua rencana aksi yang dihitung selesai; selain itu Berjalan."
)

Metric = Literal["action_plans", "programmes"]
ScopeKind = Literal["overall", "pillar", "element", "agency", "year"]
METRICS: tuple[Metric, ...] = ("action_plans", "programmes")
SCOPE_KINDS: tuple[ScopeKind, ...] = ("overall", "pillar", "element", "agency", "year")


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @cached_property
    def percent(self) -> Decimal | None:  # read several times by a page: computed once
        return percent_of(self.numerator, self.denominator)

    def as_dict(self, numerator_key: str) -> dict[str, Any]:
        percent = self.percent
        return {
            "total": self.denominator,
            numerator_key: self.numerator,
            "percent": None if percent is None else str(percent),
        }


@dataclass(frozen=True)
class PlanRow:
    id: int
    code: str
    activity: str
    status: str
    year: int
    agency_id: int
    programme_id: int
    corrected: bool = False  # the status is the team's correction, not a report's

    @property
    def counted(self) -> bool:
        return self.status not in NOT_COUNTED

    @property
    def in_implementation(self) -> bool:
        return self.status in IN_IMPLEMENTATION

    @property
    def status_label(self) -> str:
        return str(ActionPlanStatus(self.status).label)


@dataclass(frozen=True)
class ProgrammeRow:
    id: int
    code: str
    name: str
    element_id: int
    pillar_code: str
    lead_agency_id: int
    start_year: int
    end_year: int
    horizon: str
    quick_win_year: int | None


@dataclass(frozen=True)
class FrozenRows:
    """The rows a snapshot froze, for :func:`figure_explain`: its action
    plans (with their statuses at the close) and programmes."""

    plans: tuple[PlanRow, ...]
    programmes: tuple[ProgrammeRow, ...]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    key: str = ""

    @property
    def slug(self) -> str:
        return self.kind if self.kind == "overall" else f"{self.kind}:{self.key}"

    @classmethod
    def parse(cls, slug: str) -> Scope:
        kind, _sep, key = slug.partition(":")
        if kind not in SCOPE_KINDS or (kind == "overall") != (key == ""):
            raise ValueError(slug)
        return cls(kind, key)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Figures:
    """Both headline ratios for one scope."""

    scope: Scope
    label: str
    action_plans: Ratio
    programmes: Ratio


@dataclass(frozen=True)
class QuickWin:
    id: int
    code: str
    name: str
    year: int
    pillar_code: str
    pillar_name: str
    lead_agency: str
    status: str
    status_label: str
    plans_total: int
    plans_in_implementation: int


@dataclass(frozen=True)
class PillarFigures(Figures):
    elements: tuple[Figures, ...] = ()


@dataclass(frozen=True)
class MasterplanFigures:
    masterplan: Masterplan
    computed_at: Any
    rule_version: str
    overall: Figures
    pillars: tuple[PillarFigures, ...]
    agencies: tuple[Figures, ...]
    years: tuple[Figures, ...]
    quick_wins: tuple[QuickWin, ...]
    # Counted action plans whose status is a correction by the team, not a report's.
    corrected_plans: int = 0
    # The rows these figures were counted from (for figures_with_overrides).
    loaded: _Loaded = field(repr=False, compare=False, kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kotacerdas figures --json`` (and later the API)."""

        def pair(fig: Figures) -> dict[str, Any]:
            return {
                "action_plans": fig.action_plans.as_dict("in_implementation"),
                "programmes": fig.programmes.as_dict("running"),
            }

        return {
            "region": self.masterplan.region.code,
            "region_name": self.masterplan.region.name,
            "masterplan": {
                "id": self.masterplan.pk,
                "title": self.masterplan.title,
                "period": self.masterplan.period_label,
                "legal_basis": self.masterplan.legal_basis,
            },
            "rule_version": self.rule_version,
            "computed_at": self.computed_at.isoformat(),
            **pair(self.overall),
            "quick_wins": {
                "total": len(self.quick_wins),
                "items": [
                    {
                        "code": q.code,
                        "name": q.name,
                        "year": q.year,
                        "pillar": q.pillar_code,
                        "lead_agency": q.lead_agency,
                        "status": q.status,
                    }
                    for q in self.quick_wins
                ],
            },
            "pillars": [
                {
                    "code": p.scope.key,
                    "name": p.label,
                    **pair(p),
                    "elements": [{"name": e.label, **pair(e)} for e in p.elements],
                }
                for p in self.pillars
            ],
            "agencies": [{"short_name": a.label, **pair(a)} for a in self.agencies],
            "years": [{"year": int(y.scope.key), **pair(y)} for y in self.years],
        }


@dataclass
class _Loaded:
    masterplan: Masterplan
    plans: list[PlanRow]
    programmes: list[ProgrammeRow]
    pillars: list[Pillar]
    agencies: dict[int, Agency]
    plans_by_programme: dict[int, list[PlanRow]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_programme: dict[int, list[PlanRow]] = defaultdict(list)
        for plan in self.plans:
            by_programme[plan.programme_id].append(plan)
        self.plans_by_programme = dict(by_programme)


def _load(
    masterplan: Masterplan,
    status_overrides: dict[int, str] | None = None,
    frozen_statuses: dict[str, str] | None = None,
    frozen_rows: FrozenRows | None = None,
) -> _Loaded:
    """One load of the masterplan's rows. ``status_overrides`` (action plan id →
    status) lets monitoring compute what the figures would be if reports not
    yet verified were accepted; official figures pass none. ``frozen_statuses``
    (action plan code → status, a period snapshot's ``plan_statuses``) gives the
    plans as they stood when the snapshot was taken: plans added since are
    left out. ``frozen_rows`` (a snapshot's own plans, with their frozen
    statuses, and programmes) replaces the live rows altogether."""
    if frozen_rows is not None:
        pillars = list(
            Pillar.objects.filter(masterplan=masterplan)
            .prefetch_related("elements")
            .order_by("order")
        )
        agencies = {a.pk: a for a in Agency.objects.filter(region_id=masterplan.region_id)}
        return _Loaded(
            masterplan, list(frozen_rows.plans), list(frozen_rows.programmes), pillars, agencies
        )
    overrides = status_overrides or {}
    frozen = frozen_statuses is not None
    correction = StatusSource.CORRECTION.value
    plans = []
    # Tuples, not dicts: this loop runs once per action plan (10,000 at scale).
    for pk, code, activity, status, source, year, agency_id, programme_id in (
        ActionPlan.objects.filter(masterplan=masterplan)
        .order_by("code")
        .values_list(
            "id", "code", "activity", "status", "status_source", "year", "agency_id", "programme_id"
        )
    ):
        if frozen_statuses is not None:
            if code not in frozen_statuses:
                continue
            status = frozen_statuses[code]
        plans.append(
            PlanRow(
                pk,
                code,
                activity,
                overrides.get(pk, status),
                year,
                agency_id,
                programme_id,
                # A frozen status is the snapshot's, whatever set the live one since.
                source == correction and not frozen,
            )
        )
    programmes = [
        ProgrammeRow(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            element_id=row["element_id"],
            pillar_code=row["element__pillar__code"],
            lead_agency_id=row["lead_agency_id"],
            start_year=row["start_year"],
            end_year=row["end_year"],
            horizon=row["horizon"],
            quick_win_year=row["quick_win_year"],
        )
        for row in Programme.objects.filter(masterplan=masterplan)
        .order_by("code")
        .values(
            "id",
            "code",
            "name",
            "element_id",
            "element__pillar__code",
            "lead_agency_id",
            "start_year",
            "end_year",
            "horizon",
            "quick_win_year",
        )
    ]
    pillars = list(
        Pillar.objects.filter(masterplan=masterplan).prefetch_related("elements").order_by("order")
    )
    agencies = {a.pk: a for a in Agency.objects.filter(region_id=masterplan.region_id)}
    return _Loaded(masterplan, plans, programmes, pillars, agencies)


# --- The rule -------------------------------------------------------------------


def action_plan_ratio(plans: Iterable[PlanRow]) -> Ratio:
    counted = [p for p in plans if p.counted]
    return Ratio(sum(1 for p in counted if p.in_implementation), len(counted))


def programme_counted(plans: list[PlanRow]) -> bool:
    return not plans or any(p.counted for p in plans)


def programme_running(plans: list[PlanRow]) -> bool:
    return any(p.in_implementation for p in plans)


def programme_ratio(
    programmes: Iterable[ProgrammeRow], plans_of: dict[int, list[PlanRow]]
) -> Ratio:
    counted = [p for p in programmes if programme_counted(plans_of.get(p.id, []))]
    return Ratio(sum(1 for p in counted if programme_running(plans_of.get(p.id, []))), len(counted))


# --- Scopes ---------------------------------------------------------------------


@dataclass(frozen=True)
class _ScopeItems:
    label: str
    plans: list[PlanRow]
    programmes: list[ProgrammeRow]
    plans_of: dict[int, list[PlanRow]]


def _items(data: _Loaded, scope: Scope) -> _ScopeItems:
    all_plans_of = data.plans_by_programme
    if scope.kind == "overall":
        return _ScopeItems(str(_("Keseluruhan")), data.plans, data.programmes, all_plans_of)
    if scope.kind in ("pillar", "element"):
        if scope.kind == "pillar":
            pillar = next((p for p in data.pillars if p.code == scope.key), None)
            if pillar is None:
                raise LookupError(scope.slug)
            label = pillar.name
            programmes = [p for p in data.programmes if p.pillar_code == scope.key]
        else:
            element = next(
                (e for p in data.pillars for e in p.elements.all() if str(e.pk) == scope.key),
                None,
            )
            if element is None:
                raise LookupError(scope.slug)
            label = element.name
            programmes = [p for p in data.programmes if str(p.element_id) == scope.key]
        ids = {p.id for p in programmes}
        plans = [p for p in data.plans if p.programme_id in ids]
        return _ScopeItems(label, plans, programmes, all_plans_of)
    if scope.kind == "agency":
        agency = data.agencies.get(int(scope.key)) if scope.key.isdigit() else None
        if agency is None:
            raise LookupError(scope.slug)
        return _ScopeItems(
            agency.short_name,
            [p for p in data.plans if p.agency_id == agency.pk],
            [p for p in data.programmes if p.lead_agency_id == agency.pk],
            all_plans_of,
        )
    if not scope.key.isdigit() or not data.masterplan.contains_year(int(scope.key)):
        raise LookupError(scope.slug)
    year = int(scope.key)
    year_plans = [p for p in data.plans if p.year == year]
    year_plans_of: dict[int, list[PlanRow]] = defaultdict(list)
    for plan in year_plans:
        year_plans_of[plan.programme_id].append(plan)
    return _ScopeItems(
        str(year),
        year_plans,
        [p for p in data.programmes if p.start_year <= year <= p.end_year],
        dict(year_plans_of),
    )


def _figures(data: _Loaded, scope: Scope) -> Figures:
    items = _items(data, scope)
    return Figures(
        scope=scope,
        label=items.label,
        action_plans=action_plan_ratio(items.plans),
        programmes=programme_ratio(items.programmes, items.plans_of),
    )


def _quick_wins(data: _Loaded) -> tuple[QuickWin, ...]:
    pillar_names = {p.code: p.name for p in data.pillars}
    result = []
    for prog in data.programmes:
        if prog.horizon != Horizon.QUICK_WIN or prog.quick_win_year is None:
            continue
        all_plans = data.plans_by_programme.get(prog.id, [])
        plans = [p for p in all_plans if p.counted]
        ratio = action_plan_ratio(plans)
        if all_plans and not plans:
            status = ActionPlanStatus.CANCELLED
        elif plans and all(p.status == ActionPlanStatus.DONE for p in plans):
            status = ActionPlanStatus.DONE
        elif programme_running(plans):
            status = ActionPlanStatus.RUNNING
        else:
            status = ActionPlanStatus.NOT_STARTED
        agency = data.agencies.get(prog.lead_agency_id)
        result.append(
            QuickWin(
                id=prog.id,
                code=prog.code,
                name=prog.name,
                year=prog.quick_win_year,
                pillar_code=prog.pillar_code,
                pillar_name=pillar_names.get(prog.pillar_code, prog.pillar_code),
                lead_agency=agency.short_name if agency else "",
                status=status.value,
                status_label=str(status.label),
                plans_total=ratio.denominator,
                plans_in_implementation=ratio.numerator,
            )
        )
    order = {p.code: i for i, p in enumerate(data.pillars)}
    return tuple(sorted(result, key=lambda q: (-q.year, order.get(q.pillar_code, 99), q.code)))


def masterplan_figures(
    *, masterplan: Masterplan, status_overrides: dict[int, str] | None = None
) -> MasterplanFigures:
    """Every figure of a masterplan, overall and per pillar, element, agency
    and year, from one load of its rows."""
    return _masterplan_figures(_load(masterplan, status_overrides))


def figures_with_overrides(
    *, figures: MasterplanFigures, status_overrides: dict[int, str]
) -> MasterplanFigures:
    """What ``figures`` would be with the statuses of ``status_overrides``
    (action plan id → status), computed from the rows ``figures`` were
    computed from: no query. Equal to ``masterplan_figures`` with the same
    overrides on the same rows (the dashboard's "if the submitted reports
    were accepted" beside the official figures, one load for both)."""
    data = figures.loaded
    plans = [
        replace(plan, status=status_overrides[plan.id])
        if plan.id in status_overrides and status_overrides[plan.id] != plan.status
        else plan
        for plan in data.plans
    ]
    return _masterplan_figures(
        _Loaded(data.masterplan, plans, data.programmes, data.pillars, data.agencies)
    )


class _Tally:
    """Numerator and denominator of every scope."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, object], list[int]] = defaultdict(lambda: [0, 0])

    def add(self, key: tuple[str, object], *, counted: int, hit: int) -> None:
        pair = self.counts[key]
        pair[0] += hit
        pair[1] += counted

    def ratio(self, key: tuple[str, object]) -> Ratio:
        numerator, denominator = self.counts.get(key, (0, 0))
        return Ratio(numerator, denominator)


def _masterplan_figures(data: _Loaded) -> MasterplanFigures:
    """The figures of every scope from a few counts of the rows: action plans
    by (programme, status), (agency, status) and (programme, year, status),
    counted once each, then added up per pillar, element, agency and year;
    each programme is judged once overall and once per year it runs. The
    rule is :func:`_items`'s (which explains one scope;
    tests/masterplan/test_figures.py holds the two equal on every scope), the
    time linear in the rows with little per row. Raises LookupError like
    :func:`_items` for a plan of an agency or a year the masterplan does not
    know."""
    plans = data.plans
    by_programme = Counter((p.programme_id, p.status) for p in plans)
    by_agency = Counter((p.agency_id, p.status) for p in plans)
    by_programme_year = Counter((p.programme_id, p.year, p.status) for p in plans)
    programme_of = {p.id: p for p in data.programmes}

    action_plans = _Tally()

    def tally_plans(key: tuple[str, object], status: str, n: int) -> None:
        if status not in NOT_COUNTED:
            action_plans.add(key, counted=n, hit=n if status in IN_IMPLEMENTATION else 0)

    # programme id → [any plan counted, any plan in implementation]; a
    # programme without plans is not in it (counted, not running).
    judged: dict[object, list[bool]] = defaultdict(lambda: [False, False])
    for (programme_id, status), n in by_programme.items():
        tally_plans(("overall", None), status, n)
        owner = programme_of.get(programme_id)
        if owner is not None:
            tally_plans(("pillar", owner.pillar_code), status, n)
            tally_plans(("element", owner.element_id), status, n)
        flags = judged[programme_id]
        flags[0] = flags[0] or status not in NOT_COUNTED
        flags[1] = flags[1] or status in IN_IMPLEMENTATION
    for (agency_id, status), n in by_agency.items():
        tally_plans(("agency", agency_id), status, n)
    judged_in_year: dict[object, list[bool]] = defaultdict(lambda: [False, False])
    for (programme_id, year, status), n in by_programme_year.items():
        tally_plans(("year", year), status, n)
        flags = judged_in_year[(programme_id, year)]
        flags[0] = flags[0] or status not in NOT_COUNTED
        flags[1] = flags[1] or status in IN_IMPLEMENTATION

    programmes = _Tally()
    years = sorted({year for _programme, year, _status in by_programme_year})
    for year in years:
        if not data.masterplan.contains_year(year):
            raise LookupError(Scope("year", str(year)).slug)
    for programme in data.programmes:
        counted, running = judged.get(programme.id, (True, False))
        if counted:
            for key in (
                ("overall", None),
                ("pillar", programme.pillar_code),
                ("element", programme.element_id),
                ("agency", programme.lead_agency_id),
            ):
                programmes.add(key, counted=1, hit=int(running))
        for year in years:
            if programme.start_year <= year <= programme.end_year:
                # No plan that year: counted, not running (the year rule).
                counted, running = judged_in_year.get((programme.id, year), (True, False))
                if counted:
                    programmes.add(("year", year), counted=1, hit=int(running))

    def figures(scope: Scope, label: str, key: tuple[str, object]) -> Figures:
        return Figures(
            scope=scope,
            label=label,
            action_plans=action_plans.ratio(key),
            programmes=programmes.ratio(key),
        )

    pillars = tuple(
        PillarFigures(
            **vars(figures(Scope("pillar", pillar.code), pillar.name, ("pillar", pillar.code))),
            elements=tuple(
                figures(Scope("element", str(e.pk)), e.name, ("element", e.pk))
                for e in pillar.elements.all()
            ),
        )
        for pillar in data.pillars
    )
    agency_figures = []
    for agency_id in {a for a, _status in by_agency} | {p.lead_agency_id for p in data.programmes}:
        agency = data.agencies.get(agency_id)
        if agency is None:
            raise LookupError(Scope("agency", str(agency_id)).slug)
        agency_figures.append(
            figures(Scope("agency", str(agency_id)), agency.short_name, ("agency", agency_id))
        )
    return MasterplanFigures(
        masterplan=data.masterplan,
        computed_at=timezone.now(),
        rule_version=RULE_VERSION,
        overall=figures(Scope("overall"), str(_("Keseluruhan")), ("overall", None)),
        pillars=pillars,
        agencies=tuple(sorted(agency_figures, key=lambda f: f.label.lower())),
        years=tuple(figures(Scope("year", str(y)), str(y), ("year", y)) for y in years),
        quick_wins=_quick_wins(data),
        corrected_plans=sum(1 for p in plans if p.corrected and p.counted),
        loaded=data,
    )


# --- Explaining a figure --------------------------------------------------------------


@dataclass(frozen=True)
class ExplainedItem:
    id: int
    code: str
    title: str
    status_label: str
    reason: str


@dataclass(frozen=True)
class Explanation:
    masterplan: Masterplan
    metric: Metric
    scope: Scope
    scope_label: str
    ratio: Ratio
    formula: str
    numerator_label: str
    denominator_label: str
    numerator_items: tuple[ExplainedItem, ...]
    other_counted_items: tuple[ExplainedItem, ...]
    excluded_items: tuple[ExplainedItem, ...]
    # Action plans behind this figure whose status the team corrected without a report.
    corrected_items: tuple[ExplainedItem, ...] = ()
    note: str = ""  # the rule particular to this scope (per year)
    rule_version: str = RULE_VERSION


def figure_explain(
    *,
    masterplan: Masterplan,
    metric: Metric,
    scope: Scope,
    frozen_statuses: dict[str, str] | None = None,
    frozen_rows: FrozenRows | None = None,
) -> Explanation:
    """The formula, numerator, denominator and the items behind each, for one
    figure. Raises LookupError for an unknown scope or metric.
    ``frozen_statuses`` (a period snapshot's ``plan_statuses``) explains the
    figure as published in that snapshot (the public portal); ``frozen_rows``
    (the snapshot's own plans and programmes) explains it with the names and
    structure frozen with it."""
    if metric not in METRICS:
        raise LookupError(metric)
    data = _load(masterplan, frozen_statuses=frozen_statuses, frozen_rows=frozen_rows)
    items = _items(data, scope)
    behind = (
        items.plans
        if metric == "action_plans"
        else [p for prog in items.programmes for p in items.plans_of.get(prog.id, [])]
    )
    corrections = latest_corrections([p.id for p in behind if p.corrected])
    marks = {pk: correction_mark(c) for pk, c in corrections.items()}
    numerator: list[ExplainedItem] = []
    others: list[ExplainedItem] = []
    excluded: list[ExplainedItem] = []
    if metric == "action_plans":
        for plan in items.plans:
            item = ExplainedItem(
                plan.id, plan.code, plan.activity, plan.status_label, marks.get(plan.id, "")
            )
            if not plan.counted:
                excluded.append(
                    ExplainedItem(**{**vars(item), "reason": str(_("dibatalkan: tidak dihitung"))})
                )
            elif plan.in_implementation:
                numerator.append(item)
            else:
                others.append(item)
        ratio = action_plan_ratio(items.plans)
        formula = str(
            _("Capaian rencana aksi = rencana aksi terimplementasi ÷ rencana aksi dihitung")
        )
        num_label = str(_("Rencana aksi terimplementasi (berjalan atau selesai)"))
        den_label = str(_("Rencana aksi dihitung (semua kecuali dibatalkan)"))
    else:
        for prog in items.programmes:
            plans = items.plans_of.get(prog.id, [])
            running = programme_running(plans)
            plan_ratio = action_plan_ratio(plans)
            ratio_text = f"{plan_ratio.numerator}/{plan_ratio.denominator}"
            label = str(_("berjalan")) if running else str(_("belum berjalan"))
            item = ExplainedItem(prog.id, prog.code, prog.name, label, "")
            if not programme_counted(plans):
                excluded.append(
                    ExplainedItem(
                        **{**vars(item), "reason": str(_("semua rencana aksinya dibatalkan"))}
                    )
                )
            elif running:
                numerator.append(
                    ExplainedItem(
                        **{
                            **vars(item),
                            "reason": str(_("rencana aksi terimplementasi: %(r)s"))
                            % {"r": ratio_text},
                        }
                    )
                )
            else:
                reason = (
                    str(_("belum ada rencana aksi"))
                    if not plans
                    else str(_("belum ada rencana aksi yang berjalan atau selesai"))
                )
                others.append(ExplainedItem(**{**vars(item), "reason": reason}))
        ratio = programme_ratio(items.programmes, items.plans_of)
        formula = str(_("Implementasi program = program berjalan ÷ program dihitung"))
        num_label = str(_("Program berjalan (minimal satu rencana aksi berjalan atau selesai)"))
        den_label = str(_("Program dihitung"))
    return Explanation(
        masterplan=masterplan,
        metric=metric,
        scope=scope,
        scope_label=items.label,
        ratio=ratio,
        formula=formula,
        numerator_label=num_label,
        denominator_label=den_label,
        numerator_items=tuple(numerator),
        other_counted_items=tuple(others),
        excluded_items=tuple(excluded),
        corrected_items=tuple(
            ExplainedItem(p.id, p.code, p.activity, p.status_label, marks[p.id])
            for p in behind
            if p.id in marks
        ),
        note=str(YEAR_RULE) if scope.kind == "year" else "",
    )


# --- Status corrections -----------------------------------------------------------------


def latest_corrections(plan_ids: Iterable[int]) -> dict[int, StatusCorrection]:
    """The latest correction of each of these action plans (one query)."""
    ids = list(plan_ids)
    if not ids:
        return {}
    latest: dict[int, StatusCorrection] = {}
    for correction in (
        StatusCorrection.objects.filter(action_plan_id__in=ids)
        .select_related("corrected_by")
        .order_by("action_plan_id", "-corrected_at", "-pk")
    ):
        latest.setdefault(correction.action_plan_id, correction)
    return latest


def correction_mark(correction: StatusCorrection) -> str:
    """The words that go wherever a corrected status is shown."""
    return str(_("dikoreksi oleh tim, tanpa laporan: %(reason)s")) % {"reason": correction.reason}


def action_plan_corrections(*, action_plan: ActionPlan) -> list[StatusCorrection]:
    return list(
        StatusCorrection.objects.filter(action_plan=action_plan)
        .select_related("corrected_by")
        .order_by("-corrected_at", "-pk")
    )


# --- Lookups ----------------------------------------------------------------------


def current_masterplan_kept(*, region: Region) -> Masterplan | None:
    """:func:`current_masterplan`, kept per live data version and year
    (core/caching.py: any save of a masterplan bumps it): the same row for
    every read request until something changes. For reading only: a write
    fetches its own row."""
    year = timezone.localdate().year
    return cached(
        ("current-masterplan", region.pk, year),
        lambda: current_masterplan(region=region),
        version=LIVE,
    )


def current_masterplan(*, region: Region) -> Masterplan | None:
    """The masterplan in force: enacted and covering this year; else the most
    recent one."""
    year = timezone.localdate().year
    qs: QuerySet[Masterplan] = Masterplan.objects.filter(region=region).select_related("region")
    return (
        qs.filter(
            status=Masterplan.Status.ENACTED, start_year__lte=year, end_year__gte=year
        ).first()
        or qs.order_by("-start_year").first()
    )
