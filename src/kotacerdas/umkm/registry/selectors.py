"""Reads of the registry: the filtered business list, its pages, the
verification queue and the names of the region's areas.

The list must stay fast on a million rows. Pages walk the ``region,
name_key, id`` index in order and stop after one page (LIMIT/OFFSET, no
COUNT(*) of the table: the page only says whether there is a next one), so
the first page costs the same at 100,000 or 1,000,000 rows; the other
filters are checked on the rows walked. A NIB (13 digits) uses the NIB
index; any other search is a word search (:mod:`.search`: FTS5 on SQLite,
pg_trgm on PostgreSQL), ranked name prefix first; a query whose words are
all shorter than :data:`.search.MIN_WORD` letters is a name-prefix range on
the list's index. Measured figures: docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import Area, kecamatan_of, kelurahan_of
from kotacerdas.umkm import identifiers, kbli
from kotacerdas.umkm.identifiers import is_digits
from kotacerdas.umkm.registry import search
from kotacerdas.umkm.registry.models import Business

PAGE_SIZE = 50
MAX_PAGE = 2000  # deeper pages: refine the filters instead (OFFSET grows with the page)


@dataclass(frozen=True)
class BusinessFilters:
    """The filters of the list, the CSV export and the personal-data export."""

    q: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    category: str = ""
    size: str = ""
    status: str = ""
    verification: str = ""
    source: str = ""
    ikm: str = ""  # "ya": KBLI category C (SIINas IKM); "tidak": any other

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> BusinessFilters:
        return cls(**{name: str(data.get(name) or "").strip() for name in cls.__dataclass_fields__})

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def _prefix_range(prefix: str) -> tuple[str, str]:
    # Every string that starts with ``prefix`` sorts in [prefix, prefix + U+FFFF):
    # a range both SQLite and PostgreSQL answer from a plain b-tree index.
    return prefix, prefix + "\uffff"


def business_search(
    *,
    businesses: models.QuerySet[Business],
    filters: BusinessFilters,
    personal: bool = False,
) -> models.QuerySet[Business]:
    """``businesses`` (already scoped to what the user may see) narrowed by
    ``filters``; merged-away records are left out.

    ``personal``: the search may match the owner's name and NIK and the
    address. Only for those who may see them (``can(user, "reveal",
    region)``): for anyone else a match on a masked value would tell which
    person or street a business belongs to."""
    qs = businesses.filter(merged_into__isnull=True)
    q = filters.q
    ranked = False
    if q:
        digits = q.replace(" ", "").replace(".", "").replace("-", "")
        if is_digits(digits) and len(digits) == 13:
            # The NIB index is partial (non-empty NIB of live records); repeat
            # its condition so that SQLite's planner uses it.
            qs = qs.filter(nib=digits).exclude(nib="")
        elif personal and is_digits(digits) and len(digits) == 16:
            qs = qs.filter(owner_nik=digits)
        elif search.words(q):
            qs = search.matching(qs, q, personal=personal)
            ranked = True
        else:
            low, high = _prefix_range(identifiers.name_key(q))
            qs = qs.filter(name_key__gte=low, name_key__lt=high)
    if filters.kelurahan:
        qs = qs.filter(kelurahan_code=filters.kelurahan)
    elif filters.kecamatan:
        qs = qs.filter(kecamatan_code=filters.kecamatan)
    for name, column in (
        ("category", "kbli_category"),
        ("size", "size_class"),
        ("status", "status"),
        ("verification", "verification"),
        ("source", "source"),
    ):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{column: value})
    if filters.ikm == "ya":
        qs = qs.filter(kbli_category=kbli.MANUFACTURING)
    elif filters.ikm == "tidak":
        qs = qs.exclude(kbli_category=kbli.MANUFACTURING)
    if ranked:
        return qs.order_by("search_rank", "name_key", "id")
    return qs.order_by("name_key", "id")


@dataclass(frozen=True)
class Page:
    items: list[Business]
    number: int
    has_previous: bool
    has_next: bool
    start_index: int = field(default=0)

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def page_of(qs: models.QuerySet[Business], number: int, size: int = PAGE_SIZE) -> Page:
    """One page without counting the whole result: fetch one row more than
    the page holds to know whether a next page exists."""
    number = max(1, min(number, MAX_PAGE))
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    return Page(
        items=rows[:size],
        number=number,
        has_previous=number > 1,
        has_next=len(rows) > size and number < MAX_PAGE,
        start_index=offset + 1,
    )


def last_business_id(region: Region) -> int:
    """The id of the region's newest business (0 without any): what a bulk
    write added is what lies above it."""
    return Business.objects.filter(region=region).aggregate(last=models.Max("id"))["last"] or 0


def verification_queue(*, region: Region) -> models.QuerySet[Business]:
    return Business.objects.filter(
        region=region,
        verification=Business.Verification.PENDING,
        merged_into__isnull=True,
    ).order_by("created_at", "id")


@dataclass(frozen=True)
class AreaNames:
    """Names of the kecamatan and kelurahan of a region, by code."""

    kecamatan: dict[str, str]
    kelurahan: dict[str, str]

    def grouped_kelurahan(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(kecamatan name, [(kelurahan code, name)]) for a grouped <select>."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for code, name in self.kelurahan.items():
            groups.setdefault(code[:8], []).append((code, name))
        return [(self.kecamatan.get(k, k), items) for k, items in groups.items()]


def area_names(region: Region) -> AreaNames:
    kecamatan = {a.code: _title(a) for a in kecamatan_of(region.code)}
    kelurahan = {a.code: _title(a) for a in kelurahan_of(region.code)}
    return AreaNames(kecamatan=kecamatan, kelurahan=kelurahan)


def _title(area: Area) -> str:
    return area.name.title() if area.name.isupper() else area.name
