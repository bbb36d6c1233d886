"""Panels monitoring puts into pages of the masterplan app, which may not
import it (core/extensions.py): registered in ``MonitoringConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.monitoring.access import plan_filter_for_reports, reports_for
from kotacerdas.monitoring.selectors import plan_progress

ACTION_PLAN_SLOT = "masterplan.action_plan_detail"


def action_plan_progress(request: HttpRequest, *, plan: ActionPlan, **_values: Any) -> str:
    """The action plan page's progress panel: latest report, progress,
    budget, evidence and last update, for those who may see the plan's
    reports; the plan's own last change for the others."""
    user = request.user
    visible = ActionPlan.objects.filter(plan_filter_for_reports(user), pk=plan.pk).exists()
    progress = plan_progress(action_plan=plan, reports=reports_for(user) if visible else None)
    return render_to_string(
        "monitoring/_plan_progress.html", {"p": progress, "plan": plan}, request=request
    )
