"""What is public about a region's Smart City plan: the public portal, its open
data downloads and the REST API's public read endpoints all read it here.

Only published, verified data leaves this module:

- Figures and statuses come from the frozen snapshot (``monitoring.PeriodSnapshot``)
  of the latest *closed* reporting period; never from the live tables, which
  hold drafts and unverified changes. Before any period is closed there are no
  figures at all, only the plan's structure (pillars, programmes, action plans
  without a status).
- Evidence photos appear only when the agency marked them public
  (``Evidence.is_public``) and the report they belong to was verified.
- Nothing personal: no user, no officer, no head of agency, no budget owner;
  registry (UMKM) figures are the suppressed aggregates of
  :func:`kotacerdas.umkm.statistics.selectors.public_statistics`.

The counting rule is not repeated here: figures are the snapshot's frozen
values, and explanations call :func:`kotacerdas.masterplan.selectors.figure_explain`
with the snapshot's plan statuses.

Public functions (keyword-only; they return frozen dataclasses or plain dicts):

- ``public_region(code=)`` → ``Region | None``; ``public_regions()`` → ``list[Region]``
- ``public_masterplan(region=)`` → ``Masterplan | None``
- ``published_snapshot(masterplan=)`` / ``published_snapshots(masterplan=)``
  → ``PublishedSnapshot | None`` / ``list[PublishedSnapshot]``
- ``public_overview(region=)`` → ``PublicOverview`` (home page, widget)
- ``public_pillars(masterplan=, snapshot=)`` → ``list[PublicPillar]``
- ``public_programmes(masterplan=, snapshot=, pillar=None)`` → ``list[PublicProgramme]``
- ``public_programme(masterplan=, snapshot=, pk=)`` → ``PublicProgramme`` (LookupError)
- ``public_action_plans(masterplan=, snapshot=, programme_id=None)`` → ``list[PublicActionPlan]``
- ``public_quick_wins(masterplan=, snapshot=)`` → ``list[PublicQuickWin]``
- ``public_photo(region=, pk=)`` → ``Evidence`` (LookupError): a photo that may be shown
- ``public_search(masterplan=, snapshot=, query=)`` → ``SearchResults``
- ``public_figure_explain(masterplan=, snapshot=, metric=, scope=)``
  → ``PublicExplanation`` (LookupError)
- ``DATASETS`` and ``public_dataset(region=, slug=)`` → ``Dataset``
  (``metadata`` dict, ``columns``, ``rows`` as list of dicts; LookupError)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Horizon,
    Masterplan,
    Pillar,
    Programme,
)
from kotacerdas.masterplan.selectors import (
    METRICS,
    Explanation,
    Metric,
    PlanRow,
    Ratio,
    Scope,
    figure_explain,
    programme_counted,
    programme_running,
)
from kotacerdas.monitoring.models import Evidence, PeriodSnapshot, ProgressReport, ReportingPeriod
from kotacerdas.regions.models import Region

DEFAULT_LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.id",
}
SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 50


# --- Regions, masterplans, snapshots ---------------------------------------------------------


def public_region(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def public_regions() -> list[Region]:
    """Regions with an enacted masterplan, by code."""
    return list(
        Region.objects.filter(masterplans__status=Masterplan.Status.ENACTED)
        .distinct()
        .order_by("code")
    )


def public_masterplan(*, region: Region) -> Masterplan | None:
    """The masterplan the portal shows: an enacted one (a draft is not
    published), preferably the one covering this year, else the latest."""
    year = timezone.localdate().year
    enacted = Masterplan.objects.filter(
        region=region, status=Masterplan.Status.ENACTED
    ).select_related("region")
    return (
        enacted.filter(start_year__lte=year, end_year__gte=year).first()
        or enacted.order_by("-start_year").first()
    )


@dataclass(frozen=True)
class PublishedSnapshot:
    """The figures frozen when a reporting period closed."""

    pk: int
    period_label: str
    year: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    taken_at: dt.datetime
    rule_version: str
    figures: dict[str, Any]
    plan_statuses: dict[str, str]

    @property
    def date(self) -> dt.date:
        return timezone.localdate(self.taken_at)

    def ratio(self, metric: str, scope: Scope) -> Ratio | None:
        """The frozen ratio of ``metric`` for the overall or a pillar scope."""
        block: dict[str, Any] | None = None
        if scope.kind == "overall":
            block = self.figures
        elif scope.kind == "pillar":
            block = next(
                (p for p in self.figures.get("pillars", []) if p.get("code") == scope.key), None
            )
        if block is None or metric not in block:
            return None
        return _ratio(block[metric], "in_implementation" if metric == "action_plans" else "running")


def _ratio(data: dict[str, Any], numerator_key: str) -> Ratio:
    return Ratio(int(data.get(numerator_key, 0)), int(data.get("total", 0)))


def _published(snapshot: PeriodSnapshot) -> PublishedSnapshot:
    period: ReportingPeriod = snapshot.period
    return PublishedSnapshot(
        pk=snapshot.pk,
        period_label=period.label,
        year=period.year,
        number=period.number,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        taken_at=snapshot.taken_at,
        rule_version=snapshot.rule_version,
        figures=snapshot.figures,
        plan_statuses=snapshot.plan_statuses,
    )


def _closed_snapshots(masterplan: Masterplan) -> Any:
    return (
        PeriodSnapshot.objects.filter(
            period__masterplan=masterplan, period__state=ReportingPeriod.State.CLOSED
        )
        .select_related("period")
        .order_by("-period__year", "-period__number", "-taken_at")
    )


def published_snapshot(*, masterplan: Masterplan) -> PublishedSnapshot | None:
    """The snapshot of the latest closed period (by period, not closing time)."""
    snapshot = _closed_snapshots(masterplan).first()
    return None if snapshot is None else _published(snapshot)


def published_snapshots(*, masterplan: Masterplan) -> list[PublishedSnapshot]:
    """Every closed period's snapshot, oldest first."""
    return [_published(s) for s in reversed(list(_closed_snapshots(masterplan)))]


