"""The OSS-RBA NIB list on the web: upload the list, follow its job, read
its counts, review uncertain pairs and conflicts (accept / reject, one pair
per card, usable with the keyboard and on a phone), and register unmatched
rows as new businesses.

Registry officers and admins of the region ("change"); other members of
the region get 403, everyone else 404. Personal data (the owner's NIK, the
address) is shown masked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, regions_for
from kotacerdas.core.jobs import moment_text, no_worker, stalled
from kotacerdas.core.pages import attempt
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import kelurahan_of
from kotacerdas.umkm.access import registry_region_fetch
from kotacerdas.umkm.oss import selectors, services
from kotacerdas.umkm.oss.forms import DecisionForm, OssUploadForm, RegisterForm
from kotacerdas.umkm.oss.models import OssImport, OssRow

Outcome = OssRow.Outcome
State = OssImport.State
RECENT_JOBS = 50
PAGE_ROWS = 50


def _region(request: HttpRequest, code: str) -> Region:
    return registry_region_fetch(request.user, code, "change")


def _job(request: HttpRequest, pk: int) -> OssImport:
    visible = OssImport.objects.filter(region__in=regions_for(request.user))
    job = fetch(visible, selectors.oss_jobs_for(request.user), pk=pk)
    registry_region_fetch(request.user, job.region.code, "change")  # the region's own zone
    return job


def _row(request: HttpRequest, pk: int) -> OssRow:
    visible = OssRow.objects.filter(job__region__in=regions_for(request.user))
    return fetch(visible, selectors.oss_rows_for(request.user), pk=pk)


def _place_names(region: Region) -> dict[str, str]:
    return {area.code: area.name for area in kelurahan_of(region.code)}


@login_required
@require_safe
def oss_list(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    jobs = selectors.oss_jobs_for(request.user).filter(region=region)[:RECENT_JOBS]
    return render(request, "umkm/oss/list.html", {"region": region, "jobs": jobs})


@login_required
@require_http_methods(["GET", "POST"])
def oss_upload(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    form = OssUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.oss_job_create(
            actor=request.user,
            region=region,
            upload=form.cleaned_data["file"],
            checked=form.checked,
        )
        if services.runs_inline(form.checked):
            services.oss_job_run(job_id=job.pk, actor=request.user)
        return redirect("umkm:oss_detail", pk=job.pk)
    return render(request, "umkm/oss/upload.html", {"region": region, "form": form})


@login_required
@require_safe
def oss_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    active = job.state in (State.QUEUED, State.RUNNING)
    context: dict[str, Any] = {
        "region": job.region,
        "job": job,
        "active": active,
        "no_worker": job.state == State.QUEUED and no_worker(job.created_at),
        "stalled": job.state == State.RUNNING and stalled(job.started_at),
        "created_text": moment_text(job.created_at),
        "finished_text": moment_text(job.finished_at) if job.finished_at else "",
    }
    if job.state == State.DONE:
        context["summary"] = selectors.job_summary(job)
    return render(request, "umkm/oss/detail.html", context)


def _pairs(job: OssImport, rows: list[OssRow]) -> list[dict[str, Any]]:
    names = _place_names(job.region)
    pairs = []
    for row in rows:
        business = row.business
        pairs.append(
            {
                "row": row,
                "business": business,
                "oss_place": names.get(row.kelurahan_code, row.kelurahan_text),
                "registry_place": names.get(business.kelurahan_code, "") if business else "",
                "same_nik": bool(
                    business and row.owner_nik and row.owner_nik == business.owner_nik
                ),
            }
        )
    return pairs


@login_required
@require_safe
def oss_review(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    rows = list(selectors.rows_waiting(job, (Outcome.REVIEW, Outcome.CONFLICT))[:PAGE_ROWS])
    return render(
        request,
        "umkm/oss/review.html",
        {
            "region": job.region,
            "job": job,
            "pairs": _pairs(job, rows),
            "summary": selectors.job_summary(job),
        },
    )


@login_required
@require_safe
def oss_unmatched(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    rows = list(selectors.rows_waiting(job, (Outcome.UNMATCHED,))[:PAGE_ROWS])
    names = _place_names(job.region)
    items = [
        {
            "row": row,
            "place": names.get(row.kelurahan_code, row.kelurahan_text),
            "form": RegisterForm(
                region=job.region,
                initial={"kelurahan_code": row.kelurahan_code},
                prefix=f"r{row.pk}",
            ),
        }
        for row in rows
    ]
    return render(
        request,
        "umkm/oss/unmatched.html",
        {
            "region": job.region,
            "job": job,
            "items": items,
            "summary": selectors.job_summary(job),
        },
    )


@login_required
@require_POST
def oss_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = _row(request, pk)
    form = DecisionForm(request.POST)
    back = reverse("umkm:oss_review", args=[row.job_id])
    if not form.is_valid():
        messages.error(request, _("Pilih terima atau tolak."))
        return redirect(back)
    accept = form.accept
    if accept:
        success = _("Baris %(n)s diterima: “%(name)s” dicocokkan, NIB %(nib)s dicatat.")
    else:
        success = _("Baris %(n)s ditolak: usaha di registri tidak diubah.")
    attempt(
        request,
        lambda: services.oss_row_decide(actor=request.user, row=row, accept=accept),
        success % {"n": row.row_number, "name": row.name, "nib": row.nib},
    )
    return redirect(back)


@login_required
@require_POST
def oss_register(request: HttpRequest, pk: int) -> HttpResponse:
    row = _row(request, pk)
    form = RegisterForm(request.POST, region=row.job.region, prefix=f"r{row.pk}")
    back = reverse("umkm:oss_unmatched", args=[row.job_id])
    if not form.is_valid():
        for error in form.errors.get("kelurahan_code", []):
            messages.error(request, str(error))
        return redirect(back)
    attempt(
        request,
        lambda: services.oss_row_register(
            actor=request.user, row=row, kelurahan_code=form.cleaned_data["kelurahan_code"]
        ),
        _("“%(name)s” didaftarkan sebagai usaha baru dengan NIB %(nib)s.")
        % {"name": row.name, "nib": row.nib},
    )
    return redirect(back)
