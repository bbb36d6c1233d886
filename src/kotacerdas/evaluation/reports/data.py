"""The content of the evaluation report, built once and rendered twice (PDF
and XLSX) and shown on the report page.

Where the figures come from:

- A published cycle: its latest ``ResultRevision`` (the current one). Its
  frozen item scores are recomputed through ``cycles.selectors.cycle_result`` with
  the instrument version the cycle keeps (frozen too), so the report shows
  exactly the published numbers with their explanation; the revision's
  notes and recommendations are used, never the draft summary.
- Any other cycle: the lead assessor's ``ConsolidatedScore``s as they are
  now, the ``CycleSummary`` draft, and the report is marked as a draft
  ("DRAF / belum diumumkan"). When items are still unscored, the figures are
  left out and the report says which items are missing.

The comparison with the previous year uses the region's latest published
cycle of an earlier year and the same stage
(``assessment.selectors.cycle_comparison``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import date_id, decimal_id, round_half_up
from kotacerdas.evaluation.assessment.models import AssessorScore, Assignment, CycleSummary
from kotacerdas.evaluation.assessment.selectors import (
    ComparedFigure,
    consolidated_scores,
    cycle_comparison,
)
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.cycles.selectors import (
    cycle_items,
    cycle_result,
    latest_revision,
    readiness_result,
)
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import (
    INDEX_PLACES,
    SCORE_PLACES,
    CycleResult,
    number_id,
    score_shown,
)
from kotacerdas.evaluation.self_assessment.models import Answer
from kotacerdas.masterplan.pillars import PILLARS

PILLAR_NAMES = {p.code: p.name for p in PILLARS}


def _signed(value: Fraction, places: int = SCORE_PLACES) -> str:
    """``+0,12``, ``−0,05``, ``0,00``: a difference as published (rounded once)."""
    rounded = round_half_up(value, places)
    text = decimal_id(abs(rounded), places)
    return ("+" if rounded > 0 else "−" if rounded < 0 else "") + text


def _shown(value: Decimal | None, places: int) -> str:
    return "—" if value is None else decimal_id(value, places)


@dataclass(frozen=True)
class DimensionRow:
    code: str
    name: str
    weight: Decimal  # percent
    score: Fraction  # exact
    contribution: Fraction  # weight/100 × score, exact
    item_count: int

    @property
    def score_rounded(self) -> Decimal:
        return round_half_up(self.score, SCORE_PLACES)

    @property
    def score_shown(self) -> str:
        return score_shown(self.score)

    @property
    def weight_shown(self) -> str:
        return number_id(self.weight) + "%"

    @property
    def contribution_shown(self) -> str:
        return number_id(self.contribution)


@dataclass(frozen=True)
class PillarRow:
    code: str
    name: str
    score: Fraction
    item_count: int

    @property
    def score_rounded(self) -> Decimal:
        return round_half_up(self.score, SCORE_PLACES)

    @property
    def score_shown(self) -> str:
        return score_shown(self.score)


@dataclass(frozen=True)
class AssessorColumn:
    assignment_id: int
    name: str
    is_lead: bool


@dataclass(frozen=True)
class AssessorMark:
    score: Decimal | None
    justification: str

    @property
    def shown(self) -> str:
        return "—" if self.score is None else number_id(self.score)


@dataclass(frozen=True)
class ItemRow:
    dimension: str
    pillar: str
    code: str
    question: str
    claimed: Decimal | None
    consolidated: Decimal | None
    marks: tuple[AssessorMark, ...]  # in the order of ReportData.assessors

    @property
    def spread(self) -> Decimal | None:
        """Highest minus lowest assessor score; None without any score."""
        given = [m.score for m in self.marks if m.score is not None]
        return max(given) - min(given) if given else None

    @property
    def claimed_shown(self) -> str:
        return "—" if self.claimed is None else number_id(self.claimed)

    @property
    def consolidated_shown(self) -> str:
        return "—" if self.consolidated is None else number_id(self.consolidated)

    @property
    def spread_shown(self) -> str:
        return "—" if self.spread is None else number_id(self.spread)


@dataclass(frozen=True)
class ComparisonRow:
    code: str
    label: str
    previous: Fraction | None
    current: Fraction | None
    places: int = SCORE_PLACES

    @property
    def difference(self) -> Fraction | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def previous_shown(self) -> str:
        return (
            "—"
            if self.previous is None
            else _shown(round_half_up(self.previous, self.places), self.places)
        )

    @property
    def current_shown(self) -> str:
        return (
            "—"
            if self.current is None
            else _shown(round_half_up(self.current, self.places), self.places)
        )

    @property
    def difference_shown(self) -> str:
        difference = self.difference
        return "—" if difference is None else _signed(difference, self.places)


@dataclass(frozen=True)
class Comparison:
    previous_label: str  # "2024 · Tahap II"
    previous_year: int
    previous_revision: int
    index: ComparisonRow
    dimensions: tuple[ComparisonRow, ...]
    pillars: tuple[ComparisonRow, ...]


@dataclass(frozen=True)
class Figures:
    """A cycle's figures from one set of item scores."""

    result: CycleResult | None  # None while items are unscored
    problems: tuple[str, ...]  # why there is no result
    scores: dict[int, Decimal]  # item id → score used


