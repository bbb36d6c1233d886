"""Public self-registration of a business (no login).

The owner gives consent to the processing (UU 27/2022 art. 20: consent as
the legal basis, recorded with its time); the entry waits for an officer's
verification. The page after sending shows no personal data and no record
id, so nobody can look up someone else's entry by changing a URL. A hidden
field catches form-filling bots: their posts get the same thank-you page
and store nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kotacerdas.core.forms import apply_errors
from kotacerdas.regions.models import Region
from kotacerdas.umkm import services
from kotacerdas.umkm.forms import RegistrationForm
from kotacerdas.umkm.models import Business


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    form = RegistrationForm(request.POST if request.method == "POST" else None, region=region)
    if request.method == "POST":
        if form.is_bot:
            return redirect("umkm:register_done", code=region.code)
        if form.is_valid():
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
        status=400 if form.is_bound and form.errors else 200,
    )


@require_safe
def register_done(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "umkm/registry/register_done.html", {"public_region": _region(code)})


urlpatterns = [
    path("daftar-umkm/<str:code>/", register, name="register"),
    path("daftar-umkm/<str:code>/selesai/", register_done, name="register_done"),
]