# --- Plan structure with the snapshot's statuses ---------------------------------------------


@dataclass(frozen=True)
class PublicProgramme:
    id: int
    code: str
    name: str
    description: str
    pillar_code: str
    pillar_name: str
    element_name: str
    horizon: str
    horizon_label: str
    lead_agency: str
    lead_agency_name: str
    start_year: int
    end_year: int
    quick_win_year: int | None
    output: str
    outcome: str
    # As of the snapshot; None when no period is closed yet.
    running: bool | None
    counted: bool | None
    plans_total: int
    plans_in_implementation: int | None

    @property
    def status_label(self) -> str:
        if self.running is None:
            return ""
        if not self.counted:
            return _("dibatalkan")
        return _("berjalan") if self.running else _("belum berjalan")


@dataclass(frozen=True)
class PublicActionPlan:
    id: int
    code: str
    activity: str
    target: str
    year: int
    agency: str
    programme_id: int
    programme_code: str
    # As of the snapshot; "" when no period is closed or the plan is newer.
    status: str

    @property
    def status_label(self) -> str:
        return str(ActionPlanStatus(self.status).label) if self.status else ""


def _programme_rows(masterplan: Masterplan, pillar: str | None = None) -> list[Any]:
    qs = Programme.objects.filter(masterplan=masterplan)
    if pillar is not None:
        qs = qs.filter(element__pillar__code=pillar)
    return list(
        qs.order_by("code").values(
            "id",
            "code",
            "name",
            "description",
            "element__name",
            "element__pillar__code",
            "element__pillar__name",
            "horizon",
            "lead_agency__short_name",
            "lead_agency__name",
            "start_year",
            "end_year",
            "quick_win_year",
            "output",
            "outcome",
        )
    )


def _plan_rows(masterplan: Masterplan, programme_id: int | None = None) -> list[Any]:
    qs = ActionPlan.objects.filter(masterplan=masterplan)
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    return list(
        qs.order_by("code").values(
            "id",
            "code",
            "activity",
            "target",
            "year",
            "agency_id",
            "agency__short_name",
            "programme_id",
            "programme__code",
        )
    )


