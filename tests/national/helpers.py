"""Regions built by hand for the comparison: each with a masterplan whose
action plans have known statuses, closed (published) or not."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from kotacerdas.masterplan.models import Masterplan
from kotacerdas.monitoring import services as monitoring
from kotacerdas.monitoring.models import ReportingPeriod
from kotacerdas.regions.models import Region
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
)

IN_IMPLEMENTATION = ("berjalan", "selesai")


def region_with_plan(
    code: str,
    name: str,
    programmes: Sequence[Sequence[str]] = (),
    *,
    quick_win: Sequence[str] | None = None,
    enacted: bool = True,
    close: bool = True,
) -> Region:
    """A region whose masterplan has one programme per entry of
    ``programmes`` (the statuses of its action plans), an optional quick win
    with its plans' statuses, and the first period of 2024 closed."""
    region = RegionFactory(code=code, name=name)
    status = Masterplan.Status.ENACTED if enacted else Masterplan.Status.DRAFT
    masterplan = make_masterplan(region, status=status)
    agency = AgencyFactory(region=region)
    for statuses in programmes:
        programme = make_programme(masterplan, lead_agency=agency)
        for plan_status in statuses:
            make_action_plan(programme, status=plan_status)
    if quick_win is not None:
        quick = make_programme(
            masterplan,
            lead_agency=agency,
            pillar="economy",
            horizon="quick_win",
            start_year=2024,
            end_year=2024,
            quick_win_year=2024,
        )
        for plan_status in quick_win:
            make_action_plan(quick, status=plan_status)
    if close:
        monitoring.periods_generate(actor=None, masterplan=masterplan, year=2024)
        first = ReportingPeriod.objects.filter(masterplan=masterplan).order_by("number").first()
        assert first is not None
        monitoring.period_open(actor=None, period=first)
        monitoring.period_close(actor=None, period=first)
    return region


def plan_ratio(programmes: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(in implementation, counted) of the action plans, by the counting rule."""
    counted = [s for statuses in programmes for s in statuses if s != "dibatalkan"]
    return sum(1 for s in counted if s in IN_IMPLEMENTATION), len(counted)


def programme_ratio(programmes: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(running, counted) of the programmes, by the counting rule."""
    counted = [p for p in programmes if not p or any(s != "dibatalkan" for s in p)]
    return sum(1 for p in counted if any(s in IN_IMPLEMENTATION for s in p)), len(counted)


def percent(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator * 100, denominator)
