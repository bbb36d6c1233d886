"""Assessor-side objects built through the services, as the product builds
them: assignments, scores, consolidation and a published cycle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kotacerdas.core.models import Membership, Role
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.cycles import services as cycles
from kotacerdas.evaluation.models import Assignment, EvaluationCycle, ResultRevision
from kotacerdas.regions.models import Region
from tests.evaluation.factories import make_cycle
from tests.factories import make_user

# Item scores whose means are Kota Jambi 2024's dimension scores
# (3,84 / 3,18 / 3,53 / 3,63 / 3,35): index 3,475, shown 3,48.
JAMBI_ITEMS = {
    "BL-1": "3.80",
    "BL-2": "3.88",
    "OP-1": "3.00",
    "OP-2": "3.20",
    "OP-3": "3.34",
    "OC-1": "3.50",
    "OC-2": "3.56",
    "IM-1": "3.60",
    "IM-2": "3.66",
    "QW-1": "3.00",
    "QW-2": "3.50",
    "QW-3": "3.20",
    "QW-4": "3.40",
    "QW-5": "3.50",
    "QW-6": "3.50",
}


def user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username=username).first()
    return existing if existing is not None else make_user(username)


def assessor_role(user: Any, region: Region) -> Any:
    """Give ``user`` the assessor role (a Role.ASSESSOR membership of
    ``region``, as the demo's ``asesor`` has) unless they hold it somewhere:
    only assessors can be assigned (the conflict rules)."""
    if not Membership.objects.filter(user=user, role=Role.ASSESSOR).exists():
        Membership.objects.create(user=user, region=region, role=Role.ASSESSOR)
    return user


def operator() -> Any:
    """The ministry's operator: a superuser."""
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username="operator").first()
    if existing is not None:
        return existing
    return make_user("operator", is_superuser=True, is_staff=True)


def in_assessment(region: Region, *, year: int = 2025, stage: str = "tahap_1") -> EvaluationCycle:
    cycle = make_cycle(region, year=year, stage=stage)
    if cycle.state == EvaluationCycle.State.PREPARING:
        cycles.cycle_advance(actor=None, cycle=cycle, state=EvaluationCycle.State.IN_ASSESSMENT)
    return cycle


def assign(
    cycle: EvaluationCycle, username: str, *, lead: bool = False, declare: bool | None = False
) -> Assignment:
    """Assign ``username`` (created when missing); ``declare`` False declares
    no conflict, True a conflict, None nothing yet."""
    assessor = assessor_role(user(username), cycle.region)
    assignment = assessment.assignment_create(
        actor=None, cycle=cycle, assessor=assessor, is_lead=lead
    )
    if declare is not None:
        assessment.conflict_declare(
            actor=assessor,
            assignment=assignment,
            has_conflict=declare,
            note="Pernah menjadi konsultan daerah ini." if declare else "",
        )
    return assignment


def item(cycle: EvaluationCycle, code: str) -> Any:
    return cycle.instrument.items.get(code=code)


def consolidate_all(lead: Assignment, by_code: dict[str, str]) -> None:
    for code, value in by_code.items():
        assessment.consolidated_set(
            actor=lead.assessor, lead=lead, item=item(lead.cycle, code), score=Decimal(value)
        )


def published_cycle(
    region: Region,
    *,
    year: int = 2025,
    stage: str = "tahap_1",
    by_code: dict[str, str] | None = None,
    lead_name: str = "lead",
) -> tuple[EvaluationCycle, ResultRevision]:
    """A cycle run through the services to revision 1 with ``by_code`` (default
    JAMBI_ITEMS) as consolidated scores."""
    cycle = in_assessment(region, year=year, stage=stage)
    lead = assign(cycle, lead_name, lead=True)
    consolidate_all(lead, by_code or JAMBI_ITEMS)
    assessment.summary_set(
        actor=lead.assessor,
        lead=lead,
        notes="Bukti dukung lengkap.",
        recommendations="Perluas layanan digital.",
    )
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    revision = assessment.cycle_publish(actor=operator(), cycle=cycle)
    return cycle, revision
