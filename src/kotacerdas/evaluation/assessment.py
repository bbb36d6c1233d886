"""Writes of the assessor side of the evaluation (DOMAIN.md §3): assigning
assessors, the conflict-of-interest declaration, scoring with a
justification, evidence requests, consolidation by the lead assessor, the
summary, "scored", publishing and corrections.

Every service takes the acting user, runs in one transaction and writes its
audit event there (through ``core.services``). Who may call which service is
checked by the views through ``evaluation.access``; the rules that hold
whoever calls (the cycle's state, the declaration, the scale, the
justification) are checked here, with a readable message, and backed by
database triggers (migrations/0004_assessor_freeze).

Publishing freezes the result in a ``ResultRevision``: the consolidated item
scores and the computed figures, exactly. From then on the cycle's answers,
evidence, scores and consolidated scores never change; a correction is a new
revision with its reason and its corrected item scores, and the newest
revision is the published result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.core.formatting import round_half_up
from kotacerdas.core.services import model_create, model_delete, model_update
from kotacerdas.evaluation.index import number_id, number_plain
from kotacerdas.evaluation.models import (
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    CycleSummary,
    EvaluationCycle,
    EvidenceRequest,
    Item,
    ResultRevision,
)
from kotacerdas.evaluation.selectors import (
    CycleResult,
    ReadinessResult,
    _score_problems,
    cycle_instrument_ids,
    cycle_items,
    cycle_result,
    readiness_result,
)
from kotacerdas.evaluation.services import CYCLE_FIELDS

ASSIGNMENT_FIELDS = (
    "cycle",
    "assessor",
    "is_lead",
    "assigned_by",
    "conflict_declared_at",
    "has_conflict",
    "conflict_note",
)
SCORE_FIELDS = ("assignment", "item", "score", "justification", "scored_at")
REQUEST_FIELDS = ("cycle", "item", "requested_by", "message", "due_on", "state")
CONSOLIDATED_FIELDS = ("cycle", "item", "score", "note", "set_at", "set_by")
SUMMARY_FIELDS = ("cycle", "notes", "recommendations", "updated_at", "updated_by")
REVISION_FIELDS = (
    "cycle",
    "number",
    "published_by",
    "reason",
    "item_scores",
    "result",
    "notes",
    "recommendations",
)

State = EvaluationCycle.State


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _require_state(cycle: EvaluationCycle, *states: str) -> None:
    if cycle.state == State.PUBLISHED:
        raise _refuse(
            _("Siklus yang sudah diumumkan tidak dapat diubah; koreksi dibuat sebagai revisi."),
            "published",
        )
    if cycle.state not in states:
        labels = dict(State.choices)
        raise _refuse(
            _("Hal ini hanya dapat dilakukan saat siklus dalam keadaan %(states)s.")
            % {"states": " / ".join(f"“{labels[s]}”" for s in states)},
            "state",
        )


def _require_declared(assignment: Assignment) -> None:
    if assignment.conflict_declared_at is None:
        raise _refuse(
            _("Nyatakan dahulu ada atau tidaknya benturan kepentingan sebelum menilai."),
            "undeclared",
        )
    if assignment.has_conflict:
        raise _refuse(
            _(
                "Anda menyatakan ada benturan kepentingan pada siklus ini, sehingga tidak "
                "dapat menilai. Operator kementerian akan menugaskan asesor lain."
            ),
            "conflict",
        )


def _item_of(cycle: EvaluationCycle, item: Item) -> None:
    if item.instrument_id not in cycle_instrument_ids(cycle):
        raise _refuse(_("Butir ini bukan dari instrumen siklus."), "foreign_item")


def scale_problem(cycle: EvaluationCycle, item: Item, score: Decimal) -> str | None:
    """Why ``score`` is not a score of ``item`` on the cycle's scale (range and
    decimals), or None. The same check the index uses (selectors)."""
    _checked, problems = _score_problems(item.instrument, [item], {item.pk: score})
    return " ".join(p.messages[0] for p in problems) if problems else None


def _check_score(cycle: EvaluationCycle, item: Item, score: Decimal) -> None:
    problem = scale_problem(cycle, item, score)
    if problem:
        raise ValidationError({"score": problem})


# --- Assignments -------------------------------------------------------------------------


def assignment_create(
    *, actor: Actor, cycle: EvaluationCycle, assessor: AbstractBaseUser, is_lead: bool = False
) -> Assignment:
    """Assign ``assessor`` (any active account) to ``cycle``; with
    ``is_lead`` the assessor becomes the lead (the previous lead stays an
    ordinary assessor)."""
    _require_state(cycle, State.PREPARING, State.IN_ASSESSMENT)
    if not assessor.is_active:
        raise ValidationError({"assessor": _("Akun ini tidak aktif.")})
    if Assignment.objects.filter(cycle=cycle, assessor_id=assessor.pk).exists():
        raise ValidationError({"assessor": _("Asesor ini sudah ditugaskan pada siklus ini.")})
    with transaction.atomic():
        if is_lead:
            _clear_lead(actor, cycle)
        return model_create(
            actor=actor,
            instance=Assignment(),
            data={"cycle": cycle, "assessor": assessor, "is_lead": is_lead, "assigned_by": actor},
            audit_fields=ASSIGNMENT_FIELDS,
            region_code=cycle.region.code,
        )


def _clear_lead(actor: Actor, cycle: EvaluationCycle) -> None:
    for lead in Assignment.objects.select_for_update().filter(cycle=cycle, is_lead=True):
        model_update(
            actor=actor,
            instance=lead,
            data={"is_lead": False},
            audit_fields=ASSIGNMENT_FIELDS,
            region_code=cycle.region.code,
        )


def assignment_set_lead(*, actor: Actor, assignment: Assignment) -> Assignment:
    cycle = assignment.cycle
    _require_state(cycle, State.PREPARING, State.IN_ASSESSMENT)
    with transaction.atomic():
        _clear_lead(actor, cycle)
        assignment.refresh_from_db()
        model_update(
            actor=actor,
            instance=assignment,
            data={"is_lead": True},
            audit_fields=ASSIGNMENT_FIELDS,
            region_code=cycle.region.code,
        )
    return assignment


def assignment_remove(*, actor: Actor, assignment: Assignment) -> None:
    """Remove an assignment that has no scores yet (a conflicted assessor is
    replaced this way)."""
    cycle = assignment.cycle
    _require_state(cycle, State.PREPARING, State.IN_ASSESSMENT)
    if assignment.scores.exists():
        raise _refuse(
            _("Asesor ini sudah memberi nilai; penugasannya tidak dapat dihapus."), "has_scores"
        )
    model_delete(
        actor=actor,
        instance=assignment,
        audit_fields=ASSIGNMENT_FIELDS,
        region_code=cycle.region.code,
    )


def conflict_declare(
    *, actor: Actor, assignment: Assignment, has_conflict: bool, note: str = ""
) -> Assignment:
    """The assessor's own declaration, made once, before any score or
    evidence request. A "yes" needs a note and blocks scoring; the lead and
    the ministry's operator see it, and the operator reassigns."""
    cycle = assignment.cycle
    _require_state(cycle, State.PREPARING, State.IN_ASSESSMENT)
    if actor is None or actor.pk != assignment.assessor_id:
        raise _refuse(_("Hanya asesor yang bersangkutan yang membuat pernyataan ini."), "not_own")
    if assignment.conflict_declared_at is not None:
        raise _refuse(
            _("Pernyataan benturan kepentingan sudah dibuat dan tidak dapat diubah."), "declared"
        )
    note = note.strip()
    if has_conflict and not note:
        raise ValidationError({"conflict_note": _("Uraikan benturan kepentingannya.")})
    model_update(
        actor=actor,
        instance=assignment,
        data={
            "conflict_declared_at": timezone.now(),
            "has_conflict": has_conflict,
            "conflict_note": note,
        },
        audit_fields=ASSIGNMENT_FIELDS,
        region_code=cycle.region.code,
    )
    return assignment


