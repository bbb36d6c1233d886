"""Figures of the UMKM/IKM registry: counts by area, KBLI category, size
class, year and digital adoption, for the officers' statistics page, the map,
the public page (with small cells suppressed) and the masterplan programme
that reports the registry as its output (DIGILOKA).

Which businesses count is decided once, in :func:`counted_filter`.

Speed: a region may hold a million businesses. All figures come from three
GROUP BY queries, each read from an index that holds every column it needs,
in the order it groups on (``umkm_stats_cover`` for the areas and classes,
``umkm_stats_years`` for the years, with the registered year stored on the
row; ``umkm_merged`` and the covering index for the other states), folded into a small tally per
kelurahan and cached with a stamp of the registry: the newest id and the
newest ``updated_at`` (two index lookups). While nothing changed a page costs
that one query; after a few changes only the kelurahan of the changed
businesses are recounted (a business moved in from a kelurahan that was not
recounted is noticed, and everything is recounted); after an import, the
whole region. Writes must go through ``save()`` (which sets ``updated_at``)
or be inserts. A deletion leaves no trace in the stamp (the product never
deletes a business, it anonymises it): it shows at the next full recount,
at least every :data:`FULL_RECOUNT_SECONDS`. Filters (a kecamatan) are
applied to the tally in Python.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Avg, Count, F, Func, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.core.formatting import percent_of
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import Area, kecamatan_of, kelurahan_of
from kotacerdas.umkm import kbli
from kotacerdas.umkm.registry.models import Business, SizeClass

# Public pages never show a count below this (DOMAIN.md §7; BPS practice).
MIN_PUBLIC_COUNT = 5

COUNTED_RULE = gettext_lazy(
    "Dihitung: usaha di wilayah ini yang berstatus aktif dan sudah diverifikasi "
    "petugas. Tidak dihitung: catatan yang sudah digabung ke usaha lain "
    "(duplikat), usaha yang tutup (ditampilkan terpisah), pendaftaran mandiri "
    "yang masih menunggu verifikasi (ditampilkan terpisah) dan pendaftaran yang "
    "ditolak. Usaha yang data pribadinya sudah dianonimkan tetap dihitung: "
    "usahanya tetap ada, hanya data pemiliknya yang dihapus."
)


def counted_filter() -> Q:
    """The one rule of which businesses the statistics count (see
    :data:`COUNTED_RULE`). Anonymised businesses count: anonymisation removes
    the owner's data, not the business."""
    return Q(
        merged_into__isnull=True,
        status=Business.Status.ACTIVE,
        verification=Business.Verification.VERIFIED,
    )


# --- Result types ------------------------------------------------------------------------


def _bar(count: int, largest: int) -> Decimal:
    return percent_of(count, largest) or Decimal(0)


@dataclass(frozen=True)
class Cell:
    """One line of a breakdown: ``count`` businesses, ``percent`` of the
    breakdown's total (exact, rounded half-up once)."""

    key: str
    label: str
    count: int
    percent: Decimal | None
    group: str = ""  # the kecamatan of a kelurahan line


@dataclass(frozen=True)
class Breakdown:
    slug: str
    title: str
    cells: tuple[Cell, ...]
    total: int

    @property
    def largest(self) -> int:
        return max((cell.count for cell in self.cells), default=0)

    def bars(self) -> list[tuple[Cell, Decimal]]:
        """Each cell with the length of its bar (0–100, the largest = 100)."""
        return [(cell, _bar(cell.count, self.largest)) for cell in self.cells]


@dataclass(frozen=True)
class AreaStatus:
    """Counted, pending and closed businesses of one kelurahan."""

    code: str
    name: str
    kecamatan: str
    counted: int
    pending: int
    closed: int


@dataclass(frozen=True)
class RegistryStatistics:
    region: Region
    kecamatan: Area | None
    counted: int
    pending: int
    closed: int
    rejected: int
    by_kecamatan: Breakdown
    by_kelurahan: Breakdown
    by_category: Breakdown
    by_size: Breakdown
    by_year_started: Breakdown
    by_year_registered: Breakdown
    sells_online: Breakdown
    uses_qris: Breakdown
    areas: tuple[AreaStatus, ...]

    @property
    def breakdowns(self) -> tuple[Breakdown, ...]:
        return (
            self.by_kecamatan,
            self.by_kelurahan,
            self.by_category,
            self.by_size,
            self.by_year_started,
            self.by_year_registered,
            self.sells_online,
            self.uses_qris,
        )


