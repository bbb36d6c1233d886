"""Who may do what in the evaluation app: the scoped fetch helpers of every
sub-package (instruments, cycles, the region side, the assessor side).

- Instruments are national (one per year and kind), not per region. The
  ministry's operator, a superuser, creates, edits, imports and activates
  them. The smart city team of any region (Role.ADMIN) may read them, so it
  knows what it will be evaluated on. Everyone else gets 403.
- Cycles belong to a region. Its smart city team (Role.ADMIN) and superusers
  view them, create them, set their schedule and move them along; agency
  editors and heads, assessors and registry officers of the region get 403
  (assessors see the cycles of their assignments, below); other regions' cycles
  are 404.
- Who moves a cycle into which state is ``cycles.services.MOVERS``: the
  team submits and reopens, the lead assessor marks the cycle scored, and
  publishing, which is final, is the ministry's act (superusers only).
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kotacerdas.core.access import User, fetch, regions_for, roles_of
from kotacerdas.core.timezones import activate_region
from kotacerdas.evaluation.assessment.models import Assignment
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.cycles.selectors import cycle_instrument_ids
from kotacerdas.evaluation.cycles.services import MOVERS, Mover
from kotacerdas.evaluation.instruments.models import Instrument, Item
from kotacerdas.evaluation.self_assessment.models import (
    Answer,
    AnswerEvidence,
    Application,
    EvidenceRequest,
)
from kotacerdas.regions.models import Region

InstrumentAction = Literal["view", "change"]
CycleAction = Literal["view", "change", "publish"]


def may_use_instruments(user: User, action: InstrumentAction = "view") -> bool:
    roles = roles_of(user)
    return roles.superuser or (action == "view" and bool(roles.admin_regions))


def instruments_for(user: User, action: InstrumentAction = "view") -> QuerySet[Instrument]:
    if may_use_instruments(user, action):
        return Instrument.objects.all()
    return Instrument.objects.none()


def instrument_fetch(user: User, pk: int, action: InstrumentAction = "view") -> Instrument:
    """404 when there is no such instrument; 403 when the user may not do
    ``action`` (instruments are national, so their existence is no secret)."""
    if not Instrument.objects.filter(pk=pk).exists():
        raise Http404
    instrument = instruments_for(user, action).filter(pk=pk).first()
    if instrument is None:
        raise PermissionDenied
    return instrument


def item_fetch(user: User, pk: int) -> Item:
    item = Item.objects.select_related("instrument", "dimension").filter(pk=pk).first()
    if item is None:
        raise Http404
    instrument_fetch(user, item.instrument_id, "change")
    return item


def cycles_for(user: User, action: CycleAction = "view") -> QuerySet[EvaluationCycle]:
    roles = roles_of(user)
    qs = EvaluationCycle.objects.select_related("region", "instrument", "readiness_instrument")
    if roles.superuser:
        return qs
    if action == "publish":
        return qs.none()
    return qs.filter(region_id__in=roles.admin_regions)


def cycle_fetch(user: User, pk: int, action: CycleAction = "view") -> EvaluationCycle:
    """403 for members of the cycle's region without the right; 404 for
    everyone else (no existence leak across regions)."""
    visible = EvaluationCycle.objects.filter(region__in=regions_for(user)).select_related(
        "region", "instrument", "readiness_instrument"
    )
    permitted = cycles_for(user, action)
    if action == "view" and user.is_authenticated:
        # Assessors read the cycles they are assigned to (and only those).
        assigned = Q(pk__in=_assigned_cycle_ids(user))
        visible = visible | EvaluationCycle.objects.filter(assigned)
        permitted = permitted | EvaluationCycle.objects.filter(assigned)
    return fetch(visible, permitted, pk=pk)


def move_action(state: str) -> CycleAction:
    """The right the cycle page's state form needs to move a cycle into
    ``state`` (``MOVERS``): "change" for the team's moves, "publish" (the
    ministry's operator) for the others — the lead assessor marks a cycle
    scored on the assessor panel (``lead_or_operator_fetch``)."""
    return "publish" if MOVERS.get(state) in (Mover.LEAD, Mover.MINISTRY) else "change"


def may_move(user: User, cycle: EvaluationCycle, state: str) -> bool:
    """Whether the cycle page offers ``user`` the move into ``state``: the
    same rule as ``move_action``, answered from the cached roles."""
    roles = roles_of(user)
    if roles.superuser:
        return True
    return move_action(state) == "change" and roles.is_admin_of(cycle.region_id)


def region_for_cycles(user: User, code: str) -> Region:
    """The region whose cycles the user manages: 404 outside the user's
    regions, 403 inside them without the smart city team's role."""
    region = regions_for(user).filter(code=code).first()
    if region is None:
        raise Http404
    activate_region(region)
    if not roles_of(user).is_admin_of(region.pk):
        raise PermissionDenied
    return region


