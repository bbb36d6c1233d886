"""Regions side by side (issue 16): what each kab/kota *published*, read for
many regions at once, with aggregates that state their rule.

Only published, frozen figures enter a comparison:

- capaian rencana aksi, implementasi program and the quick wins come from
  the snapshot of the region's latest *closed* period of its public
  masterplan (the one the portal shows: :func:`kotacerdas.portal.selectors.public_masterplans`,
  the period chosen by :data:`kotacerdas.portal.selectors.PUBLISHED_ORDER`),
  read through :class:`kotacerdas.monitoring.snapshots.FrozenHeadline`
  (the overall ratios and quick wins only);
  never from live rows;
- the evaluation index is the latest revision of the region's latest
  *published* evaluation cycle, and its change is against the latest
  published cycle of an earlier year and the same stage (the rule of
  :func:`kotacerdas.evaluation.cycles.selectors.previous_published_cycle`,
  compared as :class:`kotacerdas.evaluation.assessment.selectors.ComparedFigure`
  compares it).

A region without an enacted masterplan, a closed period or a published
evaluation is still a row, with ``None`` where it has nothing published.
Reading N regions costs a fixed number of queries (regions, masterplans,
snapshots, evaluation revisions), whatever N.

Public functions:

- ``province_code(region_code)`` → ``"14"`` for ``"14.72"``: the one place
  a kab/kota's province is derived; ``province_name(code)``
- ``regions_in_scope(user)`` → the regions a person may compare
- ``comparison(*, regions, province=None)`` → :class:`Comparison`
- ``province_summary(*, regions, code)`` → :class:`ProvinceSummary`
- ``provinces_of(regions)`` → ``[(code, name)]`` for the province filter
- ``rows_sorted(rows, column, descending)``
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from kotacerdas.core.access import User, regions_in_comparison_scope, roles_of
from kotacerdas.core.formatting import round_half_up
from kotacerdas.evaluation.assessment.selectors import ComparedFigure
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.instruments.selectors import SCORE_PLACES
from kotacerdas.masterplan.models import ActionPlanStatus, Masterplan
from kotacerdas.masterplan.selectors import IN_IMPLEMENTATION, Metric, Ratio
from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
from kotacerdas.monitoring.snapshots import FrozenHeadline
from kotacerdas.portal.selectors import PUBLISHED_ORDER, public_masterplans
from kotacerdas.regions import reference
from kotacerdas.regions.models import Region

# --- Provinces and scope ----------------------------------------------------------------------


def province_code(region_code: str) -> str:
    """The province of a Kemendagri code: its first two digits (``14.72`` →
    ``14``; a province's own code ``14`` → ``14``). The one place the
    comparison derives a kab/kota's province."""
    return region_code.strip().split(".", 1)[0]


def province_name(code: str) -> str:
    """The province's name in the shipped Kemendagri reference; the code
    itself for a code the reference does not know."""
    area = reference.get_area(province_code(code))
    return area.name if area is not None else code


def is_province_code(code: str) -> bool:
    area = reference.get_area(code.strip()) if code.strip().isdigit() else None
    return area is not None and area.level == reference.LEVEL_PROVINCE


def regions_in_scope(user: User) -> QuerySet[Region]:
    """The kab/kota ``user`` may compare: the comparison scope of
    core.access (every region for a superuser and the ministry's roles, a
    province analyst's province, the regions of the user's own roles),
    provinces left out (their own masterplans are not kab/kota figures).
    The one home of this rule for the page, the exports and the command."""
    return regions_in_comparison_scope(user).filter(kind=Region.Kind.KABKOTA)


def shows_comparison(user: User) -> bool:
    """Whether the navigation offers the comparison: to a superuser, the
    ministry's roles and a province analyst, and to anyone with more than
    one region of their own (a single region's figures are on its own
    dashboard). No query beyond the user's roles."""
    roles = roles_of(user)
    return (
        roles.superuser
        or roles.reads_all_regions
        or bool(roles.analyst_provinces)
        or len(roles.member_regions) > 1
    )


# --- One region's published figures -------------------------------------------------------------


@dataclass(frozen=True)
class PublishedPeriod:
    """The closed period a region's figures come from."""

    label: str
    year: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    closed_on: dt.date  # the region's local date of the close


@dataclass(frozen=True)
class QuickWins:
    """The published quick wins: how many, how many in implementation
    (berjalan or selesai), how many done."""

    total: int
    in_implementation: int
    done: int


@dataclass(frozen=True)
class EvaluationIndex:
    """A region's latest published evaluation index and the previous one it
    is compared with (same stage, an earlier year)."""

    year: int
    stage: str
    index: Fraction
    previous_year: int | None
    previous: Fraction | None

    @property
    def compared(self) -> ComparedFigure:
        return ComparedFigure(code="index", name="", previous=self.previous, current=self.index)

    @property
    def shown(self) -> Decimal:
        return round_half_up(self.index, SCORE_PLACES)

    @property
    def change(self) -> Fraction | None:
        return self.compared.change

    @property
    def change_shown(self) -> Decimal | None:
        return self.compared.change_shown

    @property
    def stage_label(self) -> str:
        return str(EvaluationCycle.Stage(self.stage).label)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    province_code: str
    province_name: str
    enacted: bool  # has an enacted (public) masterplan
    period: PublishedPeriod | None
    action_plans: Ratio | None
    programmes: Ratio | None
    quick_wins: QuickWins | None
    evaluation: EvaluationIndex | None

    def ratio(self, metric: Metric) -> Ratio | None:
        return self.action_plans if metric == "action_plans" else self.programmes


def exact_text(value: Fraction) -> str:
    """A Fraction as exact text: ``63/103``, ``7/2``; a whole number plain."""
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def ratio_json(ratio: Ratio | None) -> dict[str, Any] | None:
    """A ratio for JSON: its counts, the exact ratio (``"63/103"``) and the
    percentage rounded half-up once to two decimals (``"61.17"``; null when
    nothing is counted)."""
    if ratio is None:
        return None
    percent = ratio.percent
    return {
        "numerator": ratio.numerator,
        "denominator": ratio.denominator,
        "exact": f"{ratio.numerator}/{ratio.denominator}",
        "percent": None if percent is None else str(percent),
    }


def row_json(row: RegionRow) -> dict[str, Any]:
    """The row as ``kotacerdas compare --json`` prints it (numbers as strings
    with a dot; dates ISO 8601; null where nothing is published)."""
    period = row.period
    evaluation = row.evaluation
    return {
        "code": row.code,
        "name": row.name,
        "province": {"code": row.province_code, "name": row.province_name},
        "masterplan_enacted": row.enacted,
        "period": None
        if period is None
        else {
            "label": period.label,
            "year": period.year,
            "number": period.number,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
            "closed_on": period.closed_on.isoformat(),
        },
        "action_plans": ratio_json(row.action_plans),
        "programmes": ratio_json(row.programmes),
        "quick_wins": None
        if row.quick_wins is None
        else {
            "total": row.quick_wins.total,
            "in_implementation": row.quick_wins.in_implementation,
            "done": row.quick_wins.done,
        },
        "evaluation": None
        if evaluation is None
        else {
            "year": evaluation.year,
            "stage": evaluation.stage,
            "index": str(evaluation.shown),
            "index_exact": exact_text(evaluation.index),
            "previous_year": evaluation.previous_year,
            "previous_index": None
            if evaluation.previous is None
            else str(round_half_up(evaluation.previous, SCORE_PLACES)),
            "change": None if evaluation.change_shown is None else str(evaluation.change_shown),
            "change_exact": None if evaluation.change is None else exact_text(evaluation.change),
        },
    }


# --- Reading many regions at once ---------------------------------------------------------------


def _latest_snapshots(masterplans: Iterable[Masterplan]) -> dict[int, PeriodSnapshot]:
    """Each masterplan's published snapshot (by masterplan id), in one query:
    the latest closed period's, chosen in the database; of its JSON only the
    overall ratios and the quick wins (:class:`FrozenHeadline`), not the rest
    of the figures, the plan statuses or the published texts."""
    ids = [m.pk for m in masterplans]
    if not ids:
        return {}
    latest = (
        PeriodSnapshot.objects.filter(
            period__masterplan=OuterRef("pk"), period__state=ReportingPeriod.State.CLOSED
        )
        .order_by(*PUBLISHED_ORDER)
        .values("pk")[:1]
    )
    chosen = Masterplan.objects.filter(pk__in=ids).annotate(snapshot=Subquery(latest))
    snapshots = (
        PeriodSnapshot.objects.filter(pk__in=chosen.values("snapshot"))
        .select_related("period")
        .annotate(**FrozenHeadline.annotations())
        .only(
            "id",
            "layout",
            "taken_at",
            "period__id",
            "period__masterplan_id",
            "period__frequency",
            "period__year",
            "period__number",
            "period__starts_on",
            "period__ends_on",
        )
    )
    return {s.period.masterplan_id: s for s in snapshots}


def _evaluations(region_ids: Sequence[int]) -> dict[int, EvaluationIndex]:
    """Each region's latest published index and the one before it, in one
    query: the index of the newest revision of every published cycle (the
    ``fraction`` stored at publication, exact)."""
    rows = (
        ResultRevision.objects.filter(
            cycle__region_id__in=list(region_ids), cycle__state=EvaluationCycle.State.PUBLISHED
        )
        .annotate(fraction=KT("result__index__fraction"))
        .order_by("cycle_id", "number")
        .values_list("cycle__region_id", "cycle__year", "cycle__stage", "fraction")
    )
    # (region, year, stage) → index of the newest revision (later numbers win).
    cycles: dict[tuple[int, int, str], Fraction] = {}
    for region_id, year, stage, fraction in rows:
        if fraction:
            cycles[(region_id, year, stage)] = Fraction(fraction)
        else:
            cycles.pop((region_id, year, stage), None)
    found: dict[int, EvaluationIndex] = {}
    for region_id in {key[0] for key in cycles}:
        mine = sorted((y, s) for (r, y, s) in cycles if r == region_id)
        year, stage = mine[-1]
        earlier = [y for (y, s) in mine if s == stage and y < year]
        previous_year = earlier[-1] if earlier else None
        found[region_id] = EvaluationIndex(
            year=year,
            stage=stage,
            index=cycles[(region_id, year, stage)],
            previous_year=previous_year,
            previous=None if previous_year is None else cycles[(region_id, previous_year, stage)],
        )
    return found


def _quick_wins(headline: FrozenHeadline) -> QuickWins:
    items = headline.quick_wins
    return QuickWins(
        total=len(items),
        in_implementation=sum(1 for q in items if q.status in IN_IMPLEMENTATION),
        done=sum(1 for q in items if q.status == ActionPlanStatus.DONE.value),
    )


def region_rows(regions: Iterable[Region]) -> list[RegionRow]:
    """One row per region (in the order given), from published data only.
    Four queries whatever the number of regions."""
    regions = list(regions)
    masterplans = public_masterplans(regions=regions)
    snapshots = _latest_snapshots(masterplans.values())
    evaluations = _evaluations([r.pk for r in regions])
    rows: list[RegionRow] = []
    for region in regions:
        masterplan = masterplans.get(region.pk)
        snapshot = snapshots.get(masterplan.pk) if masterplan is not None else None
        period: PublishedPeriod | None = None
        headline: FrozenHeadline | None = None
        if snapshot is not None:
            headline = FrozenHeadline.of(snapshot)
            p = snapshot.period
            period = PublishedPeriod(
                label=p.label,
                year=p.year,
                number=p.number,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                closed_on=timezone.localdate(snapshot.taken_at, timezone=region.tzinfo),
            )

        def ratio(metric: Metric, headline: FrozenHeadline | None = headline) -> Ratio | None:
            return None if headline is None else headline.ratio(metric).ratio

        code = province_code(region.code)
        rows.append(
            RegionRow(
                code=region.code,
                name=region.name,
                province_code=code,
                province_name=province_name(code),
                enacted=masterplan is not None,
                period=period,
                action_plans=ratio("action_plans"),
                programmes=ratio("programmes"),
                quick_wins=None if headline is None else _quick_wins(headline),
                evaluation=evaluations.get(region.pk),
            )
        )
    return rows


# --- Aggregates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatioAggregate:
    """One ratio over many regions, by both rules: the mean of the regions'
    percentages (each region weighs the same) and the pooled ratio (every
    counted item weighs the same: Σ numerators ÷ Σ denominators). Regions
    without a published figure, or with nothing counted, are left out of
    both; ``regions`` says how many entered."""

    metric: Metric
    regions: int
    mean: Fraction | None  # exact, in percent
    pooled: Ratio

    @property
    def mean_shown(self) -> Decimal | None:
        return None if self.mean is None else round_half_up(self.mean)

    @property
    def pooled_shown(self) -> Decimal | None:
        return self.pooled.percent


@dataclass(frozen=True)
class QuickWinAggregate:
    """Pooled counts of the published quick wins."""

    regions: int
    total: int
    in_implementation: int
    done: int


@dataclass(frozen=True)
class IndexAggregate:
    """The mean of the regions' latest published indexes (each region weighs
    the same, whatever its year), and the mean of their changes over the
    regions that have one."""

    regions: int
    mean: Fraction | None
    changes: int
    mean_change: Fraction | None

    @property
    def mean_shown(self) -> Decimal | None:
        return None if self.mean is None else round_half_up(self.mean, SCORE_PLACES)

    @property
    def mean_change_shown(self) -> Decimal | None:
        return None if self.mean_change is None else round_half_up(self.mean_change, SCORE_PLACES)


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def ratio_aggregate(rows: Sequence[RegionRow], metric: Metric) -> RatioAggregate:
    counted = [r for r in (row.ratio(metric) for row in rows) if r is not None and r.denominator]
    return RatioAggregate(
        metric=metric,
        regions=len(counted),
        mean=_mean([Fraction(r.numerator * 100, r.denominator) for r in counted]),
        pooled=Ratio(sum(r.numerator for r in counted), sum(r.denominator for r in counted)),
    )


def quick_win_aggregate(rows: Sequence[RegionRow]) -> QuickWinAggregate:
    found = [row.quick_wins for row in rows if row.quick_wins is not None]
    return QuickWinAggregate(
        regions=len(found),
        total=sum(q.total for q in found),
        in_implementation=sum(q.in_implementation for q in found),
        done=sum(q.done for q in found),
    )


def index_aggregate(rows: Sequence[RegionRow]) -> IndexAggregate:
    found = [row.evaluation for row in rows if row.evaluation is not None]
    changes = [e.change for e in found if e.change is not None]
    return IndexAggregate(
        regions=len(found),
        mean=_mean([e.index for e in found]),
        changes=len(changes),
        mean_change=_mean(changes),
    )


@dataclass(frozen=True)
class Comparison:
    rows: tuple[RegionRow, ...]
    action_plans: RatioAggregate
    programmes: RatioAggregate
    quick_wins: QuickWinAggregate
    evaluation: IndexAggregate

    @property
    def published(self) -> int:
        """Regions with a published period."""
        return sum(1 for row in self.rows if row.period is not None)

    @property
    def enacted(self) -> int:
        return sum(1 for row in self.rows if row.enacted)


def comparison_of(rows: Sequence[RegionRow]) -> Comparison:
    return Comparison(
        rows=tuple(rows),
        action_plans=ratio_aggregate(rows, "action_plans"),
        programmes=ratio_aggregate(rows, "programmes"),
        quick_wins=quick_win_aggregate(rows),
        evaluation=index_aggregate(rows),
    )


def _kab_kota(regions: QuerySet[Region]) -> QuerySet[Region]:
    """Kab/kota only (``PP.KK``): a province's own region (``PP``, its Smart
    Province masterplan) is not compared with its kab/kota."""
    return regions.filter(code__contains=".").order_by("code")


def comparison(*, regions: QuerySet[Region], province: str | None = None) -> Comparison:
    """The kab/kota of ``regions`` (all, or those of ``province``) side by side."""
    chosen = _kab_kota(regions)
    if province:
        chosen = chosen.filter(code__startswith=f"{province_code(province)}.")
    return comparison_of(region_rows(chosen))


def provinces_of(regions: QuerySet[Region]) -> list[tuple[str, str]]:
    """The provinces of the kab/kota in ``regions``, by code, with their names."""
    codes = sorted(
        {province_code(code) for code in _kab_kota(regions).values_list("code", flat=True)}
    )
    return [(code, province_name(code)) for code in codes]


@dataclass(frozen=True)
class ProvinceSummary:
    code: str
    name: str
    comparison: Comparison
    reference_total: int  # kab/kota of the province in the Kemendagri reference

    @property
    def enacted(self) -> Ratio:
        """Kab/kota in scope with an enacted masterplan ÷ kab/kota in scope."""
        return Ratio(self.comparison.enacted, len(self.comparison.rows))

    @property
    def enacted_of_reference(self) -> Ratio:
        """Kab/kota with an enacted masterplan ÷ every kab/kota of the
        province in the Kemendagri reference (those not using KotaCerdas
        count as without one)."""
        return Ratio(self.comparison.enacted, self.reference_total)


def province_summary(*, regions: QuerySet[Region], code: str) -> ProvinceSummary | None:
    """The province ``code``'s kab/kota in ``regions``; None for a code that
    is not a province of the reference or has no kab/kota in ``regions``."""
    if not is_province_code(code):
        return None
    found = comparison(regions=regions, province=code)
    if not found.rows:
        return None
    return ProvinceSummary(
        code=code,
        name=province_name(code),
        comparison=found,
        reference_total=len(reference.children(code)),
    )


# --- Sorting -----------------------------------------------------------------------------------


def _percent(ratio: Ratio | None) -> Fraction | None:
    if ratio is None or not ratio.denominator:
        return None
    return Fraction(ratio.numerator, ratio.denominator)


SORT_KEYS: dict[str, Callable[[RegionRow], Any]] = {
    "kode": lambda r: r.code,
    "nama": lambda r: r.name.lower(),
    "provinsi": lambda r: (r.province_code, r.code),
    "rencana_aksi": lambda r: _percent(r.action_plans),
    "program": lambda r: _percent(r.programmes),
    "quick_win": lambda r: None if r.quick_wins is None else r.quick_wins.total,
    "indeks": lambda r: None if r.evaluation is None else r.evaluation.index,
    "perubahan": lambda r: None if r.evaluation is None else r.evaluation.change,
    "periode": lambda r: None if r.period is None else r.period.closed_on,
}
DEFAULT_SORT = "kode"


def rows_sorted(
    rows: Iterable[RegionRow], column: str, *, descending: bool = False
) -> list[RegionRow]:
    """``rows`` by ``column`` (a key of :data:`SORT_KEYS`); regions without
    the figure last in both directions, then by code."""
    key = SORT_KEYS[column]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: r.code)
    present.sort(key=key, reverse=descending)
    return present + sorted(missing, key=lambda r: r.code)
