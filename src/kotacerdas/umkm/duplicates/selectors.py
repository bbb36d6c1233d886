"""Reads of the duplicate review: the businesses that can still be
duplicates, the pairs waiting for a decision, and two businesses side by
side with personal data masked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import Count
from django.db.models.functions import Right
from django.utils.translation import gettext as _

from kotacerdas.regions.models import Region
from kotacerdas.umkm.duplicates.matching import PHONE_TAIL, Record
from kotacerdas.umkm.duplicates.models import DuplicateCandidate
from kotacerdas.umkm.registry.models import ENTERED_FIELDS, PERSONAL_FIELDS, Business

_RECORD = ("id", "kelurahan_code", "name_key", "owner_nik", "nib", "phone", "address", "name")
# How many of the given businesses restrict the region-wide keys to their own
# values; beyond that the database groups the whole region.
_FEW_TARGETS = 1000


def _live(region: Region) -> models.QuerySet[Business]:
    """The businesses that can still be duplicates: not merged away, not
    anonymised."""
    return Business.objects.filter(
        region=region, merged_into__isnull=True, anonymised_at__isnull=True
    )


def _records(rows: models.QuerySet[Business]) -> list[Record]:
    """The rows as :class:`Record`: the queryset's own SQL run on a plain
    cursor (the ORM's row iterator cost as much as the query for a million
    rows; these columns need no conversion)."""
    try:
        sql, params = rows.order_by("id").values_list(*_RECORD).query.sql_with_params()
    except EmptyResultSet:  # a filter the ORM knows matches nothing (``__in=[]``)
        return []
    records: list[Record] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            records.extend(map(Record._make, rows))
    return records


def region_records(region: Region) -> list[Record]:
    """The region's businesses that can still be duplicates, all in memory
    (for the in-memory :func:`~kotacerdas.umkm.duplicates.matching.candidate_pairs`;
    the service reads a kelurahan at a time)."""
    return _records(_live(region))


def region_name_counts(region: Region) -> list[tuple[str, int]]:
    """(name key, number of businesses) of the region, grouped by the
    database: what the frequent words are learnt from."""
    if connection.vendor != "sqlite":
        rows = _live(region).order_by().values("name_key").annotate(n=Count("id"))
        return list(rows.values_list("name_key", "n"))
    # SQLite groups along the (region, name key) index and looks every row up
    # for the merged/anonymised test: five times slower than one pass over
    # the table, counted here.
    sql, params = _live(region).order_by().values_list("name_key").query.sql_with_params()
    counts: Counter[str] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            counts.update(key for (key,) in rows)
    return list(counts.items())


def region_kelurahan_codes(region: Region, business_ids: Iterable[int] | None = None) -> list[str]:
    """The kelurahan of the region's businesses (of ``business_ids`` when given)."""
    rows = _live(region).order_by()
    if business_ids is None:
        return sorted(set(rows.values_list("kelurahan_code", flat=True).distinct()))
    ids = set(business_ids)
    if len(ids) <= _FEW_TARGETS:
        return sorted(set(rows.filter(pk__in=ids).values_list("kelurahan_code", flat=True)))
    # Many (an import): not as SQL parameters (SQLite limits their number).
    pairs = rows.values_list("id", "kelurahan_code").iterator(chunk_size=20_000)
    return sorted({code for pk, code in pairs if pk in ids})


def kelurahan_records(region: Region, kelurahan_code: str) -> list[Record]:
    """The businesses of one kelurahan that can still be duplicates."""
    return _records(_live(region).filter(kelurahan_code=kelurahan_code))


def region_linked_records(
    region: Region, business_ids: Iterable[int] | None = None
) -> list[Record]:
    """The businesses that share an owner NIK, a NIB or the last
    :data:`~kotacerdas.umkm.duplicates.matching.PHONE_TAIL` digits of a phone
    with another business of the region (grouped by the database; with
    ``business_ids``, only those sharing one with these businesses): every
    group of a region-wide exact key, complete, and nothing else."""
    every = Business.all_rows.filter(region=region).order_by()
    tail = Right("phone", PHONE_TAIL)
    keys = {
        "owner_nik": every.exclude(owner_nik=""),
        "nib": every.exclude(nib=""),
        "tail": every.exclude(phone="").annotate(tail=tail),
    }
    ids = None if business_ids is None else list(business_ids)
    if ids is not None and len(ids) <= _FEW_TARGETS:
        own = _live(region).filter(pk__in=ids).annotate(tail=tail)
        for field in keys:
            values = {v for v in own.values_list(field, flat=True) if v}
            keys[field] = keys[field].filter(**{f"{field}__in": values})
    shared = models.Q()
    for field, rows in keys.items():
        groups = rows.values(field).annotate(n=Count("id")).filter(n__gt=1).values(field)
        shared |= models.Q(**{f"{field}__in": groups})
    return _records(_live(region).annotate(tail=tail).filter(shared))


