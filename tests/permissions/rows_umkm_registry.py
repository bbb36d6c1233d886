"""Permission matrix rows for the UMKM registry pages and personal-data pages.

Officers and admins of the region use the registry; only officers may reveal
personal data (admins get 403 there). Agency editors and assessors are
members of the region, so they get 403 rather than 404. Public registration
needs no login."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.core.storage import private_storage
from kotacerdas.umkm.models import Business, ExportJob
from kotacerdas.umkm.registry import services
from tests.conftest import PERSONA_MEMBERS, World
from tests.permissions.matrix import LOGIN, PUBLIC_SAFE_ONLY, SAFE_ONLY, Rows, region, row

# A NIK, phone and address the leak test looks for in every response.
NIK = "1472015507900123"
PHONE = "081234567891"
PHONE_STORED = "6281234567891"
ADDRESS = "Jalan Rahasia Nomor 17"


def make_business(w: World | Any, **data: Any) -> Business:
    """A verified business of the world's region with known personal data."""
    region_obj = w.region if hasattr(w, "region") else w
    fields: dict[str, Any] = {
        "name": "Toko Berkah Jaya",
        "owner_name": "Siti Aminah",
        "owner_nik": NIK,
        "phone": PHONE,
        "address": ADDRESS,
        "kelurahan_code": "14.72.01.1003",
        "kbli_code": "10792",
        "workers": 3,
        "year_started": 2019,
        "capital": 50_000_000,
        "annual_sales": 300_000_000,
        **data,
    }
    return services.business_create(actor=None, region=region_obj, data=fields)


def business(w: World) -> list[object]:
    found = Business.objects.filter(region=w.region, owner_nik=NIK).first()
    return [(found or make_business(w)).pk]


def officer_export(w: World) -> list[object]:
    """A finished export (without personal data) asked for by the world's
    registry officer, its file in private storage."""
    officer = get_user_model().objects.get(username=PERSONA_MEMBERS["officer"][0])
    name = "cd/cd" + "0" * 30 + ".csv"
    path = Path(private_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xef\xbb\xbfid,name\r\n")
    job = ExportJob.objects.create(
        region=w.region,
        created_by=officer,
        state=ExportJob.State.DONE,
        stored_name=name,
        size=path.stat().st_size,
        rows_total=0,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return [job.pk]


REGISTRY = row(LOGIN, 200, 403, 403, 403, officer=200)
# An export is its requester's alone: the region's other members get 403.
OWN_EXPORT = row(LOGIN, 403, 403, 403, 403, officer=200)
REGISTRY_POST = row(LOGIN, 302, 403, 403, 403, officer=302)
REVEAL = row(LOGIN, 403, 403, 403, 403, officer=200)
ANYONE = row(200, 200, 200, 200, 200, officer=200)

ROWS: Rows = {
    "umkm:business_list": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    # An empty form comes back with its errors.
    "umkm:business_create": (region, {}, {"GET": REGISTRY, "POST": REGISTRY}),
    "umkm:verification_queue": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:business_detail": (business, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:business_edit": (business, {}, {"GET": REGISTRY, "POST": REGISTRY}),
    "umkm:business_verify": (
        business,
        {"decision": "accept"},
        {"GET": SAFE_ONLY, "POST": REGISTRY_POST},
    ),
    "umkm:business_status": (
        business,
        {"status": "closed"},
        {"GET": SAFE_ONLY, "POST": REGISTRY_POST},
    ),
    "umkm:business_reveal": (
        business,
        {"purpose": "verifikasi lapangan"},
        {"GET": SAFE_ONLY, "POST": REVEAL},
    ),
    # GET: one's own exports; POST queues an export and goes to its page.
    "umkm:business_export": (region, {"fmt": "csv"}, {"GET": REGISTRY, "POST": REGISTRY_POST}),
    "umkm:export_detail": (officer_export, {}, {"GET": OWN_EXPORT, "POST": SAFE_ONLY}),
    "umkm:export_progress": (officer_export, {}, {"GET": OWN_EXPORT, "POST": SAFE_ONLY}),
    "umkm:export_download": (officer_export, {}, {"GET": OWN_EXPORT, "POST": SAFE_ONLY}),
    "umkm:subject_report": (
        region,
        {"nik": NIK, "purpose": "permintaan pemilik data", "fmt": "html"},
        {"GET": REVEAL, "POST": REVEAL},
    ),
    "umkm:access_log": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    # GET is the anonymisation confirmation; only its own POST clears.
    "umkm:anonymise": (
        region,
        {CONFIRM_FIELD: "1"},
        {"GET": REVEAL, "POST": row(LOGIN, 403, 403, 403, 403, officer=302)},
    ),
    # An empty registration comes back with its errors (400).
    "umkm:register": (
        region,
        {},
        {"GET": ANYONE, "POST": row(400, 400, 400, 400, 400, officer=400)},
    ),
    "umkm:register_done": (region, {}, {"GET": ANYONE, "POST": PUBLIC_SAFE_ONLY}),
}
