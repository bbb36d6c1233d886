"""The dashboard's monitoring panel: the open period, lateness per agency, and
the official (verified) figures beside the self-reported ones."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kotacerdas.core.access import roles_of
from kotacerdas.core.caching import stored
from kotacerdas.masterplan.models import Agency, Masterplan
from kotacerdas.monitoring.models import ReportingPeriod
from kotacerdas.monitoring.selectors import (
    agency_todo,
    current_period,
    days_late,
    missing_report_counts,
    verification_share,
)
from kotacerdas.monitoring.trends import trend_charts, trend_snapshots

register = template.Library()


@register.inclusion_tag("monitoring/_dashboard_panel.html", takes_context=True)
def monitoring_panel(context: dict[str, Any], masterplan: Masterplan) -> dict[str, Any]:
    period = current_period(masterplan=masterplan)
    closed = list(
        ReportingPeriod.objects.filter(
            masterplan=masterplan, state=ReportingPeriod.State.CLOSED
        ).order_by("-year", "-number")[:8]
    )
    if period is None:
        return {"period": None, "region": masterplan.region, "closed": closed}
    roles = roles_of(context["request"].user)
    sees_all = roles.superuser or masterplan.region_id in roles.region_wide
    missing = missing_report_counts(period=period)
    if not sees_all:
        missing = [m for m in missing if m.agency_id in roles.agencies]
    return {
        "region": masterplan.region,
        "period": period,
        "late": days_late(period),
        "missing": missing,
        # The dashboard has just computed the official figures; reuse them
        # (and their rows, for the self-reported ones): one load per request.
        "share": verification_share(period=period, official=context.get("figures"))
        if sees_all
        else None,
        "closed": closed,
    }


@register.simple_tag
def monitoring_trends(masterplan: Masterplan) -> SafeString:
    """The dashboard's trend charts: frozen figures of the closed periods
    (monitoring/trends.py), which change only when a period closes. The drawn
    panel is kept per masterplan, language and the snapshots' version, so
    another change of live data does not draw it again; the same queries
    either way (:func:`trend_snapshots`)."""
    found = trend_snapshots(masterplan=masterplan)
    digest = hashlib.sha256(repr((masterplan.pk, found.version)).encode()).hexdigest()[:40]
    key = f"trends:{get_language() or ''}:{digest}"
    html = stored(
        key,
        lambda: render_to_string(
            "monitoring/_trends_panel.html",
            {"t": trend_charts(found.trends(), prefix="trend")},
        ),
    )
    return mark_safe(html)  # noqa: S308 - rendered by our own template


# How many items of each kind the dashboard lists before pointing to the board.
TODO_SHOWN = 8


@register.inclusion_tag("monitoring/_agency_todo.html", takes_context=True)
def agency_todo_panel(context: dict[str, Any], masterplan: Masterplan) -> dict[str, Any]:
    """ "Perlu tindakan": the first thing an agency editor or head sees on the
    dashboard. Nothing for a user without an agency in this region."""
    roles = roles_of(context["request"].user)
    agency_ids = Agency.objects.filter(
        pk__in=roles.agencies, region_id=masterplan.region_id
    ).values_list("pk", flat=True)
    ids = list(agency_ids)
    if not ids:
        return {"todo": None}
    todo = agency_todo(masterplan=masterplan, agency_ids=ids)
    return {
        "todo": todo,
        "editor_agencies": roles.editor_agencies,
        "returned": todo.returned[:TODO_SHOWN],
        "drafts": todo.drafts[:TODO_SHOWN],
        "missing": todo.missing[:TODO_SHOWN],
        "shown": TODO_SHOWN,
    }
