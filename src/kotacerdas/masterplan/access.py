"""Scoped querysets: the only way views, the API and commands fetch masterplan
objects (the vocabulary — ``Action``, ``regions_for``, ``fetch`` — is
core.access's).

- admin of a region (smart city team): everything of that region;
- agency editor: views the region's masterplan, changes only the action
  plans of its own agencies;
- agency head, registry officer, assessor: view the region's masterplan;
- anonymous: nothing here (the public portal has its own published views).
"""

from __future__ import annotations

from django.db import models

from kotacerdas.core.access import Action, User, regions_for, roles_of
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme


def masterplans_for(user: User, action: Action = "view") -> models.QuerySet[Masterplan]:
    return Masterplan.objects.filter(region__in=regions_for(user, action)).select_related("region")


def agencies_for(user: User, action: Action = "view") -> models.QuerySet[Agency]:
    """With "change": the agencies this user may put on an action plan."""
    roles = roles_of(user)
    qs = Agency.objects.select_related("region")
    if roles.superuser:
        return qs
    if action == "view":
        return qs.filter(region_id__in=roles.member_regions)
    return qs.filter(
        models.Q(region_id__in=roles.admin_regions) | models.Q(id__in=roles.editor_agencies)
    )


def programmes_for(user: User, action: Action = "view") -> models.QuerySet[Programme]:
    return Programme.objects.filter(
        masterplan__region__in=regions_for(user, "view" if action == "view" else "change")
    ).select_related("masterplan", "element__pillar", "lead_agency")


def action_plans_for(user: User, action: Action = "view") -> models.QuerySet[ActionPlan]:
    roles = roles_of(user)
    qs = ActionPlan.objects.select_related(
        "masterplan__region", "programme__element__pillar", "agency"
    )
    if roles.superuser:
        return qs
    if action == "view":
        return qs.filter(masterplan__region_id__in=roles.member_regions)
    if action == "change":
        return qs.filter(
            models.Q(masterplan__region_id__in=roles.admin_regions)
            | models.Q(agency_id__in=roles.editor_agencies)
        )
    return qs.filter(masterplan__region_id__in=roles.admin_regions)


def action_plans_status_settable(user: User) -> models.QuerySet[ActionPlan]:
    """Action plans whose status this user may set directly (the form, the
    quick status control): those it may change, while their masterplan runs
    no monitoring cycle. Once it has reporting periods, a status comes from a
    verified progress report or a correction by the team
    (:func:`action_plans_correctable`; docs/decisions.md §11)."""
    return action_plans_for(user, "change").filter(masterplan__reporting_periods__isnull=True)


def action_plans_correctable(user: User) -> models.QuerySet[ActionPlan]:
    """Action plans whose status this user may correct without a report: the
    smart city team, i.e. the admins of the plan's region."""
    return action_plans_for(user, "delete")