@dataclass(frozen=True)
class ReadinessFigures:
    """The "Kesiapan daerah" section: the readiness instrument's dimension
    scores and the readiness index (exact; shown half-up to 2 places). With
    ``problems`` (items unscored) there are no figures."""

    dimensions: tuple[DimensionRow, ...]
    index: Fraction | None
    problems: tuple[str, ...]
    explanation: tuple[str, ...]

    @property
    def index_rounded(self) -> Decimal | None:
        return None if self.index is None else round_half_up(self.index, INDEX_PLACES)

    @property
    def index_shown(self) -> str:
        return _shown(self.index_rounded, INDEX_PLACES)

    @property
    def index_exact_shown(self) -> str:
        return "—" if self.index is None else number_id(self.index)


def readiness_figures(
    cycle: EvaluationCycle, scores: Mapping[int, Decimal]
) -> ReadinessFigures | None:
    """None when the cycle has no readiness instrument."""
    try:
        readiness = readiness_result(cycle=cycle, scores=scores)
    except ValidationError as error:
        return ReadinessFigures((), None, tuple(error.messages), ())
    if readiness is None:
        return None
    rows = tuple(
        DimensionRow(
            code=p.code,
            name=p.name,
            weight=readiness.weights[p.code],
            score=p.value,
            contribution=Fraction(readiness.weights[p.code]) / 100 * p.value,
            item_count=len(p.scores),
        )
        for p in readiness.result.dimensions
    )
    return ReadinessFigures(rows, readiness.value, (), readiness.explain())


@dataclass(frozen=True)
class ReportData:
    cycle: EvaluationCycle
    region_name: str
    region_code: str
    year: int
    stage: str
    state: str
    instrument: str
    scale: str  # "0–4"
    published: bool
    revision: ResultRevision | None
    revisions: tuple[ResultRevision, ...]
    generated_on: dt.date
    figures: Figures
    dimensions: tuple[DimensionRow, ...]
    pillars: tuple[PillarRow, ...]
    assessors: tuple[AssessorColumn, ...]
    items: tuple[ItemRow, ...]
    notes: str
    recommendations: str
    lead_assessor: str
    comparison: Comparison | None
    explanation: tuple[str, ...] = field(default=())
    readiness: ReadinessFigures | None = None  # only with a readiness instrument

    @property
    def index_exact(self) -> Fraction | None:
        result = self.figures.result
        return None if result is None or result.index is None else result.index.value

    @property
    def index_rounded(self) -> Decimal | None:
        result = self.figures.result
        return None if result is None or result.index is None else result.index.rounded

    @property
    def index_shown(self) -> str:
        """``3,48``: the index as published."""
        return _shown(self.index_rounded, INDEX_PLACES)

    @property
    def index_exact_shown(self) -> str:
        """``3,475``: the unrounded index, for the footnote."""
        exact = self.index_exact
        return "—" if exact is None else number_id(exact)

    @property
    def revision_number(self) -> int | None:
        return None if self.revision is None else self.revision.number

    @property
    def date_shown(self) -> str:
        if self.revision is not None:
            return date_id(timezone.localdate(self.revision.published_at, self.cycle.region.tzinfo))
        return date_id(self.generated_on)

    @property
    def place_date(self) -> str:
        """``Dumai, 7 Desember 2026``: the place and date above the signatures,
        the date in the region's time zone and the document's language."""
        return f"{self.cycle.region.place_name}, {self.date_shown}"

    @property
    def file_stem(self) -> str:
        """``laporan-evaluasi-15.71-2025-tahap_1-r1`` (``-draf`` unpublished)."""
        suffix = f"r{self.revision.number}" if self.revision is not None else "draf"
        return f"laporan-evaluasi-{self.region_code}-{self.year}-{self.cycle.stage}-{suffix}"