# --- Scores and evidence requests --------------------------------------------------------


def score_set(
    *, actor: Actor, assignment: Assignment, item: Item, score: Decimal, justification: str
) -> AssessorScore:
    """Set (or change) the assessor's score of ``item`` while the cycle is in
    assessment: on the instrument's scale, with a justification."""
    cycle = assignment.cycle
    _require_state(cycle, State.IN_ASSESSMENT)
    _require_declared(assignment)
    _item_of(cycle, item)
    justification = justification.strip()
    if not justification:
        raise ValidationError({"justification": _("Alasan penilaian wajib diisi.")})
    _check_score(cycle, item, score)
    data = {"score": score, "justification": justification, "scored_at": timezone.now()}
    existing = AssessorScore.objects.filter(assignment=assignment, item=item).first()
    if existing is None:
        return model_create(
            actor=actor,
            instance=AssessorScore(),
            data={"assignment": assignment, "item": item, **data},
            audit_fields=SCORE_FIELDS,
            region_code=cycle.region.code,
        )
    if existing.score == score and existing.justification == justification:
        return existing
    model_update(
        actor=actor,
        instance=existing,
        data=data,
        audit_fields=SCORE_FIELDS,
        region_code=cycle.region.code,
    )
    return existing


def evidence_request_create(
    *, actor: Actor, assignment: Assignment, item: Item, message: str, due_on: dt.date
) -> EvidenceRequest:
    """Ask the region for more evidence on ``item`` by ``due_on``."""
    cycle = assignment.cycle
    _require_state(cycle, State.IN_ASSESSMENT)
    _require_declared(assignment)
    _item_of(cycle, item)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("Batas waktu tidak boleh sebelum hari ini.")})
    return model_create(
        actor=actor,
        instance=EvidenceRequest(),
        data={
            "cycle": cycle,
            "item": item,
            "requested_by": assignment.assessor,
            "message": message.strip(),
            "due_on": due_on,
        },
        audit_fields=REQUEST_FIELDS,
        region_code=cycle.region.code,
    )


