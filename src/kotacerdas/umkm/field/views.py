"""The offline form of field enumerators (registry officers and admins of
the region: the same people who register a business on the officer's form).

- ``field_form``: the form page a service worker keeps on the phone; the
  entries are queued on the phone (IndexedDB) and sent from there;
- ``field_token``: a fresh CSRF token for a sync (the one in a page kept
  for days may no longer match the session);
- ``field_submit``: one entry, answered as JSON: saved / refused with the
  field messages / conflict with what it meets;
- ``field_worker``: the service worker script, served from the form's own
  path so that its scope is that path and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import DEVICE_USER_COOKIE
from kotacerdas.umkm.access import registry_region_fetch
from kotacerdas.umkm.field import services
from kotacerdas.umkm.registry.forms import BusinessForm
from kotacerdas.umkm.registry.models import Business

# What the phone keeps besides the page: the assets base.html and the page load.
ASSETS = (
    "kotacerdas/app.css",
    "kotacerdas/charts.css",
    "kotacerdas/logo.svg",
    "vendor/htmx/htmx.min.js",
    "kotacerdas/umkm-registry.css",
    "kotacerdas/umkm-field.css",
    "kotacerdas/umkm-field.js",
)


def _texts() -> dict[str, str]:
    """The page's script shows these (translated here, so the script has none)."""
    return {
        "waiting_none": _("Tidak ada isian yang menunggu dikirim."),
        "waiting": _("%(n)s menunggu dikirim"),
        "offline": _("Luring: isian disimpan di perangkat ini dan dikirim saat ada sinyal."),
        "online": _("Daring: isian dikirim segera."),
        "queued": _("Isian disimpan di perangkat ini."),
        "saved": _("Tersimpan"),
        "already_saved": _("Sudah tersimpan sebelumnya (tidak disimpan dua kali)"),
        "refused": _("Ditolak — perbaiki lalu kirim lagi"),
        "conflict": _("Mungkin ganda — belum disimpan"),
        "waiting_one": _("Menunggu dikirim"),
        "no_signal": _("Belum terkirim: tidak ada sambungan. Isian tetap di perangkat ini."),
        "signed_out": _(
            "Sesi Anda berakhir. Masuk lagi (isian tetap di perangkat ini), lalu tekan Kirim "
            "sekarang."
        ),
        "server_error": _("Server menolak pengiriman (%(status)s). Isian tetap di perangkat ini."),
        "fix": _("Perbaiki"),
        "discard": _("Buang dari perangkat"),
        "discard_confirm": _(
            "Buang isian ini dari perangkat? Isian ini belum tersimpan di server."
        ),
        "same_owner": _("Simpan sebagai usaha lain pemilik yang sama"),
        "open": _("Buka"),
        "no_storage": _(
            "Peramban ini tidak dapat menyimpan isian di perangkat; formulir hanya bekerja daring."
        ),
        "editing": _("Memperbaiki isian yang ditolak; simpan untuk menaruhnya lagi di antrean."),
        "sending": _("Mengirim…"),
        "stale": _(
            "%(n)s isian sudah lebih dari %(days)s hari di perangkat ini dan belum terkirim. "
            "Kirim saat ada sinyal, atau buang yang tidak diperlukan lagi: data pribadi tidak "
            "boleh tinggal lama di perangkat."
        ),
        "stale_one": _("lebih dari %(days)s hari belum terkirim"),
        "not_yours": _(
            "Halaman ini tersimpan untuk pengguna lain atau sesinya sudah keluar. Masuk lagi, "
            "lalu buka formulir ini saat ada sinyal."
        ),
    }


def device_key(user: Any) -> str:
    """Who a page kept on the phone is for: opaque (no id or name), the same
    for the user's every visit. In the worker's cache name, the page's
    data-user and the device cookie the page's script compares it with."""
    return salted_hmac("kotacerdas.umkm.field.device", str(user.pk)).hexdigest()[:24]


@login_required
@require_safe
def field_form(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code, "change")
    key = device_key(request.user)
    response = render(
        request,
        "umkm/field/form.html",
        {
            "region": region,
            "form": BusinessForm(region=region),
            "texts": _texts(),
            "urls": {
                "worker": reverse("umkm:field_worker", args=[region.code]),
                "scope": reverse("umkm:field_form", args=[region.code]),
                "token": reverse("umkm:field_token", args=[region.code]),
                "submit": reverse("umkm:field_submit", args=[region.code]),
                "login": reverse("login"),
            },
            "store": f"kc-field-{region.code}-{request.user.pk}",
            "device_user": key,
            "device_cookie": DEVICE_USER_COOKIE,
            "stale_days": settings.KOTACERDAS_FIELD_STALE_DAYS,
        },
    )
    # The worker keeps only a page made for its own user.
    response["X-KotaCerdas-Device-User"] = key
    response.set_cookie(
        DEVICE_USER_COOKIE,
        key,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # read by the page's script, offline
        samesite="Lax",
    )
    return response


@never_cache
@login_required
@require_safe
def field_token(request: HttpRequest, code: str) -> JsonResponse:
    registry_region_fetch(request.user, code, "change")
    return JsonResponse({"csrf": get_token(request)})


def _refused(form: BusinessForm) -> JsonResponse:
    errors = [
        {
            "field": name,
            "label": str(form.fields[name].label) if name in form.fields else "",
            "messages": list(messages),
        }
        for name, messages in form.errors.items()
    ]
    return JsonResponse(
        {
            "status": "refused",
            "message": _("Data belum disimpan. Periksa isian yang ditandai."),
            "errors": errors,
        },
        status=400,
    )


def _business(business: Business | None) -> dict[str, Any]:
    if business is None:
        return {"name": "", "url": ""}
    return {"name": business.name, "url": reverse("umkm:business_detail", args=[business.pk])}


@never_cache
@login_required
@require_POST
def field_submit(request: HttpRequest, code: str) -> JsonResponse:
    region = registry_region_fetch(request.user, code, "change")
    form = BusinessForm(request.POST, region=region)
    if not form.is_valid():
        return _refused(form)
    try:
        result = services.field_entry_submit(
            actor=request.user,
            region=region,
            key=request.POST.get("key", ""),
            data=form.data_for_service(),
            same_owner=request.POST.get("same_owner") == "1",
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _refused(form)
    if result.outcome == "conflict":
        return JsonResponse(
            {
                "status": "conflict",
                "kind": result.conflict,
                "message": result.message,
                "existing": [_business(b) for b in result.existing],
                "can_confirm": result.conflict == "nik",
            },
            status=409,
        )
    return JsonResponse({"status": result.outcome, **_business(result.business)})


@login_required
@require_safe
def field_worker(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code, "change")
    page = reverse("umkm:field_form", args=[region.code])
    precache = [page, *(static(name) for name in ASSETS)]
    # A new asset list (a release with new hashed names) is a new cache.
    version = hashlib.sha256("\n".join(precache).encode()).hexdigest()[:12]
    response = render(
        request,
        "umkm/field/sw.js",
        {
            "precache": json.dumps(precache),
            "page": json.dumps(page),
            "static_prefix": json.dumps(settings.STATIC_URL),
            "version": version,
            # This region's caches, and this user's among them.
            "prefix": f"kc-field-{region.code}-",
            "user": device_key(request.user),
        },
        content_type="text/javascript; charset=utf-8",
    )
    # The browser checks for a new worker on each visit; never a stale one.
    response["Cache-Control"] = "no-cache"
    return response
