"""Pages of the national systems: the SIDT-KUMKM export (queued on the
registry's background export, followed on its usual pages) and the SIINas
page (IKM, sentra IKM, the yearly target)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kotacerdas.core.access import roles_of
from kotacerdas.core.forms import apply_errors
from kotacerdas.regions.models import Region
from kotacerdas.umkm.access import registry_region_fetch
from kotacerdas.umkm.national import selectors
from kotacerdas.umkm.national.forms import SidtExportForm, SiinasTargetForm
from kotacerdas.umkm.national.services import siinas_target_set
from kotacerdas.umkm.pdp import services as pdp
from kotacerdas.umkm.pdp.models import ExportJob


@never_cache
@login_required
@require_POST
def sidt_export(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the SIDT-KUMKM export (personal data: registry officers only)."""
    region = registry_region_fetch(request.user, code, "reveal")
    form = SidtExportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("umkm:business_export", code=region.code)
    since_day = form.cleaned_data["since"]
    since = (
        dt.datetime.combine(since_day, dt.time(), tzinfo=region.tzinfo)
        if since_day is not None
        else None
    )
    job = pdp.export_job_create(
        actor=request.user,
        region=region,
        personal=True,
        purpose=form.cleaned_data["purpose"],
        fmt=form.cleaned_data["fmt"],
        layout=ExportJob.Layout.SIDT_KUMKM,
        since=since,
    )
    messages.success(
        request,
        _(
            "Ekspor SIDT-KUMKM masuk antrean. Berkas dibuat di latar belakang; halaman ini "
            "menunjukkan kemajuannya."
        ),
    )
    return redirect("umkm:export_detail", pk=job.pk)


def _may_set_target(user: Any, region: Region) -> bool:
    return roles_of(user).is_admin_of(region.pk)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("tahun", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _siinas_page(
    request: HttpRequest, region: Region, *, year: int, form: SiinasTargetForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "umkm/national/siinas.html",
        {
            "region": region,
            "progress": selectors.siinas_target_progress(region=region, year=year),
            "targets": selectors.siinas_targets(region=region),
            "sentra": selectors.sentra_ikm(region=region),
            "sentra_rule": selectors.SENTRA_RULE,
            "target_rule": selectors.TARGET_RULE,
            "may_set_target": _may_set_target(request.user, region),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def siinas(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the IKM figures for SIINas. POST: the region admin enters the
    yearly target (audited)."""
    if request.method == "GET":
        region = registry_region_fetch(request.user, code, "view")
        year = _year(request)
        return _siinas_page(
            request, region, year=year, form=SiinasTargetForm(initial={"year": year})
        )
    region = registry_region_fetch(request.user, code, "change")
    if not _may_set_target(request.user, region):
        raise PermissionDenied
    form = SiinasTargetForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            siinas_target_set(
                actor=request.user, region=region, year=year, target=form.cleaned_data["target"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Target SIINas %(year)s disimpan.") % {"year": year})
            return redirect(f"{request.path}?tahun={year}")
    year = form.cleaned_data.get("year") or timezone.localdate().year
    return _siinas_page(request, region, year=year, form=form, status=400)
