"""Reads of the assessor side: the consolidated scores and what is still
missing, the per-item spread of the assessors' scores with the lead's
default proposal, the Baseline proposal from the previous cycle, the
comparison with the previous year and the result explained item by item.

Figures are exact (``Fraction``) and rounded half-up once, for display. The
published figures are read from the frozen revision, never recomputed from
rows that could have changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import round_half_up
from kotacerdas.core.models import Membership, Role
from kotacerdas.evaluation.assessment.models import (
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    CycleSummary,
)
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.cycles.selectors import (
    cycle_items,
    cycle_result_json,
    latest_revision,
    previous_published_cycle,
)
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import SCORE_PLACES
from kotacerdas.evaluation.self_assessment.models import Answer, AnswerEvidence
from kotacerdas.regions.models import Region

# --- Who may assess a region ---------------------------------------------------------------
# The conflict rules (docs/user-guide.md, "Penilaian oleh asesor"; decisions.md):
# 1. only active accounts holding the assessor role (a Role.ASSESSOR
#    membership, in any region) are assessors;
# 2. an account with any other role in the assessed region (its smart city
#    team, an agency's editor or head, its registry officer) is the region's
#    own staff and never assesses it; the assessor role itself is no such
#    tie (it is how an assessor is recorded, and opens nothing);
# 3. every assigned assessor declares a conflict of interest before scoring
#    (services.conflict_declare); a declared conflict blocks scoring.
# The picker offers ``assessor_candidates``; ``assessor_refusal`` is the same
# rule for one account, checked by ``services.assignment_create`` whoever calls.


def _staff_of(region: Region) -> QuerySet[Membership]:
    return Membership.objects.filter(region=region).exclude(role=Role.ASSESSOR)


def assessor_candidates(region: Region) -> QuerySet[Any]:
    """Accounts that may be assigned to assess ``region`` (rules 1 and 2),
    sorted by full name, with their profile (institution) in the same query."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.ASSESSOR)))
        .exclude(Exists(_staff_of(region).filter(user=OuterRef("pk"))))
        .select_related("profile")
        .order_by("first_name", "last_name", "username")
    )


def assessor_refusal(user: Any, region: Region) -> str:
    """Why ``user`` may not assess ``region`` (rules 1 and 2), or ""."""
    if not user.is_active:
        return _("Akun ini tidak aktif.")
    staff = _staff_of(region).filter(user_id=user.pk).first()
    if staff is not None:
        return _(
            "Akun ini berperan “%(role)s” di %(region)s, sehingga tidak dapat menilai "
            "wilayahnya sendiri."
        ) % {"role": staff.get_role_display(), "region": region.name}
    if not Membership.objects.filter(user_id=user.pk, role=Role.ASSESSOR).exists():
        return _("Akun ini tidak berperan asesor; hanya akun asesor yang dapat ditugaskan.")
    return ""


def institution_of(user: Any) -> str:
    try:
        return str(user.profile.institution)
    except ObjectDoesNotExist:
        return ""


def assessor_label(user: Any) -> str:
    """“Full Name — Institution”, as the picker and the assignment list show
    an assessor (the username when the account has no full name)."""
    name = user.get_full_name() or user.get_username()
    institution = institution_of(user)
    return f"{name} — {institution}" if institution else name


# --- Consolidation -------------------------------------------------------------------------


def consolidated_scores(cycle: EvaluationCycle) -> dict[int, Decimal]:
    """Item id → consolidated score of the cycle."""
    return dict(ConsolidatedScore.objects.filter(cycle=cycle).values_list("item_id", "score"))


def missing_consolidated(cycle: EvaluationCycle) -> list[str]:
    """Codes of the items that have no consolidated score yet."""
    done = ConsolidatedScore.objects.filter(cycle=cycle).values("item_id")
    return list(cycle_items(cycle).exclude(pk__in=done).values_list("code", flat=True))


def spread_threshold() -> Decimal:
    """Spread (max − min of the assessors' scores) from which an item is
    flagged; ``EVALUATION_SPREAD_FLAG`` in the settings (default 1 point,
    checked at start-up)."""
    return Decimal(settings.EVALUATION_SPREAD_FLAG)


