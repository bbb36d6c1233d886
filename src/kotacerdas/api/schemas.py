"""Request and response bodies of the API. Percentages are strings with a dot
and two decimals ("61.17"), exact as the figures are computed; dates and
times are ISO 8601 (times in UTC)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from kotacerdas.api.pagination import NO_NUL
from kotacerdas.masterplan.selectors import Ratio


class PageMeta(Schema):
    page: int
    page_size: int
    count: int | None = Field(
        None, description="Jumlah seluruh hasil; null bila tidak dihitung (daftar sangat besar)."
    )
    has_next: bool


# --- Public ---------------------------------------------------------------------------------


class FigureOut(Schema):
    numerator: int = Field(description="Pembilang: rencana aksi terimplementasi / program berjalan")
    denominator: int = Field(description="Penyebut: yang dihitung (tanpa yang dibatalkan)")
    percent: str | None = Field(
        description="Persen, dua desimal dengan titik; null bila penyebut 0"
    )


def figure(ratio: Ratio | None) -> FigureOut | None:
    if ratio is None:
        return None
    percent = ratio.percent
    return FigureOut(
        numerator=ratio.numerator,
        denominator=ratio.denominator,
        percent=None if percent is None else f"{percent:.2f}",
    )


class SnapshotOut(Schema):
    id: int
    period: str = Field(description="Periode pelaporan yang angkanya dibekukan")
    year: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    taken_at: dt.datetime = Field(description="Waktu periode ditutup dan angka dibekukan")
    rule_version: str


class RegionOut(Schema):
    code: str = Field(description="Kode wilayah Kemendagri")
    name: str


class MasterplanOut(Schema):
    title: str
    start_year: int
    end_year: int
    legal_basis: str


class RegionDetailOut(RegionOut):
    masterplan: MasterplanOut | None
    snapshot: SnapshotOut | None = Field(description="Potret periode terakhir yang ditutup")
    action_plans: FigureOut | None = Field(description="Capaian rencana aksi")
    programmes: FigureOut | None = Field(description="Implementasi program")
    programme_count: int


class PillarOut(Schema):
    code: str
    name: str
    order: int
    programme_count: int
    action_plans: FigureOut | None
    programmes: FigureOut | None


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    description: str
    pillar: str
    pillar_name: str
    element: str
    horizon: str
    quick_win_year: int | None
    start_year: int
    end_year: int
    lead_agency: str
    output: str
    outcome: str
    running: bool | None = Field(description="Berjalan menurut potret; null sebelum ada potret")
    counted: bool | None
    plans_total: int
    plans_in_implementation: int | None


class ProgrammePage(PageMeta):
    items: list[ProgrammeOut]


class ActionPlanOut(Schema):
    id: int
    code: str
    activity: str
    target: str
    year: int
    agency: str
    programme_id: int
    programme_code: str
    status: str = Field(description="Status menurut potret; kosong bila belum ada potret")


class ActionPlanPage(PageMeta):
    items: list[ActionPlanOut]


class PhotoOut(Schema):
    id: int
    caption: str


class QuickWinOut(Schema):
    code: str
    name: str
    year: int
    pillar: str
    lead_agency: str
    status: str
    programme_id: int | None
    photos: list[PhotoOut]


class PeriodFiguresOut(Schema):
    snapshot: SnapshotOut
    action_plans: FigureOut | None
    programmes: FigureOut | None
    pillars: list[PillarOut]


class StatCellOut(Schema):
    key: str
    label: str
    count: int | None = Field(description="null bila disembunyikan (sel kecil)")
    percent: str | None
    group: str


class StatTableOut(Schema):
    slug: str
    title: str
    total: int | None
    cells: list[StatCellOut]


class RegistryStatsOut(Schema):
    region: RegionOut
    total: int | None = Field(description="null bila terlalu kecil untuk diterbitkan")
    tables: list[StatTableOut]


# --- Signed in ---------------------------------------------------------------------------------


class MembershipOut(Schema):
    region: str
    role: str
    agency: str | None


class MeOut(Schema):
    username: str
    auth: Literal["token", "session"]
    scope: Literal["read", "write"]
    memberships: list[MembershipOut]


class PeriodOut(Schema):
    id: int
    region: str
    label: str
    year: int
    number: int
    state: str
    opens_on: dt.date
    due_on: dt.date


class EvidenceOut(Schema):
    id: int
    kind: str
    original_name: str
    url: str
    caption: str
    is_public: bool
    size: int
    sha256: str


class ReportOut(Schema):
    id: int
    period_id: int
    period: str
    action_plan_id: int
    action_plan_code: str
    agency: str
    state: str
    status: str
    physical_progress: Decimal
    budget_ceiling: Decimal
    budget_realisation: Decimal
    output_achieved: str
    narrative: str
    return_reason: str
    version: int
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    evidence: list[EvidenceOut]


class ReportPage(PageMeta):
    items: list[ReportOut]


class ReportIn(Schema):
    status: Literal["belum_dimulai", "berjalan", "selesai", "ditunda", "dibatalkan"]
    physical_progress: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    budget_ceiling: Decimal = Field(Decimal(0), ge=0, max_digits=18, decimal_places=2)
    budget_realisation: Decimal = Field(Decimal(0), ge=0, max_digits=18, decimal_places=2)
    output_achieved: str = Field("", max_length=5000, pattern=NO_NUL)
    narrative: str = Field("", max_length=10000, pattern=NO_NUL)


class ReturnIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class BusinessOut(Schema):
    """A business as the registry list shows it: personal data masked, no
    address, no owner name, no amounts."""

    id: int
    name: str
    owner_nik: str = Field(description="Tersamar: 6 digit awal, sisanya *")
    phone: str = Field(description="Tersamar")
    nib: str
    kbli_code: str
    kbli_version: str
    kecamatan_code: str
    kelurahan_code: str
    size_class: str
    status: str
    verification: str
    source: str
    workers: int | None
    year_started: int | None


class BusinessPage(PageMeta):
    items: list[BusinessOut]


class BusinessIn(Schema):
    """Like the registry's form: amounts, counts and phone numbers may be
    written the way a clerk writes them ("Rp 1.500.000", "3 orang",
    "0812-3456-789"), and are read by the same rules."""

    name: str = Field(min_length=1, max_length=200)
    kelurahan_code: str = Field(description="Kode Kemendagri kelurahan/desa di wilayah ini")
    owner_name: str = Field("", max_length=150)
    owner_nik: str = Field("", max_length=30)
    nib: str = Field("", max_length=20)
    npwp: str = Field("", max_length=25)
    kbli_code: str = Field("", max_length=8)
    kbli_version: Literal["2020", "2025"] = "2020"
    address: str = Field("", max_length=300)
    latitude: str = Field("", max_length=20)
    longitude: str = Field("", max_length=20)
    phone: str = Field("", max_length=30)
    workers: int | str | None = Field(
        None, description="Jumlah tenaga kerja: bilangan bulat, atau teks seperti '3 orang'"
    )
    year_started: int | None = Field(None, ge=1900, le=2100)
    capital: str = Field("", max_length=40)
    annual_sales: str = Field("", max_length=40)
    halal_number: str = Field("", max_length=40)
    pirt_number: str = Field("", max_length=20)
    sells_online: bool | None = None
    uses_qris: bool | None = None