def _frozen_plans(
    plans: list[dict[str, Any]], snapshot: PublishedSnapshot
) -> dict[int, list[PlanRow]]:
    """The plans the snapshot knew, with their frozen status, per programme."""
    by_programme: dict[int, list[PlanRow]] = {}
    for row in plans:
        status = snapshot.plan_statuses.get(row["code"])
        if status is None:
            continue
        by_programme.setdefault(row["programme_id"], []).append(
            PlanRow(
                id=row["id"],
                code=row["code"],
                activity=row["activity"],
                status=status,
                year=row["year"],
                agency_id=row["agency_id"],
                programme_id=row["programme_id"],
            )
        )
    return by_programme


def _programmes(
    rows: list[dict[str, Any]], plans: list[dict[str, Any]], snapshot: PublishedSnapshot | None
) -> list[PublicProgramme]:
    frozen = _frozen_plans(plans, snapshot) if snapshot else {}
    totals: dict[int, int] = {}
    for plan in plans:
        totals[plan["programme_id"]] = totals.get(plan["programme_id"], 0) + 1
    result = []
    for row in rows:
        own = frozen.get(row["id"], [])
        result.append(
            PublicProgramme(
                id=row["id"],
                code=row["code"],
                name=row["name"],
                description=row["description"],
                pillar_code=row["element__pillar__code"],
                pillar_name=row["element__pillar__name"],
                element_name=row["element__name"],
                horizon=row["horizon"],
                horizon_label=str(Horizon(row["horizon"]).label),
                lead_agency=row["lead_agency__short_name"],
                lead_agency_name=row["lead_agency__name"],
                start_year=row["start_year"],
                end_year=row["end_year"],
                quick_win_year=row["quick_win_year"],
                output=row["output"],
                outcome=row["outcome"],
                running=programme_running(own) if snapshot else None,
                counted=programme_counted(own) if snapshot else None,
                plans_total=totals.get(row["id"], 0),
                plans_in_implementation=(
                    sum(1 for p in own if p.in_implementation) if snapshot else None
                ),
            )
        )
    return result


def public_programmes(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, pillar: str | None = None
) -> list[PublicProgramme]:
    """Programmes (of one pillar, or all) with whether each ran as of the
    snapshot. Two queries."""
    rows = _programme_rows(masterplan, pillar)
    ids = {r["id"] for r in rows}
    plans = [p for p in _plan_rows(masterplan) if p["programme_id"] in ids]
    return _programmes(rows, plans, snapshot)


def public_programme(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, pk: int
) -> PublicProgramme:
    """One programme of this masterplan; LookupError for any other."""
    rows = [r for r in _programme_rows(masterplan) if r["id"] == pk]
    if not rows:
        raise LookupError(pk)
    return _programmes(rows, _plan_rows(masterplan, pk), snapshot)[0]


def public_action_plans(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, programme_id: int | None = None
) -> list[PublicActionPlan]:
    """Action plans with their status as of the snapshot (never the live status)."""
    statuses = snapshot.plan_statuses if snapshot else {}
    return [
        PublicActionPlan(
            id=row["id"],
            code=row["code"],
            activity=row["activity"],
            target=row["target"],
            year=row["year"],
            agency=row["agency__short_name"],
            programme_id=row["programme_id"],
            programme_code=row["programme__code"],
            status=statuses.get(row["code"], ""),
        )
        for row in _plan_rows(masterplan, programme_id)
    ]


# --- Pillars -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPillar:
    code: str
    name: str
    order: int
    programme_count: int
    # From the snapshot; None when no period is closed yet.
    action_plans: Ratio | None
    programmes: Ratio | None