def evidence_request_close(*, actor: Actor, request: EvidenceRequest) -> EvidenceRequest:
    """The assessor has what they asked for (or no longer needs it)."""
    _require_state(request.cycle, State.PREPARING, State.IN_ASSESSMENT, State.SCORED)
    if request.state == EvidenceRequest.State.CLOSED:
        return request
    model_update(
        actor=actor,
        instance=request,
        data={"state": EvidenceRequest.State.CLOSED},
        audit_fields=REQUEST_FIELDS,
        region_code=request.cycle.region.code,
    )
    return request


# --- Consolidation and the summary (lead assessor) ---------------------------------------


def _require_lead(assignment: Assignment) -> None:
    if not assignment.is_lead:
        raise _refuse(_("Hanya asesor utama yang menetapkan nilai konsolidasi."), "not_lead")
    _require_declared(assignment)


def consolidated_set(
    *, actor: Actor, lead: Assignment, item: Item, score: Decimal, note: str = ""
) -> ConsolidatedScore:
    """The lead assessor's score of ``item``: the one the index is computed
    from."""
    cycle = lead.cycle
    _require_state(cycle, State.IN_ASSESSMENT)
    _require_lead(lead)
    _item_of(cycle, item)
    _check_score(cycle, item, score)
    data = {"score": score, "note": note.strip(), "set_at": timezone.now(), "set_by": actor}
    existing = ConsolidatedScore.objects.filter(cycle=cycle, item=item).first()
    if existing is None:
        return model_create(
            actor=actor,
            instance=ConsolidatedScore(),
            data={"cycle": cycle, "item": item, **data},
            audit_fields=CONSOLIDATED_FIELDS,
            region_code=cycle.region.code,
        )
    if existing.score == score and existing.note == data["note"]:
        return existing
    model_update(
        actor=actor,
        instance=existing,
        data=data,
        audit_fields=CONSOLIDATED_FIELDS,
        region_code=cycle.region.code,
    )
    return existing


def summary_set(
    *, actor: Actor, lead: Assignment, notes: str, recommendations: str
) -> CycleSummary:
    cycle = lead.cycle
    _require_state(cycle, State.IN_ASSESSMENT, State.SCORED)
    _require_lead(lead)
    data = {
        "notes": notes.strip(),
        "recommendations": recommendations.strip(),
        "updated_at": timezone.now(),
        "updated_by": actor,
    }
    existing = CycleSummary.objects.filter(cycle=cycle).first()
    if existing is None:
        return model_create(
            actor=actor,
            instance=CycleSummary(),
            data={"cycle": cycle, **data},
            audit_fields=SUMMARY_FIELDS,
            region_code=cycle.region.code,
        )
    model_update(
        actor=actor,
        instance=existing,
        data=data,
        audit_fields=SUMMARY_FIELDS,
        region_code=cycle.region.code,
    )
    return existing


def consolidated_scores(cycle: EvaluationCycle) -> dict[int, Decimal]:
    """Item id → consolidated score of the cycle."""
    return dict(ConsolidatedScore.objects.filter(cycle=cycle).values_list("item_id", "score"))


def missing_consolidated(cycle: EvaluationCycle) -> list[str]:
    """Codes of the items that have no consolidated score yet."""
    done = ConsolidatedScore.objects.filter(cycle=cycle).values("item_id")
    return list(cycle_items(cycle).exclude(pk__in=done).values_list("code", flat=True))


