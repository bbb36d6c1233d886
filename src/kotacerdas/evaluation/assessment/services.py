"""Writes of the assessor side of the evaluation (DOMAIN.md §3): assigning
assessors, the conflict-of-interest declaration, scoring with a
justification, evidence requests, consolidation by the lead assessor, the
summary and the Baseline derived from the previous cycle; and the two moves
of the cycle that close the assessment, "scored" (the lead assessor) and
"published" (the ministry), both made by the cycle's one state machine
(``cycles.services.cycle_advance``), which also freezes the result.

Every service takes the acting user, runs in one transaction and writes its
audit event there (through ``core.services``). Who may call which service is
checked by the views through ``evaluation.access``; the rules that hold
whoever calls (the cycle's state, the declaration, the scale, the
justification) are checked here, with a readable message, and backed by
database triggers (migrations/0004_assessor_freeze): once the cycle is
published its answers, evidence, scores and consolidated scores never
change.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.core.services import model_create, model_delete, model_update
from kotacerdas.evaluation.assessment.models import (
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    CycleSummary,
)
from kotacerdas.evaluation.assessment.selectors import assessor_refusal, baseline_proposal
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.cycles.selectors import (
    cycle_instrument_ids,
    latest_revision,
)
from kotacerdas.evaluation.cycles.services import cycle_advance
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import number_id, score_problems
from kotacerdas.evaluation.self_assessment.models import EvidenceRequest

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
    _checked, problems = score_problems(item.instrument, [item], {item.pk: score})
    return " ".join(p.messages[0] for p in problems) if problems else None


def _check_score(cycle: EvaluationCycle, item: Item, score: Decimal) -> None:
    problem = scale_problem(cycle, item, score)
    if problem:
        raise ValidationError({"score": problem})


# --- Assignments -------------------------------------------------------------------------


def assignment_create(
    *, actor: Actor, cycle: EvaluationCycle, assessor: AbstractBaseUser, is_lead: bool = False
) -> Assignment:
    """Assign ``assessor`` to ``cycle``; with ``is_lead`` the assessor
    becomes the lead (the previous lead stays an ordinary assessor). Only an
    active account with the assessor role that is not on the region's own
    staff (``selectors.assessor_refusal``, the conflict rules)."""
    _require_state(cycle, State.PREPARING, State.IN_ASSESSMENT)
    refusal = assessor_refusal(assessor, cycle.region)
    if refusal:
        raise ValidationError({"assessor": refusal}, code="not_eligible")
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


# --- Closing the assessment: "scored" and "published" ----------------------------------------


def cycle_mark_scored(*, actor: Actor, cycle: EvaluationCycle) -> EvaluationCycle:
    """The lead assessor's "every item is consolidated": in assessment →
    scored, refused while an item has no consolidated score."""
    return cycle_advance(actor=actor, cycle=cycle, state=State.SCORED)


def cycle_publish(*, actor: Actor, cycle: EvaluationCycle) -> ResultRevision:
    """The ministry's publication: scored → published. Revision 1 freezes the
    consolidated scores, the computed result and the summary; the cycle never
    changes again."""
    with transaction.atomic():
        cycle_advance(actor=actor, cycle=cycle, state=State.PUBLISHED)
        revision = latest_revision(cycle)
    assert revision is not None
    return revision


# --- Baseline from the previous cycle ----------------------------------------------------


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