def public_pillars(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None
) -> list[PublicPillar]:
    """The six pillars in the masterplan's order with their frozen figures. One query."""
    pillars = (
        Pillar.objects.filter(masterplan=masterplan)
        .annotate(n=Count("elements__programmes"))
        .order_by("order")
        .values("code", "name", "order", "n")
    )
    return [
        PublicPillar(
            code=p["code"],
            name=p["name"],
            order=p["order"],
            programme_count=p["n"],
            action_plans=snapshot.ratio("action_plans", Scope("pillar", p["code"]))
            if snapshot
            else None,
            programmes=snapshot.ratio("programmes", Scope("pillar", p["code"]))
            if snapshot
            else None,
        )
        for p in pillars
    ]


def public_pillar(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, code: str
) -> PublicPillar:
    found = next(
        (p for p in public_pillars(masterplan=masterplan, snapshot=snapshot) if p.code == code),
        None,
    )
    if found is None:
        raise LookupError(code)
    return found


# --- Quick wins and their public photos ----------------------------------------------------


@dataclass(frozen=True)
class PublicPhoto:
    id: int
    caption: str


@dataclass(frozen=True)
class PublicQuickWin:
    code: str
    name: str
    year: int
    pillar_code: str
    lead_agency: str
    status: str
    programme_id: int | None
    photos: tuple[PublicPhoto, ...]

    @property
    def status_label(self) -> str:
        return str(ActionPlanStatus(self.status).label) if self.status else ""


def _public_evidence(masterplan: Masterplan) -> Any:
    return Evidence.objects.filter(
        report__action_plan__masterplan=masterplan,
        report__state=ProgressReport.State.VERIFIED,
        is_public=True,
        kind=Evidence.Kind.PHOTO,
    )


def public_quick_wins(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None
) -> list[PublicQuickWin]:
    """The snapshot's quick wins with their frozen status, and the public photos
    of verified reports on their action plans. Two queries."""
    if snapshot is None:
        return []
    items = snapshot.figures.get("quick_wins", {}).get("items", [])
    codes = [item["code"] for item in items]
    ids = dict(
        Programme.objects.filter(masterplan=masterplan, code__in=codes).values_list("code", "id")
    )
    photos: dict[int, list[PublicPhoto]] = {}
    for row in (
        _public_evidence(masterplan)
        .filter(report__action_plan__programme_id__in=ids.values())
        .order_by("uploaded_at", "id")
        .values("id", "caption", "report__action_plan__programme_id")
    ):
        photos.setdefault(row["report__action_plan__programme_id"], []).append(
            PublicPhoto(row["id"], row["caption"])
        )
    return [
        PublicQuickWin(
            code=item["code"],
            name=item["name"],
            year=int(item["year"]),
            pillar_code=item.get("pillar", ""),
            lead_agency=item.get("lead_agency", ""),
            status=item.get("status", ""),
            programme_id=ids.get(item["code"]),
            photos=tuple(photos.get(ids.get(item["code"], -1), [])),
        )
        for item in items
    ]


def public_photo(*, region: Region, pk: int) -> Evidence:
    """A photo that may be shown on the portal of ``region``; LookupError otherwise."""
    found = (
        Evidence.objects.filter(
            pk=pk,
            report__action_plan__masterplan__region=region,
            report__state=ProgressReport.State.VERIFIED,
            is_public=True,
            kind=Evidence.Kind.PHOTO,
        )
        .exclude(file_name="")
        .first()
    )
    if found is None:
        raise LookupError(pk)
    return found


# --- The home page -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicOverview:
    region: Region
    masterplan: Masterplan | None
    snapshot: PublishedSnapshot | None
    action_plans: Ratio | None
    programmes: Ratio | None
    pillars: tuple[PublicPillar, ...]
    quick_wins: tuple[PublicQuickWin, ...]
    programme_count: int


def public_overview(*, region: Region) -> PublicOverview:
    """Headline figures, pillars and quick wins of a region, as published."""
    masterplan = public_masterplan(region=region)
    if masterplan is None:
        return PublicOverview(region, None, None, None, None, (), (), 0)
    snapshot = published_snapshot(masterplan=masterplan)
    pillars = tuple(public_pillars(masterplan=masterplan, snapshot=snapshot))
    overall = Scope("overall")
    return PublicOverview(
        region=region,
        masterplan=masterplan,
        snapshot=snapshot,
        action_plans=snapshot.ratio("action_plans", overall) if snapshot else None,
        programmes=snapshot.ratio("programmes", overall) if snapshot else None,
        pillars=pillars,
        quick_wins=tuple(public_quick_wins(masterplan=masterplan, snapshot=snapshot)),
        programme_count=sum(p.programme_count for p in pillars),
    )