def baseline_proposal(cycle: EvaluationCycle) -> tuple[ResultRevision, Decimal] | None:
    """The rule of docs/decisions.md ("Baseline from the previous cycle"):
    the previous cycle's published index (its latest revision, exact),
    rounded half-up to the scale's decimals and kept within the scale; None
    when there is no previous published cycle with an index. The lead
    applies it with ``services.baseline_from_previous``."""
    previous = previous_published_cycle(cycle)
    if previous is None:
        return None
    revision = latest_revision(previous)
    if revision is None or not revision.result.get("index"):
        return None
    exact = Fraction(revision.result["index"]["fraction"])
    instrument = cycle.instrument
    value = round_half_up(exact, instrument.scale_places)
    value = min(max(value, instrument.scale_min), instrument.scale_max)
    return revision, value


# --- The assessors' scores ------------------------------------------------------------------


@dataclass(frozen=True)
class AssessorMark:
    assessor: str
    score: Decimal
    justification: str


@dataclass(frozen=True)
class ItemSpread:
    """One item as the lead assessor consolidates it."""

    item: Item
    marks: tuple[AssessorMark, ...]
    consolidated: ConsolidatedScore | None
    scale_places: int
    threshold: Decimal

    @property
    def low(self) -> Decimal | None:
        return min((m.score for m in self.marks), default=None)

    @property
    def high(self) -> Decimal | None:
        return max((m.score for m in self.marks), default=None)

    @property
    def spread(self) -> Decimal | None:
        if not self.marks:
            return None
        assert self.low is not None and self.high is not None
        return self.high - self.low

    @property
    def flagged(self) -> bool:
        return self.spread is not None and self.spread >= self.threshold

    @property
    def proposal(self) -> Decimal | None:
        """The default consolidated score: the mean of the assessors' scores,
        rounded half-up to the scale's decimals."""
        if not self.marks:
            return None
        mean = sum((Fraction(m.score) for m in self.marks), Fraction(0)) / len(self.marks)
        return round_half_up(mean, self.scale_places)


def cycle_spread(cycle: EvaluationCycle) -> list[ItemSpread]:
    """Every item of the cycle's instrument with each scoring assessor's
    score, min, max, spread (max − min), the flag and the proposal. A fixed
    number of queries whatever the number of items."""
    items = list(cycle_items(cycle))
    marks: dict[int, list[AssessorMark]] = {}
    scores = AssessorScore.objects.filter(assignment__cycle=cycle).select_related(
        "assignment__assessor"
    )
    for score in scores.order_by("assignment__is_lead", "assignment_id"):
        marks.setdefault(score.item_id, []).append(
            AssessorMark(
                assessor=score.assignment.assessor.get_username(),
                score=score.score,
                justification=score.justification,
            )
        )
    consolidated = {c.item_id: c for c in ConsolidatedScore.objects.filter(cycle=cycle)}
    threshold = spread_threshold()
    return [
        ItemSpread(
            item=item,
            marks=tuple(marks.get(item.pk, ())),
            consolidated=consolidated.get(item.pk),
            scale_places=item.instrument.scale_places,
            threshold=threshold,
        )
        for item in items
    ]


@dataclass(frozen=True)
class ItemForAssessor:
    """One item as an assessor scores it: the region's answer and evidence,
    and the assessor's own score."""

    item: Item
    answer: Answer | None
    own: AssessorScore | None


def items_for_assessor(cycle: EvaluationCycle, assignment: Assignment) -> list[ItemForAssessor]:
    answers = {
        a.item_id: a
        for a in Answer.objects.filter(cycle=cycle)
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=AnswerEvidence.objects.select_related("added_by", "progress_evidence"),
            )
        )
    }
    own = {s.item_id: s for s in AssessorScore.objects.filter(assignment=assignment)}
    items = cycle_items(cycle)
    return [ItemForAssessor(item, answers.get(item.pk), own.get(item.pk)) for item in items]


def assignments_of(cycle: EvaluationCycle) -> list[Assignment]:
    return list(
        Assignment.objects.filter(cycle=cycle)
        .select_related("assessor__profile")
        .prefetch_related(Prefetch("scores", queryset=AssessorScore.objects.only("id")))
    )


# --- Comparison with the previous year ---------------------------------------------------


