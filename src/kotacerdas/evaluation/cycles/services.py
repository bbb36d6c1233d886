"""Writes of a cycle: creation, schedule, its state, and its published result.
Each runs in one transaction with its audit event; the actor is always passed
in.

The cycle's state machine is here and only here. ``TRANSITIONS`` says which
state may follow which, ``MOVERS`` who moves a cycle into each state (the
views check it through ``evaluation.access``), and ``cycle_advance`` is the
one function that changes a cycle's state, checking or doing in the same
transaction what the new state needs:

- *in assessment*: the region's team submits its self-assessment
  (``self_assessment.services.self_assessment_submit``) or reopens scoring;
- *scored*: every item of the cycle has a consolidated score (the lead
  assessor's ``assessment.services.cycle_mark_scored``);
- *published*: the consolidated scores, the computed result and the summary
  are frozen in revision 1 (the ministry's
  ``assessment.services.cycle_publish``); published is final.

A published result is never edited: ``result_correct`` adds revision N+1
with its reason, and the newest revision is the published result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.core.services import model_create, model_update
from kotacerdas.evaluation.assessment.models import CycleSummary
from kotacerdas.evaluation.assessment.selectors import consolidated_scores, missing_consolidated
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.cycles.selectors import (
    cycle_result_json,
    item_scores_json,
    latest_revision,
)
from kotacerdas.evaluation.instruments.models import Instrument
from kotacerdas.evaluation.instruments.selectors import active_instrument
from kotacerdas.regions.models import Region

CYCLE_FIELDS = (
    "region",
    "year",
    "stage",
    "instrument",
    "readiness_instrument",
    "self_assessment_due",
    "interview_date",
    "evidence_deadline",
    "state",
)
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

# --- The state machine ---------------------------------------------------------------------

# Which state may follow which. Going back is allowed until the result is
# published; published is final (a correction is a new revision).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.PREPARING: (State.IN_ASSESSMENT,),
    State.IN_ASSESSMENT: (State.PREPARING, State.SCORED),
    State.SCORED: (State.IN_ASSESSMENT, State.PUBLISHED),
    State.PUBLISHED: (),
}


class Mover(StrEnum):
    """Who moves a cycle into a state. Superusers (the ministry's operator)
    make every move."""

    TEAM = "team"  # the region's smart city team
    LEAD = "lead"  # the cycle's lead assessor
    MINISTRY = "ministry"  # the ministry's operator only


MOVERS: dict[str, Mover] = {
    State.PREPARING: Mover.TEAM,  # back to the self-assessment
    State.IN_ASSESSMENT: Mover.TEAM,  # the self-assessment submitted, or scoring reopened
    State.SCORED: Mover.LEAD,  # every item consolidated
    State.PUBLISHED: Mover.MINISTRY,  # the result frozen in revision 1
}


def _refuse_transition(current: str, target: str) -> ValidationError:
    labels = dict(State.choices)
    params = {"current": labels.get(current, current), "target": labels.get(target, target)}
    if current == State.PUBLISHED:
        message = _(
            "Siklus yang sudah diumumkan tidak dapat diubah menjadi “%(target)s”; "
            "koreksi dibuat sebagai revisi."
        )
    else:
        message = _("Siklus dalam keadaan “%(current)s” tidak dapat diubah menjadi “%(target)s”.")
    return ValidationError(message % params, code="transition")


def cycle_advance(*, actor: Actor, cycle: EvaluationCycle, state: str) -> EvaluationCycle:
    """Move the cycle to ``state`` when TRANSITIONS allows it, with what that
    state needs (module docstring): the one writer of a cycle's state. The
    cycle row stays locked until the transaction ends, so the services that
    depend on the state (self_assessment, assessment) wait for the move."""
    with transaction.atomic():
        locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
        if state not in TRANSITIONS.get(locked.state, ()):
            raise _refuse_transition(locked.state, state)
        if state == State.SCORED:
            missing = missing_consolidated(cycle)
            if missing:
                raise ValidationError(
                    _("Butir yang belum punya nilai konsolidasi: %(codes)s.")
                    % {"codes": ", ".join(missing)},
                    code="missing_consolidated",
                )
        elif state == State.PUBLISHED:
            summary = CycleSummary.objects.filter(cycle=cycle).first()
            _revision_create(
                actor=actor,
                cycle=cycle,
                scores=consolidated_scores(cycle),
                reason="",
                notes=summary.notes if summary else "",
                recommendations=summary.recommendations if summary else "",
            )
        model_update(
            actor=actor,
            instance=locked,
            data={"state": state},
            audit_fields=CYCLE_FIELDS,
            region_code=cycle.region.code,
        )
    cycle.state = locked.state
    return cycle


# --- Creation and schedule -----------------------------------------------------------------


def cycle_create(
    *,
    actor: Actor,
    region: Region,
    year: int,
    stage: str,
    with_readiness: bool = False,
    self_assessment_due: dt.date | None = None,
    interview_date: dt.date | None = None,
    evidence_deadline: dt.date | None = None,
) -> EvaluationCycle:
    """A cycle in preparation, using the active evaluation instrument of its
    year (and the active readiness instrument when asked)."""
    instrument = active_instrument(kind=Instrument.Kind.EVALUATION, year=year)
    if instrument is None:
        raise ValidationError(
            {
                "year": _("Belum ada instrumen evaluasi yang aktif untuk tahun %(year)s.")
                % {"year": year}
            }
        )
    readiness = None
    if with_readiness:
        readiness = active_instrument(kind=Instrument.Kind.READINESS, year=year)
        if readiness is None:
            raise ValidationError(
                {
                    "with_readiness": _(
                        "Belum ada instrumen kesiapan yang aktif untuk tahun %(year)s."
                    )
                    % {"year": year}
                }
            )
    return model_create(
        actor=actor,
        instance=EvaluationCycle(),
        data={
            "region": region,
            "year": year,
            "stage": stage,
            "instrument": instrument,
            "readiness_instrument": readiness,
            "self_assessment_due": self_assessment_due,
            "interview_date": interview_date,
            "evidence_deadline": evidence_deadline,
        },
        audit_fields=CYCLE_FIELDS,
        region_code=region.code,
    )


def cycle_set_schedule(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    self_assessment_due: dt.date | None,
    interview_date: dt.date | None,
    evidence_deadline: dt.date | None,
) -> EvaluationCycle:
    if cycle.state == State.PUBLISHED:
        raise ValidationError(
            _("Siklus yang sudah diumumkan tidak dapat diubah."), code="published"
        )
    model_update(
        actor=actor,
        instance=cycle,
        data={
            "self_assessment_due": self_assessment_due,
            "interview_date": interview_date,
            "evidence_deadline": evidence_deadline,
        },
        audit_fields=CYCLE_FIELDS,
        region_code=cycle.region.code,
    )
    return cycle


# --- The published result: revisions ------------------------------------------------------


def _revision_create(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    scores: Mapping[int, Decimal],
    reason: str,
    notes: str,
    recommendations: str,
) -> ResultRevision:
    # The figures first: they refuse unscored items and scores off the scale.
    result = cycle_result_json(cycle=cycle, scores=scores)
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
            "result": result,
            "notes": notes,
            "recommendations": recommendations,
        },
        audit_fields=REVISION_FIELDS,
        region_code=cycle.region.code,
    )


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
            raise ValidationError(
                _("Hanya hasil yang sudah diumumkan yang dikoreksi."), code="not_published"
            )
        latest = latest_revision(cycle)
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