def candidates_pending(
    candidates: models.QuerySet[DuplicateCandidate],
) -> models.QuerySet[DuplicateCandidate]:
    """Open pairs whose two businesses are both still in the registry."""
    return candidates.filter(
        state=DuplicateCandidate.State.OPEN,
        first__merged_into__isnull=True,
        second__merged_into__isnull=True,
        first__anonymised_at__isnull=True,
        second__anonymised_at__isnull=True,
    )


# --- Merging: what the survivor takes -----------------------------------------------------

# Fields the survivor takes from the merged business where its own are empty:
# the entered fields, but the name and kelurahan are the survivor's own
# (always present), and the KBLI version goes with the code, the longitude
# with the latitude.
COMPANIONS = {"kbli_code": ("kbli_version",), "latitude": ("longitude",)}
FILL_FIELDS = tuple(
    name
    for name in ENTERED_FIELDS
    if name not in ("name", "kelurahan_code")
    and not any(name in companions for companions in COMPANIONS.values())
)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def field_label(name: str) -> str:
    return str(cast("models.Field[Any, Any]", Business._meta.get_field(name)).verbose_name)


def fields_to_fill(keep: Business, gone: Business) -> list[str]:
    """The fields ``keep`` takes from ``gone`` in a merge: empty in one, filled in the other."""
    return [
        name
        for name in FILL_FIELDS
        if _empty(getattr(keep, name)) and not _empty(getattr(gone, name))
    ]


def merge_preview(keep: Business, gone: Business) -> list[str]:
    """The labels of the fields ``keep`` would take from ``gone``."""
    return [field_label(name) for name in fields_to_fill(keep, gone)]


# --- The review page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedField:
    """One row of the side-by-side view: the values as shown (masked) and
    whether the stored values differ."""

    label: str
    first: str
    second: str
    differs: bool


def _shown(business: Business, name: str, kelurahan_names: dict[str, str]) -> str:
    value = getattr(business, name)
    if name == "owner_nik":
        return business.masked_nik
    if name == "phone":
        return business.masked_phone
    if name == "npwp":
        return business.masked_npwp
    if name in PERSONAL_FIELDS:  # the others: only whether one is stored
        return str(_("tersimpan (disamarkan)")) if value not in (None, "") else ""
    if name == "kelurahan_code":
        return kelurahan_names.get(value, value)
    if name == "kbli_code" and value:
        return f"{value} ({business.kbli_category}, KBLI {business.kbli_version})"
    display = getattr(business, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if value is None:
        return ""
    return str(value)


# The side-by-side view, in the order an officer compares two records: the
# KBLI version is shown with the code, the kelurahan before the address, the
# size class (derived) because officers judge by it; coordinates are not
# shown (the map is the place to compare them).
COMPARED_FIELDS = (
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "kbli_code",
    "kelurahan_code",
    "address",
    "phone",
    "workers",
    "year_started",
    "capital",
    "annual_sales",
    "size_class",
    "halal_number",
    "pirt_number",
    "sells_online",
    "uses_qris",
    "source",
    "status",
    "verification",
)


def candidate_comparison(
    first: Business, second: Business, kelurahan_names: dict[str, str]
) -> list[ComparedField]:
    """The two businesses field by field, personal data masked (NIK and phone
    by :mod:`identifiers`; the owner's name, the address and the amounts only
    as "stored"); ``differs`` compares the stored values."""
    rows = []
    for name in COMPARED_FIELDS:
        field = Business._meta.get_field(name)
        a, b = getattr(first, name), getattr(second, name)
        rows.append(
            ComparedField(
                label=str(getattr(field, "verbose_name", name)),
                first=_shown(first, name, kelurahan_names),
                second=_shown(second, name, kelurahan_names),
                differs=(a not in (None, "") or b not in (None, "")) and a != b,
            )
        )
    return rows


def merge_set_aside(keep: Business, gone: Business) -> list[str]:
    """The labels of the fields where ``gone`` holds another value than
    ``keep`` and ``keep`` keeps its own: after the merge those values of the
    merged business no longer count anywhere (they stay stored on it, for an
    undo). Fields ``keep`` takes from ``gone`` are not among them."""
    filled = set(fields_to_fill(keep, gone))
    return [
        field_label(name)
        for name in COMPARED_FIELDS
        if name not in filled
        and not _empty(getattr(gone, name))
        and not _empty(getattr(keep, name))
        and getattr(gone, name) != getattr(keep, name)
        and name not in ("size_class",)
    ]
