"""What is public about a region's Smart City plan: the public portal's pages
and the REST API's public read endpoints read it here, and the open data
(:mod:`kotacerdas.portal.datasets`) is built from it.

Only published, verified data leaves this module:

- Figures, statuses and texts (names, codes, targets, descriptions, years,
  agencies) come from what the latest *closed* reporting period froze
  (:class:`kotacerdas.monitoring.snapshots.Frozen`, read from its
  ``PeriodSnapshot``); never from the live tables, which hold drafts and
  unverified changes. Before any period is closed there are no figures at
  all, only the plan's structure (pillars, programmes, action plans without
  a status); a layout-1 snapshot (closed before texts were frozen) keeps its
  frozen figures and statuses with today's texts.
- Evidence photos appear only when the close chose them: marked public
  (``Evidence.is_public``) on a verified report at the time of the close.
- Nothing personal: no user, no officer, no head of agency, no budget owner;
  registry (UMKM) figures are the suppressed aggregates of
  :func:`kotacerdas.umkm.statistics.selectors.public_statistics`.

The counting rule is not repeated here: figures are the snapshot's frozen
values, and explanations call :func:`kotacerdas.masterplan.selectors.figure_explain`
with the snapshot's plan statuses.

Public functions (keyword-only; they return frozen dataclasses):

- ``public_region(code=)`` → ``Region | None``; ``public_regions()`` → ``list[Region]``
- ``public_masterplan(region=)`` → ``Masterplan | None``;
  ``public_masterplans(regions=)`` → ``dict[int, Masterplan]``, the same for
  many regions in one query
- ``published_snapshot(masterplan=)`` / ``published_snapshots(masterplan=)``
  → ``PublishedSnapshot | None`` / ``list[PublishedSnapshot]``
- ``public_plan(code=)`` / ``public_plan_for(region=)`` → ``PublicPlan | None``:
  region → public masterplan → latest published snapshot, the one lookup of
  every page and API endpoint that shows a plan
- ``public_header(masterplan=, snapshot=)`` → ``PublishedMasterplan``: title,
  years and legal basis as published
- ``publication_overdue(ends_on=, frequency=, today=)`` → ``bool``: the
  published period is older than the reporting schedule allows
  (``PublishedSnapshot.overdue``)
- ``public_overview(region=)`` → ``PublicOverview`` (home page, widget)
- ``public_pillars(masterplan=, snapshot=)`` → ``list[PublicPillar]``
- ``public_programmes(masterplan=, snapshot=, pillar=None, query="")`` → ``list[PublicProgramme]``
- ``public_programme(masterplan=, snapshot=, pk=)`` → ``PublicProgramme`` (LookupError)
- ``public_action_plans(masterplan=, snapshot=, programme_id=None)`` → ``list[PublicActionPlan]``
- ``public_quick_wins(masterplan=, snapshot=)`` → ``list[PublicQuickWin]``
- ``public_photo(region=, pk=)`` → ``PublishedPhoto`` (LookupError): a photo the
  published snapshot chose
- ``public_trends(masterplan=)`` → ``Trends``: every published (closed)
  period's frozen figures, overall, per pillar and per agency
- ``public_search(masterplan=, snapshot=, query=)`` → ``SearchResults``; the
  matching rule (``query_matcher``) is also the API's programme filter
- ``public_figure_explain(masterplan=, snapshot=, metric=, scope=)``
  → ``PublicExplanation`` (LookupError)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Horizon,
    Masterplan,
    Pillar,
    Programme,
    ReportingFrequency,
)
from kotacerdas.masterplan.selectors import (
    METRICS,
    Explanation,
    FrozenRows,
    Metric,
    PlanRow,
    ProgrammeRow,
    Ratio,
    Scope,
    figure_explain,
    programme_counted,
    programme_running,
)
from kotacerdas.monitoring.models import Evidence, PeriodSnapshot, ProgressReport, ReportingPeriod
from kotacerdas.monitoring.snapshots import (
    PLAN_LOOKUPS,
    PROGRAMME_LOOKUPS,
    Frozen,
    FrozenPublished,
    PublishedMasterplan,
    PublishedPhoto,
    as_lookup_row,
)
from kotacerdas.monitoring.trends import Trends, period_trends
from kotacerdas.regions.models import Region

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 50


# --- Regions, masterplans, snapshots ---------------------------------------------------------


def public_region(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def public_regions() -> list[Region]:
    """Regions with an enacted masterplan, by code."""
    return list(
        Region.objects.filter(masterplans__status=Masterplan.Status.ENACTED)
        .distinct()
        .order_by("code")
    )


def public_masterplan(*, region: Region) -> Masterplan | None:
    """The masterplan the portal shows: an enacted one (a draft is not
    published), preferably the one covering the region's year, else the
    latest. One query."""
    return public_masterplans(regions=[region]).get(region.pk)


def public_masterplans(*, regions: Iterable[Region]) -> dict[int, Masterplan]:
    """:func:`public_masterplan` of many regions (by region id; a region
    without an enacted masterplan is left out), in one query whatever their
    number (the national comparison reads every region at once): the
    enacted one covering the region's year (the latest start first), else
    the latest by start year."""
    by_id = {region.pk: region for region in regions}
    enacted: dict[int, list[Masterplan]] = {}
    for masterplan in Masterplan.objects.filter(
        region_id__in=list(by_id), status=Masterplan.Status.ENACTED
    ).order_by("region_id", "-start_year", "pk"):
        masterplan.region = by_id[masterplan.region_id]
        enacted.setdefault(masterplan.region_id, []).append(masterplan)
    chosen: dict[int, Masterplan] = {}
    for region_id, candidates in enacted.items():
        year = timezone.localdate(timezone=by_id[region_id].tzinfo).year
        covering = [m for m in candidates if m.start_year <= year <= m.end_year]
        chosen[region_id] = (covering or candidates)[0]
    return chosen


# How long after the end of the period that follows the published one the
# portal waits for its close before saying the published data is overdue.
OVERDUE_GRACE_DAYS = 45
_FREQUENCY_MONTHS = {
    ReportingFrequency.QUARTERLY: 3,
    ReportingFrequency.SEMESTER: 6,
    ReportingFrequency.YEARLY: 12,
}


def _add_months(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``day``'s month (periods
    end on the last day of a month)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def publication_overdue(*, ends_on: dt.date, frequency: str, today: dt.date) -> bool:
    """True when the period after the one ending on ``ends_on`` (by the
    masterplan's reporting frequency) ended more than ``OVERDUE_GRACE_DAYS``
    ago and is still not published: the public data is older than the
    reporting schedule allows."""
    months = _FREQUENCY_MONTHS.get(ReportingFrequency(frequency), 12)
    next_end = _add_months(ends_on, months)
    return today > next_end + dt.timedelta(days=OVERDUE_GRACE_DAYS)


@dataclass(frozen=True)
class PublishedSnapshot:
    """A closed period and what it froze."""

    pk: int
    period_label: str
    year: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    frozen: Frozen
    zone: dt.tzinfo  # the region's: the snapshot's date is its local date
    # Older than the masterplan's reporting frequency allows, as of today.
    overdue: bool = False
    frequency_label: str = ""

    @property
    def published(self) -> FrozenPublished | None:
        """The texts frozen with the figures; None for a layout-1 snapshot
        (the portal then reads them live, decisions §36)."""
        return self.frozen.published

    @property
    def taken_at(self) -> dt.datetime:
        return self.frozen.taken_at

    @property
    def rule_version(self) -> str:
        return self.frozen.rule_version

    @property
    def date(self) -> dt.date:
        """The region's local date of the close, not the UTC one."""
        return timezone.localdate(self.taken_at, timezone=self.zone)

    def ratio(self, metric: Metric, scope: Scope) -> Ratio | None:
        """The frozen ratio of ``metric`` for the overall or a pillar scope."""
        frozen = self.frozen.figures.ratio(metric, scope)
        return None if frozen is None else frozen.ratio

    def status_of(self, code: str) -> str | None:
        """An action plan's status at the close; None for a plan created later."""
        return self.frozen.status_of(code)


def _published(snapshot: PeriodSnapshot, masterplan: Masterplan) -> PublishedSnapshot:
    period: ReportingPeriod = snapshot.period
    frequency = masterplan.reporting_frequency
    zone = masterplan.region.tzinfo
    return PublishedSnapshot(
        pk=snapshot.pk,
        period_label=period.label,
        year=period.year,
        number=period.number,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        frozen=Frozen.of(snapshot),
        zone=zone,
        overdue=publication_overdue(
            ends_on=period.ends_on, frequency=frequency, today=timezone.localdate(timezone=zone)
        ),
        frequency_label=str(ReportingFrequency(frequency).label).lower(),
    )


# Which closed period's snapshot is "the published one": the latest by
# period (not by closing time); the national comparison orders by it too.
PUBLISHED_ORDER = ("-period__year", "-period__number", "-taken_at")


def _closed_snapshots(masterplan: Masterplan) -> Any:
    return (
        PeriodSnapshot.objects.filter(
            period__masterplan=masterplan, period__state=ReportingPeriod.State.CLOSED
        )
        .select_related("period")
        .order_by(*PUBLISHED_ORDER)
    )


def published_snapshot(*, masterplan: Masterplan) -> PublishedSnapshot | None:
    """The snapshot of the latest closed period (by period, not closing time)."""
    snapshot = _closed_snapshots(masterplan).first()
    return None if snapshot is None else _published(snapshot, masterplan)


def published_snapshots(*, masterplan: Masterplan) -> list[PublishedSnapshot]:
    """Every closed period's snapshot, oldest first."""
    return [_published(s, masterplan) for s in reversed(list(_closed_snapshots(masterplan)))]


@dataclass(frozen=True)
class PublicPlan:
    """A region's public masterplan and its latest published snapshot (None
    before the first close)."""

    region: Region
    masterplan: Masterplan
    snapshot: PublishedSnapshot | None

    @property
    def header(self) -> PublishedMasterplan:
        return public_header(masterplan=self.masterplan, snapshot=self.snapshot)


def public_header(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None
) -> PublishedMasterplan:
    """The masterplan's title, years and legal basis as published: frozen at
    the close (layout 2), else the enacted masterplan's own."""
    if snapshot is not None and snapshot.published is not None:
        return snapshot.published.masterplan
    return PublishedMasterplan(
        title=masterplan.title,
        period=masterplan.period_label,
        legal_basis=masterplan.legal_basis,
        start_year=masterplan.start_year,
        end_year=masterplan.end_year,
    )


def public_plan_for(*, region: Region) -> PublicPlan | None:
    """The public plan of ``region``; None when it has no enacted masterplan."""
    masterplan = public_masterplan(region=region)
    if masterplan is None:
        return None
    return PublicPlan(region, masterplan, published_snapshot(masterplan=masterplan))


def public_plan(*, code: str) -> PublicPlan | None:
    """The public plan of the region with ``code``; None (a 404 for pages and
    the API) when the region or its masterplan is not public."""
    region = public_region(code=code)
    return None if region is None else public_plan_for(region=region)


# --- Plan structure with the snapshot's statuses ---------------------------------------------


def query_matcher(query: str) -> Callable[..., bool]:
    """The public search rule: ``matches(*texts)`` is true when the texts
    together contain every word of ``query``, case-insensitive (an empty
    query matches everything)."""
    words = query.casefold().split()

    def matches(*texts: str) -> bool:
        haystack = " ".join(texts).casefold()
        return all(w in haystack for w in words)

    return matches


@dataclass(frozen=True)
class PublicProgramme:
    id: int
    code: str
    name: str
    description: str
    pillar_code: str
    pillar_name: str
    element_name: str
    horizon: str
    horizon_label: str
    lead_agency: str
    lead_agency_name: str
    start_year: int
    end_year: int
    quick_win_year: int | None
    output: str
    outcome: str
    # As of the snapshot; None when no period is closed yet.
    running: bool | None
    counted: bool | None
    plans_total: int
    plans_in_implementation: int | None

    @property
    def status_label(self) -> str:
        if self.running is None:
            return ""
        if not self.counted:
            return _("dibatalkan")
        return _("berjalan") if self.running else _("belum berjalan")


@dataclass(frozen=True)
class PublicActionPlan:
    id: int
    code: str
    activity: str
    target: str
    year: int
    agency: str
    programme_id: int
    programme_code: str
    # As of the snapshot; "" when no period is closed or the plan is newer.
    status: str

    @property
    def status_label(self) -> str:
        return str(ActionPlanStatus(self.status).label) if self.status else ""


def _programme_rows(
    masterplan: Masterplan, snapshot: PublishedSnapshot | None, pillar: str | None = None
) -> list[Any]:
    """Programme rows as published: the snapshot's frozen ones (layout 2), or
    the live rows before the first close and for a layout-1 snapshot; both in
    the shape of ``.values(*PROGRAMME_LOOKUPS.values())``."""
    if snapshot is not None and snapshot.published is not None:
        return [
            as_lookup_row(p)
            for p in snapshot.published.programmes
            if pillar is None or p.pillar_code == pillar
        ]
    qs = Programme.objects.filter(masterplan=masterplan)
    if pillar is not None:
        qs = qs.filter(element__pillar__code=pillar)
    return list(qs.order_by("code").values(*PROGRAMME_LOOKUPS.values()))


def _plan_rows(
    masterplan: Masterplan, snapshot: PublishedSnapshot | None, programme_id: int | None = None
) -> list[Any]:
    """Action plan rows as published (see :func:`_programme_rows`)."""
    if snapshot is not None and snapshot.published is not None:
        return [
            as_lookup_row(a)
            for a in snapshot.published.action_plans
            if programme_id is None or a.programme_id == programme_id
        ]
    qs = ActionPlan.objects.filter(masterplan=masterplan)
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    return list(qs.order_by("code").values(*PLAN_LOOKUPS.values()))


def _frozen_plans(
    plans: list[dict[str, Any]], snapshot: PublishedSnapshot
) -> dict[int, list[PlanRow]]:
    """The plans the snapshot knew, with their frozen status, per programme."""
    by_programme: dict[int, list[PlanRow]] = {}
    for row in plans:
        status = snapshot.status_of(row["code"])
        if status is None:
            continue
        by_programme.setdefault(row["programme_id"], []).append(
            PlanRow(
                id=row["id"],
                code=row["code"],
                activity=row["activity"],
                status=status,
                year=row["year"],
                agency_id=row["agency_id"],
                programme_id=row["programme_id"],
            )
        )
    return by_programme


def _programmes(
    rows: list[dict[str, Any]], plans: list[dict[str, Any]], snapshot: PublishedSnapshot | None
) -> list[PublicProgramme]:
    frozen = _frozen_plans(plans, snapshot) if snapshot else {}
    totals: dict[int, int] = {}
    for plan in plans:
        totals[plan["programme_id"]] = totals.get(plan["programme_id"], 0) + 1
    result = []
    for row in rows:
        own = frozen.get(row["id"], [])
        result.append(
            PublicProgramme(
                id=row["id"],
                code=row["code"],
                name=row["name"],
                description=row["description"],
                pillar_code=row["element__pillar__code"],
                pillar_name=row["element__pillar__name"],
                element_name=row["element__name"],
                horizon=row["horizon"],
                horizon_label=str(Horizon(row["horizon"]).label),
                lead_agency=row["lead_agency__short_name"],
                lead_agency_name=row["lead_agency__name"],
                start_year=row["start_year"],
                end_year=row["end_year"],
                quick_win_year=row["quick_win_year"],
                output=row["output"],
                outcome=row["outcome"],
                running=programme_running(own) if snapshot else None,
                counted=programme_counted(own) if snapshot else None,
                plans_total=totals.get(row["id"], 0),
                plans_in_implementation=(
                    sum(1 for p in own if p.in_implementation) if snapshot else None
                ),
            )
        )
    return result


def public_programmes(
    *,
    masterplan: Masterplan,
    snapshot: PublishedSnapshot | None,
    pillar: str | None = None,
    query: str = "",
) -> list[PublicProgramme]:
    """Programmes (of one pillar, or all; whose code or name matches ``query``
    by the search rule, :func:`query_matcher`) with whether each ran as of the
    snapshot. Two queries."""
    matches = query_matcher(query)
    rows = [
        r for r in _programme_rows(masterplan, snapshot, pillar) if matches(r["code"], r["name"])
    ]
    ids = {r["id"] for r in rows}
    plans = [p for p in _plan_rows(masterplan, snapshot) if p["programme_id"] in ids]
    return _programmes(rows, plans, snapshot)


def public_programme(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, pk: int
) -> PublicProgramme:
    """One programme of this masterplan; LookupError for any other."""
    rows = [r for r in _programme_rows(masterplan, snapshot) if r["id"] == pk]
    if not rows:
        raise LookupError(pk)
    return _programmes(rows, _plan_rows(masterplan, snapshot, pk), snapshot)[0]


def public_action_plans(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, programme_id: int | None = None
) -> list[PublicActionPlan]:
    """Action plans with their status as of the snapshot (never the live status)."""
    return [
        PublicActionPlan(
            id=row["id"],
            code=row["code"],
            activity=row["activity"],
            target=row["target"],
            year=row["year"],
            agency=row["agency__short_name"],
            programme_id=row["programme_id"],
            programme_code=row["programme__code"],
            status=(snapshot.status_of(row["code"]) or "") if snapshot else "",
        )
        for row in _plan_rows(masterplan, snapshot, programme_id)
    ]


# --- Pillars -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPillar:
    code: str
    name: str
    order: int
    programme_count: int
    # From the snapshot; None when no period is closed yet.
    action_plans: Ratio | None
    programmes: Ratio | None


def public_pillars(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None
) -> list[PublicPillar]:
    """The six pillars in the masterplan's order with their frozen figures and
    names (live before the first close and for a layout-1 snapshot). At most
    one query."""
    pillars: list[dict[str, Any]]
    if snapshot is not None and snapshot.published is not None:
        published = snapshot.published
        pillars = [
            {
                "code": p.code,
                "name": p.name,
                "order": p.order,
                "n": sum(1 for g in published.programmes if g.pillar_code == p.code),
            }
            for p in published.pillars
        ]
    else:
        pillars = list(
            Pillar.objects.filter(masterplan=masterplan)
            .annotate(n=Count("elements__programmes"))
            .order_by("order")
            .values("code", "name", "order", "n")
        )
    return [
        PublicPillar(
            code=p["code"],
            name=p["name"],
            order=p["order"],
            programme_count=p["n"],
            action_plans=snapshot.ratio("action_plans", Scope("pillar", p["code"]))
            if snapshot
            else None,
            programmes=snapshot.ratio("programmes", Scope("pillar", p["code"]))
            if snapshot
            else None,
        )
        for p in pillars
    ]


def public_pillar(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, code: str
) -> PublicPillar:
    found = next(
        (p for p in public_pillars(masterplan=masterplan, snapshot=snapshot) if p.code == code),
        None,
    )
    if found is None:
        raise LookupError(code)
    return found


# --- Quick wins and their public photos ----------------------------------------------------


@dataclass(frozen=True)
class PublicPhoto:
    id: int
    caption: str


@dataclass(frozen=True)
class PublicQuickWin:
    code: str
    name: str
    year: int
    pillar_code: str
    lead_agency: str
    status: str
    programme_id: int | None
    photos: tuple[PublicPhoto, ...]

    @property
    def status_label(self) -> str:
        return str(ActionPlanStatus(self.status).label) if self.status else ""


def _public_evidence(masterplan: Masterplan) -> Any:
    return Evidence.objects.filter(
        report__action_plan__masterplan=masterplan,
        report__state=ProgressReport.State.VERIFIED,
        is_public=True,
        kind=Evidence.Kind.PHOTO,
    )


def public_quick_wins(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None
) -> list[PublicQuickWin]:
    """The snapshot's quick wins with their frozen status, and the public photos
    of verified reports on their action plans. Two queries."""
    if snapshot is None:
        return []
    items = snapshot.frozen.figures.quick_wins
    codes = [item.code for item in items]
    photos: dict[int, list[PublicPhoto]] = {}
    published = snapshot.published
    if published is not None:
        ids = {p.code: p.id for p in published.programmes if p.code in codes}
        for photo in published.photos:
            photos.setdefault(photo.programme_id, []).append(PublicPhoto(photo.id, photo.caption))
    else:  # a layout-1 snapshot: its photos were not frozen (decisions §36)
        ids = dict(
            Programme.objects.filter(masterplan=masterplan, code__in=codes).values_list(
                "code", "id"
            )
        )
        for row in (
            _public_evidence(masterplan)
            .filter(report__action_plan__programme_id__in=ids.values())
            .order_by("uploaded_at", "id")
            .values("id", "caption", "report__action_plan__programme_id")
        ):
            photos.setdefault(row["report__action_plan__programme_id"], []).append(
                PublicPhoto(row["id"], row["caption"])
            )
    return [
        PublicQuickWin(
            code=item.code,
            name=item.name,
            year=item.year,
            pillar_code=item.pillar_code,
            lead_agency=item.lead_agency,
            status=item.status,
            programme_id=ids.get(item.code),
            photos=tuple(photos.get(ids.get(item.code, -1), [])),
        )
        for item in items
    ]


def public_photo(*, region: Region, pk: int) -> PublishedPhoto:
    """A photo the latest published snapshot of ``region`` chose (layout 2);
    LookupError for any other, and always before the first close. For a
    layout-1 snapshot, a public photo of a verified report as it is today."""
    plan = public_plan_for(region=region)
    if plan is None or plan.snapshot is None:
        raise LookupError(pk)
    if plan.snapshot.published is not None:
        chosen = plan.snapshot.published.photo(pk)
        if chosen is None:
            raise LookupError(pk)
        return chosen
    found = (
        _public_evidence(plan.masterplan)
        .filter(pk=pk)
        .exclude(file_name="")
        .values("id", "caption", "file_name", "original_name", "content_type")
        .first()
    )
    if found is None:
        raise LookupError(pk)
    return PublishedPhoto(programme_id=0, **found)


# --- The home page -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicOverview:
    region: Region
    masterplan: Masterplan | None
    snapshot: PublishedSnapshot | None
    header: PublishedMasterplan | None
    action_plans: Ratio | None
    programmes: Ratio | None
    pillars: tuple[PublicPillar, ...]
    quick_wins: tuple[PublicQuickWin, ...]
    programme_count: int


def public_overview(*, region: Region) -> PublicOverview:
    """Headline figures, pillars and quick wins of a region, as published."""
    plan = public_plan_for(region=region)
    if plan is None:
        return PublicOverview(region, None, None, None, None, None, (), (), 0)
    masterplan, snapshot = plan.masterplan, plan.snapshot
    pillars = tuple(public_pillars(masterplan=masterplan, snapshot=snapshot))
    overall = Scope("overall")
    return PublicOverview(
        region=region,
        masterplan=masterplan,
        snapshot=snapshot,
        header=plan.header,
        action_plans=snapshot.ratio("action_plans", overall) if snapshot else None,
        programmes=snapshot.ratio("programmes", overall) if snapshot else None,
        pillars=pillars,
        quick_wins=tuple(public_quick_wins(masterplan=masterplan, snapshot=snapshot)),
        programme_count=sum(p.programme_count for p in pillars),
    )


def public_trends(*, masterplan: Masterplan) -> Trends:
    """How the published figures moved: a point per closed period, read from
    its snapshot only (:func:`kotacerdas.monitoring.trends.period_trends`), so
    a live change after a close never moves the public trend."""
    return period_trends(masterplan=masterplan)


# --- Search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResults:
    query: str
    programmes: tuple[PublicProgramme, ...]
    action_plans: tuple[PublicActionPlan, ...]
    quick_wins: tuple[PublicQuickWin, ...]

    @property
    def count(self) -> int:
        return len(self.programmes) + len(self.action_plans) + len(self.quick_wins)


def public_search(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, query: str
) -> SearchResults:
    """Programmes, action plans and quick wins whose name (or code) contains
    every word of ``query``, case-insensitive; at most ``SEARCH_LIMIT`` each."""
    query = " ".join(query.split())[:100]
    if len(query) < SEARCH_MIN_LENGTH:
        return SearchResults(query, (), (), ())
    hit = query_matcher(query)
    programmes = public_programmes(masterplan=masterplan, snapshot=snapshot, query=query)
    plans = [
        p
        for p in public_action_plans(masterplan=masterplan, snapshot=snapshot)
        if hit(p.code, p.activity)
    ]
    quick_wins = [
        q
        for q in public_quick_wins(masterplan=masterplan, snapshot=snapshot)
        if hit(q.code, q.name)
    ]
    return SearchResults(
        query,
        tuple(programmes[:SEARCH_LIMIT]),
        tuple(plans[:SEARCH_LIMIT]),
        tuple(quick_wins[:SEARCH_LIMIT]),
    )


# --- Explaining a published figure ---------------------------------------------------------


@dataclass(frozen=True)
class PublicExplanation:
    explanation: Explanation
    snapshot: PublishedSnapshot
    # The value frozen in the snapshot. The explanation recounts the plans and
    # programmes the snapshot froze (layout 2), so they agree; for a layout-1
    # snapshot it recounts its statuses over today's structure, and they
    # differ when programmes were added or removed since.
    published: Ratio
    # The scope's name as published (a pillar's name as frozen).
    scope_label: str

    @property
    def structure_changed(self) -> bool:
        return self.published != self.explanation.ratio


def _frozen_rows(snapshot: PublishedSnapshot) -> FrozenRows | None:
    published = snapshot.published
    if published is None:
        return None
    plans = tuple(
        PlanRow(
            id=a.id,
            code=a.code,
            activity=a.activity,
            status=status,
            year=a.year,
            agency_id=a.agency_id,
            programme_id=a.programme_id,
        )
        for a in published.action_plans
        if (status := snapshot.status_of(a.code)) is not None
    )
    programmes = tuple(
        ProgrammeRow(
            id=p.id,
            code=p.code,
            name=p.name,
            element_id=p.element_id,
            pillar_code=p.pillar_code,
            lead_agency_id=p.lead_agency_id,
            start_year=p.start_year,
            end_year=p.end_year,
            horizon=p.horizon,
            quick_win_year=p.quick_win_year,
        )
        for p in published.programmes
    )
    return FrozenRows(plans=plans, programmes=programmes)


PUBLIC_SCOPE_KINDS = ("overall", "pillar")


def public_figure_explain(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot, metric: str, scope: str
) -> PublicExplanation:
    """Formula, items and the frozen value of one published figure (overall
    or per pillar). LookupError for an unknown metric or scope."""
    if metric not in METRICS:
        raise LookupError(metric)
    try:
        parsed = Scope.parse(scope)
    except ValueError:
        raise LookupError(scope) from None
    if parsed.kind not in PUBLIC_SCOPE_KINDS:
        raise LookupError(scope)
    metric_name: Metric = "action_plans" if metric == "action_plans" else "programmes"
    published = snapshot.ratio(metric_name, parsed)
    if published is None:
        raise LookupError(scope)
    explanation = figure_explain(
        masterplan=masterplan,
        metric=metric_name,
        scope=parsed,
        frozen_statuses=dict(snapshot.frozen.plan_statuses),
        frozen_rows=_frozen_rows(snapshot),
    )
    label = explanation.scope_label
    if parsed.kind == "pillar":
        pillar = snapshot.frozen.figures.pillar(parsed.key)
        label = pillar.name if pillar is not None else label
    return PublicExplanation(
        explanation=explanation, snapshot=snapshot, published=published, scope_label=label
    )
