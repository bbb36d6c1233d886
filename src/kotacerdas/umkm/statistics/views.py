"""Statistics of the registry: the officers' page (charts and tables, a CSV of
the aggregates), the map with its points endpoint, and the public page of
aggregates with small cells suppressed. Figures come from
:mod:`kotacerdas.umkm.statistics.selectors`; these views only check access and render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kotacerdas.core.access import role_scope
from kotacerdas.core.caching import cached_unless_asked
from kotacerdas.core.sheets.writing import CONTENT_TYPES, csv_bytes
from kotacerdas.regions.boundaries import boundaries_geojson
from kotacerdas.regions.models import Region
from kotacerdas.umkm.access import registry_region_fetch
from kotacerdas.umkm.caching import registry_version
from kotacerdas.umkm.registry.models import RegistrySettings
from kotacerdas.umkm.statistics.selectors import (
    COUNTED_RULE,
    MAP_POINT_LIMIT,
    MIN_PUBLIC_COUNT,
    map_points,
    public_statistics,
    registry_statistics,
)


def _kecamatan_param(request: HttpRequest) -> str:
    return request.GET.get("kecamatan", "").strip()


@login_required
@require_safe
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    """The page for the whole region is rendered once per registry data
    version of the region, language, the region's day (the SIINas panel
    counts this year) and role scope (umkm/caching.py): aggregates only, no
    personal data. A kecamatan asked for is built each time."""
    region = registry_region_fetch(request.user, code, "view")

    def body() -> str:
        stats = registry_statistics(region=region, kecamatan=_kecamatan_param(request))
        context = {
            "region": region,
            "stats": stats,
            "kecamatan_choices": region.kecamatan(),
            "counted_rule": COUNTED_RULE,
        }
        return render_to_string("umkm/stats/_statistics_body.html", context, request=request)

    parts = (
        "registry-statistics",
        region.pk,
        region.name,
        request.path,
        timezone.localdate().isoformat(),
        role_scope(request.user),
    )
    html = cached_unless_asked(request, parts, body, version=registry_version(region.pk))
    return render(
        request,
        "umkm/stats/statistics.html",
        # Rendered by our own template (autoescaped there).
        {"region": region, "body": mark_safe(html)},  # noqa: S308
    )


@login_required
@require_safe
def statistics_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The aggregate tables of the page as CSV (dot decimals, no personal data)."""
    region = registry_region_fetch(request.user, code, "view")
    stats = registry_statistics(region=region, kecamatan=_kecamatan_param(request))
    suffix = f"-{stats.kecamatan.code}" if stats.kecamatan else ""
    rows: list[list[Any]] = []
    for breakdown in stats.breakdowns:
        for cell in breakdown.cells:
            percent = "" if cell.percent is None else f"{cell.percent:.2f}"
            rows.append([breakdown.slug, cell.key, cell.label, cell.group, cell.count, percent])
        rows.append([breakdown.slug, "", _("Jumlah"), "", breakdown.total, ""])
    header = ["tabel", "kode", "uraian", "kecamatan", "jumlah_usaha", "persen"]
    response = HttpResponse(csv_bytes(header, rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = (
        f'attachment; filename="statistik-umkm-{region.code}{suffix}.csv"'
    )
    return response


def _tile_source(tile_url: str) -> tuple[str, str] | None:
    """(tile URL, the CSP source of its host) for an http(s) tile template;
    None when there is none or it is not usable."""
    parts = urlsplit(tile_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}", "*")
    if "{" in host or "}" in host:
        return None
    return tile_url, f"{parts.scheme}://{host}"


@login_required
@require_safe
def map_page(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code, "view")
    stats = registry_statistics(region=region)
    settings_row = RegistrySettings.objects.filter(region=region).first()
    tiles = _tile_source(settings_row.tile_url) if settings_row else None
    attribution = ""
    if tiles is not None:
        host = urlsplit(tiles[0]).netloc
        # Leaflet inserts the attribution as HTML: escape the operator's host.
        attribution = (
            "© OpenStreetMap contributors"
            if "openstreetmap" in host
            else escape(host.replace("{s}.", ""))
        )
    response = render(
        request,
        "umkm/stats/map.html",
        {
            "region": region,
            "stats": stats,
            "tile_url": tiles[0] if tiles else "",
            "attribution": attribution,
            "point_limit": MAP_POINT_LIMIT,
            "boundaries": boundaries_geojson(region),
        },
    )
    if tiles is not None:
        # The tile server of this region may serve images to this page only.
        response._csp_update = {"img-src": [tiles[1]]}  # type: ignore[attr-defined]
    return response


@login_required
@require_safe
def map_points_json(request: HttpRequest, code: str) -> JsonResponse:
    """Coordinates, business name and kelurahan of the counted businesses (or
    one point per kelurahan when there are too many); never owner data."""
    region = registry_region_fetch(request.user, code, "view")
    found = map_points(region=region)
    payload: dict[str, Any] = {
        "aggregated": found.aggregated,
        "total": found.total,
        # [latitude, longitude, label, kelurahan, count]
        "points": [
            [point.latitude, point.longitude, point.label, point.kelurahan, point.count]
            for point in found.points
        ],
    }
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def map_boundaries_json(request: HttpRequest, code: str) -> JsonResponse:
    """The region's kecamatan/kelurahan outlines (loaded by the operator,
    ``kotacerdas boundaries load``) with their sources to attribute; public
    geography, behind the same door as the map that draws it."""
    region = registry_region_fetch(request.user, code, "view")
    response = JsonResponse(boundaries_geojson(region))
    # Outlines change only when the operator loads a file: let the browser keep them.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
def public_statistics_page(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return render(
        request,
        "umkm/stats/public.html",
        {
            "region": region,
            "stats": public_statistics(region=region),
            "counted_rule": COUNTED_RULE,
            "minimum": MIN_PUBLIC_COUNT,
        },
    )
