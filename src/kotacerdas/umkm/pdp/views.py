"""Personal-data pages (UU 27/2022): reveal, export, the per-person report and
the record of processing.

Everything that shows personal data in clear is a POST with a purpose, runs
through a service of :mod:`kotacerdas.umkm.pdp.services` that records it, and is sent
with ``Cache-Control: no-store`` so no browser or proxy keeps a copy. A NIK
that is searched for travels in the POST body, never in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.formatting import date_id
from kotacerdas.core.pages import Confirmation, Consequence, confirm_page, confirmed
from kotacerdas.umkm.access import business_fetch, businesses_for, can, registry_region_fetch
from kotacerdas.umkm.duplicates.selectors import field_label
from kotacerdas.umkm.identifiers import is_digits
from kotacerdas.umkm.pdp import services as pdp
from kotacerdas.umkm.pdp.forms import ExportForm, PurposeForm, SubjectReportForm
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.pdp.selectors import access_log, anonymisation_preview
from kotacerdas.umkm.registry.selectors import BusinessFilters, business_search

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


@never_cache
@login_required
@require_POST
def business_export(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code)
    form = ExportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("umkm:business_list", code=region.code)
    personal = form.cleaned_data["personal"]
    if personal and not can(request.user, "reveal", region):
        raise PermissionDenied
    filters = BusinessFilters.from_data(request.POST.dict())
    # The rows of the list the user saw: owner and address were searchable
    # there only for who may see them.
    businesses = business_search(
        businesses=businesses_for(request.user).filter(region=region),
        filters=filters,
        personal=can(request.user, "reveal", region),
    )
    export = pdp.businesses_export(
        actor=request.user,
        region=region,
        businesses=businesses,
        personal=personal,
        purpose=form.cleaned_data["purpose"],
        fmt=form.cleaned_data["fmt"],
    )
    return _download(export.content, export.filename, form.cleaned_data["fmt"])


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
                pdp.write_table(columns, rows, fmt), f"laporan-data-pribadi-{stamp}.{fmt}", fmt
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
        result = pdp.businesses_anonymise(actor=request.user, regions=[region])
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
