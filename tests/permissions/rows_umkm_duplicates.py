"""Permission matrix rows for the duplicate review queue and merges.

Officers and admins of the region resolve duplicates; agency editors and
assessors are members of the region, so they get 403 rather than 404. The
helpers here build the businesses and pairs the duplicate tests use too."""

from __future__ import annotations

from typing import Any

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.regions.models import Region
from kotacerdas.umkm.duplicates import services as merging
from kotacerdas.umkm.models import Business, BusinessMerge, DuplicateCandidate
from kotacerdas.umkm.registry import services
from tests.conftest import World
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, region, row

NIK = "1472014505900017"  # a valid NIK (woman born 5 May 1990); tests look for it in pages
KELURAHAN = "14.72.01.1003"  # Pangkalan Sesai, Kota Dumai
OTHER_KELURAHAN = "14.72.01.1006"  # Purnama


def make_business(region_obj: Region, **data: Any) -> Business:
    fields: dict[str, Any] = {
        "name": "Toko Sinar Harapan",
        "address": "Jl. Sudirman No. 12 RT 02",
        "kelurahan_code": KELURAHAN,
        **data,
    }
    return services.business_create(actor=None, region=region_obj, data=fields)


def make_pair(region_obj: Region, **second: Any) -> DuplicateCandidate:
    """An open candidate: one complete business and a sparse copy of it."""
    first = make_business(
        region_obj,
        owner_name="Siti Aminah",
        owner_nik=NIK,
        phone="081234567891",
        workers=3,
        capital=50_000_000,
    )
    other = make_business(region_obj, name="TK Sinar Harapn", **second)
    # Outside a test transaction the search after each new business has found
    # the pair already; the candidate is then set to the kind and score wanted.
    pair, _created = DuplicateCandidate.objects.update_or_create(
        region=region_obj,
        first=first,
        second=other,
        defaults={"kind": DuplicateCandidate.Kind.FUZZY, "score": 91},
    )
    return pair


def candidate(w: World) -> list[object]:
    return [make_pair(w.region).pk]


def merge(w: World) -> list[object]:
    pair = make_pair(w.region)
    done: BusinessMerge = merging.business_merge(actor=None, candidate=pair, survivor=pair.first)
    return [done.pk]


REVIEW = row(LOGIN, 200, 403, 403, 403, officer=200)
DECIDE = row(LOGIN, 302, 403, 403, 403, officer=302)

ROWS: Rows = {
    "umkm:duplicate_list": (region, {}, {"GET": REVIEW, "POST": SAFE_ONLY}),
    "umkm:merge_list": (region, {}, {"GET": REVIEW, "POST": SAFE_ONLY}),
    "umkm:duplicate_detail": (candidate, {}, {"GET": REVIEW, "POST": SAFE_ONLY}),
    # GET is the merge confirmation (without a chosen survivor: back to the
    # pair); only its own POST merges.
    "umkm:duplicate_merge": (
        candidate,
        {"survivor": "first", CONFIRM_FIELD: "1"},
        {"GET": DECIDE, "POST": DECIDE},
    ),
    "umkm:duplicate_keep_apart": (candidate, {}, {"GET": SAFE_ONLY, "POST": DECIDE}),
    "umkm:merge_undo": (merge, {}, {"GET": SAFE_ONLY, "POST": DECIDE}),
    "umkm:duplicate_search": (region, {}, {"GET": SAFE_ONLY, "POST": DECIDE}),
}
