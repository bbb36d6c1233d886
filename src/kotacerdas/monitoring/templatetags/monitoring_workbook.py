"""What the period board's "Excel per perangkat daerah" panel needs, computed
by the panel itself (monitoring/_workbook_panel.html) so that the board's view
stays as it is."""

from __future__ import annotations

from typing import Any

from django import template

from kotacerdas.masterplan.models import Agency
from kotacerdas.monitoring.models import ReportingPeriod
from kotacerdas.monitoring.workbook import workbook_agencies

register = template.Library()


@register.simple_tag(takes_context=True)
def workbook_writable_agencies(context: dict[str, Any], period: ReportingPeriod) -> list[Agency]:
    """The agencies whose workbook the user may download and upload for
    ``period``; none once the period is closed. One query."""
    request = context.get("request")
    if request is None or period.is_closed:
        return []
    return list(workbook_agencies(request.user, period, "change"))