# --- Region side: the self-assessment, its evidence, the application inventory ---
#
# - The region's smart city team (Role.ADMIN) and superusers read and write
#   every answer of their region's cycles (self_assessment/services.py says
#   *when*).
# - Members of an agency (editor or head) asked to contribute an item's
#   answer see the cycle while it is open (preparing, in assessment), and
#   only the answers delegated to their agency; they write those and their
#   evidence, nothing else.
# - Assessors read the answers and evidence of the cycles they are assigned
#   to (an ``Assignment``); an unassigned assessor of the region gets 403.
# - Everyone else in the region gets 403; outside it, 404.

AnswerAction = Literal["view", "change"]
OPEN_CYCLE_STATES = (EvaluationCycle.State.PREPARING, EvaluationCycle.State.IN_ASSESSMENT)


def _assigned_cycle_ids(user: User) -> QuerySet[Assignment, int]:
    """The ids of the user's assigned cycles, as a subquery."""
    return Assignment.objects.filter(assessor_id=user.pk).values_list("cycle_id", flat=True)


def may_read_cycle(user: User, cycle: EvaluationCycle) -> bool:
    """The region's smart city team, superusers and assessors assigned to the
    cycle may read all of its answers and evidence."""
    roles = roles_of(user)
    if roles.superuser or cycle.region_id in roles.admin_regions:
        return True
    return (
        user.is_authenticated
        and Assignment.objects.filter(cycle=cycle, assessor_id=user.pk).exists()
    )


def answer_cycles_for(user: User, action: AnswerAction = "view") -> QuerySet[EvaluationCycle]:
    """Cycles whose self-assessment the user may open (``view``) or write
    in (``change``): the team's, open cycles with an item delegated to one of
    the user's agencies, and (``view`` only) the cycles of the user's
    assignments."""
    roles = roles_of(user)
    qs = EvaluationCycle.objects.select_related("region", "instrument")
    if roles.superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    delegated = Answer.objects.filter(agency_id__in=roles.agencies).values("cycle_id")
    allowed = Q(region_id__in=roles.admin_regions) | Q(
        state__in=OPEN_CYCLE_STATES, pk__in=delegated
    )
    if action == "view":
        allowed |= Q(pk__in=_assigned_cycle_ids(user))
    return qs.filter(allowed)


def answer_cycle_fetch(user: User, pk: int, action: AnswerAction = "view") -> EvaluationCycle:
    """403 for members of the cycle's region (and assigned assessors) without
    the right; 404 for everyone else."""
    visible = EvaluationCycle.objects.filter(
        Q(region__in=regions_for(user)) | Q(pk__in=_assigned_cycle_ids(user))
        if user.is_authenticated
        else Q(pk__in=[])
    )
    return fetch(visible, answer_cycles_for(user, action), pk=pk)


def answers_visible(user: User, cycle: EvaluationCycle) -> QuerySet[Answer]:
    """The answers of ``cycle`` the user may read: all of them for the team
    and assigned assessors, the delegated ones for agency members."""
    qs = Answer.objects.filter(cycle=cycle)
    if may_read_cycle(user, cycle):
        return qs
    return qs.filter(agency_id__in=roles_of(user).agencies)


def may_answer(user: User, cycle: EvaluationCycle, answer: Answer | None) -> bool:
    """Whether the user may write this item's answer and evidence (``None``:
    the item has no answer yet, which only the team may start). Whether the
    cycle's state allows writing is the services' rule
    (``self_assessment.services.answer_problem``)."""
    roles = roles_of(user)
    if roles.superuser or cycle.region_id in roles.admin_regions:
        return True
    return (
        answer is not None
        and answer.agency_id is not None
        and answer.agency_id in roles.agencies
        and cycle.state in OPEN_CYCLE_STATES
    )


def may_delegate(user: User, cycle: EvaluationCycle) -> bool:
    """Only the smart city team asks agencies to contribute."""
    return roles_of(user).is_admin_of(cycle.region_id)


def item_of_cycle(cycle: EvaluationCycle, item_pk: int) -> Item:
    item = (
        Item.objects.select_related("dimension", "instrument")
        .filter(pk=item_pk, instrument_id__in=cycle_instrument_ids(cycle))
        .first()
    )
    if item is None:
        raise Http404
    return item


