"""The public portal: no login, read only, built from published data
(:mod:`kotacerdas.portal.selectors`, open data :mod:`kotacerdas.portal.datasets`).

Each page is rendered once per (page, region, language, data version) and
kept in the cache (:mod:`kotacerdas.portal.caching`) with a slot for the CSRF
token of its language buttons; a request then only puts its own token in. A
cached page costs no database query and no template rendering. The search
page (its query varies) is not cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from kotacerdas.core.storage import private_file_response
from kotacerdas.masterplan import views as masterplan_views
from kotacerdas.masterplan.selectors import RULE_VERSION
from kotacerdas.monitoring.trends import trend_charts
from kotacerdas.portal import datasets, downloads, selectors
from kotacerdas.portal.caching import cached
from kotacerdas.regions.models import Region


def _region(code: str) -> Region:
    region = selectors.public_region(code=code)
    if region is None:
        raise Http404
    return region


# Cached pages hold this in place of the CSRF token of their language buttons;
# each response gets the visitor's own token.
CSRF_SLOT = "__portal_csrf_token__"
Built = tuple[str, str, dict[str, Any]]


def _shell(
    *, code: str, region_name: str, title: str, body: str, path: str, csrf: str, q: str = ""
) -> str:
    return render_to_string(
        "portal/shell.html",
        {
            "code": code,
            "region_name": region_name,
            "title": title,
            "body": mark_safe(body),  # rendered by our own templates  # noqa: S308
            "path": path,
            "csrf": csrf,
            "q": q,
        },
    )


def _page(
    request: HttpRequest,
    code: str,
    parts: tuple[Any, ...],
    build: Callable[[], Built | None],
    *,
    widget: bool = False,
) -> HttpResponse:
    """A whole page, cached: ``build`` returns (title, body template, context),
    or None for a page that does not exist (404, not cached)."""

    def render_page() -> str | None:
        built = build()
        if built is None:
            return None
        title, template, context = built
        body = render_to_string(template, context)
        if widget:
            return render_to_string("portal/widget.html", {"title": title, "body": body})
        return _shell(
            code=code,
            region_name=context["region"].name,
            title=title,
            body=body,
            path=request.path,
            csrf=CSRF_SLOT,
        )

    # Today's date is part of the key: whether the published period is overdue
    # (selectors.publication_overdue) changes with the calendar, not the data.
    html = cached((*parts, timezone.localdate().isoformat()), render_page)
    if html is None:
        raise Http404
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request))
    return HttpResponse(html)


def _embed_snippet(request: HttpRequest, code: str) -> str:
    url = request.build_absolute_uri(reverse("portal:widget", args=[code]))
    return (
        f'<iframe src="{url}" title="Smart City" width="360" height="260" '
        'style="border:0" loading="lazy"></iframe>'
    )


# --- Pages ---------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest, code: str) -> HttpResponse:
    def build() -> Built | None:
        region = selectors.public_region(code=code)
        if region is None:
            return None
        overview = selectors.public_overview(region=region)
        trend = (
            trend_charts(selectors.public_trends(masterplan=overview.masterplan), prefix="ptrend")
            if overview.masterplan is not None
            else None
        )
        return (
            region.name,
            "portal/home.html",
            {
                "region": region,
                "o": overview,
                "trend": trend,
                "embed": _embed_snippet(request, code),
                "rule_version": RULE_VERSION,
            },
        )

    return _page(request, code, ("home", code, request.get_host()), build)


@require_safe
def trend(request: HttpRequest, code: str) -> HttpResponse:
    """The published figures across closed periods: overall, per pillar and
    per agency (the home page shows the overall chart only, to stay light)."""

    def build() -> Built | None:
        plan = selectors.public_plan(code=code)
        if plan is None:
            return None
        return (
            _("Tren · %(region)s") % {"region": plan.region.name},
            "portal/trend.html",
            {
                "region": plan.region,
                "snapshot": plan.snapshot,
                "trend": trend_charts(
                    selectors.public_trends(masterplan=plan.masterplan), prefix="ptrend"
                ),
            },
        )

    return _page(request, code, ("trend", code), build)


@require_safe
def pillar(request: HttpRequest, code: str, pillar: str) -> HttpResponse:
    def build() -> Built | None:
        plan = selectors.public_plan(code=code)
        if plan is None:
            return None
        region, masterplan, snapshot = plan.region, plan.masterplan, plan.snapshot
        try:
            found = selectors.public_pillar(masterplan=masterplan, snapshot=snapshot, code=pillar)
        except LookupError:
            return None
        return (
            f"{found.name} · {region.name}",
            "portal/pillar.html",
            {
                "region": region,
                "snapshot": snapshot,
                "pillar": found,
                "programmes": selectors.public_programmes(
                    masterplan=masterplan, snapshot=snapshot, pillar=pillar
                ),
            },
        )

    return _page(request, code, ("pillar", code, pillar), build)


@require_safe
def programme(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    def build() -> Built | None:
        plan = selectors.public_plan(code=code)
        if plan is None:
            return None
        region, masterplan, snapshot = plan.region, plan.masterplan, plan.snapshot
        try:
            found = selectors.public_programme(masterplan=masterplan, snapshot=snapshot, pk=pk)
        except LookupError:
            return None
        return (
            f"{found.name} · {region.name}",
            "portal/programme.html",
            {
                "region": region,
                "snapshot": snapshot,
                "p": found,
                "plans": selectors.public_action_plans(
                    masterplan=masterplan, snapshot=snapshot, programme_id=pk
                ),
            },
        )

    return _page(request, code, ("programme", code, pk), build)


@require_safe
def explain(request: HttpRequest, code: str, metric: str, scope: str) -> HttpResponse:
    def build() -> Built | None:
        plan = selectors.public_plan(code=code)
        if plan is None:
            return None
        region, masterplan, snapshot = plan.region, plan.masterplan, plan.snapshot
        if snapshot is None:
            return None
        try:
            explained = selectors.public_figure_explain(
                masterplan=masterplan, snapshot=snapshot, metric=metric, scope=scope
            )
        except LookupError:
            return None
        return (
            f"{_('Penjelasan angka')} · {region.name}",
            "portal/explain.html",
            {"region": region, "x": explained, "e": explained.explanation},
        )

    return _page(request, code, ("explain", code, metric, scope), build)


@require_safe
def search(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    plan = selectors.public_plan_for(region=region)
    query = request.GET.get("q", "")
    results = (
        selectors.public_search(masterplan=plan.masterplan, snapshot=plan.snapshot, query=query)
        if plan
        else selectors.SearchResults(query.strip(), (), (), ())
    )
    html = render_to_string(
        "portal/search.html",
        {
            "region": region,
            "masterplan": plan.masterplan if plan else None,
            "results": results,
            "min_length": selectors.SEARCH_MIN_LENGTH,
        },
    )
    return HttpResponse(
        _shell(
            code=code,
            region_name=region.name,
            title=_("Cari"),
            body=html,
            path=request.get_full_path(),
            csrf=get_token(request),
            q=results.query,
        )
    )


@require_safe
def catalogue(request: HttpRequest, code: str) -> HttpResponse:
    def build() -> Built | None:
        region = selectors.public_region(code=code)
        if region is None:
            return None
        masterplan = selectors.public_masterplan(region=region)
        snapshots = selectors.published_snapshots(masterplan=masterplan) if masterplan else []
        return (
            f"{_('Data terbuka')} · {region.name}",
            "portal/catalogue.html",
            {
                "region": region,
                "masterplan": masterplan,
                "snapshots": snapshots,
                "datasets": datasets.DATASETS.values(),
                "formats": datasets.FORMATS,
                "licence": datasets.licence(),
            },
        )

    return _page(request, code, ("catalogue", code), build)


def _dataset(code: str, dataset: str) -> datasets.Dataset:
    region = _region(code)
    try:
        return datasets.public_dataset(region=region, slug=dataset)
    except LookupError:
        raise Http404 from None


def _file_name(code: str, dataset: str, suffix: str) -> str:
    return f"{dataset}-{code.replace('.', '')}.{suffix}"


@require_safe
def download(request: HttpRequest, code: str, dataset: str, fmt: str) -> HttpResponse:
    if fmt not in downloads.WRITERS:
        raise Http404
    data = _dataset(code, dataset)
    response = HttpResponse(downloads.WRITERS[fmt](data), content_type=downloads.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_file_name(code, dataset, fmt)}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def metadata(request: HttpRequest, code: str, dataset: str) -> HttpResponse:
    data = _dataset(code, dataset)
    response = HttpResponse(downloads.metadata_json(data), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def photo(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    region = _region(code)
    try:
        evidence = selectors.public_photo(region=region, pk=pk)
    except LookupError:
        raise Http404 from None
    try:
        response = private_file_response(
            evidence.file_name,
            download_name=evidence.original_name or evidence.file_name,
            content_type=evidence.content_type,
            inline=True,
            public=True,  # no GPS or device tags to the public (issue 14)
        )
    except OSError:  # the stored file is gone (restored database, lost volume)
        raise Http404 from None
    response["Cache-Control"] = "public, max-age=3600"
    return response


@xframe_options_exempt
@csp_replace({"frame-ancestors": settings.KOTACERDAS_WIDGET_FRAME_ANCESTORS})  # type: ignore[arg-type]
@require_safe
def widget(request: HttpRequest, code: str) -> HttpResponse:
    """A card of the headline figures that other sites may put in an iframe."""

    def build() -> Built | None:
        region = selectors.public_region(code=code)
        if region is None:
            return None
        return (
            region.name,
            "portal/widget_body.html",
            {"region": region, "o": selectors.public_overview(region=region)},
        )

    return _page(request, code, ("widget", code), build, widget=True)


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """``/``: a visitor meets the regions' public portals and a way to sign in;
    a signed-in person goes on to their workspace (the masterplan's home)."""
    if request.user.is_authenticated:
        return masterplan_views.home(request)

    def build() -> str:
        # Regions by province, provinces in Kemendagri code order.
        groups: dict[tuple[str, str], list[Region]] = {}
        for region in selectors.public_regions():
            province = region.province
            key = (province.code, province.name) if province else ("", "")
            groups.setdefault(key, []).append(region)
        provinces = [(name, regions) for (_code, name), regions in sorted(groups.items())]
        return render_to_string(
            "portal/landing.html",
            {"provinces": provinces, "csrf": CSRF_SLOT, "path": request.path},
        )

    html = cached(("landing",), build)
    assert html is not None
    return HttpResponse(html.replace(CSRF_SLOT, get_token(request)))
