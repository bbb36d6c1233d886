"""Reads of the monitoring cycle: the period board, lateness, figures that
include reports not yet verified, comparisons of closed periods, and an
action plan's timeline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import round_half_up
from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Agency,
    Masterplan,
    StatusCorrection,
    StatusSource,
)
from kotacerdas.masterplan.selectors import (
    METRICS,
    MasterplanFigures,
    figures_with_overrides,
    masterplan_figures,
)
from kotacerdas.monitoring.models import (
    Evidence,
    PeriodSnapshot,
    ProgressReport,
    ReportingPeriod,
)
from kotacerdas.monitoring.snapshots import Frozen, FrozenPair

DONE_STATES = frozenset({ProgressReport.State.SUBMITTED, ProgressReport.State.VERIFIED})


# A plan in one of these states at a period's opening asks no more reports.
FINISHED_STATUSES = frozenset({ActionPlanStatus.DONE, ActionPlanStatus.CANCELLED})


def _opening(period: ReportingPeriod) -> dt.datetime:
    """The start of the period's reporting window (``opens_on``, midnight in
    the region's time zone): status corrections before it count as "earlier"."""
    return dt.datetime.combine(period.opens_on, dt.time.min, tzinfo=period.masterplan.region.tzinfo)


def statuses_at_opening(*, period: ReportingPeriod) -> dict[int, str | None]:
    """Each action plan's status when ``period`` opened (action plan id →
    status; None where it cannot be known, which counts as not finished).

    The status at the close of the latest earlier period (its snapshot) is the
    base; a plan the snapshot does not know (or with no closed period before)
    takes the status typed in before monitoring began (``status_source`` =
    direct). Corrections by the team after that close and before the period
    opened for reporting are applied on top. Three queries; of the snapshot
    only its plan statuses are read (not its figures)."""
    earlier = (
        PeriodSnapshot.objects.filter(
            period__masterplan_id=period.masterplan_id,
            period__state=ReportingPeriod.State.CLOSED,
            period__starts_on__lt=period.starts_on,
        )
        .only("id", "layout", "taken_at", "plan_statuses")
        .order_by("-period__starts_on")
        .first()
    )
    frozen = Frozen.plan_statuses_of(earlier) if earlier is not None else {}
    since = earlier.taken_at if earlier is not None else None
    statuses: dict[int, str | None] = {}
    for pk, code, status, source in ActionPlan.objects.filter(
        masterplan_id=period.masterplan_id
    ).values_list("pk", "code", "status", "status_source"):
        if code in frozen:
            statuses[pk] = frozen[code]
        else:
            statuses[pk] = status if source == StatusSource.DIRECT else None
    corrections = StatusCorrection.objects.filter(
        action_plan__masterplan_id=period.masterplan_id, corrected_at__lt=_opening(period)
    )
    if since is not None:
        corrections = corrections.filter(corrected_at__gt=since)
    for plan_id, to_status in corrections.order_by("corrected_at", "pk").values_list(
        "action_plan_id", "to_status"
    ):
        statuses[plan_id] = to_status
    return statuses


