"""Template tags of the assessor side, loaded as ``{% load evaluation_assessor %}``
(Django finds tag libraries only in the app's ``templatetags`` package:
evaluation/templatetags/evaluation_assessor.py hands over this ``register``).

``{% assessor_panel cycle %}``: the assessor side's part of the cycle page
(assignments and declarations, scoring, consolidation, publishing, the
revisions), and ``{% has_assignments user as flag %}`` for the main
navigation's "Penugasan saya"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kotacerdas.core.access import User, roles_of
from kotacerdas.core.formatting import decimal_id
from kotacerdas.evaluation.access import assignment_for, may_read_cycle
from kotacerdas.evaluation.assessment.models import Assignment
from kotacerdas.evaluation.assessment.selectors import assignments_of, missing_consolidated
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.instruments.selectors import number_id

register = template.Library()


@register.simple_tag
def has_assignments(user: User | None) -> bool:
    """Whether to show "Penugasan saya". Superusers, who reach every cycle
    anyway, and city staff (the region's team, agency members and registry
    officers) without the assessor role are answered from the cached roles
    without a query; staff of one region who assess another (decisions §50)
    are asked."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    if roles.superuser:
        return False
    staff = roles.admin_regions or roles.agencies or roles.officer_regions
    if staff and not roles.assessor_regions:
        return False
    return Assignment.objects.filter(assessor_id=user.pk).exists()


@register.inclusion_tag("evaluation/assessor/_cycle_panel_body.html", takes_context=True)
def assessor_panel(context: dict[str, Any], cycle: EvaluationCycle) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_read_cycle(user, cycle):
        return {"panel": None}
    operator = roles_of(user).superuser
    own = assignment_for(user, cycle)
    revisions = list(cycle.revisions.order_by("number"))
    return {
        "panel": {
            "cycle": cycle,
            "operator": operator,
            "own": own,
            "lead": own is not None and own.is_lead,
            # Who declared what is for the ministry and the lead assessor.
            "assignments": assignments_of(cycle) if operator or (own and own.is_lead) else [],
            "revisions": revisions,
            "missing": missing_consolidated(cycle)
            if cycle.state == EvaluationCycle.State.IN_ASSESSMENT and (operator or own)
            else [],
        },
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def nilai(value: Decimal | str | None) -> str:
    """A score in Indonesian notation without trailing zeros (``3,5``)."""
    if value is None or value == "":
        return "—"
    return number_id(Decimal(value))


@register.filter
def nilai2(value: Decimal | str | None) -> str:
    """A published figure: two decimals, Indonesian (``3,48``)."""
    if value is None or value == "":
        return "—"
    return decimal_id(Decimal(value), 2)
