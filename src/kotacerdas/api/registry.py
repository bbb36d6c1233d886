"""The UMKM registry through the API: registry officers and the region's
smart city team list businesses (personal data masked, as on the registry
pages) and officers add businesses through the same form checks and
service (:func:`kotacerdas.umkm.registry.services.business_create`) as the web page.
Revealing personal data is not offered by the API (it is a recorded act of
a person, with a purpose, on the registry page)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from kotacerdas.api import auth
from kotacerdas.api.errors import responses
from kotacerdas.api.pagination import NO_NUL, Id, RegionCode
from kotacerdas.api.schemas import BusinessIn, BusinessOut, BusinessPage
from kotacerdas.core.access import fetch, regions_for
from kotacerdas.umkm.access import businesses_for, registry_region_fetch
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.registry import services
from kotacerdas.umkm.registry.forms import BusinessForm
from kotacerdas.umkm.registry.selectors import PAGE_SIZE, BusinessFilters, business_search, page_of

router = Router(tags=["registri UMKM"], auth=auth.REQUIRED)


def business_out(b: Business) -> dict[str, Any]:
    return {
        "id": b.pk,
        "name": b.name,
        "owner_nik": b.masked_nik,
        "phone": b.masked_phone,
        "nib": b.nib,
        "kbli_code": b.kbli_code,
        "kbli_version": b.kbli_version,
        "kecamatan_code": b.kecamatan_code,
        "kelurahan_code": b.kelurahan_code,
        "size_class": b.size_class,
        "status": b.status,
        "verification": b.verification,
        "source": b.source,
        "workers": b.workers,
        "year_started": b.year_started,
    }


class BusinessQuery(Schema):
    page: int = Field(1, ge=1, le=2000, description="Nomor halaman (50 usaha per halaman)")
    q: str = Field("", max_length=100, pattern=NO_NUL, description="Awal nama usaha, atau NIB")
    kecamatan: str = Field("", max_length=13, pattern=NO_NUL)
    kelurahan: str = Field("", max_length=13, pattern=NO_NUL)
    category: str = Field("", max_length=1, pattern=NO_NUL, description="Kategori KBLI (A–V)")
    size: Literal["mikro", "kecil", "menengah", "besar"] | None = None
    status: Literal["active", "closed"] | None = None
    verification: Literal["verified", "pending", "rejected"] | None = None
    source: Literal["form", "import", "officer"] | None = None


@router.get(
    "/regions/{code}/businesses",
    response={200: BusinessPage, **responses(401, 403, 404, 422)},
    url_name="businesses",
)
def businesses(
    request: HttpRequest, code: RegionCode, filters: Query[BusinessQuery]
) -> dict[str, Any]:
    """Usaha terdaftar di registri wilayah (petugas registri dan tim smart
    city), data pribadi tersamar. Tanpa hitungan total: daftar bisa berisi
    jutaan baris; ``has_next`` menandai halaman berikutnya."""
    user = auth.principal(request).user
    region = registry_region_fetch(user, code, "view")
    data = filters.model_dump()
    qs = business_search(
        businesses=businesses_for(user).filter(region=region),
        filters=BusinessFilters.from_data(data),
    )
    page = page_of(qs, filters.page)
    return {
        "page": page.number,
        "page_size": PAGE_SIZE,
        "count": None,
        "has_next": page.has_next,
        "items": [business_out(b) for b in page.items],
    }


@router.get(
    "/businesses/{business_id}",
    response={200: BusinessOut, **responses(401, 403, 404, 422)},
    url_name="business",
)
def business(request: HttpRequest, business_id: Id) -> dict[str, Any]:
    user = auth.principal(request).user
    found = fetch(
        Business.objects.filter(region__in=regions_for(user)),
        businesses_for(user),
        pk=business_id,
    )
    return business_out(found)


def _form_data(payload: BusinessIn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in payload.model_dump().items():
        if name in ("sells_online", "uses_qris"):
            data[name] = {True: "true", False: "false", None: "unknown"}[value]
        else:
            data[name] = "" if value is None else str(value)
    return data


@router.post(
    "/regions/{code}/businesses",
    response={201: BusinessOut, **responses(401, 403, 404, 422)},
    url_name="business_create",
)
def business_create(
    request: HttpRequest, code: RegionCode, payload: BusinessIn
) -> Status[dict[str, Any]]:
    """Daftarkan usaha (petugas registri atau tim smart city wilayah), dengan
    pemeriksaan yang sama seperti formulir registri: NIK, NIB, NPWP, KBLI,
    kelurahan di wilayah ini, nilai rupiah."""
    user = auth.require_write(request).user
    region = registry_region_fetch(user, code, "change")
    form = BusinessForm(_form_data(payload), region=region)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    created = services.business_create(actor=user, region=region, data=form.data_for_service())
    return Status(201, business_out(created))
