"""Permission matrix rows for the assessor side of the evaluation.

In these rows the ``assessor`` persona (dewi) is ASSIGNED to the world's
cycle (the arg builders create the assignment, as the lead, with no conflict
declared unless the row needs otherwise); the ``officer`` persona stands for
an unassigned member of the region, and gets 403 like the agency editors.
The region's smart city team (``admin``) reads the cycle and its result but
scores nothing. Assigning, publishing and corrections are the ministry's
operator's (a superuser, not a persona; see tests/evaluation/
test_assessor_views.py), so every persona gets 403 there. An external
assessor assigned elsewhere gets 404 (test_assessor_views.py)."""

from __future__ import annotations

import datetime as dt

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.models import Assignment
from tests.conftest import World
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    consolidate_all,
    in_assessment,
    operator,
    published_cycle,
    user,
)
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, row

EVERYONE = row(LOGIN, 200, 200, 200, 200, 200)
ASSIGNED_READ = row(LOGIN, 403, 403, 403, 200, 403)
ASSIGNED_POST = row(LOGIN, 403, 403, 403, 302, 403)
OPERATOR_ONLY = row(LOGIN, 403, 403, 403, 403, 403)
TEAM_AND_ASSIGNED_READ = row(LOGIN, 200, 403, 403, 200, 403)


def _assigned(w: World, *, declare: bool = True) -> Assignment:
    cycle = in_assessment(w.region)
    existing = Assignment.objects.filter(cycle=cycle, assessor__username="dewi").first()
    if existing is not None:
        return existing
    dewi = user("dewi")
    assignment = assessment.assignment_create(actor=None, cycle=cycle, assessor=dewi, is_lead=True)
    if declare:
        assessment.conflict_declare(actor=dewi, assignment=assignment, has_conflict=False)
    return assignment


def cycle(w: World) -> list[object]:
    return [_assigned(w).cycle_id]


def undeclared_cycle(w: World) -> list[object]:
    return [_assigned(w, declare=False).cycle_id]


def assignment(w: World) -> list[object]:
    return [_assigned(w).pk]


def published(w: World) -> list[object]:
    cycle, _revision = published_cycle(w.region, lead_name="lead")
    return [cycle.pk]


def published_assigned(w: World) -> list[object]:
    """A published cycle whose lead is dewi (so she reads its result)."""
    lead = _assigned(w)
    cycle = lead.cycle
    consolidate_all(lead, JAMBI_ITEMS)
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    assessment.cycle_publish(actor=operator(), cycle=cycle)
    return [cycle.pk]


def evidence_request(w: World) -> list[object]:
    lead = _assigned(w)
    request = assessment.evidence_request_create(
        actor=lead.assessor,
        assignment=lead,
        item=lead.cycle.instrument.items.get(code="OP-1"),
        message="Unggah perwali.",
        due_on=dt.date.today() + dt.timedelta(days=3),
    )
    return [request.pk]


ROWS: Rows = {
    "evaluation:my_assignments": (lambda w: [], {}, {"GET": EVERYONE, "POST": SAFE_ONLY}),
    "evaluation:assignment_manage": (
        cycle,
        {"assessor": "1"},
        {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY},
    ),
    "evaluation:assignment_lead": (assignment, {}, {"GET": SAFE_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:assignment_remove": (assignment, {}, {"GET": SAFE_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:conflict_declare": (
        undeclared_cycle,
        {"has_conflict": "no"},
        {"GET": ASSIGNED_READ, "POST": ASSIGNED_POST},
    ),
    "evaluation:assess": (cycle, {}, {"GET": ASSIGNED_READ, "POST": ASSIGNED_POST}),
    "evaluation:evidence_request_create": (
        cycle,
        {"message": "Unggah perwali."},
        {"GET": SAFE_ONLY, "POST": ASSIGNED_POST},
    ),
    "evaluation:evidence_request_close": (
        evidence_request,
        {},
        {"GET": SAFE_ONLY, "POST": ASSIGNED_POST},
    ),
    "evaluation:consolidate": (cycle, {}, {"GET": ASSIGNED_READ, "POST": ASSIGNED_POST}),
    "evaluation:baseline_derive": (cycle, {}, {"GET": SAFE_ONLY, "POST": ASSIGNED_POST}),
    "evaluation:summary_edit": (
        cycle,
        {"notes": "Lengkap.", "recommendations": "Lanjutkan."},
        {"GET": ASSIGNED_READ, "POST": ASSIGNED_POST},
    ),
    "evaluation:mark_scored": (cycle, {}, {"GET": SAFE_ONLY, "POST": ASSIGNED_POST}),
    # GET is the publish confirmation; only its own POST publishes.
    "evaluation:cycle_publish": (
        cycle,
        {CONFIRM_FIELD: "1"},
        {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY},
    ),
    "evaluation:result_correct": (
        published,
        {"reason": "Salah ketik."},
        {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY},
    ),
    "evaluation:cycle_result": (
        published_assigned,
        {},
        {"GET": TEAM_AND_ASSIGNED_READ, "POST": SAFE_ONLY},
    ),
}
