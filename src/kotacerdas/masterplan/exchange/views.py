"""The masterplan workbook on the web: download the export (anyone who may
see the region: every row in it is already visible to them) and the empty
template; the region's admins upload a file, see a preview of every change
and problem, and confirm. The preview and the confirmation run the same
service as ``kotacerdas masterplan import``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, regions_for
from kotacerdas.masterplan.exchange import staging
from kotacerdas.masterplan.exchange.export import (
    CONTENT_TYPE,
    masterplan_export,
    template_empty,
)
from kotacerdas.masterplan.exchange.forms import ImportUploadForm
from kotacerdas.masterplan.exchange.importer import (
    ExchangeError,
    ImportResult,
    masterplan_import,
)
from kotacerdas.masterplan.exchange.results import KIND_LABELS, KINDS
from kotacerdas.masterplan.selectors import current_masterplan
from kotacerdas.regions.models import Region


def _download(content: bytes, filename: str) -> HttpResponse:
    disposition = content_disposition_header(True, filename)
    assert disposition is not None
    return HttpResponse(
        content, content_type=CONTENT_TYPE, headers={"Content-Disposition": disposition}
    )


def _user_id(request: HttpRequest) -> int:
    pk = request.user.pk
    assert pk is not None  # behind login_required
    return int(pk)


def _admin_region(request: HttpRequest, code: str) -> Region:
    """The region if this user administers it: 403 for its other members,
    404 for everyone else."""
    return fetch(regions_for(request.user), regions_for(request.user, "change"), code=code)


@login_required
@require_safe
def export(request: HttpRequest, code: str) -> HttpResponse:
    region = regions_for(request.user).filter(code=code).first()
    masterplan = current_masterplan(region=region) if region is not None else None
    if region is None or masterplan is None:
        raise Http404
    return _download(
        masterplan_export(masterplan=masterplan),
        f"masterplan-{region.code}-{masterplan.start_year}.xlsx",
    )


@login_required
@require_safe
def template(request: HttpRequest) -> HttpResponse:
    return _download(template_empty(), "templat-masterplan-kotacerdas.xlsx")


def _preview(
    request: HttpRequest, region: Region, result: ImportResult, token: str
) -> HttpResponse:
    counts = result.counts
    sections = [
        {
            "label": KIND_LABELS[kind],
            "counts": counts[kind],
            "created": [c for c in result.changes if c.kind == kind and c.action == "create"],
            "updated": [c for c in result.changes if c.kind == kind and c.action == "update"],
            "absent": result.absent.get(kind, []),
        }
        for kind in KINDS
    ]
    context: dict[str, Any] = {
        "region": region,
        "result": result,
        "sections": sections,
        "token": token,
    }
    return render(request, "exchange/preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    region = _admin_region(request, code)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content: bytes = form.cleaned_data["file"]
        try:
            result = masterplan_import(
                actor=request.user, region_code=region.code, content=content, dry_run=True
            )
        except ExchangeError as error:
            form.add_error("file", error.message)
        else:
            token = ""
            if result.ok and result.changed:
                token = staging.stash(
                    content=content, user_id=_user_id(request), region_code=region.code
                )
            return _preview(request, region, result, token)
    return render(
        request,
        "exchange/import.html",
        {"region": region, "form": form, "masterplan": current_masterplan(region=region)},
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, code: str) -> HttpResponse:
    region = _admin_region(request, code)
    try:
        content = staging.take(
            token=request.POST.get("token", ""),
            user_id=_user_id(request),
            region_code=region.code,
        )
    except staging.StaleUpload:
        messages.error(
            request,
            _("Unggahan sudah kedaluwarsa atau tidak sah; tidak ada yang disimpan. Unggah lagi."),
        )
        return redirect("exchange:import", code=region.code)
    try:
        result = masterplan_import(actor=request.user, region_code=region.code, content=content)
    except ExchangeError as error:
        messages.error(request, error.message)
        return redirect("exchange:import", code=region.code)
    if not result.applied:
        return _preview(request, region, result, "")
    totals = result.counts.values()
    messages.success(
        request,
        _("Masterplan diimpor: %(created)s baru, %(updated)s diubah, %(unchanged)s tetap.")
        % {
            "created": sum(c.created for c in totals),
            "updated": sum(c.updated for c in totals),
            "unchanged": sum(c.unchanged for c in totals),
        },
    )
    return redirect("masterplan:programme_list", code=region.code)