@dataclass(frozen=True)
class ComparedFigure:
    """One dimension, pillar or the index, previous vs current (exact, from
    the published revisions). ``None`` where that cycle has no such figure."""

    code: str
    name: str
    previous: Fraction | None
    current: Fraction | None

    @property
    def change(self) -> Fraction | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def previous_shown(self) -> Decimal | None:
        return None if self.previous is None else round_half_up(self.previous, SCORE_PLACES)

    @property
    def current_shown(self) -> Decimal | None:
        return None if self.current is None else round_half_up(self.current, SCORE_PLACES)

    @property
    def change_shown(self) -> Decimal | None:
        """The change as published: of the exact values, rounded once."""
        return None if self.change is None else round_half_up(self.change, SCORE_PLACES)


@dataclass(frozen=True)
class CycleComparison:
    """A cycle's published result against the region's previous published
    cycle of an earlier year and the same stage.

    ``dimensions`` follow the current instrument's order (then any dimension
    only the previous one had); ``pillars`` likewise; ``index`` compares the
    two indexes (code ``"index"``). Without a previous cycle,
    ``previous_cycle`` is None and every ``previous`` is None; without a
    published result of ``cycle``, every ``current`` is None."""

    cycle: EvaluationCycle
    revision: ResultRevision | None
    previous_cycle: EvaluationCycle | None
    previous_revision: ResultRevision | None
    dimensions: tuple[ComparedFigure, ...]
    pillars: tuple[ComparedFigure, ...]
    index: ComparedFigure


def _parts(revision: ResultRevision | None, key: str) -> dict[str, tuple[str, Fraction]]:
    if revision is None:
        return {}
    return {p["code"]: (p["name"], Fraction(p["fraction"])) for p in revision.result.get(key, [])}


def _compare(
    current: dict[str, tuple[str, Fraction]], previous: dict[str, tuple[str, Fraction]]
) -> tuple[ComparedFigure, ...]:
    codes = [*current, *(c for c in previous if c not in current)]
    return tuple(
        ComparedFigure(
            code=code,
            name=(current.get(code) or previous[code])[0],
            previous=previous[code][1] if code in previous else None,
            current=current[code][1] if code in current else None,
        )
        for code in codes
    )


def _index(revision: ResultRevision | None) -> Fraction | None:
    if revision is None:
        return None
    index: dict[str, Any] | None = revision.result.get("index")
    return Fraction(index["fraction"]) if index else None


def cycle_comparison(cycle: EvaluationCycle) -> CycleComparison:
    """Previous vs current per dimension, per pillar and for the index, from
    the latest revision of each of the two cycles (the published results)."""
    revision = latest_revision(cycle)
    previous_cycle = previous_published_cycle(cycle)
    previous_revision = latest_revision(previous_cycle) if previous_cycle else None
    return CycleComparison(
        cycle=cycle,
        revision=revision,
        previous_cycle=previous_cycle,
        previous_revision=previous_revision,
        dimensions=_compare(
            _parts(revision, "dimensions"), _parts(previous_revision, "dimensions")
        ),
        pillars=_compare(_parts(revision, "pillars"), _parts(previous_revision, "pillars")),
        index=ComparedFigure(
            code="index",
            name=_("Indeks"),
            previous=_index(previous_revision),
            current=_index(revision),
        ),
    )


# --- The result explained ----------------------------------------------------------------


@dataclass(frozen=True)
class ExplainedItem:
    code: str
    question: str
    score: Decimal


@dataclass(frozen=True)
class ExplainedPart:
    """A dimension's or pillar's score and the items behind it."""

    code: str
    name: str
    weight: Decimal | None  # dimensions only, in percent
    exact: str  # plain decimal, at most 10 places
    shown: Decimal  # half-up to 2 places
    items: tuple[ExplainedItem, ...]


@dataclass(frozen=True)
class ExplainedResult:
    dimensions: tuple[ExplainedPart, ...]
    pillars: tuple[ExplainedPart, ...]
    index_shown: Decimal | None
    index_exact: str | None
    lines: tuple[str, ...]
    readiness: ExplainedResult | None = None  # the readiness instrument's figures, if any


