"""Scoped querysets for monitoring. Agency editors and heads see only their
own agencies' reports; the smart city team and region-wide readers
(assessors, registry officers) see all of their region's; only the smart
city team verifies, returns and manages periods."""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet

from kotacerdas.core.access import User, regions_for, roles_of
from kotacerdas.monitoring.models import Evidence, ProgressReport, ReportingPeriod

ReportAction = Literal["view", "change", "verify"]


def periods_for(
    user: User, action: Literal["view", "change"] = "view"
) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(
        masterplan__region__in=regions_for(user, action)
    ).select_related("masterplan__region")


def reports_for(user: User, action: ReportAction = "view") -> QuerySet[ProgressReport]:
    roles = roles_of(user)
    qs = ProgressReport.objects.select_related(
        "period__masterplan__region", "action_plan__agency", "action_plan__programme"
    )
    if roles.superuser:
        return qs
    region = "period__masterplan__region_id__in"
    if action == "view":
        return qs.filter(
            Q(**{region: roles.region_wide}) | Q(action_plan__agency_id__in=roles.agencies)
        )
    if action == "change":
        return qs.filter(
            Q(**{region: roles.admin_regions}) | Q(action_plan__agency_id__in=roles.editor_agencies)
        )
    return qs.filter(**{region: roles.admin_regions})


def evidence_for(user: User, action: ReportAction = "view") -> QuerySet[Evidence]:
    return Evidence.objects.filter(report__in=reports_for(user, action)).select_related(
        "report__period__masterplan__region", "report__action_plan"
    )


def plan_filter_for_reports(user: User, action: ReportAction = "view") -> Q:
    """Which action plans' reports the user may see or write, as a filter on
    ActionPlan (for the period board, where a report may not exist yet)."""
    roles = roles_of(user)
    if roles.superuser:
        return Q()
    if action == "view":
        return Q(masterplan__region_id__in=roles.region_wide) | Q(agency_id__in=roles.agencies)
    if action == "change":
        return Q(masterplan__region_id__in=roles.admin_regions) | Q(
            agency_id__in=roles.editor_agencies
        )
    return Q(masterplan__region_id__in=roles.admin_regions)
