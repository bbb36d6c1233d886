"""Personal-data pages (UU 27/2022): reveal, export, the per-person report and
the record of processing.

Everything that shows personal data in clear is a POST with a purpose, runs
through a service of :mod:`kotacerdas.umkm.pdp.services` that records it, and is sent
with ``Cache-Control: no-store`` so no browser or proxy keeps a copy. A NIK
that is searched for travels in the POST body, never in a URL. An export is
asked for by such a POST and made in the background; its file is then a GET
for its requester alone, recorded at every download, until it expires.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, regions_for
from kotacerdas.core.formatting import date_id, decimal_id
from kotacerdas.core.jobs import moment_text, no_worker
from kotacerdas.core.pages import Confirmation, Consequence, confirm_page, confirmed
from kotacerdas.core.sheets.writing import write_table
from kotacerdas.core.storage import private_file_response
from kotacerdas.core.timezones import activate_region
from kotacerdas.core.uploads import KINDS
from kotacerdas.umkm.access import (
    business_fetch,
    can,
    export_jobs_for,
    registry_region_fetch,
)
from kotacerdas.umkm.duplicates.selectors import field_label
from kotacerdas.umkm.identifiers import is_digits
from kotacerdas.umkm.imports.services import anonymise_due
from kotacerdas.umkm.pdp import services as pdp
from kotacerdas.umkm.pdp.forms import ExportForm, PurposeForm, SubjectReportForm
from kotacerdas.umkm.pdp.models import ExportJob, PersonalDataAccess
from kotacerdas.umkm.pdp.selectors import access_log, anonymisation_preview
from kotacerdas.umkm.registry.selectors import BusinessFilters

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_POST
def business_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    business = business_fetch(request.user, pk, "reveal")
    form = PurposeForm(request.POST)
    revealed = None
    if form.is_valid():
        revealed = pdp.business_reveal(
            actor=request.user, business=business, purpose=form.cleaned_data["purpose"]
        )
    return render(
        request,
        "umkm/registry/reveal.html",
        {"region": business.region, "business": business, "form": form, "revealed": revealed},
        status=200 if revealed else 400,
    )


RECENT_EXPORTS = 20


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def business_export(request: HttpRequest, code: str) -> HttpResponse:
    """POST: queue an export of the list the user saw (the worker writes the
    file; the user follows it on its page). GET: the user's own recent
    exports of the region."""
    region = registry_region_fetch(request.user, code)
    if request.method == "GET":
        jobs = [
            pdp.export_job_give_up_if_stalled(job)
            for job in export_jobs_for(request.user).filter(region=region)[:RECENT_EXPORTS]
        ]
        return render(
            request,
            "umkm/export/list.html",
            {"region": region, "jobs": jobs, "may_reveal": can(request.user, "reveal", region)},
        )
    form = ExportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("umkm:business_list", code=region.code)
    personal = form.cleaned_data["personal"]
    if personal and not can(request.user, "reveal", region):
        raise PermissionDenied
    # The rows of the list the user saw: the worker runs the same search with
    # the user's rights (owner and address searchable only for who may see them).
    filters = BusinessFilters.from_data(request.POST.dict()).as_query()
    job = pdp.export_job_create(
        actor=request.user,
        region=region,
        personal=personal,
        purpose=form.cleaned_data["purpose"],
        fmt=form.cleaned_data["fmt"],
        filters=filters,
    )
    messages.success(
        request,
        _(
            "Ekspor masuk antrean. Berkas dibuat di latar belakang; halaman ini menunjukkan "
            "kemajuannya."
        ),
    )
    return redirect("umkm:export_detail", pk=job.pk)


def _export_job(request: HttpRequest, pk: int) -> ExportJob:
    """One of the user's own exports: 403 for other members of its region
    (an officer's export is not the admin's), 404 for everyone else."""
    visible = ExportJob.objects.filter(region__in=regions_for(request.user))
    job = fetch(visible, export_jobs_for(request.user), pk=pk)
    activate_region(job.region)
    return pdp.export_job_give_up_if_stalled(job)


def _export_context(job: ExportJob) -> dict[str, Any]:
    now = timezone.now()
    expired = job.state == ExportJob.State.EXPIRED or (
        job.state == ExportJob.State.DONE and job.expires_at is not None and job.expires_at <= now
    )
    queued_since = job.created_at
    return {
        "region": job.region,
        "job": job,
        "expired": expired,
        "no_worker": job.state == ExportJob.State.QUEUED and no_worker(queued_since, now=now),
        "done_text": decimal_id(Decimal(job.rows_done), 0),
        "total_text": decimal_id(Decimal(job.rows_total), 0) if job.rows_total else "",
        "since_text": moment_text(job.progress_at or queued_since),
        "size_text": pdp.size_text(job.size) if job.size else "",
        "expires_text": moment_text(job.expires_at) if job.expires_at else "",
        "finished_text": moment_text(job.finished_at) if job.finished_at else "",
    }


@never_cache
@login_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_job(request, pk)
    return render(request, "umkm/export/detail.html", _export_context(job))


@never_cache
@login_required
@require_safe
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx while the job is active."""
    job = _export_job(request, pk)
    return render(request, "umkm/export/_progress.html", _export_context(job))