def explanation_lines(stored: dict[str, Any]) -> tuple[str, ...]:
    """The frozen steps in the reader's language: English when it is active
    and the revision holds them (revisions frozen before they were kept in
    both languages have the Indonesian lines only)."""
    language = translation.get_language() or ""
    if language.split("-")[0] == "en" and stored.get("explain_en"):
        return tuple(stored["explain_en"])
    return tuple(stored.get("explain", ()))


def result_explained(item_scores: list[dict[str, Any]], result: dict[str, Any]) -> ExplainedResult:
    """A frozen result (a revision's ``item_scores`` and ``result``, or the
    same shapes built from a draft) with the items behind every number."""
    questions = dict(
        Item.objects.filter(pk__in=[s["item"] for s in item_scores]).values_list("pk", "question")
    )
    by_code = {
        s["code"]: ExplainedItem(s["code"], questions.get(s["item"], ""), Decimal(s["score"]))
        for s in item_scores
        if not s.get("readiness")
    }
    readiness = None
    if result.get("readiness"):
        readiness = _readiness_explained(
            [s for s in item_scores if s.get("readiness")], result["readiness"], questions
        )

    def part(p: dict[str, Any]) -> ExplainedPart:
        return ExplainedPart(
            code=p["code"],
            name=p["name"],
            weight=Decimal(p["weight"]) if "weight" in p else None,
            exact=p["exact"],
            shown=Decimal(p["shown"]),
            items=tuple(by_code[c] for c in p["items"] if c in by_code),
        )

    index = result.get("index")
    return ExplainedResult(
        dimensions=tuple(part(p) for p in result["dimensions"]),
        pillars=tuple(part(p) for p in result["pillars"]),
        index_shown=Decimal(index["index"]) if index else None,
        index_exact=index["exact"] if index else None,
        lines=explanation_lines(result),
        readiness=readiness,
    )


def _readiness_explained(
    item_scores: list[dict[str, Any]], stored: dict[str, Any], questions: dict[int, str]
) -> ExplainedResult:
    """The readiness figures stored under ``result["readiness"]``."""
    by_code = {
        s["code"]: ExplainedItem(s["code"], questions.get(s["item"], ""), Decimal(s["score"]))
        for s in item_scores
    }

    def part(p: dict[str, Any]) -> ExplainedPart:
        return ExplainedPart(
            code=p["code"],
            name=p["name"],
            weight=Decimal(p["weight"]) if "weight" in p else None,
            exact=p["exact"],
            shown=Decimal(p["shown"]),
            items=tuple(by_code[c] for c in p["items"] if c in by_code),
        )

    index = stored["index"]
    return ExplainedResult(
        dimensions=tuple(part(p) for p in stored["dimensions"]),
        pillars=(),
        index_shown=Decimal(index["shown"]),
        index_exact=index["exact"],
        lines=explanation_lines(stored),
    )


# --- What publishing makes public (the publish confirmation) ------------------------------


@dataclass(frozen=True)
class PublishPreview:
    """What revision 1 would freeze and make public if the cycle were
    published now: the consolidated scores, the figures computed from them
    (as shown, 2 places) and the summary. ``problem`` when the figures cannot
    be computed yet (an item without a consolidated score)."""

    items: int
    missing: tuple[str, ...]
    index: Decimal | None
    dimensions: tuple[tuple[str, Decimal], ...]
    pillars: int
    has_notes: bool
    has_recommendations: bool
    problem: str = ""


def publish_preview(cycle: EvaluationCycle) -> PublishPreview:
    scores = consolidated_scores(cycle)
    summary = CycleSummary.objects.filter(cycle=cycle).first()
    index: Decimal | None = None
    dimensions: tuple[tuple[str, Decimal], ...] = ()
    pillars = 0
    problem = ""
    try:
        stored = cycle_result_json(cycle=cycle, scores=scores)
    except ValidationError as error:
        problem = " ".join(error.messages)
    else:
        index = Decimal(stored["index"]["index"]) if stored["index"] else None
        dimensions = tuple((d["name"], Decimal(d["shown"])) for d in stored["dimensions"])
        pillars = len(stored["pillars"])
    return PublishPreview(
        items=len(scores),
        missing=tuple(missing_consolidated(cycle)),
        index=index,
        dimensions=dimensions,
        pillars=pillars,
        has_notes=bool(summary and summary.notes.strip()),
        has_recommendations=bool(summary and summary.recommendations.strip()),
        problem=problem,
    )