# --- Search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResults:
    query: str
    programmes: tuple[PublicProgramme, ...]
    action_plans: tuple[PublicActionPlan, ...]
    quick_wins: tuple[PublicQuickWin, ...]

    @property
    def count(self) -> int:
        return len(self.programmes) + len(self.action_plans) + len(self.quick_wins)


def public_search(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot | None, query: str
) -> SearchResults:
    """Programmes, action plans and quick wins whose name (or code) contains
    every word of ``query``, case-insensitive; at most ``SEARCH_LIMIT`` each."""
    query = " ".join(query.split())[:100]
    words = query.casefold().split()
    if len(query) < SEARCH_MIN_LENGTH:
        return SearchResults(query, (), (), ())

    def hit(*texts: str) -> bool:
        haystack = " ".join(texts).casefold()
        return all(w in haystack for w in words)

    programmes = [
        p
        for p in public_programmes(masterplan=masterplan, snapshot=snapshot)
        if hit(p.code, p.name)
    ]
    plans = [
        p
        for p in public_action_plans(masterplan=masterplan, snapshot=snapshot)
        if hit(p.code, p.activity)
    ]
    quick_wins = [
        q
        for q in public_quick_wins(masterplan=masterplan, snapshot=snapshot)
        if hit(q.code, q.name)
    ]
    return SearchResults(
        query,
        tuple(programmes[:SEARCH_LIMIT]),
        tuple(plans[:SEARCH_LIMIT]),
        tuple(quick_wins[:SEARCH_LIMIT]),
    )


# --- Explaining a published figure ---------------------------------------------------------


@dataclass(frozen=True)
class PublicExplanation:
    explanation: Explanation
    snapshot: PublishedSnapshot
    # The value frozen in the snapshot; the explanation recounts the snapshot's
    # plan statuses over today's structure, so they differ only when programmes
    # were added or removed since.
    published: Ratio

    @property
    def structure_changed(self) -> bool:
        return self.published != self.explanation.ratio


PUBLIC_SCOPE_KINDS = ("overall", "pillar")


def public_figure_explain(
    *, masterplan: Masterplan, snapshot: PublishedSnapshot, metric: str, scope: str
) -> PublicExplanation:
    """Formula, items and the frozen value of one published figure (overall
    or per pillar). LookupError for an unknown metric or scope."""
    if metric not in METRICS:
        raise LookupError(metric)
    try:
        parsed = Scope.parse(scope)
    except ValueError:
        raise LookupError(scope) from None
    if parsed.kind not in PUBLIC_SCOPE_KINDS:
        raise LookupError(scope)
    published = snapshot.ratio(metric, parsed)
    if published is None:
        raise LookupError(scope)
    metric_name: Metric = "action_plans" if metric == "action_plans" else "programmes"
    explanation = figure_explain(
        masterplan=masterplan,
        metric=metric_name,
        scope=parsed,
        frozen_statuses=snapshot.plan_statuses,
    )
    return PublicExplanation(explanation=explanation, snapshot=snapshot, published=published)


# --- Open data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    description: Any  # lazily translated text
    type: str = "string"


@dataclass(frozen=True)
class DatasetSpec:
    slug: str
    title: Any
    description: Any
    columns: tuple[Column, ...]


_PERIOD_COLUMNS = (
    Column("periode", gettext_lazy("Periode pelaporan yang datanya dibekukan")),
    Column("tanggal_data", gettext_lazy("Tanggal potret (periode ditutup), ISO 8601"), "date"),
)