# --- Frozen scores of a revision ---------------------------------------------------------


def revision_scores(revision: ResultRevision, items: Sequence[Item]) -> dict[int, Decimal]:
    """The consolidated item scores frozen in ``revision`` (as the publish
    service writes them: ``[{"item": id, "code": ..., "score": "3.8"}, ...]``),
    keyed by item id; an entry whose id is not in ``items`` is matched by its
    code (unique per instrument)."""
    by_pk = {item.pk: item.pk for item in items}
    by_code = {item.code: item.pk for item in items}
    scores: dict[int, Decimal] = {}
    for entry in revision.item_scores or []:
        pk = by_pk.get(entry.get("item")) or by_code.get(entry.get("code"))
        if pk is not None:
            scores[pk] = Decimal(str(entry["score"]))
    return scores


def _figures(cycle: EvaluationCycle, scores: dict[int, Decimal]) -> Figures:
    try:
        result = cycle_result(cycle=cycle, scores=scores)
    except ValidationError as error:
        return Figures(result=None, problems=tuple(error.messages), scores=scores)
    return Figures(result=result, problems=(), scores=scores)


def published_figures(cycle: EvaluationCycle) -> tuple[ResultRevision, Figures] | None:
    """The figures of a cycle's current (latest) revision; None when nothing
    is published."""
    revision = latest_revision(cycle)
    if revision is None:
        return None
    items = list(cycle_items(cycle))
    return revision, _figures(cycle, revision_scores(revision, items))


# --- The comparison with the previous year -------------------------------------------------


def _rows(
    current: Mapping[str, tuple[str, Fraction]], previous: Mapping[str, tuple[str, Fraction]]
) -> tuple[ComparisonRow, ...]:
    codes = [*current, *(code for code in previous if code not in current)]
    return tuple(
        ComparisonRow(
            code=code,
            label=(current.get(code) or previous[code])[0],
            previous=previous[code][1] if code in previous else None,
            current=current[code][1] if code in current else None,
        )
        for code in codes
    )


def _previous(figures: Sequence[ComparedFigure]) -> dict[str, tuple[str, Fraction]]:
    return {f.code: (f.name, f.previous) for f in figures if f.previous is not None}


def comparison_for(cycle: EvaluationCycle, figures: Figures) -> Comparison | None:
    """This report's figures against the previous year's published result
    (``assessment.selectors.cycle_comparison``: the region's latest published
    cycle of an earlier year and the same stage, its latest revision). The
    current side is this report's own figures, so a draft is compared too."""
    compared = cycle_comparison(cycle)
    earlier, revision = compared.previous_cycle, compared.previous_revision
    if earlier is None or revision is None:
        return None
    now = figures.result
    dimensions = {p.code: (p.name, p.value) for p in now.dimensions} if now else {}
    pillars = {p.code: (p.name, p.value) for p in now.pillars} if now else {}
    return Comparison(
        previous_label=f"{earlier.year} · {earlier.get_stage_display()}",
        previous_year=earlier.year,
        previous_revision=revision.number,
        index=ComparisonRow(
            code="index",
            label=_("Indeks"),
            previous=compared.index.previous,
            current=now.index.value if now is not None and now.index is not None else None,
            places=INDEX_PLACES,
        ),
        dimensions=_rows(dimensions, _previous(compared.dimensions)),
        pillars=_rows(pillars, _previous(compared.pillars)),
    )


