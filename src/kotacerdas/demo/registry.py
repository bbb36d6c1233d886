"""Demo registry for Kota Dumai: DIGILOKA as the programme whose output is the
registry, and a few hundred illustrative businesses spread over the 36
kelurahan. Every name, NIK and phone number here is synthetic (generated from
a fixed seed), never a real person's.

Like the rest of the demo, loading never overwrites: a region that already
has businesses is left as it is.
"""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan.models import Masterplan, Programme
from kotacerdas.regions.models import Region
from kotacerdas.umkm.caching import registry_changed
from kotacerdas.umkm.duplicates.services import candidates_find
from kotacerdas.umkm.models import Business, RegistrySettings

DEMO_BUSINESSES = 240
DIGILOKA_CODE = "ECO-01"

_KINDS = (
    # (prefix, KBLI 2020 code, typical yearly sales in millions)
    ("Warung Makan", "56102", 180),
    ("Kedai Kopi", "56303", 150),
    ("Toko Kelontong", "47111", 400),
    ("Kue Basah", "10710", 90),
    ("Keripik", "10794", 120),
    ("Jahit", "14111", 70),
    ("Bengkel Motor", "45405", 250),
    ("Laundry", "96200", 110),
    ("Batik Tabir", "13134", 300),
    ("Ikan Asin", "10213", 220),
    ("Sablon", "18111", 160),
    ("Salon", "96111", 130),
)
# SIINas asks an IKM for its production capacity: per worker and month, by
# KBLI (illustrative; the amount scales with the business's workers).
CAPACITY: dict[str, tuple[int, str]] = {
    "10710": (600, "potong/bulan"),
    "10794": (150, "kg/bulan"),
    "14111": (40, "potong/bulan"),
    "13134": (15, "lembar/bulan"),
    "10213": (250, "kg/bulan"),
    "18111": (300, "potong/bulan"),
}
_NAMES = (
    "Berkah",
    "Barokah",
    "Sri Rezeki",
    "Bu Siti",
    "Pak Datuk",
    "Melayu",
    "Sinar Laut",
    "Rantau",
    "Pelita",
    "Bintang",
    "Selasih",
    "Mawar",
    "Cahaya",
    "Sejahtera",
    "Tanjung",
    "Bukit Timah",
)
_OWNERS = (
    "Siti Aminah",
    "Rahmat Hidayat",
    "Nurhayati",
    "Zulkifli",
    "Dewi Sartika",
    "Syafrizal",
    "Fitriani",
    "Hendra Saputra",
    "Yusnimar",
    "Azhar",
    "Rosmawati",
    "Fadli",
)


def _nik(rng: random.Random, kecamatan_code: str) -> str:
    prefix = kecamatan_code.replace(".", "")
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    month, year, serial = rng.randint(1, 12), rng.randint(60, 99), rng.randint(1, 9999)
    return f"{prefix}{day:02d}{month:02d}{year:02d}{serial:04d}"


def registry_demo_load(
    *, actor: Actor, region: Region, masterplan: Masterplan, result: Any
) -> None:
    programme = Programme.objects.filter(masterplan=masterplan, code=DIGILOKA_CODE).first()
    _settings, created = RegistrySettings.objects.get_or_create(
        region=region, defaults={"programme": programme}
    )
    if created:
        result.count(result.created, "registry_settings")
    if Business.objects.filter(region=region).exists():
        return
    rng = random.Random(1472)  # noqa: S311 - synthetic demo data, not security
    kelurahan = region.kelurahan()
    businesses: list[Business] = []
    for number in range(DEMO_BUSINESSES):
        area = kelurahan[number % len(kelurahan)]
        prefix, kbli_code, sales_millions = _KINDS[rng.randrange(len(_KINDS))]
        sales = Decimal(int(sales_millions * rng.uniform(0.3, 3.0))) * 1_000_000
        pending = number % 20 == 0
        business = Business(
            region=region,
            name=f"{prefix} {_NAMES[rng.randrange(len(_NAMES))]} {number + 1}",
            owner_name=_OWNERS[rng.randrange(len(_OWNERS))],
            owner_nik=_nik(rng, area.code[:8]),
            kbli_code=kbli_code,
            address=f"Jl. Contoh No. {rng.randint(1, 200)}, {area.name}",
            kelurahan_code=area.code,
            phone=f"08{rng.randint(11, 13)}{rng.randint(10_000_000, 99_999_999)}",
            workers=rng.choice((1, 1, 2, 2, 3, 4, 5, 8, 12, 25)),
            year_started=rng.randint(2008, 2024),
            capital=sales / 4,
            annual_sales=sales,
            sells_online=rng.random() < 0.45,
            uses_qris=rng.random() < 0.6,
            latitude=Decimal("1.66") + Decimal(rng.randint(-900, 900)) / 10_000,
            longitude=Decimal("101.44") + Decimal(rng.randint(-1500, 1500)) / 10_000,
            source=Business.Source.FORM if pending else Business.Source.IMPORT,
            verification=(
                Business.Verification.PENDING if pending else Business.Verification.VERIFIED
            ),
            legal_basis=(
                Business.LegalBasis.CONSENT if pending else Business.LegalBasis.PUBLIC_TASK
            ),
            consent_at=timezone.now() if pending else None,
        )
        if kbli_code in CAPACITY:
            per_worker, unit = CAPACITY[kbli_code]
            business.production_capacity = Decimal(per_worker * (business.workers or 1))
            business.production_capacity_unit = unit
        businesses.append(business)
        if number % 60 == 7:
            # The same shop surveyed twice, written differently: the review
            # queue of duplicates has something to show.
            twin = copy.copy(business)
            twin.name = business.name.replace("Warung", "Wrg.").upper()
            twin.source = Business.Source.IMPORT
            businesses.append(twin)
    for business in businesses:
        # The model's own checks (field validators and clean()), without the
        # per-row uniqueness queries of full_clean(): nothing else exists yet.
        business.clean_fields()
        business.clean()
    with transaction.atomic():
        Business.objects.bulk_create(businesses, batch_size=500)
        registry_changed(region.pk)  # bulk_create sends no signal
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LOAD,
            instance=region,
            after={"businesses": len(businesses), "source": "demo"},
            region_code=region.code,
        )
    result.created["business"] = result.created.get("business", 0) + len(businesses)
    # The review queue shows the twins, as it would after an import.
    candidates_find(actor=actor, region=region)