DATASETS: dict[str, DatasetSpec] = {
    spec.slug: spec
    for spec in (
        DatasetSpec(
            "program",
            gettext_lazy("Program masterplan Smart City"),
            gettext_lazy(
                "Semua program masterplan dengan pilar, jangka waktu, perangkat daerah "
                "pengampu, dan apakah program berjalan menurut potret periode terakhir."
            ),
            (
                Column("kode_wilayah", gettext_lazy("Kode wilayah Kemendagri kab/kota")),
                Column("kode", gettext_lazy("Kode program")),
                Column("nama", gettext_lazy("Nama program")),
                Column(
                    "pilar",
                    gettext_lazy(
                        "Kode pilar (governance, branding, economy, living, society, environment)"
                    ),
                ),
                Column("nama_pilar", gettext_lazy("Nama pilar")),
                Column("elemen", gettext_lazy("Elemen (sub dimensi)")),
                Column(
                    "jangka_waktu", gettext_lazy("quick_win, medium (menengah) atau long (panjang)")
                ),
                Column(
                    "tahun_quick_win",
                    gettext_lazy("Tahun quick win, kosong bila bukan quick win"),
                    "integer",
                ),
                Column("tahun_mulai", gettext_lazy("Tahun mulai"), "integer"),
                Column("tahun_akhir", gettext_lazy("Tahun akhir"), "integer"),
                Column("opd_pengampu", gettext_lazy("Perangkat daerah pengampu (singkatan)")),
                Column(
                    "jumlah_rencana_aksi", gettext_lazy("Jumlah rencana aksi program"), "integer"
                ),
                Column(
                    "berjalan",
                    gettext_lazy(
                        "ya/tidak/dibatalkan menurut potret; kosong bila belum ada periode ditutup"
                    ),
                ),
                *_PERIOD_COLUMNS,
            ),
        ),
        DatasetSpec(
            "rencana-aksi",
            gettext_lazy("Rencana aksi dan statusnya"),
            gettext_lazy(
                "Semua rencana aksi masterplan dengan status terverifikasi menurut potret "
                "periode terakhir yang ditutup."
            ),
            (
                Column("kode_wilayah", gettext_lazy("Kode wilayah Kemendagri kab/kota")),
                Column("kode", gettext_lazy("Kode rencana aksi")),
                Column("kode_program", gettext_lazy("Kode program")),
                Column("kegiatan", gettext_lazy("Kegiatan")),
                Column("target", gettext_lazy("Target/keluaran")),
                Column("tahun", gettext_lazy("Tahun pelaksanaan"), "integer"),
                Column("opd", gettext_lazy("Perangkat daerah pelaksana (singkatan)")),
                Column(
                    "status",
                    gettext_lazy(
                        "belum_dimulai, berjalan, selesai, ditunda atau dibatalkan; "
                        "kosong bila belum ada di potret"
                    ),
                ),
                *_PERIOD_COLUMNS,
            ),
        ),
        DatasetSpec(
            "capaian-periode",
            gettext_lazy("Capaian per periode"),
            gettext_lazy(
                "Capaian rencana aksi dan implementasi program, keseluruhan dan per pilar, "
                "untuk setiap periode pelaporan yang sudah ditutup."
            ),
            (
                Column("kode_wilayah", gettext_lazy("Kode wilayah Kemendagri kab/kota")),
                *_PERIOD_COLUMNS,
                Column("tahun", gettext_lazy("Tahun periode"), "integer"),
                Column("nomor", gettext_lazy("Nomor periode dalam tahun"), "integer"),
                Column("lingkup", gettext_lazy("overall (keseluruhan) atau kode pilar")),
                Column("nama_lingkup", gettext_lazy("Nama lingkup")),
                Column(
                    "rencana_aksi_dihitung",
                    gettext_lazy("Rencana aksi dihitung (kecuali dibatalkan)"),
                    "integer",
                ),
                Column(
                    "rencana_aksi_terimplementasi",
                    gettext_lazy("Rencana aksi berjalan atau selesai"),
                    "integer",
                ),
                Column(
                    "capaian_rencana_aksi_persen",
                    gettext_lazy("Capaian rencana aksi, persen, dua desimal dengan titik"),
                    "number",
                ),
                Column("program_dihitung", gettext_lazy("Program dihitung"), "integer"),
                Column("program_berjalan", gettext_lazy("Program berjalan"), "integer"),
                Column(
                    "implementasi_program_persen",
                    gettext_lazy("Implementasi program, persen, dua desimal dengan titik"),
                    "number",
                ),
                Column("versi_aturan_hitung", gettext_lazy("Versi aturan hitung")),
            ),
        ),
        DatasetSpec(
            "umkm-agregat",
            gettext_lazy("Agregat registri UMKM"),
            gettext_lazy(
                "Jumlah usaha terdaftar per kecamatan, kelurahan, kategori, skala, tahun "
                "mulai, penjualan daring dan QRIS. Sel kecil disembunyikan."
            ),
            (
                Column("kode_wilayah", gettext_lazy("Kode wilayah Kemendagri kab/kota")),
                Column("tabel", gettext_lazy("Tabel (kecamatan, kelurahan, kategori, ...)")),
                Column(
                    "kode",
                    gettext_lazy(
                        "Kode baris: kode Kemendagri kecamatan/kelurahan, atau kode kategori"
                    ),
                ),
                Column("uraian", gettext_lazy("Uraian baris")),
                Column("kelompok", gettext_lazy("Kode kecamatan untuk baris kelurahan")),
                Column(
                    "jumlah_usaha",
                    gettext_lazy("Jumlah usaha; kosong bila disembunyikan"),
                    "integer",
                ),
                Column(
                    "persen",
                    gettext_lazy("Persen dari jumlah; kosong bila disembunyikan"),
                    "number",
                ),
                Column("disembunyikan", gettext_lazy("ya bila sel disembunyikan (sel kecil)")),
            ),
        ),
    )
}
FORMATS = ("csv", "json", "xlsx")


