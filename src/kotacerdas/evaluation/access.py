"""Who may do what in the evaluation app (phase 1: instruments and cycles).

- Instruments are national (one per year and kind), not per region. The
  ministry's operator, a superuser, creates, edits, imports and activates
  them. The smart city team of any region (Role.ADMIN) may read them, so it
  knows what it will be evaluated on. Everyone else gets 403.
- Cycles belong to a region. Its smart city team (Role.ADMIN) and superusers
  view them, create them, set their schedule and move them along; agency
  editors and heads, assessors and registry officers of the region get 403
  (assessor access arrives with assignments); other regions' cycles are 404.
- Publishing is final and is the ministry's act: only a superuser moves a
  cycle to "published".
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from kotacerdas.core.access import User, roles_of
from kotacerdas.evaluation.models import EvaluationCycle, Instrument, Item
from kotacerdas.masterplan.access import fetch, regions_for
from kotacerdas.regions.models import Region

InstrumentAction = Literal["view", "change"]
CycleAction = Literal["view", "change", "publish"]


def may_use_instruments(user: User, action: InstrumentAction = "view") -> bool:
    roles = roles_of(user)
    return roles.superuser or (action == "view" and bool(roles.admin_regions))


def instruments_for(user: User, action: InstrumentAction = "view") -> QuerySet[Instrument]:
    if may_use_instruments(user, action):
        return Instrument.objects.all()
    return Instrument.objects.none()


def instrument_fetch(user: User, pk: int, action: InstrumentAction = "view") -> Instrument:
    """404 when there is no such instrument; 403 when the user may not do
    ``action`` (instruments are national, so their existence is no secret)."""
    if not Instrument.objects.filter(pk=pk).exists():
        raise Http404
    instrument = instruments_for(user, action).filter(pk=pk).first()
    if instrument is None:
        raise PermissionDenied
    return instrument


def item_fetch(user: User, pk: int) -> Item:
    item = Item.objects.select_related("instrument", "dimension").filter(pk=pk).first()
    if item is None:
        raise Http404
    instrument_fetch(user, item.instrument_id, "change")
    return item


def cycles_for(user: User, action: CycleAction = "view") -> QuerySet[EvaluationCycle]:
    roles = roles_of(user)
    qs = EvaluationCycle.objects.select_related("region", "instrument", "readiness_instrument")
    if roles.superuser:
        return qs
    if action == "publish":
        return qs.none()
    return qs.filter(region_id__in=roles.admin_regions)


def cycle_fetch(user: User, pk: int, action: CycleAction = "view") -> EvaluationCycle:
    """403 for members of the cycle's region without the right; 404 for
    everyone else (no existence leak across regions)."""
    visible = EvaluationCycle.objects.filter(region__in=regions_for(user)).select_related(
        "region", "instrument", "readiness_instrument"
    )
    return fetch(visible, cycles_for(user, action), pk=pk)


def region_for_cycles(user: User, code: str) -> Region:
    """The region whose cycles the user manages: 404 outside the user's
    regions, 403 inside them without the smart city team's role."""
    region = regions_for(user).filter(code=code).first()
    if region is None:
        raise Http404
    if not roles_of(user).is_admin_of(region.pk):
        raise PermissionDenied
    return region
