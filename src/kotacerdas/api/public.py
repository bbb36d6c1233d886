"""Public read endpoints: what the portal shows, read through
:mod:`kotacerdas.portal.selectors` (published snapshot only, nothing
personal) and the suppressed UMKM aggregates. No login needed; a token or
session is accepted (and counted against the caller's own rate limit).

Answers built from the published snapshot are cached per published data
version, language and arguments, as the portal's pages are
(core/caching.py): the same rule decides when both go stale."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router
from pydantic import Field

from kotacerdas.api import auth
from kotacerdas.api.errors import responses
from kotacerdas.api.pagination import MAX_ID, NO_NUL, PageQuery, RegionCode, page_of_list
from kotacerdas.api.schemas import (
    ActionPlanPage,
    PeriodFiguresOut,
    PillarOut,
    ProgrammePage,
    QuickWinOut,
    RegionDetailOut,
    RegionOut,
    RegistryStatsOut,
    SnapshotOut,
    figure,
)
from kotacerdas.core.caching import cached
from kotacerdas.masterplan.selectors import Scope
from kotacerdas.portal import selectors as portal
from kotacerdas.regions.models import Region
from kotacerdas.umkm.statistics.selectors import public_statistics

router = Router(tags=["publik"], auth=auth.OPTIONAL)
# In the schema: a token or session is accepted, none is needed (the empty requirement).
OPEN: dict[str, Any] = {"security": [{}]}

PillarCode = Literal["governance", "branding", "economy", "living", "society", "environment"]
Status = Literal["belum_dimulai", "berjalan", "selesai", "ditunda", "dibatalkan"]


def _region(code: RegionCode) -> Region:
    region = portal.public_region(code=code)
    if region is None:
        raise Http404
    return region


def _plan(code: RegionCode) -> portal.PublicPlan:
    """The region's public plan, as the portal's pages find it; 404 when the
    region or its masterplan is not public."""
    plan = portal.public_plan(code=code)
    if plan is None:
        raise Http404
    return plan


def _snapshot(snapshot: portal.PublishedSnapshot | None) -> SnapshotOut | None:
    if snapshot is None:
        return None
    return SnapshotOut(
        id=snapshot.pk,
        period=snapshot.period_label,
        year=snapshot.year,
        number=snapshot.number,
        starts_on=snapshot.starts_on,
        ends_on=snapshot.ends_on,
        taken_at=snapshot.taken_at,
        rule_version=snapshot.rule_version,
    )


def _pillar(p: portal.PublicPillar) -> PillarOut:
    return PillarOut(
        code=p.code,
        name=p.name,
        order=p.order,
        programme_count=p.programme_count,
        action_plans=figure(p.action_plans),
        programmes=figure(p.programmes),
    )


@router.get(
    "/regions",
    response={200: list[RegionOut], **responses(401)},
    openapi_extra=OPEN,
    url_name="regions",
)
def regions(request: HttpRequest) -> list[Region]:
    """Kab/kota yang memakai KotaCerdas, urut kode wilayah."""
    return list(Region.objects.order_by("code"))


@router.get(
    "/regions/{code}",
    response={200: RegionDetailOut, **responses(401, 404)},
    openapi_extra=OPEN,
    url_name="region",
)
def region(request: HttpRequest, code: RegionCode) -> dict[str, Any]:
    """Angka utama wilayah menurut potret periode terakhir yang ditutup."""
    return _cached(("region", code), lambda: _region_detail(code))


def _cached(parts: tuple[Any, ...], build: Any) -> Any:
    """``build()`` once per published data version, language and ``parts``."""
    return cached(("api", *parts), build)


def _region_detail(code: RegionCode) -> dict[str, Any]:
    overview = portal.public_overview(region=_region(code))
    mp = overview.header
    return {
        "code": overview.region.code,
        "name": overview.region.name,
        "masterplan": None
        if mp is None
        else {
            "title": mp.title,
            "start_year": mp.start_year,
            "end_year": mp.end_year,
            "legal_basis": mp.legal_basis,
        },
        "snapshot": _snapshot(overview.snapshot),
        "action_plans": figure(overview.action_plans),
        "programmes": figure(overview.programmes),
        "programme_count": overview.programme_count,
    }


@router.get(
    "/regions/{code}/pillars",
    response={200: list[PillarOut], **responses(401, 404)},
    openapi_extra=OPEN,
    url_name="pillars",
)
def pillars(request: HttpRequest, code: RegionCode) -> list[PillarOut]:
    """Enam pilar dengan capaian per pilar (potret terakhir)."""

    def build() -> list[PillarOut]:
        plan = _plan(code)
        return [
            _pillar(p)
            for p in portal.public_pillars(masterplan=plan.masterplan, snapshot=plan.snapshot)
        ]

    result: list[PillarOut] = _cached(("pillars", code), build)
    return result


class ProgrammeFilters(PageQuery):
    pillar: PillarCode | None = None
    horizon: Literal["quick_win", "medium", "long"] | None = None
    q: str = Field(
        "", max_length=100, pattern=NO_NUL, description="Cari pada kode atau nama program"
    )


@router.get(
    "/regions/{code}/programmes",
    response={200: ProgrammePage, **responses(401, 404, 422)},
    openapi_extra=OPEN,
    url_name="programmes",
)
def programmes(
    request: HttpRequest, code: RegionCode, filters: Query[ProgrammeFilters]
) -> dict[str, Any]:
    """Program masterplan, dengan apakah program berjalan menurut potret."""

    def build() -> list[dict[str, Any]]:
        plan = _plan(code)
        found = portal.public_programmes(
            masterplan=plan.masterplan,
            snapshot=plan.snapshot,
            pillar=filters.pillar,
            query=filters.q,
        )
        return [_programme(p) for p in found]

    # Searches (q) are not cached: typed words must not fill the cache.
    found = build() if filters.q else _cached(("programmes", code, filters.pillar), build)
    items = [p for p in found if filters.horizon is None or p["horizon"] == filters.horizon]
    return page_of_list(items, filters)


def _programme(p: portal.PublicProgramme) -> dict[str, Any]:
    return {
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "description": p.description,
        "pillar": p.pillar_code,
        "pillar_name": p.pillar_name,
        "element": p.element_name,
        "horizon": p.horizon,
        "quick_win_year": p.quick_win_year,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "lead_agency": p.lead_agency,
        "output": p.output,
        "outcome": p.outcome,
        "running": p.running,
        "counted": p.counted,
        "plans_total": p.plans_total,
        "plans_in_implementation": p.plans_in_implementation,
    }


class PlanFilters(PageQuery):
    programme_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: Status | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    agency: str = Field("", max_length=60, pattern=NO_NUL, description="Singkatan perangkat daerah")


@router.get(
    "/regions/{code}/action-plans",
    response={200: ActionPlanPage, **responses(401, 404, 422)},
    openapi_extra=OPEN,
    url_name="action_plans",
)
def action_plans(
    request: HttpRequest, code: RegionCode, filters: Query[PlanFilters]
) -> dict[str, Any]:
    """Rencana aksi dengan statusnya menurut potret (bukan status terkini yang
    belum diverifikasi)."""

    def build() -> list[dict[str, Any]]:
        plan = _plan(code)
        found = portal.public_action_plans(masterplan=plan.masterplan, snapshot=plan.snapshot)
        return [asdict(p) for p in found]

    # One cached list per region, every filter applied to it here: a key per
    # programme id asked for would let anyone fill the cache with ids.
    items = [
        p
        for p in _cached(("action-plans", code), build)
        if (filters.programme_id is None or p["programme_id"] == filters.programme_id)
        and (filters.status is None or p["status"] == filters.status)
        and (filters.year is None or p["year"] == filters.year)
        and (not filters.agency or p["agency"].casefold() == filters.agency.casefold())
    ]
    return page_of_list(items, filters)


@router.get(
    "/regions/{code}/figures",
    response={200: list[PeriodFiguresOut], **responses(401, 404)},
    openapi_extra=OPEN,
    url_name="figures",
)
def figures(request: HttpRequest, code: RegionCode) -> list[dict[str, Any]]:
    """Angka setiap periode pelaporan yang sudah ditutup, terlama dulu."""
    result: list[dict[str, Any]] = _cached(("figures", code), lambda: _figures(code))
    return result


def _figures(code: RegionCode) -> list[dict[str, Any]]:
    masterplan = _plan(code).masterplan
    result = []
    for snap in portal.published_snapshots(masterplan=masterplan):
        overall = Scope("overall")
        result.append(
            {
                "snapshot": _snapshot(snap),
                "action_plans": figure(snap.ratio("action_plans", overall)),
                "programmes": figure(snap.ratio("programmes", overall)),
                "pillars": [
                    _pillar(p) for p in portal.public_pillars(masterplan=masterplan, snapshot=snap)
                ],
            }
        )
    return result


@router.get(
    "/regions/{code}/quick-wins",
    response={200: list[QuickWinOut], **responses(401, 404)},
    openapi_extra=OPEN,
    url_name="quick_wins",
)
def quick_wins(request: HttpRequest, code: RegionCode) -> list[dict[str, Any]]:
    """Quick win dengan statusnya dan foto bukti yang boleh tampil publik."""
    result: list[dict[str, Any]] = _cached(("quick-wins", code), lambda: _quick_wins(code))
    return result


def _quick_wins(code: RegionCode) -> list[dict[str, Any]]:
    plan = _plan(code)
    return [
        {
            "code": q.code,
            "name": q.name,
            "year": q.year,
            "pillar": q.pillar_code,
            "lead_agency": q.lead_agency,
            "status": q.status,
            "programme_id": q.programme_id,
            "photos": [{"id": p.id, "caption": p.caption} for p in q.photos],
        }
        for q in portal.public_quick_wins(masterplan=plan.masterplan, snapshot=plan.snapshot)
    ]


@router.get(
    "/regions/{code}/umkm-statistics",
    response={200: RegistryStatsOut, **responses(401, 404)},
    openapi_extra=OPEN,
    url_name="umkm_statistics",
)
def umkm_statistics(request: HttpRequest, code: RegionCode) -> dict[str, Any]:
    """Agregat registri UMKM seperti halaman statistik publik: sel kecil
    disembunyikan (count null)."""
    region = _region(code)
    stats = public_statistics(region=region)
    return {
        "region": {"code": region.code, "name": region.name},
        "total": stats.total,
        "tables": [
            {
                "slug": b.slug,
                "title": str(b.title),
                "total": b.total,
                "cells": [
                    {
                        "key": c.key,
                        "label": str(c.label),
                        "count": c.count,
                        "percent": None if c.percent is None else f"{c.percent:.2f}",
                        "group": c.group,
                    }
                    for c in b.cells
                ],
            }
            for b in stats.breakdowns
        ],
    }
