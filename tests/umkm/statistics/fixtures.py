"""A small registry for the statistics tests: businesses saved directly (the
statistics read whatever the services, the import or a merge wrote), each as
if committed: its on-commit work runs, so the registry's data version moves
as it does in production (the cached page goes stale, umkm/caching.py)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.test import TestCase

from kotacerdas.regions.models import Region
from kotacerdas.umkm.models import Business

PANGKALAN_SESAI = "14.72.01.1003"  # Dumai Barat
PURNAMA = "14.72.01.1006"  # Dumai Barat
TELUK_BINJAI = "14.72.02.1002"  # Dumai Timur
NIK = "1472014507900123"

_seq = {"n": 0}


def make_business(region: Region, **fields: Any) -> Business:
    _seq["n"] += 1
    values: dict[str, Any] = {
        "name": f"Warung Uji {_seq['n']}",
        "owner_name": "Siti Aminah",
        "owner_nik": NIK,
        "kelurahan_code": PANGKALAN_SESAI,
        "kbli_code": "47111",
        **fields,
    }
    business = Business(region=region, **values)
    business.derive(this_year=2026)
    with TestCase.captureOnCommitCallbacks(execute=True):
        business.save()
    return business


def clear_cache() -> None:
    cache.clear()