@dataclass(frozen=True)
class Dataset:
    slug: str
    metadata: dict[str, Any]
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


def licence() -> dict[str, str]:
    configured = getattr(settings, "KOTACERDAS_OPEN_DATA_LICENCE", None)
    return dict(configured) if configured else dict(DEFAULT_LICENCE)


def _percent(ratio: Ratio) -> str:
    percent = ratio.percent
    return "" if percent is None else f"{percent:.2f}"


def _metadata(
    spec: DatasetSpec,
    region: Region,
    masterplan: Masterplan | None,
    snapshot: PublishedSnapshot | None,
    period: str,
    date: dt.date | None,
    extra_codes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "dataset": spec.slug,
        "title": f"{spec.title} — {region.name}",
        "description": str(spec.description),
        "producer": _("Tim Pelaksana Smart City %(region)s") % {"region": region.name},
        "custodian": _("Pemerintah %(region)s") % {"region": region.name},
        "region": {"code": region.code, "name": region.name},
        "reference_codes": {
            "system": _("Kode wilayah Kemendagri"),
            "region": region.code,
            **(extra_codes or {}),
        },
        "masterplan": (
            None
            if masterplan is None
            else {"title": masterplan.title, "period": masterplan.period_label}
        ),
        "period": period,
        "date": date.isoformat() if date else None,
        "snapshot": None if snapshot is None else snapshot.pk,
        "rule_version": None if snapshot is None else snapshot.rule_version,
        "licence": licence(),
        "language": "id",
        "columns": [
            {"name": c.name, "description": str(c.description), "type": c.type}
            for c in spec.columns
        ],
    }


