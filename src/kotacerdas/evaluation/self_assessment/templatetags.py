"""Template tags of the region side, loaded as ``{% load evaluation_region %}``
(Django finds tag libraries only in the app's ``templatetags`` package:
evaluation/templatetags/evaluation_region.py hands over this ``register``).

``{% region_panel cycle %}``: the region side's part of the cycle page
(self-assessment progress, open evidence requests, the application
inventory), so that the cycle view does not have to know about it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kotacerdas.core.access import roles_of
from kotacerdas.evaluation.access import may_delegate, may_read_cycle
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.instruments.selectors import number_id
from kotacerdas.evaluation.self_assessment.models import Application
from kotacerdas.evaluation.self_assessment.selectors import answer_progress, open_evidence_requests

register = template.Library()


@register.inclusion_tag("evaluation/region/_cycle_panel_body.html", takes_context=True)
def region_panel(context: dict[str, Any], cycle: EvaluationCycle) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_read_cycle(user, cycle):
        return {"panel": None}
    team = may_delegate(user, cycle)
    return {
        "panel": {
            "cycle": cycle,
            "progress": answer_progress(cycle),
            "requests": open_evidence_requests(cycle),
            "may_respond": team
            and cycle.state
            in (EvaluationCycle.State.PREPARING, EvaluationCycle.State.IN_ASSESSMENT),
            "applications": Application.objects.filter(region_id=cycle.region_id).select_related(
                "agency"
            ),
            "may_manage_applications": roles_of(user).is_admin_of(cycle.region_id),
        }
    }


@register.filter
def score(value: Decimal | str | None) -> str:
    """A claimed score as Indonesian notation without padding: ``3,5``, ``3``;
    a dash when there is none (no answer yet resolves to "")."""
    return number_id(value) if isinstance(value, Decimal) else "—"


@register.simple_tag
def shows_contributions(user: Any, region: Any) -> bool:
    """Navigation only: whether an agency member of ``region`` gets the link
    to the items their agency was asked to fill. Answered from the cached
    roles without a query; the view checks access itself. The region's team
    reaches those items from the cycle page."""
    if region is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return (
        bool(roles.agencies)
        and region.pk in roles.member_regions
        and not roles.is_admin_of(region.pk)
    )
