"""The national systems through the API (issue 20), read only: a region's
SIINas summary (counted IKM, the count toward the year's target, the sentra
IKM) and the OSS-RBA NIB list imports with each row's match status.

The same people and rules as the registry API (:mod:`kotacerdas.api.registry`):
registry officers and the region's smart city team, other members of the
region 403, everyone else 404; personal data as the registry API shows it —
the owner's NIK masked, no address. Deciding a row stays on the review page
(an officer's recorded act, with the business beside it)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from kotacerdas.api import auth
from kotacerdas.api.errors import responses
from kotacerdas.api.pagination import Id, PageQuery, RegionCode
from kotacerdas.api.schemas import PageMeta
from kotacerdas.core.access import fetch, regions_for
from kotacerdas.umkm.access import registry_region_fetch
from kotacerdas.umkm.national import selectors as national
from kotacerdas.umkm.oss.models import OssImport, OssRow
from kotacerdas.umkm.oss.selectors import oss_jobs_for, oss_rows_for

router = Router(tags=["registri UMKM"], auth=auth.REQUIRED)


# --- SIINas ---------------------------------------------------------------------------------


class SentraOut(Schema):
    kecamatan_code: str
    kecamatan: str
    kelurahan_code: str
    kelurahan: str
    kbli_code: str = Field(description="KBLI 5 digit: produk sejenis")
    kbli_title: str
    units: int = Field(description="IKM terhitung di sentra ini")


class SiinasOut(Schema):
    """Angka SIINas wilayah: IKM terhitung (KBLI kategori C, aktif,
    terverifikasi, tidak digabung), capaian target tahunan, sentra IKM."""

    region: str
    year: int
    ikm_total: int = Field(description="Seluruh IKM terhitung di registri")
    registered: int = Field(description="IKM terhitung yang terdaftar pada tahun ini")
    target: int | None = Field(description="Target SIINas tahun ini; null bila belum diisi")
    percent: str | None = Field(
        description="registered / target × 100, 2 desimal; null tanpa target"
    )
    sentra_min_units: int
    sentra: list[SentraOut]
    target_rule: str
    sentra_rule: str


class YearQuery(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="Tahun target; bawaan: tahun ini menurut waktu wilayah"
    )


@router.get(
    "/regions/{code}/siinas",
    response={200: SiinasOut, **responses(401, 403, 404, 422)},
    url_name="siinas",
)
def siinas(request: HttpRequest, code: RegionCode, query: Query[YearQuery]) -> dict[str, Any]:
    """Ringkasan SIINas wilayah (petugas registri dan tim smart city)."""
    user = auth.principal(request).user
    region = registry_region_fetch(user, code, "view")
    year = query.year or timezone.localtime(timezone.now(), region.tzinfo).year
    progress = national.siinas_target_progress(region=region, year=year)
    percent = progress.percent
    return {
        "region": region.code,
        "year": year,
        "ikm_total": progress.ikm_total,
        "registered": progress.registered,
        "target": progress.target,
        "percent": None if percent is None else f"{percent:.2f}",
        "sentra_min_units": national.SENTRA_MIN_UNITS,
        "sentra": [vars(s) for s in national.sentra_ikm(region=region)],
        "target_rule": str(national.TARGET_RULE),
        "sentra_rule": str(national.SENTRA_RULE),
    }


# --- OSS-RBA NIB lists ------------------------------------------------------------------------


class OssImportOut(Schema):
    id: int
    region: str
    filename: str
    state: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    rows: int
    matched_nib: int
    matched_nik_name: int
    matched_name_address: int
    to_review: int
    conflicts: int
    unmatched: int
    repeated: int
    rejected: int
    filled: int
    error: str


class OssImportPage(PageMeta):
    items: list[OssImportOut]


class OssProblemOut(Schema):
    column: str
    code: str
    message: str


class OssRowOut(Schema):
    """Satu baris daftar NIB dan hasil pencocokannya. NIK pemilik tersamar,
    tanpa alamat (seperti API registri)."""

    id: int
    row_number: int
    nib: str
    name: str
    kbli_code: str
    kbli_title: str
    scale: str
    risk: str
    kelurahan_code: str
    owner_nik: str = Field(description="Tersamar; kosong setelah baris diputuskan")
    outcome: Literal["matched", "review", "conflict", "unmatched", "repeated", "rejected"]
    rule: str = Field(description="nib, nik_name, name_address; kosong bila tidak cocok")
    score: int | None
    business_id: int | None = Field(description="Usaha yang cocok atau diusulkan")
    open: bool = Field(description="Menunggu keputusan petugas")
    decision: str = Field(description="accepted, rejected, registered; kosong bila belum")
    decided_at: dt.datetime | None
    problems: list[OssProblemOut]


class OssRowPage(PageMeta):
    items: list[OssRowOut]


class OssRowQuery(PageQuery):
    outcome: (
        Literal["matched", "review", "conflict", "unmatched", "repeated", "rejected"] | None
    ) = None
    open: bool | None = Field(None, description="true: hanya yang menunggu keputusan")


def oss_import_out(job: OssImport) -> dict[str, Any]:
    return {
        "id": job.pk,
        "region": job.region.code,
        "filename": job.filename,
        "state": job.state,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        **{
            name: getattr(job, name)
            for name in (
                "rows",
                "matched_nib",
                "matched_nik_name",
                "matched_name_address",
                "to_review",
                "conflicts",
                "unmatched",
                "repeated",
                "rejected",
                "filled",
                "error",
            )
        },
    }


def oss_row_out(row: OssRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "row_number": row.row_number,
        "nib": row.nib,
        "name": row.name,
        "kbli_code": row.kbli_code,
        "kbli_title": row.kbli_title,
        "scale": row.scale,
        "risk": row.risk,
        "kelurahan_code": row.kelurahan_code,
        "owner_nik": row.masked_nik,
        "outcome": row.outcome,
        "rule": row.rule,
        "score": row.score,
        "business_id": row.business_id,
        "open": row.open,
        "decision": row.decision,
        "decided_at": row.decided_at,
        "problems": [
            {
                "column": str(p.get("column", "")),
                "code": str(p.get("code", "")),
                "message": str(p.get("message", "")),
            }
            for p in row.problems or []
        ],
    }


def _page(items: list[Any], query: PageQuery, out: Any) -> dict[str, Any]:
    """``items`` holds one more than a page: whether a next page exists,
    without counting a list that may hold tens of thousands of rows."""
    return {
        "page": query.page,
        "page_size": query.page_size,
        "count": None,
        "has_next": len(items) > query.page_size,
        "items": [out(item) for item in items[: query.page_size]],
    }


@router.get(
    "/regions/{code}/oss-imports",
    response={200: OssImportPage, **responses(401, 403, 404, 422)},
    url_name="oss_imports",
)
def oss_imports(request: HttpRequest, code: RegionCode, query: Query[PageQuery]) -> dict[str, Any]:
    """Impor daftar NIB OSS-RBA wilayah, terbaru dahulu, dengan hitungannya."""
    user = auth.principal(request).user
    region = registry_region_fetch(user, code, "view")
    start = (query.page - 1) * query.page_size
    jobs = list(
        oss_jobs_for(user, "view")
        .filter(region=region)
        .order_by("-created_at", "-id")[start : start + query.page_size + 1]
    )
    return _page(jobs, query, oss_import_out)


@router.get(
    "/oss-imports/{job_id}/rows",
    response={200: OssRowPage, **responses(401, 403, 404, 422)},
    url_name="oss_rows",
)
def oss_rows(request: HttpRequest, job_id: Id, query: Query[OssRowQuery]) -> dict[str, Any]:
    """Baris satu impor daftar NIB dalam urutan berkas, dengan status
    pencocokan (cocok, perlu ditinjau, konflik, tidak cocok, berulang,
    ditolak) dan keputusan petugas."""
    user = auth.principal(request).user
    job = fetch(
        OssImport.objects.filter(region__in=regions_for(user)),
        oss_jobs_for(user, "view"),
        pk=job_id,
    )
    rows = oss_rows_for(user, "view").filter(job=job)
    if query.outcome is not None:
        rows = rows.filter(outcome=query.outcome)
    if query.open is True:
        rows = rows.filter(decision="", outcome__in=[o.value for o in OPEN_OUTCOMES])
    elif query.open is False:
        rows = rows.exclude(decision="", outcome__in=[o.value for o in OPEN_OUTCOMES])
    start = (query.page - 1) * query.page_size
    found = list(rows.order_by("row_number", "id")[start : start + query.page_size + 1])
    return _page(found, query, oss_row_out)


OPEN_OUTCOMES = (OssRow.Outcome.REVIEW, OssRow.Outcome.CONFLICT, OssRow.Outcome.UNMATCHED)