def answer_evidence_fetch(user: User, pk: int, action: AnswerAction = "view") -> AnswerEvidence:
    """A piece of answer evidence: readable by whoever may read its answer
    (``answers_visible``), removable by whoever may write it."""
    evidence = (
        AnswerEvidence.objects.select_related(
            "answer__cycle__region", "answer__item", "progress_evidence"
        )
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    answer = evidence.answer
    cycle = answer_cycle_fetch(user, answer.cycle_id)
    if not answers_visible(user, cycle).filter(pk=answer.pk).exists():
        raise PermissionDenied
    if action == "change" and not may_answer(user, cycle, answer):
        raise PermissionDenied
    return evidence


def evidence_request_fetch(user: User, pk: int) -> EvidenceRequest:
    """An evidence request the user may answer: the team's, or the agency's
    whose answer the requested item is."""
    request = EvidenceRequest.objects.select_related("cycle__region", "item").filter(pk=pk).first()
    if request is None:
        raise Http404
    cycle = answer_cycle_fetch(user, request.cycle_id, "change")
    answer = Answer.objects.filter(cycle=cycle, item=request.item).first()
    if not may_answer(user, cycle, answer):
        raise PermissionDenied
    return request


def region_for_contributions(user: User, code: str) -> Region:
    """The region whose delegated items the user looks at: its smart city
    team and its agency members; 403 for the region's other members, 404
    outside the user's regions."""
    region = regions_for(user).filter(code=code).first()
    if region is None:
        raise Http404
    activate_region(region)
    roles = roles_of(user)
    if (
        not roles.is_admin_of(region.pk)
        and not region.agencies.filter(pk__in=roles.agencies).exists()
    ):
        raise PermissionDenied
    return region


def contributions_for(user: User, region: Region) -> QuerySet[Answer]:
    """The answers of the region's open cycles delegated to the user's
    agencies (for the team: to any agency)."""
    roles = roles_of(user)
    qs = Answer.objects.filter(
        cycle__region=region, cycle__state__in=OPEN_CYCLE_STATES, agency__isnull=False
    )
    if not roles.is_admin_of(region.pk):
        qs = qs.filter(agency_id__in=roles.agencies)
    return qs


def applications_for(user: User, region: Region) -> QuerySet[Application]:
    """The region's application inventory, for its smart city team."""
    if not roles_of(user).is_admin_of(region.pk):
        return Application.objects.none()
    return Application.objects.filter(region=region).select_related("agency")


def application_fetch(user: User, pk: int) -> Application:
    """404 outside the user's regions, 403 inside them without the team's role."""
    application = Application.objects.select_related("region", "agency").filter(pk=pk).first()
    if application is None or not regions_for(user).filter(pk=application.region_id).exists():
        raise Http404
    if not roles_of(user).is_admin_of(application.region_id):
        raise PermissionDenied
    return application


# --- Assessor side: assignments, scoring, consolidation, publishing ---
#
# - An assessor sees a cycle only through an ``Assignment`` on it; a
#   Role.ASSESSOR membership of the region gives no access by itself (403 in
#   the region, 404 elsewhere, like any other member without the right).
# - Scoring and evidence requests ("assess"): the assigned assessor, after
#   declaring no conflict of interest (the services check the declaration).
# - Consolidation, the summary and "scored" ("lead"): the lead assessor; a
#   superuser may also mark the cycle scored and read the consolidation.
# - Assigning assessors, publishing and corrections are the ministry's
#   (superusers only; ``cycle_fetch(..., "publish")``).


def assignment_for(user: User, cycle: EvaluationCycle) -> Assignment | None:
    """The user's assignment on ``cycle``, or None."""
    if not user.is_authenticated:
        return None
    return Assignment.objects.filter(cycle=cycle, assessor_id=user.pk).first()


def assigned_cycles(user: User) -> QuerySet[EvaluationCycle]:
    """The cycles the user is assigned to as an assessor ("Penugasan saya")."""
    if not user.is_authenticated:
        return EvaluationCycle.objects.none()
    return EvaluationCycle.objects.filter(pk__in=_assigned_cycle_ids(user)).select_related(
        "region", "instrument"
    )


AssessAction = Literal["assess", "lead"]


def assessment_fetch(
    user: User, pk: int, action: AssessAction = "assess"
) -> tuple[EvaluationCycle, Assignment]:
    """The cycle and the user's assignment on it: 404 when the user may not
    see the cycle at all, 403 when they see it (region team, superuser) but
    are not assigned (or, for ``lead``, not the lead assessor)."""
    cycle = answer_cycle_fetch(user, pk)
    assignment = assignment_for(user, cycle)
    if assignment is None or (action == "lead" and not assignment.is_lead):
        raise PermissionDenied
    return cycle, assignment


def lead_or_operator_fetch(user: User, pk: int) -> tuple[EvaluationCycle, Assignment | None]:
    """The cycle for its lead assessor (with the assignment) or a superuser
    (without): who moves a cycle into "scored" (``Mover.LEAD``). 403 for
    everyone else who sees the cycle, 404 for the rest."""
    cycle = answer_cycle_fetch(user, pk)
    assignment = assignment_for(user, cycle)
    if assignment is not None and assignment.is_lead:
        return cycle, assignment
    if roles_of(user).superuser:
        return cycle, None
    raise PermissionDenied
