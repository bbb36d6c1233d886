"""People and agencies of a region, kept by the region's own admin; regions
of the deployment, kept by the deployment admin (docs/decisions.md §81).

- ``/wilayah/<code>/pengguna/``: the region admin gives the region's roles
  (admin, agency editor and head, registry officer) to an account, new or
  existing, and ends them. Other members get 403, everyone else 404.
- ``/wilayah/<code>/perangkat-daerah/``: the region admin adds agencies.
- ``/deployment/wilayah/``: the deployment admin (or a superuser) adds a
  kab/kota or province from the Kemendagri reference and appoints its admin,
  as ``kotacerdas region add CODE --admin USERNAME`` does. The page shows
  regions and their number of admins, nothing of a region's own data.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kotacerdas.core.access import fetch, regions_for, roles_of
from kotacerdas.core.models import REGION_STAFF_ROLES, Membership, Role
from kotacerdas.core.regions import region_add, region_admin_appoint
from kotacerdas.core.timezones import activate_region
from kotacerdas.masterplan.services import agency_create
from kotacerdas.regions.models import Region

from . import services
from .forms import AgencyForm, RegionAddForm, StaffAddForm


def _admin_region(request: HttpRequest, code: str) -> Region:
    region = fetch(regions_for(request.user), regions_for(request.user, "change"), code=code)
    activate_region(region)
    return region


def _errors_onto(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field, else above it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def region_users(request: HttpRequest, code: str) -> HttpResponse:
    region = _admin_region(request, code)
    form = StaffAddForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, created = services.staff_add(
                actor=request.user,
                region=region,
                username=data["username"],
                role=data["role"],
                agency=data.get("agency"),
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
            )
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            note = (
                _("Akun baru dibuat; pemiliknya mengatur kata sandi lewat “Lupa kata sandi”.")
                if created
                else ""
            )
            messages.success(
                request,
                (
                    _("%(user)s kini %(role)s di %(region)s.")
                    % {
                        "user": membership.user.get_username(),
                        "role": membership.get_role_display(),
                        "region": region.name,
                    }
                    + (" " + note if note else "")
                ),
            )
            return redirect("accounts:region_users", code=region.code)
    memberships = (
        Membership.objects.filter(region=region)
        .select_related("user", "agency")
        .order_by("user__username", "role")
    )
    return render(
        request,
        "accounts/region_users.html",
        {
            "region": region,
            "form": form,
            "memberships": memberships,
            "removable": {r.value for r in REGION_STAFF_ROLES},
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def region_user_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = _admin_region(request, code)
    membership = (
        Membership.objects.filter(region=region, role__in=REGION_STAFF_ROLES, pk=pk)
        .select_related("user", "region")
        .first()
    )
    if membership is None:
        raise Http404
    try:
        services.staff_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Peran %(role)s %(user)s dicabut.")
            % {"role": membership.get_role_display(), "user": membership.user.get_username()},
        )
    return redirect("accounts:region_users", code=region.code)


@login_required
@require_http_methods(["GET", "POST"])
def region_agencies(request: HttpRequest, code: str) -> HttpResponse:
    region = _admin_region(request, code)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_create(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(
                request, _("Perangkat daerah %(name)s ditambahkan.") % {"name": agency.short_name}
            )
            return redirect("accounts:region_agencies", code=region.code)
    agencies = region.agencies.annotate(people=Count("memberships")).order_by("short_name")
    return render(
        request,
        "accounts/region_agencies.html",
        {"region": region, "form": form, "agencies": agencies},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deployment_regions(request: HttpRequest) -> HttpResponse:
    if not roles_of(request.user).manages_deployment:
        raise PermissionDenied
    form = RegionAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, username = form.cleaned_data["code"].strip(), form.cleaned_data["admin"].strip()
        admin = get_user_model().objects.filter(username=username).first() if username else None
        if username and admin is None:
            form.add_error("admin", _("Pengguna %(username)s tidak ada.") % {"username": username})
        elif admin is not None and not admin.is_active:
            form.add_error(
                "admin",
                _("Akun %(username)s tidak aktif; aktifkan dulu sebelum diangkat.")
                % {"username": username},
            )
        else:
            try:
                with transaction.atomic():
                    added = region_add(actor=request.user, code=code)
                    appointed = False
                    if admin is not None:
                        _m, appointed = region_admin_appoint(
                            actor=request.user, region=added.region, user=admin
                        )
            except ValidationError as error:
                form.add_error("code", error.messages)
            else:
                region = added.region
                said = (
                    _("Wilayah %(code)s %(name)s ditambahkan.")
                    if added.created
                    else _("Wilayah %(code)s %(name)s sudah ada; wilayahnya tidak diubah.")
                ) % {"code": region.code, "name": region.name}
                if appointed and admin is not None:
                    said += " " + _("%(user)s diangkat sebagai admin.") % {
                        "user": admin.get_username()
                    }
                messages.success(request, said)
                return redirect("accounts:deployment_regions")
    regions = Region.objects.annotate(
        admins=Count("memberships", filter=Q(memberships__role=Role.ADMIN))
    ).order_by("code")
    return render(
        request,
        "accounts/deployment_regions.html",
        {"form": form, "regions": regions},
        status=400 if request.method == "POST" else 200,
    )