@dataclass(frozen=True)
class RegistryOutput:
    """The registry as the output of a masterplan programme (DIGILOKA):
    ``registered`` = ``verified`` + ``pending`` active businesses."""

    registered: int
    verified: int
    pending: int


# --- The tally: what the database is asked --------------------------------------------------


# The tally of one kelurahan: counts keyed by (dimension, value), e.g.
# ("size", "mikro"), ("kbli", "2020", "G"), ("started", 2015), ("state", "pending").
AreaTally = Counter[tuple[Any, ...]]
_Tally = dict[str, AreaTally]

CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class _Stamp:
    """The newest id and the newest change (``save`` sets ``updated_at``) of a
    region's registry: two index lookups, whatever the size."""

    last_id: int | None
    last_change: dt.datetime | None


@dataclass(frozen=True)
class _Cached:
    stamp: _Stamp
    tally: _Tally
    counted_at: float  # time.time() of the last full count


def _stamp(region: Region) -> _Stamp:
    # Every row, an unpublished import's too: the filter on them would turn
    # two index lookups into a read of every row of the region. A staging row
    # only makes the stamp newer, so the tally is refreshed (the recount sees
    # visible rows only); publishing forgets the tally (statistics_forget).
    rows = Business.all_rows.filter(region=OuterRef("pk")).order_by()

    def newest(column: str) -> Any:
        # MAX without GROUP BY, so the database reads one end of an index.
        return Subquery(rows.annotate(v=Func(F(column), function="MAX")).values("v"))

    found = (
        Region.objects.filter(pk=region.pk)
        .annotate(last_id=newest("id"), last_change=newest("updated_at"))
        .values_list("last_id", "last_change")
        .get()
    )
    return _Stamp(*found)


def _count_tally(region: Region, only: Iterable[str] | None = None) -> _Tally:
    """The tally of every kelurahan of the region, or of the kelurahan ``only``."""
    base = Business.objects.filter(region=region).order_by()
    if only is not None:
        base = base.filter(kelurahan_code__in=list(only))
    counted = base.filter(counted_filter())
    area = counted.values_list(
        "kelurahan_code", "kbli_version", "kbli_category", "size_class", "sells_online", "uses_qris"
    ).annotate(n=Count("*"))
    # The registered year is stored (Business.registered_year), so this groups
    # in the order of the umkm_stats_years index instead of sorting every row.
    years = counted.values_list("kelurahan_code", "year_started", "registered_year").annotate(
        n=Count("*")
    )
    not_merged = base.filter(merged_into__isnull=True)
    # Every verification value named, so the database seeks the covering index.
    closed = not_merged.filter(
        status=Business.Status.CLOSED, verification__in=Business.Verification.values
    )
    waiting = not_merged.filter(
        status=Business.Status.ACTIVE,
        verification__in=[Business.Verification.PENDING, Business.Verification.REJECTED],
    )
    merged = base.filter(merged_into__isnull=False)
    columns = ("kelurahan_code", "status", "verification")
    merged_columns = ("kelurahan_code", Value(""), Value("merged"))
    others = (
        closed.values_list(*columns)
        .annotate(n=Count("*"))
        .union(
            waiting.values_list(*columns).annotate(n=Count("*")),
            merged.values_list(*merged_columns).annotate(n=Count("*")),
            all=True,
        )
    )
    tally: _Tally = defaultdict(Counter)
    # Some 10,000 groups per query at any size: read through the cursor
    # (no per-row converters; a boolean may come as 0/1, which _yes_no
    # takes as False/True).
    for kel, version, category, size, sells, accepts, n in _raw_rows(area):
        counts = tally[kel]
        counts["counted",] += n
        counts["kbli", version, category] += n
        counts["size", size] += n
        counts["online", _yes_no(sells)] += n
        counts["qris", _yes_no(accepts)] += n
    for kel, year_started, year_registered, n in _raw_rows(years):
        counts = tally[kel]
        counts["started", year_started] += n
        counts["registered", year_registered] += n
    for kel, status, verification, n in others:
        if verification == "merged":
            state = "merged"
        elif status == Business.Status.CLOSED:
            state = "closed"
        elif verification == Business.Verification.PENDING:
            state = "pending"
        else:
            state = "rejected"
        tally[kel]["state", state] += n
    return dict(tally)


