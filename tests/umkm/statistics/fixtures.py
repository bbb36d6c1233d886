"""A small registry for the statistics tests: businesses saved directly (the
statistics read whatever the services, the import or a merge wrote)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

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
    business.save()
    return business


def clear_cache() -> None:
    cache.clear()