# --- The builder -------------------------------------------------------------------------


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def report_data(cycle: EvaluationCycle, *, today: dt.date | None = None) -> ReportData:
    """Everything the report shows about ``cycle``, in a fixed number of
    queries whatever the number of items and assessors."""
    cycle = EvaluationCycle.objects.select_related(
        "region", "instrument", "readiness_instrument"
    ).get(pk=cycle.pk)
    items = list(cycle_items(cycle))
    published = published_figures(cycle) if cycle.state == cycle.State.PUBLISHED else None
    revision: ResultRevision | None = None
    if published is not None:
        revision, figures = published
        notes, recommendations = revision.notes, revision.recommendations
    else:
        figures = _figures(cycle, consolidated_scores(cycle))
        summary = CycleSummary.objects.filter(cycle=cycle).first()
        notes = summary.notes if summary else ""
        recommendations = summary.recommendations if summary else ""

    assignments = list(
        Assignment.objects.filter(cycle=cycle).select_related("assessor").order_by("-is_lead", "id")
    )
    assessors = tuple(
        AssessorColumn(assignment_id=a.pk, name=_person(a.assessor), is_lead=a.is_lead)
        for a in assignments
    )
    marks: dict[tuple[int, int], AssessorMark] = {
        (s.assignment_id, s.item_id): AssessorMark(score=s.score, justification=s.justification)
        for s in AssessorScore.objects.filter(assignment__cycle=cycle).only(
            "assignment_id", "item_id", "score", "justification"
        )
    }
    claimed = dict(Answer.objects.filter(cycle=cycle).values_list("item_id", "claimed_score"))
    missing = AssessorMark(score=None, justification="")
    item_rows = tuple(
        ItemRow(
            dimension=item.dimension.name,
            pillar=PILLAR_NAMES.get(item.pillar, ""),
            code=item.code,
            question=item.question,
            claimed=claimed.get(item.pk),
            consolidated=figures.scores.get(item.pk),
            marks=tuple(marks.get((a.assignment_id, item.pk), missing) for a in assessors),
        )
        for item in items
    )

    result = figures.result
    dimension_rows: tuple[DimensionRow, ...] = ()
    pillar_rows: tuple[PillarRow, ...] = ()
    if result is not None:
        weights = {d.code: d.weight for d in cycle.instrument.dimensions.all()}
        dimension_rows = tuple(
            DimensionRow(
                code=p.code,
                name=p.name,
                weight=weights[p.code],
                score=p.value,
                contribution=Fraction(weights[p.code]) / 100 * p.value,
                item_count=len(p.scores),
            )
            for p in result.dimensions
        )
        pillar_rows = tuple(
            PillarRow(code=p.code, name=p.name, score=p.value, item_count=len(p.scores))
            for p in result.pillars
        )
    lead = next((a for a in assessors if a.is_lead), None)
    instrument = cycle.instrument
    return ReportData(
        cycle=cycle,
        region_name=cycle.region.name,
        region_code=cycle.region.code,
        year=cycle.year,
        stage=str(cycle.get_stage_display()),
        state=str(cycle.get_state_display()),
        instrument=str(instrument),
        scale=f"{number_id(instrument.scale_min)}–{number_id(instrument.scale_max)}",
        published=revision is not None,
        revision=revision,
        revisions=tuple(cycle.revisions.order_by("number")) if revision is not None else (),
        generated_on=today or timezone.localdate(timezone=cycle.region.tzinfo),
        figures=figures,
        dimensions=dimension_rows,
        pillars=pillar_rows,
        assessors=assessors,
        items=item_rows,
        notes=notes,
        recommendations=recommendations,
        lead_assessor=lead.name if lead is not None else "",
        comparison=comparison_for(cycle, figures),
        explanation=result.explain() if result is not None else (),
        readiness=readiness_figures(cycle, figures.scores),
    )
