"""Trends across closed reporting periods: the selectors behind the trend
charts of the dashboard and the public portal.

Every point is a figure a closed period froze (``PeriodSnapshot``, read
through :meth:`kotacerdas.monitoring.snapshots.Frozen.figures_of`): a trend
never mixes in live rows, so a change made after a close cannot move it, and
the public portal (which shows only what was closed) reads the same function
(:func:`kotacerdas.portal.selectors.public_trends`).

Lines are kept by key: the overall scope, each pillar by its code and each
agency by its short name, as written at each close. A pillar or agency that
a period did not know has no point there (the chart breaks the line rather
than drawing a zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from kotacerdas.core import charts
from kotacerdas.core.formatting import round_half_up
from kotacerdas.masterplan.models import Masterplan
from kotacerdas.masterplan.models import ReportingFrequency as Frequency
from kotacerdas.masterplan.selectors import Metric
from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
from kotacerdas.monitoring.snapshots import Frozen, FrozenFigures, FrozenPair, FrozenRatio

# How many closed periods a trend shows at most (the latest ones): three
# years of quarters.
TREND_PERIODS = 12
# Fewer closed periods than this make no trend; the page says so.
TREND_MINIMUM = 2

_ROMAN = ("I", "II", "III", "IV")


def period_short_label(period: ReportingPeriod) -> str:
    """A period's name short enough for a chart axis: ``TW III 2024``."""
    if period.frequency == Frequency.YEARLY:
        return str(period.year)
    roman = _ROMAN[period.number - 1]
    if period.frequency == Frequency.SEMESTER:
        return _("Smt %(n)s %(year)s") % {"n": roman, "year": period.year}
    return _("TW %(n)s %(year)s") % {"n": roman, "year": period.year}


@dataclass(frozen=True)
class TrendPeriod:
    pk: int
    label: str
    short_label: str


@dataclass(frozen=True)
class TrendLine:
    """One scope's frozen ratios, a point per period (None where the period
    did not know the scope)."""

    key: str
    label: str
    action_plans: tuple[FrozenRatio | None, ...]
    programmes: tuple[FrozenRatio | None, ...]

    def points(self, metric: Metric) -> tuple[FrozenRatio | None, ...]:
        return self.action_plans if metric == "action_plans" else self.programmes

    def percents(self, metric: Metric) -> tuple[Decimal | None, ...]:
        return tuple(None if r is None else r.percent for r in self.points(metric))

    def latest(self, metric: Metric) -> FrozenRatio | None:
        """The ratio of the latest period (None when that period did not know
        this scope)."""
        points = self.points(metric)
        return points[-1] if points else None

    def change(self, metric: Metric) -> Decimal | None:
        """Percentage points gained since the period before the latest; None
        when either has no percentage. From the exact ratios, rounded once
        (DESIGN.md): 63/103 after 58/103 is 4,85 points, not 61,17 − 56,31."""
        points = self.points(metric)
        if len(points) < 2:
            return None
        before, latest = points[-2], points[-1]
        if before is None or latest is None or not before.denominator or not latest.denominator:
            return None
        exact = Fraction(latest.numerator, latest.denominator) - Fraction(
            before.numerator, before.denominator
        )
        return round_half_up(exact * 100)

    # Templates cannot pass arguments: the two metrics by name.
    @property
    def action_plans_latest(self) -> FrozenRatio | None:
        return self.latest("action_plans")

    @property
    def programmes_latest(self) -> FrozenRatio | None:
        return self.latest("programmes")

    @property
    def action_plans_change(self) -> Decimal | None:
        return self.change("action_plans")

    @property
    def programmes_change(self) -> Decimal | None:
        return self.change("programmes")


@dataclass(frozen=True)
class Trends:
    periods: tuple[TrendPeriod, ...]  # oldest first
    overall: TrendLine
    pillars: tuple[TrendLine, ...]
    agencies: tuple[TrendLine, ...]
    closed_total: int  # every closed period with a snapshot, shown or not

    @property
    def enough(self) -> bool:
        """Whether there is a trend to draw (at least two closed periods)."""
        return len(self.periods) >= TREND_MINIMUM

    @property
    def minimum(self) -> int:
        return TREND_MINIMUM


def _line(key: str, label: str, pairs: Sequence[FrozenPair | None]) -> TrendLine:
    return TrendLine(
        key=key,
        label=label,
        action_plans=tuple(None if p is None else p.action_plans for p in pairs),
        programmes=tuple(None if p is None else p.programmes for p in pairs),
    )


def trends_of(
    frozen: Sequence[tuple[TrendPeriod, FrozenFigures]], *, closed_total: int | None = None
) -> Trends:
    """The trend lines of frozen figures, oldest period first. Pure: the
    dashboard and the portal feed it what they may show. Pillars and agencies
    come in the latest period's order (its names), then those only older
    periods knew."""
    periods = tuple(p for p, _f in frozen)
    figures = [f for _p, f in frozen]
    pillar_names: dict[str, str] = {}
    agency_names: dict[str, str] = {}
    for f in reversed(figures):
        for pillar in f.pillars:
            pillar_names.setdefault(pillar.code, pillar.name)
        for agency in f.agencies:
            agency_names.setdefault(agency.short_name, agency.short_name)
    pillar_at = [{p.code: p for p in f.pillars} for f in figures]
    agency_at = [{a.short_name: a for a in f.agencies} for f in figures]
    return Trends(
        periods=periods,
        overall=_line("overall", _("Keseluruhan"), [f.overall for f in figures]),
        pillars=tuple(
            _line(code, name, [at.get(code) for at in pillar_at])
            for code, name in pillar_names.items()
        ),
        agencies=tuple(
            _line(key, name, [at.get(key) for at in agency_at])
            for key, name in agency_names.items()
        ),
        closed_total=len(periods) if closed_total is None else closed_total,
    )