@never_cache
@login_required
@require_safe
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The finished file, to its requester only, while it has not expired;
    personal data only while the requester may still reveal it. Every
    download is recorded (pdp.export_job_download)."""
    job = _export_job(request, pk)
    if job.personal and not can(request.user, "reveal", job.region):
        raise PermissionDenied
    context = _export_context(job)
    if job.state != ExportJob.State.DONE or context["expired"] or not job.stored_name:
        if context["expired"]:
            messages.error(
                request, _("Berkas ekspor ini sudah kedaluwarsa dan dihapus. Minta ekspor lagi.")
            )
        return redirect("umkm:export_detail", pk=job.pk)
    name = pdp.export_job_download(actor=request.user, job=job)
    try:
        return private_file_response(
            name, download_name=job.filename, content_type=KINDS[job.fmt].mime_type
        )
    except FileNotFoundError:
        raise Http404 from None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subject_report(request: HttpRequest, code: str) -> HttpResponse:
    """The per-person report: what the registry holds about the owner of a NIK
    and who processed it, to hand to that person (within 3×24 hours)."""
    region = registry_region_fetch(request.user, code, "reveal")
    form = SubjectReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = pdp.subject_report(
            actor=request.user,
            region=region,
            nik=form.cleaned_data["nik"],
            purpose=form.cleaned_data["purpose"],
        )
        fmt = form.cleaned_data["fmt"]
        if fmt in CONTENT_TYPES:
            columns, rows = report.rows()
            stamp = timezone.localtime(report.created_at, region.tzinfo).strftime("%Y%m%d-%H%M")
            return _download(
                write_table(columns, rows, fmt), f"laporan-data-pribadi-{stamp}.{fmt}", fmt
            )
        return render(
            request,
            "umkm/registry/subject_report.html",
            {"region": region, "report": report},
        )
    return render(
        request,
        "umkm/registry/subject_form.html",
        {"region": region, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_safe
def access_log_view(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code)
    action = request.GET.get("action", "")
    rows = access_log(region=region)
    if action in PersonalDataAccess.Action.values:
        rows = rows.filter(action=action)
    raw = request.GET.get("page", "1")
    page = Paginator(rows, 50).get_page(int(raw) if is_digits(raw) else 1)
    return render(
        request,
        "umkm/registry/access_log.html",
        {
            "region": region,
            "page": page,
            "action": action,
            "actions": PersonalDataAccess.Action.choices,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request: HttpRequest, code: str) -> HttpResponse:
    """Anonymise now what is past retention (otherwise the daily task does
    it): a confirmation naming the businesses and the personal data that is
    cleared for good; only its own POST clears."""
    region = registry_region_fetch(request.user, code, "reveal")
    if confirmed(request):
        _files, result = anonymise_due(actor=request.user, regions=[region])
        messages.success(
            request,
            _("Data pribadi %(n)s usaha dianonimkan.") % {"n": result.counts.get(region.code, 0)},
        )
        return redirect("umkm:access_log", code=region.code)
    preview = anonymisation_preview(region=region, now=timezone.now())
    names = [
        f"{b.name} ({_('tutup sejak')} {date_id(b.closed_at.date())})"
        for b in preview.shown
        if b.closed_at
    ]
    more = preview.count - len(preview.shown)
    if more > 0:
        names.append(_("dan %(n)s usaha lainnya") % {"n": more})
    return confirm_page(
        request,
        Confirmation(
            title=_("Anonimkan data pribadi usaha yang melewati masa retensi?"),
            eyebrow=region.name,
            action_url=reverse("umkm:anonymise", args=[region.code]),
            cancel_url=reverse("umkm:access_log", args=[region.code]),
            button=_("Anonimkan data pribadi"),
            intro=_(
                "Usaha yang tutup lebih dari %(years)s tahun kehilangan data pribadinya; "
                "data agregatnya (kelurahan, KBLI, kelas usaha, tenaga kerja) tetap dihitung "
                "dalam statistik."
            )
            % {"years": preview.retention_years},
            consequences=(
                Consequence(_("Usaha yang dianonimkan"), preview.count, "anonymise-count"),
                Consequence(_("Usaha"), "; ".join(names) or _("tidak ada"), "anonymise-businesses"),
                Consequence(
                    _("Isian yang dihapus"),
                    ", ".join(field_label(name) for name in pdp.ANONYMISED_FIELDS)
                    + _(", dan NPWP bila itu NIK pemilik"),
                    "anonymise-fields",
                ),
            ),
            irreversible=(
                _(
                    "Data pribadi yang dihapus tidak dapat dipulihkan dari aplikasi, dan "
                    "usaha-usaha ini tidak dapat lagi digabung atau dibatalkan penggabungannya."
                ),
                _("Anonimisasi dicatat dalam catatan pemrosesan data pribadi."),
            ),
        ),
    )
