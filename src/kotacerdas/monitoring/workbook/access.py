"""Who may use an agency's progress workbook."""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from kotacerdas.core.access import User
from kotacerdas.masterplan.models import ActionPlan, Agency
from kotacerdas.monitoring.access import plan_filter_for_reports
from kotacerdas.monitoring.models import ReportingPeriod


def workbook_agencies(
    user: User, period: ReportingPeriod, action: Literal["view", "change"]
) -> QuerySet[Agency]:
    """The agencies of the period's masterplan whose reports the user may see
    ("view") or write ("change"): those with at least one such action plan.
    Built on plan_filter_for_reports, so the rule stays in one place."""
    plans = ActionPlan.objects.filter(
        plan_filter_for_reports(user, action), masterplan_id=period.masterplan_id
    )
    return Agency.objects.filter(pk__in=plans.values("agency_id")).order_by("short_name")