@dataclass(frozen=True)
class TrendSnapshots:
    """The latest closed periods' snapshots of a masterplan (newest first)
    and how many periods are closed: all a trend is drawn from."""

    snapshots: tuple[PeriodSnapshot, ...]
    closed_total: int

    @property
    def version(self) -> tuple[object, ...]:
        """What the trends depend on: the snapshots (id, when taken) and the
        number closed. Snapshots are never rewritten (decisions §13), so
        trends of the same version are the same."""
        return (
            self.closed_total,
            tuple((s.pk, s.taken_at.isoformat()) for s in self.snapshots),
        )

    def trends(self) -> Trends:
        frozen = [
            (
                TrendPeriod(
                    pk=s.period.pk, label=s.period.label, short_label=period_short_label(s.period)
                ),
                Frozen.figures_of(s),
            )
            for s in reversed(self.snapshots)
        ]
        return trends_of(frozen, closed_total=self.closed_total)


def trend_snapshots(*, masterplan: Masterplan, limit: int = TREND_PERIODS) -> TrendSnapshots:
    """The snapshots :func:`period_trends` draws from. At most two queries
    whatever the number of periods, plans or agencies (only the ``figures``
    column of each is loaded)."""
    closed = (
        PeriodSnapshot.objects.filter(
            period__masterplan=masterplan, period__state=ReportingPeriod.State.CLOSED
        )
        .select_related("period")
        .only(
            "id",
            "layout",
            "taken_at",
            "figures",
            "period__id",
            "period__frequency",
            "period__year",
            "period__number",
        )
        .order_by("-period__year", "-period__number")
    )
    snapshots = tuple(closed[:limit])
    total = len(snapshots) if len(snapshots) < limit else closed.count()
    return TrendSnapshots(snapshots, total)


def period_trends(*, masterplan: Masterplan, limit: int = TREND_PERIODS) -> Trends:
    """The trends of ``masterplan`` over its latest ``limit`` closed periods,
    from their snapshots only (:func:`trend_snapshots`: at most two queries)."""
    return trend_snapshots(masterplan=masterplan, limit=limit).trends()


# --- Charts of a trend (core/charts.py draws them) ------------------------------------------


def _series_labels() -> dict[Metric, str]:
    return {"action_plans": _("Capaian rencana aksi"), "programmes": _("Implementasi program")}


def trend_chart(trends: Trends, line: TrendLine, *, chart_id: str) -> charts.Chart:
    """The full chart of one line: both ratios across the periods."""
    labels = _series_labels()
    scope = line.label.lower() if line.key == "overall" else line.label
    return charts.line_chart(
        chart_id=chart_id,
        title=_("Tren %(scope)s per periode yang ditutup") % {"scope": scope},
        categories=[p.short_label for p in trends.periods],
        series=[
            charts.Series(labels["action_plans"], line.percents("action_plans")),
            charts.Series(labels["programmes"], line.percents("programmes")),
        ],
        category_label=_("Periode"),
    )


def trend_sparkline(trends: Trends, line: TrendLine, *, chart_id: str) -> charts.Chart:
    """A table cell's small chart of one line (both ratios)."""
    labels = _series_labels()
    return charts.line_chart(
        chart_id=chart_id,
        title=_("Tren %(scope)s") % {"scope": line.label},
        categories=[p.short_label for p in trends.periods],
        series=[
            charts.Series(labels["action_plans"], line.percents("action_plans")),
            charts.Series(labels["programmes"], line.percents("programmes")),
        ],
        compact=True,
    )


@dataclass(frozen=True)
class TrendRow:
    line: TrendLine
    spark: charts.Chart


@dataclass(frozen=True)
class TrendGroup:
    key: str  # "pillars" or "agencies"
    title: str
    scope_label: str
    rows: tuple[TrendRow, ...]


@dataclass(frozen=True)
class TrendCharts:
    """What a trend panel draws: the overall chart and a row with a sparkline
    per pillar and per agency."""

    trends: Trends
    overall: charts.Chart | None
    pillars: tuple[TrendRow, ...]
    agencies: tuple[TrendRow, ...]

    @property
    def groups(self) -> tuple[TrendGroup, ...]:
        return (
            TrendGroup("pillars", _("Per pilar"), _("Pilar"), self.pillars),
            TrendGroup("agencies", _("Per perangkat daerah"), _("Perangkat daerah"), self.agencies),
        )


def trend_charts(trends: Trends, *, prefix: str, agencies: bool = True) -> TrendCharts:
    """The charts of ``trends``; none when there is no trend yet. ``prefix``
    keeps the SVG ids unique on the page."""
    if not trends.enough:
        return TrendCharts(trends, None, (), ())
    return TrendCharts(
        trends=trends,
        overall=trend_chart(trends, trends.overall, chart_id=f"{prefix}-overall"),
        pillars=tuple(
            TrendRow(line, trend_sparkline(trends, line, chart_id=f"{prefix}-p{i}"))
            for i, line in enumerate(trends.pillars, start=1)
        ),
        agencies=tuple(
            TrendRow(line, trend_sparkline(trends, line, chart_id=f"{prefix}-a{i}"))
            for i, line in enumerate(trends.agencies, start=1)
        )
        if agencies
        else (),
    )
