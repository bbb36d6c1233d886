"""Reads for SIINas (Kemenperin's national industry information system): the
IKM of the registry, the sentra IKM they form and the count toward the
region's yearly target. Businesses counted are those the statistics count
(:func:`kotacerdas.umkm.statistics.selectors.counted_filter`); an IKM is one
whose KBLI is in category C (:attr:`Business.is_ikm`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from kotacerdas.core.formatting import round_half_up
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import get_area
from kotacerdas.umkm import kbli
from kotacerdas.umkm.national.models import SiinasTarget
from kotacerdas.umkm.registry.models import Business, KbliCode
from kotacerdas.umkm.statistics.selectors import counted_filter

# PP 29/2018 (Pemberdayaan Industri) Pasal 1: a sentra IKM is a group of at
# least five IKM units in one place making the same (similar) product.
SENTRA_MIN_UNITS = 5

SENTRA_RULE = gettext_lazy(
    "Sentra IKM: paling sedikit 5 IKM terhitung (KBLI kategori C, aktif, terverifikasi, tidak "
    "digabung) di satu kelurahan/desa dengan kode KBLI 5 digit yang sama (produk sejenis; "
    "PP 29/2018 Pasal 1). Usaha tanpa kode KBLI tidak dikelompokkan."
)
TARGET_RULE = gettext_lazy(
    "Capaian target SIINas: IKM terhitung (KBLI kategori C, aktif, terverifikasi, tidak "
    "digabung) yang terdaftar di registri pada tahun itu menurut waktu wilayah."
)


def ikm_filter() -> Q:
    """The IKM among businesses: KBLI category C (industri pengolahan)."""
    return Q(kbli_category=kbli.MANUFACTURING)


def counted_ikm(region: Region) -> QuerySet[Business]:
    return Business.objects.filter(counted_filter(), ikm_filter(), region=region)


@dataclass(frozen=True)
class Sentra:
    kecamatan_code: str
    kecamatan: str
    kelurahan_code: str
    kelurahan: str
    kbli_code: str
    kbli_title: str
    units: int


def sentra_ikm(*, region: Region) -> list[Sentra]:
    """The region's sentra IKM (:data:`SENTRA_RULE`), largest first: one
    aggregate query, whatever the number of businesses."""
    groups = (
        counted_ikm(region)
        .exclude(kbli_code="")
        .values("kelurahan_code", "kbli_code", "kbli_version")
        .annotate(units=Count("id"))
        .filter(units__gte=SENTRA_MIN_UNITS)
        .order_by("-units", "kelurahan_code", "kbli_code")
    )
    found = list(groups)
    titles = {
        (c.version, c.code): c.title
        for c in KbliCode.objects.filter(code__in={g["kbli_code"] for g in found})
    }
    result = []
    for group in found:
        kelurahan = get_area(group["kelurahan_code"])
        kecamatan = get_area(group["kelurahan_code"][:8])
        result.append(
            Sentra(
                kecamatan_code=group["kelurahan_code"][:8],
                kecamatan=kecamatan.name if kecamatan else "",
                kelurahan_code=group["kelurahan_code"],
                kelurahan=kelurahan.name if kelurahan else "",
                kbli_code=group["kbli_code"],
                kbli_title=titles.get((group["kbli_version"], group["kbli_code"]), ""),
                units=group["units"],
            )
        )
    return result


@dataclass(frozen=True)
class TargetProgress:
    """The count of IKM registered in ``year`` toward the region's SIINas
    target of that year (None: no target entered)."""

    year: int
    target: int | None
    registered: int
    ikm_total: int

    @property
    def percent(self) -> Decimal | None:
        if not self.target:
            return None
        return round_half_up(Fraction(self.registered * 100, self.target), 2)


def _year_bounds(region: Region, year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = region.tzinfo
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def siinas_target_progress(*, region: Region, year: int) -> TargetProgress:
    start, end = _year_bounds(region, year)
    ikm = counted_ikm(region)
    figures = ikm.aggregate(
        total=Count("id"),
        registered=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
    )
    target = SiinasTarget.objects.filter(region=region, year=year).first()
    return TargetProgress(
        year=year,
        target=target.target if target is not None else None,
        registered=figures["registered"],
        ikm_total=figures["total"],
    )


@dataclass(frozen=True)
class PanelFigures:
    progress: TargetProgress
    sentra_count: int


def siinas_panel_figures(*, region: Region, year: int) -> PanelFigures:
    """What the statistics page shows of SIINas — the count toward this
    year's target, all counted IKM, the number of sentra — in one query, so
    the page's query count stays pinned (its own figures are cached)."""
    start, end = _year_bounds(region, year)
    ikm = counted_ikm(region).order_by()
    parts = [
        ikm.values("id"),
        ikm.filter(created_at__gte=start, created_at__lt=end).values("id"),
        ikm.exclude(kbli_code="")
        .values("kelurahan_code", "kbli_code")
        .annotate(units=Count("*"))  # no id: PostgreSQL answers from the index
        .filter(units__gte=SENTRA_MIN_UNITS)
        .values("kelurahan_code"),
    ]
    selects: list[str] = []
    params: list[Any] = []
    for index, part in enumerate(parts):
        sql, part_params = part.query.sql_with_params()
        # The ORM's own SQL, values as parameters: no input in the text.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS part{index})")  # noqa: S608
        params.extend(part_params)
    target_sql, target_params = (
        SiinasTarget.objects.filter(region=region, year=year).values("target").query
    ).sql_with_params()
    selects.append(f"({target_sql})")
    params.extend(target_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        total, registered, sentra, target = cursor.fetchone()
    return PanelFigures(
        progress=TargetProgress(year=year, target=target, registered=registered, ikm_total=total),
        sentra_count=sentra,
    )


def siinas_targets(*, region: Region) -> QuerySet[SiinasTarget]:
    return SiinasTarget.objects.filter(region=region).order_by("-year")