def _raw_rows(query: Any) -> list[tuple[Any, ...]]:
    """The rows of a values_list query as the database driver gives them."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # e.g. no kelurahan to recount
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Up to this many businesses changed since the cached tally: recount only
# their kelurahan; more (an import): recount the region.
PARTIAL_LIMIT = 2000
# Deleting a business leaves no trace in the stamp; the product never deletes
# (it anonymises), but a full recount at least this often bounds the effect.
FULL_RECOUNT_SECONDS = 6 * 60 * 60


def _rows_in(tally: _Tally, kelurahan: Iterable[str]) -> int:
    # Every business of a kelurahan is in exactly one of: counted, a state
    # (pending, rejected, closed) or merged away.
    return sum(
        n
        for kel in kelurahan
        for key, n in tally.get(kel, Counter()).items()
        if key[0] in {"counted", "state"}
    )


def _refresh(region: Region, cached: _Cached) -> _Tally | None:
    """The cached tally brought up to date by recounting the kelurahan of the
    businesses added or changed since; None when that cannot be trusted."""
    if cached.stamp.last_change is None or cached.stamp.last_id is None:
        return None
    last_id = cached.stamp.last_id
    changed = list(
        Business.objects.filter(region=region)
        # A write commits all its rows at once, so a later change has a later
        # updated_at (or a new id); many rows may share the last one (imports).
        .filter(Q(updated_at__gt=cached.stamp.last_change) | Q(id__gt=last_id))
        .order_by()
        .values_list("id", "kelurahan_code")[: PARTIAL_LIMIT + 1]
    )
    if len(changed) > PARTIAL_LIMIT:
        return None
    touched = {kel for _id, kel in changed}
    added = sum(1 for pk, _kel in changed if pk > last_id)
    fresh = _count_tally(region, only=touched)
    # The recounted kelurahan may only have gained the new businesses. More:
    # a business moved in from a kelurahan that was not recounted (which now
    # counts it twice), so recount everything.
    if _rows_in(fresh, touched) - _rows_in(cached.tally, touched) != added:
        return None
    tally = {kel: counts for kel, counts in cached.tally.items() if kel not in touched}
    tally.update(fresh)
    return tally


def _tally_key(region: Region) -> str:
    return f"kotacerdas:umkm-stats:{connection.alias}:{region.pk}"


def statistics_forget(region: Region) -> None:
    """Drop the region's kept tally, so the next count starts afresh: after
    an import job publishes rows all at once (their ids and ``updated_at``
    may be older than rows written meanwhile, so the quick refresh, which
    looks past the kept stamp, would not see them)."""
    cache.delete(_tally_key(region))


def _tally(region: Region) -> _Tally:
    key = _tally_key(region)
    stamp = _stamp(region)
    cached: _Cached | None = cache.get(key)
    if cached is not None and time.time() - cached.counted_at < FULL_RECOUNT_SECONDS:
        if cached.stamp == stamp:
            return cached.tally
        tally = _refresh(region, cached)
        if tally is not None:
            cache.set(key, _Cached(stamp, tally, cached.counted_at), CACHE_SECONDS)
            return tally
    tally = _count_tally(region)
    cache.set(key, _Cached(stamp, tally, time.time()), CACHE_SECONDS)
    return tally


# --- Building breakdowns -----------------------------------------------------------------------

UNKNOWN = "-"


def _breakdown(
    slug: str, title: str, items: Iterable[tuple[str, str, int, str]], total: int | None = None
) -> Breakdown:
    rows = list(items)
    total = sum(count for _key, _label, count, _group in rows) if total is None else total
    cells = tuple(
        Cell(key=key, label=label, count=count, percent=percent_of(count, total), group=group)
        for key, label, count, group in rows
    )
    return Breakdown(slug=slug, title=title, cells=cells, total=total)


def _yes_no(value: bool | None) -> str:
    return {True: "ya", False: "tidak", None: UNKNOWN}[value]


def _yes_no_label(key: str) -> str:
    return {"ya": _("Ya"), "tidak": _("Tidak"), UNKNOWN: _("Belum diketahui")}[key]


def _year_items(counts: dict[int | None, int]) -> list[tuple[str, str, int, str]]:
    known = [year for year in counts if year is not None]
    items = []
    if known:
        for year in range(min(known), max(known) + 1):
            items.append((str(year), str(year), counts.get(year, 0), ""))
    if counts.get(None):
        items.append((UNKNOWN, _("Belum diketahui"), counts[None], ""))
    return items


def _category_items(counts: dict[tuple[str, str], int]) -> list[tuple[str, str, int, str]]:
    versions = {version for version, category in counts if category}
    several = len(versions) > 1
    items = []
    for version, category in sorted(key for key in counts if key[1]):
        label = f"{category} — {kbli.category_name(category, version)}"
        if several:
            label += f" (KBLI {version})"
        items.append((f"{version}:{category}", label, counts[version, category], ""))
    unknown = sum(n for (_version, category), n in counts.items() if not category)
    if unknown:
        items.append((UNKNOWN, _("Tanpa kode KBLI"), unknown, ""))
    return items


def _size_items(counts: dict[str, int]) -> list[tuple[str, str, int, str]]:
    items = [(value, str(label), counts.get(value, 0), "") for value, label in SizeClass.choices]
    items.append((UNKNOWN, _("Belum diketahui (modal dan omzet kosong)"), counts.get("", 0), ""))
    return items


def registry_statistics(*, region: Region, kecamatan: str = "") -> RegistryStatistics:
    """Every breakdown of the region's counted businesses, narrowed to one
    kecamatan when ``kecamatan`` is one of the region's kecamatan codes
    (anything else: the whole region)."""
    tally = _tally(region)
    districts = kecamatan_of(region.code)
    chosen = next((area for area in districts if area.code == kecamatan), None)
    villages = kelurahan_of(region.code)
    district_name = {area.code: area.name for area in districts}

    def wanted(kelurahan_code: str) -> bool:
        return chosen is None or kelurahan_code.startswith(chosen.code + ".")

    merged: AreaTally = Counter()
    for kel, counts in tally.items():
        if wanted(kel):
            merged.update(counts)
    by_kelurahan = {kel: counts["counted",] for kel, counts in tally.items() if wanted(kel)}

    def dimension(name: str) -> dict[Any, int]:
        return {
            key[1:] if len(key) > 2 else key[1]: n for key, n in merged.items() if key[0] == name
        }

    categories = dimension("kbli")
    sizes = dimension("size")
    online = dimension("online")
    qris = dimension("qris")
    started = dimension("started")
    registered = dimension("registered")
    pending = merged["state", "pending"]
    closed = merged["state", "closed"]
    rejected = merged["state", "rejected"]

    total = sum(by_kelurahan.values())
    shown_villages = [area for area in villages if wanted(area.code)]
    listed = {area.code for area in shown_villages}
    # Kelurahan codes outside today's reference list (an area renamed since)
    # still count: on their own line, so every table adds up to the total.
    unknown_area = sum(n for kel, n in by_kelurahan.items() if kel not in listed)
    unknown_line = [(UNKNOWN, _("Kode wilayah lama/tidak dikenal"), unknown_area, "")]
    kecamatan_items = [
        (
            area.code,
            area.name,
            sum(by_kelurahan.get(code, 0) for code in listed if code.startswith(area.code + ".")),
            "",
        )
        for area in districts
        if chosen is None or area == chosen
    ]
    kelurahan_items = [
        (area.code, area.name, by_kelurahan.get(area.code, 0), district_name[area.code[:8]])
        for area in shown_villages
    ]
    if unknown_area:
        kecamatan_items += unknown_line
        kelurahan_items += unknown_line
    yes_no_keys = ("ya", "tidak", UNKNOWN)
    return RegistryStatistics(
        region=region,
        kecamatan=chosen,
        counted=total,
        pending=pending,
        closed=closed,
        rejected=rejected,
        by_kecamatan=_breakdown("kecamatan", _("Kecamatan"), kecamatan_items, total),
        by_kelurahan=_breakdown("kelurahan", _("Kelurahan/desa"), kelurahan_items, total),
        by_category=_breakdown("kbli", _("Kategori KBLI"), _category_items(categories), total),
        by_size=_breakdown("skala", _("Skala usaha (PP 7/2021)"), _size_items(sizes), total),
        by_year_started=_breakdown(
            "tahun-mulai", _("Tahun mulai usaha"), _year_items(started), total
        ),
        by_year_registered=_breakdown(
            "tahun-daftar", _("Tahun terdaftar di registri"), _year_items(registered), total
        ),
        sells_online=_breakdown(
            "daring",
            _("Berjualan daring"),
            [(key, _yes_no_label(key), online.get(key, 0), "") for key in yes_no_keys],
            total,
        ),
        uses_qris=_breakdown(
            "qris",
            _("Menerima QRIS"),
            [(key, _yes_no_label(key), qris.get(key, 0), "") for key in yes_no_keys],
            total,
        ),
        areas=tuple(
            AreaStatus(
                code=area.code,
                name=area.name,
                kecamatan=district_name[area.code[:8]],
                counted=by_kelurahan.get(area.code, 0),
                pending=tally.get(area.code, Counter())["state", "pending"],
                closed=tally.get(area.code, Counter())["state", "closed"],
            )
            for area in shown_villages
        ),
    )


def registry_output(*, region: Region) -> RegistryOutput:
    """The registry's output for the masterplan: active businesses not merged
    away, verified and waiting for verification (one query)."""
    found = Business.objects.filter(
        region=region, merged_into__isnull=True, status=Business.Status.ACTIVE
    ).aggregate(
        verified=Count("id", filter=Q(verification=Business.Verification.VERIFIED)),
        pending=Count("id", filter=Q(verification=Business.Verification.PENDING)),
    )
    verified, pending = found["verified"], found["pending"]
    return RegistryOutput(registered=verified + pending, verified=verified, pending=pending)


# --- Public figures: small cells suppressed --------------------------------------------------


@dataclass(frozen=True)
class PublicCell:
    """``count`` is None when suppressed (shown as "<5")."""

    key: str
    label: str
    count: int | None
    percent: Decimal | None
    group: str = ""

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class PublicBreakdown:
    slug: str
    title: str
    cells: tuple[PublicCell, ...]
    total: int | None

    @property
    def largest(self) -> int:
        return max((cell.count or 0 for cell in self.cells), default=0)

    def bars(self) -> list[tuple[PublicCell, Decimal]]:
        return [(cell, _bar(cell.count or 0, self.largest)) for cell in self.cells]


@dataclass(frozen=True)
class PublicStatistics:
    region: Region
    total: int | None
    breakdowns: tuple[PublicBreakdown, ...]


def suppressed_cells(counts: Sequence[int], minimum: int = MIN_PUBLIC_COUNT) -> list[bool]:
    """Which cells of a one-way table to hide when its total is published.

    Primary: every cell under ``minimum`` (zeros too). Secondary: while the
    hidden cells could be worked out from the total and the shown cells
    (exactly one hidden cell, or hidden cells adding up to 1…minimum-1), hide
    the smallest shown cell as well."""
    hidden = [count < minimum for count in counts]
    while True:
        hidden_cells = [count for count, hide in zip(counts, hidden, strict=True) if hide]
        exposed = len(hidden_cells) == 1 or 0 < sum(hidden_cells) < minimum
        shown = [index for index, hide in enumerate(hidden) if not hide]
        if not exposed or not shown:
            return hidden
        hidden[min(shown, key=lambda index: (counts[index], index))] = True


def _public(breakdown: Breakdown, hidden: Sequence[bool], total: int | None) -> PublicBreakdown:
    cells = tuple(
        PublicCell(
            key=cell.key,
            label=cell.label,
            count=None if hide else cell.count,
            percent=None if hide or total is None else cell.percent,
            group=cell.group,
        )
        for cell, hide in zip(breakdown.cells, hidden, strict=True)
    )
    return PublicBreakdown(slug=breakdown.slug, title=breakdown.title, cells=cells, total=total)


def _one_way(breakdown: Breakdown, total: int | None) -> PublicBreakdown:
    if total is None:
        return _public(breakdown, [True] * len(breakdown.cells), None)
    return _public(breakdown, suppressed_cells([cell.count for cell in breakdown.cells]), total)


def public_statistics(*, region: Region) -> PublicStatistics:
    """Aggregates safe to publish: one-way tables of counted businesses; no
    cell under :data:`MIN_PUBLIC_COUNT` and none that the totals would give
    away (:func:`suppressed_cells`). Kelurahan are suppressed within their
    kecamatan, whose count is published; a hidden kecamatan hides all its
    kelurahan."""
    stats = registry_statistics(region=region)
    total = stats.counted if stats.counted >= MIN_PUBLIC_COUNT else None
    kecamatan = _one_way(stats.by_kecamatan, total)
    hidden_district = {cell.key for cell in kecamatan.cells if cell.suppressed}
    # The line of unknown area codes is published in the kecamatan table only.
    villages = [cell for cell in stats.by_kelurahan.cells if cell.key != UNKNOWN]
    groups: dict[str, list[int]] = defaultdict(list)
    for index, cell in enumerate(villages):
        groups[cell.key[:8]].append(index)
    hidden = [True] * len(villages)
    for district, indexes in groups.items():
        if total is None or district in hidden_district:
            continue
        flags = suppressed_cells([villages[index].count for index in indexes])
        for index, flag in zip(indexes, flags, strict=True):
            hidden[index] = flag
    kelurahan_source = Breakdown(
        slug=stats.by_kelurahan.slug,
        title=stats.by_kelurahan.title,
        cells=tuple(villages),
        total=stats.by_kelurahan.total,
    )
    one_way = (
        stats.by_category,
        stats.by_size,
        stats.by_year_started,
        stats.sells_online,
        stats.uses_qris,
    )
    return PublicStatistics(
        region=region,
        total=total,
        breakdowns=(
            kecamatan,
            _public(kelurahan_source, hidden, total),
            *(_one_way(breakdown, total) for breakdown in one_way),
        ),
    )


# --- The map --------------------------------------------------------------------------------

MAP_POINT_LIMIT = 5000


@dataclass(frozen=True)
class MapPoint:
    """A business (``count`` 1) or, when there are too many to draw, the
    centre of the located businesses of one kelurahan (``count`` of them).
    Only the business name and the kelurahan: never owner data."""

    latitude: float
    longitude: float
    label: str
    kelurahan: str
    count: int


@dataclass(frozen=True)
class MapPoints:
    aggregated: bool
    points: tuple[MapPoint, ...]

    @property
    def total(self) -> int:
        return sum(point.count for point in self.points)


def map_points(*, region: Region, limit: int = MAP_POINT_LIMIT) -> MapPoints:
    """Counted businesses with coordinates: each one while there are at most
    ``limit``, else one point per kelurahan at the mean of its coordinates
    (two queries at most)."""
    names = {area.code: area.name for area in kelurahan_of(region.code)}
    located = (
        Business.objects.filter(region=region)
        .filter(counted_filter(), latitude__isnull=False, longitude__isnull=False)
        .order_by()
    )
    rows: list[Any] = list(
        located.values_list("latitude", "longitude", "name", "kelurahan_code")[: limit + 1]
    )
    if len(rows) <= limit:
        return MapPoints(
            aggregated=False,
            points=tuple(
                MapPoint(float(lat), float(lon), name, names.get(kel, kel), 1)
                for lat, lon, name, kel in rows
            ),
        )
    areas = located.values_list("kelurahan_code").annotate(
        lat=Avg("latitude"), lon=Avg("longitude"), n=Count("id")
    )
    return MapPoints(
        aggregated=True,
        points=tuple(
            MapPoint(float(lat), float(lon), names.get(kel, kel), names.get(kel, kel), n)
            for kel, lat, lon, n in areas
        ),
    )
