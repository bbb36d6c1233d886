"""Registry pages for officers and the smart city team: the business list,
a business, registering and editing, the verification queue.

Views parse input, fetch through :mod:`kotacerdas.umkm.access`, call a
service or a selector and render. Personal data is shown masked here; the
full values only come out of :mod:`kotacerdas.umkm.pdp_views` (recorded).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, regions_for
from kotacerdas.core.audit import history_for, readable_changes
from kotacerdas.core.forms import apply_errors
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import get_area
from kotacerdas.umkm import kbli, services
from kotacerdas.umkm.access import (
    Action,
    businesses_for,
    can,
    registry_region_fetch,
)
from kotacerdas.umkm.forms import BusinessFilterForm, BusinessForm, StatusForm, VerifyForm
from kotacerdas.umkm.identifiers import is_digits
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.pdp import display_npwp
from kotacerdas.umkm.selectors import (
    BusinessFilters,
    area_names,
    business_search,
    page_of,
    verification_queue,
)

# --- Lookups shared with pdp_views ------------------------------------------------


def registry_region(request: HttpRequest, code: str, action: Action = "view") -> Region:
    """The region if the user may do ``action`` in its registry
    (:func:`kotacerdas.umkm.access.registry_region_fetch`)."""
    return registry_region_fetch(request.user, code, action)


def registry_business(
    request: HttpRequest, pk: int, action: Action = "view", *, live: bool = False
) -> Business:
    """A business through the scoped helpers (see :func:`registry_region`);
    ``live`` refuses businesses merged into another one."""
    visible = Business.objects.filter(region__in=regions_for(request.user))
    permitted = businesses_for(request.user, action)
    if live:
        permitted = permitted.filter(merged_into__isnull=True)
    return fetch(visible, permitted, pk=pk)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if is_digits(raw) else 1


# --- The list ----------------------------------------------------------------------------


@login_required
@require_safe
def business_list(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region(request, code)
    names = area_names(region)
    form = BusinessFilterForm(request.GET or None, names=names)
    filters = BusinessFilters.from_data(form.cleaned_data if form.is_valid() else {})
    qs = business_search(
        businesses=businesses_for(request.user).filter(region=region), filters=filters
    )
    page = page_of(qs, _page_number(request))
    context = {
        "region": region,
        "filters": form,
        "filter_values": filters.as_query(),
        "page": page,
        "names": names,
        "can_change": can(request.user, "change", region),
        "can_reveal": can(request.user, "reveal", region),
    }
    template = "umkm/registry/_results.html" if _is_htmx(request) else "umkm/registry/list.html"
    return render(request, template, context)


# --- One business ------------------------------------------------------------------------


def _kbli_label(business: Business) -> str:
    if not business.kbli_code:
        return "—"
    category = business.kbli_category
    name = kbli.category_name(category, business.kbli_version) if category else ""
    return f"{business.kbli_code} (KBLI {business.kbli_version}) · {category} {name}".strip()


def _size_label(business: Business) -> str:
    if not business.size_class:
        return "—"
    return _("%(size)s (dasar: %(basis)s)") % {
        "size": business.get_size_class_display(),
        "basis": business.get_size_basis_display(),
    }


def _area_name(code: str) -> str:
    area = get_area(code) if code else None
    return f"{area.name} ({code})" if area is not None else code or "—"


@login_required
@require_safe
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = registry_business(request, pk)
    region = business.region
    events = list(history_for(business)[:50])
    return render(
        request,
        "umkm/registry/detail.html",
        {
            "region": region,
            "business": business,
            "npwp": display_npwp(business.npwp),
            "kbli_label": _kbli_label(business),
            "size_label": _size_label(business),
            "kelurahan_name": _area_name(business.kelurahan_code),
            "kecamatan_name": _area_name(business.kecamatan_code),
            "history": [(e, readable_changes(e)) for e in events],
            "can_change": can(request.user, "change", region) and business.merged_into_id is None,
            "can_reveal": can(request.user, "reveal", region),
            "statuses": Business.Status.choices,
        },
    )


def _form_page(
    request: HttpRequest,
    *,
    region: Region,
    form: BusinessForm,
    title: str,
    business: Business | None,
) -> HttpResponse:
    return render(
        request,
        "umkm/registry/form.html",
        {"region": region, "form": form, "title": title, "business": business},
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region(request, code, "change")
    form = BusinessForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(
                actor=request.user, region=region, data=form.data_for_service()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Usaha didaftarkan."))
            return redirect("umkm:business_detail", pk=business.pk)
    return _form_page(request, region=region, form=form, title=_("Daftarkan usaha"), business=None)


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = registry_business(request, pk, "change", live=True)
    form = BusinessForm(request.POST or None, region=business.region, instance=business)
    if request.method == "POST" and form.is_valid():
        try:
            _business, changed = services.business_update(
                actor=request.user, business=business, data=form.data_for_service()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Perubahan disimpan.") if changed else _("Tidak ada yang berubah.")
            )
            return redirect("umkm:business_detail", pk=business.pk)
    return _form_page(
        request,
        region=business.region,
        form=form,
        title=_("Ubah %(name)s") % {"name": business.name},
        business=business,
    )


# --- Verification and status ---------------------------------------------------------------


@login_required
@require_safe
def verification_queue_view(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region(request, code, "change")
    page = page_of(verification_queue(region=region), _page_number(request))
    return render(
        request,
        "umkm/registry/queue.html",
        {"region": region, "page": page, "names": area_names(region)},
    )


@login_required
@require_POST
def business_verify(request: HttpRequest, pk: int) -> HttpResponse:
    business = registry_business(request, pk, "change", live=True)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih terima atau tolak."))
    else:
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.business_verify(actor=request.user, business=business, accept=accept)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                (_("%(name)s diverifikasi.") if accept else _("%(name)s ditolak."))
                % {"name": business.name},
            )
    return redirect("umkm:verification_queue", code=business.region.code)


@login_required
@require_POST
def business_status(request: HttpRequest, pk: int) -> HttpResponse:
    business = registry_business(request, pk, "change", live=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.business_set_status(
            actor=request.user, business=business, status=form.cleaned_data["status"]
        )
        messages.success(request, _("Status usaha disimpan."))
    else:
        messages.error(request, _("Status tidak dikenal."))
    return redirect("umkm:business_detail", pk=business.pk)


urlpatterns = [
    path("wilayah/<str:code>/umkm/", business_list, name="business_list"),
    path("wilayah/<str:code>/umkm/baru/", business_create, name="business_create"),
    path(
        "wilayah/<str:code>/umkm/verifikasi/",
        verification_queue_view,
        name="verification_queue",
    ),
    path("umkm/<int:pk>/", business_detail, name="business_detail"),
    path("umkm/<int:pk>/ubah/", business_edit, name="business_edit"),
    path("umkm/<int:pk>/verifikasi/", business_verify, name="business_verify"),
    path("umkm/<int:pk>/status/", business_status, name="business_status"),
]