def _advance(actor: Actor, cycle: EvaluationCycle, state: str) -> None:
    locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    model_update(
        actor=actor,
        instance=locked,
        data={"state": state},
        audit_fields=CYCLE_FIELDS,
        region_code=cycle.region.code,
    )
    cycle.state = state


def cycle_mark_scored(*, actor: Actor, cycle: EvaluationCycle) -> EvaluationCycle:
    """In assessment → scored, once every item has a consolidated score."""
    with transaction.atomic():
        locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
        _require_state(locked, State.IN_ASSESSMENT)
        missing = missing_consolidated(cycle)
        if missing:
            raise _refuse(
                _("Butir yang belum punya nilai konsolidasi: %(codes)s.")
                % {"codes": ", ".join(missing)},
                "missing_consolidated",
            )
        _advance(actor, cycle, State.SCORED)
    return cycle


# --- Publishing and corrections ----------------------------------------------------------


def _fraction(value: Fraction) -> str:
    """A Fraction as exact text: ``139/40``."""
    return f"{value.numerator}/{value.denominator}"


def result_as_json(result: CycleResult) -> dict[str, Any]:
    """The computed figures as stored in a revision: every value exactly
    (``fraction``, "139/40"), as a plain decimal (``exact``, at most 10
    places), and as shown (``shown``, half-up to 2 places)."""

    def part(p: Any, weight: Decimal | None = None) -> dict[str, Any]:
        row = {
            "code": p.code,
            "name": p.name,
            "fraction": _fraction(p.value),
            "exact": number_plain(p.value),
            "shown": str(p.rounded),
            "items": [code for code, _s, _w in p.scores],
        }
        if weight is not None:
            row["weight"] = number_plain(weight)
        return row

    weights = {d.code: d.weight for d in result.instrument.dimensions.all()}
    index = None
    if result.index is not None:
        index = {**result.index.as_dict(), "fraction": _fraction(result.index.value)}
    return {
        "instrument": {
            "id": result.instrument.pk,
            "name": result.instrument.name,
            "year": result.instrument.year,
            "version": result.instrument.version,
            "aggregation": result.instrument.aggregation,
            "scale_min": number_plain(result.instrument.scale_min),
            "scale_max": number_plain(result.instrument.scale_max),
            "scale_places": result.instrument.scale_places,
        },
        "dimensions": [part(p, weights.get(p.code)) for p in result.dimensions],
        "pillars": [part(p) for p in result.pillars],
        "index": index,
        "explain": list(result.explain()),
    }


def readiness_as_json(readiness: ReadinessResult) -> dict[str, Any]:
    """The readiness figures as stored under ``result["readiness"]``: the
    same shape as the main result, and the readiness index exactly and as
    shown (half-up to 2 places)."""
    stored = result_as_json(readiness.result)
    stored["index"] = {
        "fraction": _fraction(readiness.value),
        "exact": number_plain(readiness.value),
        "shown": str(readiness.rounded),
    }
    stored["explain"] = list(readiness.explain())
    return stored


def item_scores_json(cycle: EvaluationCycle, scores: Mapping[int, Decimal]) -> list[dict[str, Any]]:
    """Every item's score as frozen in a revision; readiness items (after
    the evaluation's) are marked ``"readiness": true``."""
    rows: list[dict[str, Any]] = []
    for item in cycle_items(cycle):
        row: dict[str, Any] = {
            "item": item.pk,
            "code": item.code,
            "dimension": item.dimension.code,
            "pillar": item.pillar,
            "score": number_plain(scores[item.pk]),
        }
        if item.instrument_id != cycle.instrument_id:
            row["readiness"] = True
        rows.append(row)
    return rows


