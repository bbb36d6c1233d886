"""Registry pages for officers and the smart city team: the business list,
a business, registering and editing, the verification queue; and the public
self-registration of a business.

Views parse input, fetch through :mod:`kotacerdas.umkm.access`, call a
service or a selector and render. Personal data is shown masked here; the
full values only come out of :mod:`kotacerdas.umkm.pdp.views` (recorded).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import role_scope
from kotacerdas.core.audit import history_for, readable_changes
from kotacerdas.core.caching import cached_unless_asked, with_csrf, without_csrf
from kotacerdas.core.forms import apply_errors, invisible_removed
from kotacerdas.core.pages import attempt
from kotacerdas.core.ratelimit import Limit, client_address, limits_hit
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import get_area
from kotacerdas.umkm import kbli
from kotacerdas.umkm.access import business_fetch, businesses_for, can, registry_region_fetch
from kotacerdas.umkm.caching import registry_version
from kotacerdas.umkm.identifiers import is_digits
from kotacerdas.umkm.registry import services
from kotacerdas.umkm.registry.forms import (
    BusinessFilterForm,
    BusinessForm,
    RegistrationForm,
    StatusForm,
    VerifyForm,
)
from kotacerdas.umkm.registry.models import Business
from kotacerdas.umkm.registry.selectors import (
    BusinessFilters,
    area_names,
    business_search,
    page_of,
    verification_queue,
)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if is_digits(raw) else 1


# --- The list ----------------------------------------------------------------------------


@login_required
@require_safe
def business_list(request: HttpRequest, code: str) -> HttpResponse:
    """The unfiltered first page (with its empty filter form and the export
    form) is rendered once per registry data version of the region,
    language and role scope (umkm/caching.py): it shows masked values only,
    the same to everyone, and what the right to unmask changes (the export's
    personal-data choice, the links) follows the role scope in the key. A
    filtered list, another page or an htmx request is built each time."""
    region = registry_region_fetch(request.user, code)

    def context() -> dict[str, Any]:
        names = area_names(region)
        form = BusinessFilterForm(request.GET or None, names=names)
        filters = BusinessFilters.from_data(form.cleaned_data if form.is_valid() else {})
        can_reveal = can(request.user, "reveal", region)
        qs = business_search(
            businesses=businesses_for(request.user).filter(region=region),
            filters=filters,
            personal=can_reveal,
        )
        return {
            "region": region,
            "filters": form,
            "filter_values": filters.as_query(),
            "page": page_of(qs, _page_number(request)),
            "names": names,
            "can_change": can(request.user, "change", region),
            "can_reveal": can_reveal,
        }

    if _is_htmx(request):
        return render(request, "umkm/registry/_results.html", context())

    def body() -> str:
        # The export form's CSRF token is a placeholder in a cached body.
        return render_to_string(
            "umkm/registry/_list_body.html", without_csrf(context()), request=request
        )

    parts = ("registry-list", region.pk, region.name, request.path, role_scope(request.user))
    html = cached_unless_asked(request, parts, body, version=registry_version(region.pk))
    return render(
        request,
        "umkm/registry/list.html",
        # Rendered by our own template (autoescaped there).
        {"region": region, "body": mark_safe(with_csrf(html, request))},  # noqa: S308
    )


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
    business = business_fetch(request.user, pk)
    region = business.region
    events = list(history_for(business)[:50])
    return render(
        request,
        "umkm/registry/detail.html",
        {
            "region": region,
            "business": business,
            "npwp": business.masked_npwp,
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


def _report_invisible(request: HttpRequest, form: BusinessForm) -> None:
    """Tell the person that invisible characters were taken out of a name
    (core.text): what is stored differs from what they pasted."""
    fields = invisible_removed(form)
    if fields:
        messages.warning(
            request,
            _("Karakter tak terlihat (kontrol arah teks atau lebar-nol) dihapus dari: %(fields)s.")
            % {"fields": ", ".join(fields)},
        )


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code, "change")
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
            _report_invisible(request, form)
            return redirect("umkm:business_detail", pk=business.pk)
    return _form_page(request, region=region, form=form, title=_("Daftarkan usaha"), business=None)


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = business_fetch(request.user, pk, "change", live=True)
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
            _report_invisible(request, form)
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
    region = registry_region_fetch(request.user, code, "change")
    page = page_of(verification_queue(region=region), _page_number(request))
    return render(
        request,
        "umkm/registry/queue.html",
        {"region": region, "page": page, "names": area_names(region)},
    )


@login_required
@require_POST
def business_verify(request: HttpRequest, pk: int) -> HttpResponse:
    business = business_fetch(request.user, pk, "change", live=True)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih terima atau tolak."))
    else:
        accept = form.cleaned_data["decision"] == "accept"
        attempt(
            request,
            lambda: services.business_verify(actor=request.user, business=business, accept=accept),
            (_("%(name)s diverifikasi.") if accept else _("%(name)s ditolak."))
            % {"name": business.name},
        )
    return redirect("umkm:verification_queue", code=business.region.code)


@login_required
@require_POST
def business_status(request: HttpRequest, pk: int) -> HttpResponse:
    business = business_fetch(request.user, pk, "change", live=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        attempt(
            request,
            lambda: services.business_set_status(
                actor=request.user, business=business, status=status
            ),
            _("Status usaha disimpan."),
        )
    else:
        messages.error(request, _("Status tidak dikenal."))
    return redirect("umkm:business_detail", pk=business.pk)


# --- Public self-registration ---------------------------------------------------------------
#
# The owner gives consent to the processing (UU 27/2022 art. 20: consent as
# the legal basis, recorded with its time); the entry waits for an officer's
# verification. The page after sending shows no personal data and no record
# id, so nobody can look up someone else's entry by changing a URL. A hidden
# field catches form-filling bots: their posts get the same thank-you page
# and store nothing.


# Public registrations per client address and per owner (the NIK typed):
# enough for a family business sharing one connection, not a flood (issue 14).
REGISTER_PER_CLIENT = Limit("umkm_register_client", count=20, seconds=60 * 60)
REGISTER_PER_OWNER = Limit("umkm_register_owner", count=3, seconds=24 * 60 * 60)


def _public_region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, code: str) -> HttpResponse:
    region = _public_region(code)
    form = RegistrationForm(request.POST if request.method == "POST" else None, region=region)
    limited = False
    if request.method == "POST":
        if form.is_bot:
            return redirect("umkm:register_done", code=region.code)
        if form.is_valid():
            owner = "".join(ch for ch in form.cleaned_data["owner_nik"] if ch.isdigit())
            exceeded = limits_hit(
                [(REGISTER_PER_CLIENT, client_address(request)), (REGISTER_PER_OWNER, owner)]
            )
            if exceeded is not None:
                # What was typed stays in the form; nothing is stored.
                limited = True
                form.add_error(
                    None,
                    _(
                        "Terlalu banyak pendaftaran dari perangkat ini atau untuk NIK ini. "
                        "Coba lagi dalam %(minutes)s menit, atau hubungi petugas registri."
                    )
                    % {"minutes": exceeded.minutes()},
                )
        if form.is_valid() and not limited:
            try:
                services.business_create(
                    actor=request.user,
                    region=region,
                    data=form.data_for_service(),
                    source=Business.Source.FORM,
                    verification=Business.Verification.PENDING,
                    legal_basis=Business.LegalBasis.CONSENT,
                    consent_at=timezone.now(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("umkm:register_done", code=region.code)
    return render(
        request,
        "umkm/registry/register.html",
        {"public_region": region, "form": form},
        status=429 if limited else 400 if form.is_bound and form.errors else 200,
    )


@require_safe
def register_done(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "umkm/registry/register_done.html", {"public_region": _public_region(code)}
    )