def public_dataset(*, region: Region, slug: str) -> Dataset:
    """One open dataset with its metadata; LookupError for an unknown slug."""
    spec = DATASETS.get(slug)
    if spec is None:
        raise LookupError(slug)
    masterplan = public_masterplan(region=region)
    snapshot = published_snapshot(masterplan=masterplan) if masterplan else None
    period = snapshot.period_label if snapshot else ""
    date = snapshot.date if snapshot else None
    snap_cols = {"periode": period, "tanggal_data": date.isoformat() if date else ""}
    rows: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    if slug == "program" and masterplan:
        for p in public_programmes(masterplan=masterplan, snapshot=snapshot):
            running = (
                ""
                if p.running is None
                else ("dibatalkan" if not p.counted else "ya" if p.running else "tidak")
            )
            rows.append(
                {
                    "kode_wilayah": region.code,
                    "kode": p.code,
                    "nama": p.name,
                    "pilar": p.pillar_code,
                    "nama_pilar": p.pillar_name,
                    "elemen": p.element_name,
                    "jangka_waktu": p.horizon,
                    "tahun_quick_win": p.quick_win_year,
                    "tahun_mulai": p.start_year,
                    "tahun_akhir": p.end_year,
                    "opd_pengampu": p.lead_agency,
                    "jumlah_rencana_aksi": p.plans_total,
                    "berjalan": running,
                    **snap_cols,
                }
            )
    elif slug == "rencana-aksi" and masterplan:
        for a in public_action_plans(masterplan=masterplan, snapshot=snapshot):
            rows.append(
                {
                    "kode_wilayah": region.code,
                    "kode": a.code,
                    "kode_program": a.programme_code,
                    "kegiatan": a.activity,
                    "target": a.target,
                    "tahun": a.year,
                    "opd": a.agency,
                    "status": a.status,
                    **snap_cols,
                }
            )
    elif slug == "capaian-periode" and masterplan:
        snapshots = published_snapshots(masterplan=masterplan)
        if snapshots:
            period = f"{snapshots[0].period_label} – {snapshots[-1].period_label}"
        for snap in snapshots:
            scopes = [("overall", _("Keseluruhan"))] + [
                (p.get("code", ""), p.get("name", "")) for p in snap.figures.get("pillars", [])
            ]
            for key, name in scopes:
                scope = Scope("overall") if key == "overall" else Scope("pillar", key)
                plans = snap.ratio("action_plans", scope) or Ratio(0, 0)
                progs = snap.ratio("programmes", scope) or Ratio(0, 0)
                rows.append(
                    {
                        "kode_wilayah": region.code,
                        "periode": snap.period_label,
                        "tanggal_data": snap.date.isoformat(),
                        "tahun": snap.year,
                        "nomor": snap.number,
                        "lingkup": key,
                        "nama_lingkup": name,
                        "rencana_aksi_dihitung": plans.denominator,
                        "rencana_aksi_terimplementasi": plans.numerator,
                        "capaian_rencana_aksi_persen": _percent(plans),
                        "program_dihitung": progs.denominator,
                        "program_berjalan": progs.numerator,
                        "implementasi_program_persen": _percent(progs),
                        "versi_aturan_hitung": snap.rule_version,
                    }
                )
    elif slug == "umkm-agregat":
        from kotacerdas.umkm.statistics.selectors import MIN_PUBLIC_COUNT, public_statistics

        stats = public_statistics(region=region)
        period = _("Keadaan registri pada tanggal data")
        date = timezone.localdate()
        extra = {
            "kecamatan_kelurahan": _("kolom kode pada tabel kecamatan dan kelurahan"),
            "suppression": _("sel dengan kurang dari %(n)s usaha disembunyikan")
            % {"n": MIN_PUBLIC_COUNT},
            "total": stats.total,
        }
        for breakdown in stats.breakdowns:
            for cell in breakdown.cells:
                rows.append(
                    {
                        "kode_wilayah": region.code,
                        "tabel": breakdown.slug,
                        "kode": cell.key,
                        "uraian": cell.label,
                        "kelompok": cell.group,
                        "jumlah_usaha": cell.count,
                        "persen": "" if cell.percent is None else f"{cell.percent:.2f}",
                        "disembunyikan": "ya" if cell.suppressed else "tidak",
                    }
                )
    if slug in ("program", "rencana-aksi") and not snapshot and masterplan:
        period = masterplan.period_label
    metadata = _metadata(spec, region, masterplan, snapshot, period, date, extra)
    return Dataset(slug=slug, metadata=metadata, columns=spec.columns, rows=rows)