def _revision_create(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    scores: Mapping[int, Decimal],
    reason: str,
    notes: str,
    recommendations: str,
) -> ResultRevision:
    result = cycle_result(cycle=cycle, scores=scores)
    readiness = readiness_result(cycle=cycle, scores=scores)
    result_json = result_as_json(result)
    if readiness is not None:
        result_json["readiness"] = readiness_as_json(readiness)
    number = (cycle.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return model_create(
        actor=actor,
        instance=ResultRevision(),
        data={
            "cycle": cycle,
            "number": number,
            "published_by": actor,
            "reason": reason,
            "item_scores": item_scores_json(cycle, scores),
            "result": result_json,
            "notes": notes,
            "recommendations": recommendations,
        },
        audit_fields=REVISION_FIELDS,
        region_code=cycle.region.code,
    )


def cycle_publish(*, actor: Actor, cycle: EvaluationCycle) -> ResultRevision:
    """Scored → published: revision 1 freezes the consolidated scores, the
    computed result and the summary; the cycle never changes again."""
    with transaction.atomic():
        locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
        _require_state(locked, State.SCORED)
        summary = CycleSummary.objects.filter(cycle=cycle).first()
        revision = _revision_create(
            actor=actor,
            cycle=cycle,
            scores=consolidated_scores(cycle),
            reason="",
            notes=summary.notes if summary else "",
            recommendations=summary.recommendations if summary else "",
        )
        _advance(actor, cycle, State.PUBLISHED)
    return revision


def result_correct(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    scores: Mapping[int, Decimal],
    reason: str,
    notes: str | None = None,
    recommendations: str | None = None,
) -> ResultRevision:
    """A correction of a published result: revision N+1 with its reason and
    the corrected item scores (every item; the scale is checked). The earlier
    revisions stay as they are and stay visible."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Koreksi hasil wajib menyebutkan alasannya.")})
    with transaction.atomic():
        locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.state != State.PUBLISHED:
            raise _refuse(_("Hanya hasil yang sudah diumumkan yang dikoreksi."), "not_published")
        latest = cycle.revisions.order_by("-number").first()
        assert latest is not None
        return _revision_create(
            actor=actor,
            cycle=cycle,
            scores=scores,
            reason=reason,
            notes=latest.notes if notes is None else notes.strip(),
            recommendations=(
                latest.recommendations if recommendations is None else recommendations.strip()
            ),
        )


# --- Baseline from the previous cycle ----------------------------------------------------


def previous_published_cycle(cycle: EvaluationCycle) -> EvaluationCycle | None:
    """The region's latest published cycle of an earlier year and the same
    stage."""
    return (
        EvaluationCycle.objects.filter(
            region_id=cycle.region_id,
            stage=cycle.stage,
            year__lt=cycle.year,
            state=State.PUBLISHED,
        )
        .order_by("-year")
        .first()
    )


def baseline_proposal(cycle: EvaluationCycle) -> tuple[ResultRevision, Decimal] | None:
    """The rule of docs/decisions.md ("Baseline from the previous cycle"):
    the previous cycle's published index (its latest revision, exact),
    rounded half-up to the scale's decimals and kept within the scale; None
    when there is no previous published cycle with an index."""
    previous = previous_published_cycle(cycle)
    if previous is None:
        return None
    revision = previous.revisions.order_by("-number").first()
    if revision is None or not revision.result.get("index"):
        return None
    exact = Fraction(revision.result["index"]["fraction"])
    instrument = cycle.instrument
    value = round_half_up(exact, instrument.scale_places)
    value = min(max(value, instrument.scale_min), instrument.scale_max)
    return revision, value


def baseline_from_previous(*, actor: Actor, lead: Assignment) -> list[ConsolidatedScore]:
    """Set the consolidated score of every Baseline item to the previous
    cycle's index (``baseline_proposal``), each with a note naming the source,
    so the derivation is explicit and in the audit trail. The lead may still
    change each score afterwards."""
    cycle = lead.cycle
    proposal = baseline_proposal(cycle)
    if proposal is None:
        raise _refuse(
            _("Wilayah ini belum punya hasil evaluasi yang diumumkan dari tahun sebelumnya."),
            "no_previous",
        )
    revision, value = proposal
    note = _(
        "Diturunkan dari indeks evaluasi %(year)s (%(stage)s, revisi %(number)s): "
        "%(exact)s, dibulatkan menjadi %(value)s."
    ) % {
        "year": revision.cycle.year,
        "stage": revision.cycle.get_stage_display(),
        "number": revision.number,
        "exact": number_id(Fraction(revision.result["index"]["fraction"])),
        "value": number_id(value),
    }
    items = Item.objects.filter(instrument_id=cycle.instrument_id, dimension__code="baseline")
    with transaction.atomic():
        return [
            consolidated_set(actor=actor, lead=lead, item=item, score=value, note=note)
            for item in items.order_by("order", "id")
        ]


def spread_threshold() -> Decimal:
    """Spread (max − min of the assessors' scores) from which an item is
    flagged; ``EVALUATION_SPREAD_FLAG`` in the settings, default 1 point."""
    raw = str(getattr(settings, "EVALUATION_SPREAD_FLAG", "1"))
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(
            f"EVALUATION_SPREAD_FLAG must be a number of points, 0 or more (not {raw!r})."
        )
    return value