def period_plans(*, period: ReportingPeriod, plans: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
    """The action plans of ``plans`` that ``period`` asks a report of — the
    carry-over rule (docs/decisions.md, "Which plans a period asks about"):

    - a plan of the period's year, and a plan of an earlier year (carried
      over), unless it was already finished (selesai or dibatalkan) when the
      period opened — finished in an earlier period, by the team's correction
      before the period, or typed in as finished before monitoring began;
    - never a plan of a later year;
    - always a plan that already has a report in this period (nothing
      reported disappears from the board).
    """
    finished = [
        pk
        for pk, status in statuses_at_opening(period=period).items()
        if status in FINISHED_STATUSES
    ]
    has_report = ProgressReport.objects.filter(period=period).values("action_plan_id")
    return plans.filter(masterplan_id=period.masterplan_id).filter(
        Q(pk__in=has_report) | (Q(year__lte=period.year) & ~Q(pk__in=finished))
    )


def period_refusal(*, period: ReportingPeriod, action_plan: ActionPlan) -> str | None:
    """Why ``period`` does not ask about ``action_plan`` (the carry-over rule of
    :func:`period_plans`, which the board shows), or None when it does: a
    report is refused for the same plans the board leaves out."""
    if period_plans(period=period, plans=ActionPlan.objects.filter(pk=action_plan.pk)).exists():
        return None
    if action_plan.year > period.year:
        return _(
            "Rencana aksi tahun %(plan_year)s belum dilaporkan pada periode tahun %(period_year)s."
        ) % {"plan_year": action_plan.year, "period_year": period.year}
    return _(
        "Rencana aksi ini sudah selesai atau dibatalkan sebelum periode ini dibuka, "
        "jadi tidak dilaporkan lagi."
    )


def current_period(*, masterplan: Masterplan) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(
        masterplan=masterplan, state=ReportingPeriod.State.OPEN
    ).first()


def days_late(period: ReportingPeriod, today: dt.date | None = None) -> int:
    """Days past the due date of an open period (0 when not late)."""
    if not period.is_open:
        return 0
    today = today or timezone.localdate()
    return max((today - period.due_on).days, 0)


def days_to_deadline(period: ReportingPeriod, today: dt.date | None = None) -> int:
    """Days from today to the period's reporting deadline (``due_on``):
    positive before it, 0 on the day, negative after."""
    today = today or timezone.localdate()
    return (period.due_on - today).days


def closes_early(period: ReportingPeriod, today: dt.date | None = None) -> bool:
    """Whether closing now cuts agencies off: on or before the deadline day
    (reports are due by the end of ``due_on``)."""
    return days_to_deadline(period, today) >= 0


@dataclass(frozen=True)
class CloseConsequences:
    """What closing a period leaves behind (the close confirmation page):
    every action plan of the masterplan by the state of its report."""

    period: ReportingPeriod
    plans: int
    unreported: int  # no report at all
    drafts: int
    submitted: int  # submitted, not yet verified
    returned: int
    verified: int
    days_to_deadline: int

    @property
    def early(self) -> bool:
        return self.days_to_deadline >= 0

    @property
    def not_counted(self) -> int:
        """Plans whose report of this period will never count: the frozen
        figures keep their last verified status."""
        return self.plans - self.verified


def close_consequences(
    *, period: ReportingPeriod, today: dt.date | None = None
) -> CloseConsequences:
    """Counts for closing ``period`` over the action plans it asks about
    (:func:`period_plans`; region-wide: only the smart city team closes)."""
    plans = period_plans(period=period, plans=ActionPlan.objects.all()).count()
    by_state = dict(
        ProgressReport.objects.filter(period=period)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    reported = sum(by_state.values())
    return CloseConsequences(
        period=period,
        plans=plans,
        unreported=plans - reported,
        drafts=by_state.get(ProgressReport.State.DRAFT, 0),
        submitted=by_state.get(ProgressReport.State.SUBMITTED, 0),
        returned=by_state.get(ProgressReport.State.RETURNED, 0),
        verified=by_state.get(ProgressReport.State.VERIFIED, 0),
        days_to_deadline=days_to_deadline(period, today),
    )


@dataclass(frozen=True)
class BoardRow:
    plan: ActionPlan
    report: ProgressReport | None
    days_late: int

    @property
    def state(self) -> str:
        return self.report.state if self.report else "missing"

    @property
    def reported(self) -> bool:
        return self.report is not None and self.report.state in DONE_STATES


@dataclass(frozen=True)
class Board:
    period: ReportingPeriod
    rows: tuple[BoardRow, ...]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.rows)


def period_board(*, period: ReportingPeriod, plans: QuerySet[ActionPlan]) -> Board:
    """The action plans of ``plans`` (already scoped to the user) that the
    period asks about (:func:`period_plans`, the carry-over rule), each with
    its report for the period, if any, and how late it is."""
    plan_list = list(
        period_plans(period=period, plans=plans)
        .select_related("agency", "programme")
        .order_by("agency__short_name", "code")
    )
    reports = {
        r.action_plan_id: r
        for r in ProgressReport.objects.filter(
            period=period, action_plan_id__in=[p.pk for p in plan_list]
        )
    }
    late = days_late(period)
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for plan in plan_list:
        report = reports.get(plan.pk)
        row = BoardRow(
            plan=plan,
            report=report,
            days_late=0 if report is not None and report.state in DONE_STATES else late,
        )
        counts[row.state] += 1
        rows.append(row)
    return Board(period=period, rows=tuple(rows), counts=dict(counts))


@dataclass(frozen=True)
class MissingReports:
    agency: Agency
    plans: tuple[ActionPlan, ...]


def missing_reports(*, period: ReportingPeriod) -> list[MissingReports]:
    """Per agency, the action plans the period asks about (:func:`period_plans`)
    that have no submitted or verified report yet (what reminders are about)."""
    done = ProgressReport.objects.filter(period=period, state__in=DONE_STATES).values(
        "action_plan_id"
    )
    plans = (
        period_plans(period=period, plans=ActionPlan.objects.all())
        .exclude(pk__in=done)
        .exclude(status=ActionPlanStatus.CANCELLED)
        .select_related("agency")
        .order_by("agency__short_name", "code")
    )
    by_agency: dict[int, list[ActionPlan]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for plan in plans:
        by_agency[plan.agency_id].append(plan)
        agencies[plan.agency_id] = plan.agency
    return [MissingReports(agencies[a], tuple(p)) for a, p in by_agency.items()]


@dataclass(frozen=True)
class MissingCount:
    agency_id: int
    short_name: str
    count: int


def missing_report_counts(*, period: ReportingPeriod) -> list[MissingCount]:
    """How many plans :func:`missing_reports` lists per agency, counted by the
    database (the dashboard's "Belum melapor"): one aggregate instead of
    every plan, in the same order (agency short name)."""
    done = ProgressReport.objects.filter(period=period, state__in=DONE_STATES).values(
        "action_plan_id"
    )
    rows = (
        period_plans(period=period, plans=ActionPlan.objects.all())
        .exclude(pk__in=done)
        .exclude(status=ActionPlanStatus.CANCELLED)
        .values("agency_id", "agency__short_name")
        .annotate(count=Count("pk"))
        .order_by("agency__short_name", "agency_id")
    )
    return [MissingCount(r["agency_id"], r["agency__short_name"], r["count"]) for r in rows]


@dataclass(frozen=True)
class AgencyTodo:
    """What an agency's editor or head has to do in the open period (the
    dashboard's "Perlu tindakan"): returned reports with the reviewer's
    reason, drafts not yet submitted, and plans with no report yet."""

    period: ReportingPeriod | None
    days_left: int
    returned: tuple[ProgressReport, ...]
    drafts: tuple[ProgressReport, ...]
    missing: tuple[ActionPlan, ...]

    @property
    def count(self) -> int:
        return len(self.returned) + len(self.drafts) + len(self.missing)

    @property
    def late(self) -> bool:
        return self.days_left < 0

    @property
    def days_over(self) -> int:
        """Days past the deadline (0 before and on it)."""
        return max(-self.days_left, 0)


def agency_todo(
    *, masterplan: Masterplan, agency_ids: Iterable[int], today: dt.date | None = None
) -> AgencyTodo:
    """The agencies' open work in the masterplan's open period, over the plans
    that period asks about (:func:`period_plans`). Returned reports first
    (most recently returned first), then drafts, then unreported plans."""
    period = current_period(masterplan=masterplan)
    if period is None:
        return AgencyTodo(None, 0, (), (), ())
    plans = list(
        period_plans(period=period, plans=ActionPlan.objects.filter(agency_id__in=list(agency_ids)))
        .select_related("agency")
        .order_by("agency__short_name", "code")
    )
    reports = {
        r.action_plan_id: r
        for r in ProgressReport.objects.filter(
            period=period, action_plan_id__in=[p.pk for p in plans]
        ).select_related("action_plan__agency")
    }
    returned = sorted(
        (r for r in reports.values() if r.state == ProgressReport.State.RETURNED),
        key=lambda r: r.updated_at,
        reverse=True,
    )
    drafts = [
        r
        for p in plans
        if (r := reports.get(p.pk)) is not None and r.state == ProgressReport.State.DRAFT
    ]
    missing = [p for p in plans if p.pk not in reports]
    return AgencyTodo(
        period=period,
        days_left=days_to_deadline(period, today),
        returned=tuple(returned),
        drafts=tuple(drafts),
        missing=tuple(missing),
    )


@dataclass(frozen=True)
class VerificationShare:
    """Official figures (verified only) beside the figures that would result if
    every submitted report were accepted."""

    official: MasterplanFigures
    self_reported: MasterplanFigures
    pending: int


def verification_share(
    *, period: ReportingPeriod, official: MasterplanFigures | None = None
) -> VerificationShare:
    """``official`` may be passed when the caller already computed it (the
    dashboard): the self-reported figures are then counted from the rows it
    was counted from (:func:`figures_with_overrides`), so the masterplan's
    rows are loaded once for both."""
    pending = dict(
        ProgressReport.objects.filter(
            period=period, state=ProgressReport.State.SUBMITTED
        ).values_list("action_plan_id", "status")
    )
    if official is None:
        official = masterplan_figures(masterplan=period.masterplan)
    return VerificationShare(
        official=official,
        self_reported=figures_with_overrides(figures=official, status_overrides=pending)
        if pending
        else official,
        pending=len(pending),
    )


# --- Comparing closed periods -------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    code: str
    before: str
    after: str

    @property
    def before_label(self) -> str:
        return _status_label(self.before)

    @property
    def after_label(self) -> str:
        return _status_label(self.after)


def _status_label(value: str) -> str:
    if not value:
        return "—"
    return str(ActionPlanStatus(value).label) if value in ActionPlanStatus.values else value


@dataclass(frozen=True)
class FigureDelta:
    scope: str
    metric: str
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Comparison:
    older: ReportingPeriod
    newer: ReportingPeriod
    changes: tuple[StatusChange, ...]
    deltas: tuple[FigureDelta, ...]


def periods_compare(*, older: ReportingPeriod, newer: ReportingPeriod) -> Comparison:
    """What changed between two closed periods' snapshots: action plans that
    moved from one status to another, and the figure deltas, overall and per
    pillar. Both periods must be closed (their snapshots are the truth)."""
    a, b = Frozen.of(older.snapshot), Frozen.of(newer.snapshot)
    codes = sorted(set(a.plan_statuses) | set(b.plan_statuses))
    changes = tuple(
        StatusChange(code, a.status_of(code) or "", b.status_of(code) or "")
        for code in codes
        if a.status_of(code) != b.status_of(code)
    )
    deltas: list[FigureDelta] = []

    def add(scope: str, before: FrozenPair, after: FrozenPair) -> None:
        for metric in METRICS:
            deltas.append(
                FigureDelta(scope, metric, before.get(metric).percent, after.get(metric).percent)
            )

    add("overall", a.figures.overall, b.figures.overall)
    for pillar in b.figures.pillars:
        if (before := a.figures.pillar(pillar.code)) is not None:
            add(pillar.name, before, pillar)
    return Comparison(older, newer, changes, tuple(deltas))


# --- Timeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One event of an action plan's timeline, its changes in words: the
    report's state and the plan's status by their labels, never their codes."""

    event: AuditEvent
    state_change: tuple[str, str] | None
    status_change: tuple[str, str] | None


def _label(choices: type[models.TextChoices], code: object) -> str:
    if code in (None, ""):
        return "—"
    labels = dict(choices.choices)
    return str(labels.get(str(code), code))


def _change(
    event: AuditEvent, field: str, choices: type[models.TextChoices]
) -> tuple[str, str] | None:
    before, after = event.before or {}, event.after or {}
    if not after.get(field) or after.get(field) == before.get(field):
        return None
    return _label(choices, before.get(field)), _label(choices, after[field])


def timeline_entries(events: Iterable[AuditEvent]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            event=e,
            state_change=_change(e, "state", ProgressReport.State),
            status_change=_change(e, "status", ActionPlanStatus),
        )
        for e in events
    ]


def plan_timeline(*, action_plan: ActionPlan) -> QuerySet[AuditEvent]:
    """Every recorded change of an action plan, its progress reports and their
    evidence: who and when, newest first."""
    report_ids = list(
        ProgressReport.objects.filter(action_plan=action_plan).values_list("pk", flat=True)
    )
    types = ContentType.objects.get_for_models(ActionPlan, ProgressReport, Evidence)
    return (
        AuditEvent.objects.filter(
            Q(content_type=types[ActionPlan], object_id=str(action_plan.pk))
            | Q(content_type=types[ProgressReport], object_id__in=[str(i) for i in report_ids])
            | Q(content_type=types[Evidence], after__report__in=report_ids)
            | Q(content_type=types[Evidence], before__report__in=report_ids)
        )
        .select_related("content_type", "actor")
        .order_by("-occurred_at", "-id")
    )


# --- An action plan's progress (its page's panel) -------------------------------------------


@dataclass(frozen=True)
class PlanProgress:
    """What an action plan's page tells about its reporting: the latest
    report (any state) with its evidence and budget, the latest verified one
    when that is another, and the last recorded change. ``reports_visible``
    is False for a reader who may see the plan but not its agency's reports:
    then only the plan's own last change is given."""

    reports_visible: bool
    latest: ProgressReport | None
    official: ProgressReport | None  # latest verified, when not ``latest``
    evidence: tuple[Evidence, ...]  # of ``latest``
    report_count: int
    last_update: AuditEvent | None

    @property
    def budget_percent(self) -> Decimal | None:
        """Realisation as a share of the ceiling in the latest report, rounded
        half-up once (DOMAIN.md §2); None without a ceiling."""
        if self.latest is None or not self.latest.budget_ceiling:
            return None
        return round_half_up(
            Fraction(self.latest.budget_realisation) * 100 / Fraction(self.latest.budget_ceiling)
        )


def plan_progress(
    *, action_plan: ActionPlan, reports: QuerySet[ProgressReport] | None
) -> PlanProgress:
    """The progress panel of ``action_plan``. ``reports`` is the reader's
    scoped reports (``reports_for(user)``), or None for a reader who may see
    the plan but not its reports (``plan_filter_for_reports``): then only the
    plan's own last change is read, never a report, its evidence or its
    events. At most four queries, whatever the number of reports, evidence
    or events."""
    if reports is None:
        last = (
            AuditEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(ActionPlan),
                object_id=str(action_plan.pk),
            )
            .select_related("actor")
            .order_by("-occurred_at", "-id")
            .first()
        )
        return PlanProgress(False, None, None, (), 0, last)
    rows = list(
        reports.filter(action_plan=action_plan)
        .select_related("period", "submitted_by", "verified_by")
        .order_by("-period__year", "-period__number")
    )
    latest = rows[0] if rows else None
    verified = next((r for r in rows if r.state == ProgressReport.State.VERIFIED), None)
    return PlanProgress(
        reports_visible=True,
        latest=latest,
        official=verified if verified is not latest else None,
        evidence=tuple(latest.evidence.select_related("uploaded_by")) if latest else (),
        report_count=len(rows),
        last_update=plan_timeline(action_plan=action_plan).first(),
    )
