"""Reads of the region side: the self-assessment of a cycle grouped by
dimension and pillar with its progress, and what the cycle page shows of it.
Pure reads, a fixed number of queries however many items there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.cycles.selectors import cycle_instrument_ids, cycle_items
from kotacerdas.evaluation.instruments.models import Dimension, Item
from kotacerdas.evaluation.self_assessment.models import Answer, AnswerEvidence, EvidenceRequest
from kotacerdas.masterplan.pillars import PILLARS

PILLAR_ORDER = {p.code: i for i, p in enumerate(PILLARS)}
PILLAR_NAMES = {p.code: p.name for p in PILLARS}


def is_answered(answer: Answer | None) -> bool:
    """An item counts as answered once it has both an answer and a claimed score."""
    return answer is not None and bool(answer.text.strip()) and answer.claimed_score is not None


@dataclass
class ItemRow:
    item: Item
    answer: Answer | None
    evidence: list[AnswerEvidence]
    open_requests: list[EvidenceRequest]

    @property
    def answered(self) -> bool:
        return is_answered(self.answer)


@dataclass
class PillarGroup:
    code: str
    name: str
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class DimensionGroup:
    dimension: Dimension
    pillars: list[PillarGroup] = field(default_factory=list)
    # True for the first group of the readiness instrument: the page opens
    # its "Kesiapan daerah" section there.
    starts_readiness: bool = False

    @property
    def rows(self) -> list[ItemRow]:
        return [row for group in self.pillars for row in group.rows]


@dataclass
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class SelfAssessment:
    groups: list[DimensionGroup]
    progress: Progress
    unanswered: list[Item]


def _answers(answers: QuerySet[Answer]) -> dict[int, Answer]:
    qs = answers.select_related("agency", "updated_by").prefetch_related(
        Prefetch(
            "evidence",
            queryset=AnswerEvidence.objects.select_related(
                "added_by", "progress_evidence__report__action_plan"
            ),
        )
    )
    return {answer.item_id: answer for answer in qs}


def self_assessment(
    cycle: EvaluationCycle, answers: QuerySet[Answer], *, delegated_only: bool = False
) -> SelfAssessment:
    """Every item of the cycle's instrument with its answer (from
    ``answers``, the ones the reader may see), evidence and open evidence
    requests, grouped by dimension and, within it, by pillar. With
    ``delegated_only`` (agency members) only the items in ``answers``."""
    by_item = _answers(answers)
    requests: dict[int, list[EvidenceRequest]] = defaultdict(list)
    for request in EvidenceRequest.objects.filter(
        cycle=cycle, state=EvidenceRequest.State.OPEN
    ).order_by("due_on", "id"):
        requests[request.item_id].append(request)
    items = cycle_items(cycle)
    groups: dict[int, DimensionGroup] = {}
    for instrument_id in cycle_instrument_ids(cycle):
        for dimension in Dimension.objects.filter(instrument_id=instrument_id).order_by(
            "order", "id"
        ):
            groups[dimension.pk] = DimensionGroup(dimension)
    rows_by_dimension: dict[int, list[ItemRow]] = defaultdict(list)
    unanswered = []
    answered = 0
    for item in items:
        answer = by_item.get(item.pk)
        if delegated_only and answer is None:
            continue
        row = ItemRow(
            item=item,
            answer=answer,
            evidence=list(answer.evidence.all()) if answer is not None else [],
            open_requests=requests.get(item.pk, []),
        )
        rows_by_dimension[item.dimension_id].append(row)
        if row.answered:
            answered += 1
        else:
            unanswered.append(item)
    for dimension_id, rows in rows_by_dimension.items():
        pillars: dict[str, PillarGroup] = {}
        for row in sorted(rows, key=lambda r: PILLAR_ORDER.get(r.item.pillar, len(PILLARS))):
            code = row.item.pillar
            if code not in pillars:
                pillars[code] = PillarGroup(code, PILLAR_NAMES.get(code, ""))
            pillars[code].rows.append(row)
        groups[dimension_id].pillars = list(pillars.values())
    total = answered + len(unanswered)
    shown = [g for g in groups.values() if g.pillars]
    for group in shown:
        if group.dimension.instrument_id != cycle.instrument_id:
            group.starts_readiness = True
            break
    return SelfAssessment(
        groups=shown,
        progress=Progress(answered, total),
        unanswered=unanswered,
    )


@dataclass
class OpenRequest:
    request: EvidenceRequest
    late: bool


def open_evidence_requests(
    cycle: EvaluationCycle, today: dt.date | None = None
) -> list[OpenRequest]:
    """The cycle's open evidence requests, earliest deadline first; past
    their deadline ones are ``late``."""
    today = today or timezone.localdate()
    return [
        OpenRequest(request, request.due_on < today)
        for request in EvidenceRequest.objects.filter(cycle=cycle, state=EvidenceRequest.State.OPEN)
        .select_related("item", "requested_by")
        .order_by("due_on", "id")
    ]


def answer_progress(cycle: EvaluationCycle) -> Progress:
    total = cycle_items(cycle).count()
    answered = sum(
        1
        for text, score in Answer.objects.filter(cycle=cycle).values_list("text", "claimed_score")
        if text.strip() and score is not None
    )
    return Progress(answered, total)
