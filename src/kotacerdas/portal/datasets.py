"""The public portal's open data: each dataset's columns, title and
description with its own row builder, and the Satu Data metadata that goes
with it. :mod:`kotacerdas.portal.downloads` writes a :class:`Dataset` as CSV,
JSON or XLSX.

Column names are Indonesian snake_case and stable (decisions §23): users'
scripts read them. The masterplan datasets are built from the portal's
selectors (:mod:`kotacerdas.portal.selectors`), so they publish exactly what
the pages show: the latest closed period's frozen statuses and figures; the
registry dataset holds only the suppressed aggregates of
:func:`kotacerdas.umkm.statistics.selectors.public_statistics`.

A new dataset is one ``DatasetSpec`` in ``DATASETS`` (its columns and a
builder ``(Source) -> Rows``); ``public_dataset`` adds the metadata.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.masterplan.selectors import Ratio, Scope
from kotacerdas.portal.selectors import (
    PublicPlan,
    PublishedSnapshot,
    public_action_plans,
    public_plan_for,
    public_programmes,
    published_snapshots,
)
from kotacerdas.regions.models import Region

FORMATS = ("csv", "json", "xlsx")


@dataclass(frozen=True)
class Column:
    name: str
    description: Any  # lazily translated text
    type: str = "string"


@dataclass(frozen=True)
class Source:
    """What a dataset is built from: the region and its public plan (None
    when the region has no enacted masterplan)."""

    region: Region
    plan: PublicPlan | None


@dataclass(frozen=True)
class Rows:
    """What a builder returns: the rows, and the period and date the data
    stands for (in the metadata), with any reference codes of its own."""

    rows: list[dict[str, Any]]
    period: str
    date: dt.date | None
    extra_codes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetSpec:
    slug: str
    title: Any
    description: Any
    columns: tuple[Column, ...]
    build: Callable[[Source], Rows]


@dataclass(frozen=True)
class Dataset:
    slug: str
    metadata: dict[str, Any]
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


# --- Row builders --------------------------------------------------------------------------


def _snapshot_columns(snapshot: PublishedSnapshot | None) -> dict[str, str]:
    """The period columns of a row that stands for the latest snapshot."""
    return {
        "periode": snapshot.period_label if snapshot else "",
        "tanggal_data": snapshot.date.isoformat() if snapshot else "",
    }


def _as_of(plan: PublicPlan) -> tuple[str, dt.date | None]:
    """The period and date of the plan's datasets: the latest snapshot's, or
    (before the first close) the masterplan's whole period without a date."""
    if plan.snapshot is None:
        return plan.header.period, None
    return plan.snapshot.period_label, plan.snapshot.date


def _programme_rows(source: Source) -> Rows:
    plan = source.plan
    if plan is None:
        return Rows([], "", None)
    rows = []
    snapshot_columns = _snapshot_columns(plan.snapshot)
    for p in public_programmes(masterplan=plan.masterplan, snapshot=plan.snapshot):
        running = (
            ""
            if p.running is None
            else ("dibatalkan" if not p.counted else "ya" if p.running else "tidak")
        )
        rows.append(
            {
                "kode_wilayah": source.region.code,
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
                **snapshot_columns,
            }
        )
    return Rows(rows, *_as_of(plan))


def _action_plan_rows(source: Source) -> Rows:
    plan = source.plan
    if plan is None:
        return Rows([], "", None)
    rows = []
    snapshot_columns = _snapshot_columns(plan.snapshot)
    for a in public_action_plans(masterplan=plan.masterplan, snapshot=plan.snapshot):
        rows.append(
            {
                "kode_wilayah": source.region.code,
                "kode": a.code,
                "kode_program": a.programme_code,
                "kegiatan": a.activity,
                "target": a.target,
                "tahun": a.year,
                "opd": a.agency,
                "status": a.status,
                **snapshot_columns,
            }
        )
    return Rows(rows, *_as_of(plan))


def _percent(ratio: Ratio) -> str:
    percent = ratio.percent
    return "" if percent is None else f"{percent:.2f}"


def _period_figure_rows(source: Source) -> Rows:
    """Every closed period, overall and per pillar it froze; the metadata's
    period spans them all, its date is the latest close."""
    plan = source.plan
    if plan is None or plan.snapshot is None:
        return Rows([], "", None)
    snapshots = published_snapshots(masterplan=plan.masterplan)
    period = f"{snapshots[0].period_label} – {snapshots[-1].period_label}" if snapshots else ""
    rows: list[dict[str, Any]] = []
    for snap in snapshots:
        scopes = [("overall", _("Keseluruhan"))] + [
            (p.code, p.name) for p in snap.frozen.figures.pillars
        ]
        for key, name in scopes:
            scope = Scope("overall") if key == "overall" else Scope("pillar", key)
            plans = snap.ratio("action_plans", scope) or Ratio(0, 0)
            progs = snap.ratio("programmes", scope) or Ratio(0, 0)
            rows.append(
                {
                    "kode_wilayah": source.region.code,
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
    return Rows(rows, period, plan.snapshot.date)


def _registry_rows(source: Source) -> Rows:
    """The registry as it stands today, small cells suppressed."""
    from kotacerdas.umkm.statistics.selectors import MIN_PUBLIC_COUNT, public_statistics

    stats = public_statistics(region=source.region)
    rows = [
        {
            "kode_wilayah": source.region.code,
            "tabel": breakdown.slug,
            "kode": cell.key,
            "uraian": cell.label,
            "kelompok": cell.group,
            "jumlah_usaha": cell.count,
            "persen": "" if cell.percent is None else f"{cell.percent:.2f}",
            "disembunyikan": "ya" if cell.suppressed else "tidak",
        }
        for breakdown in stats.breakdowns
        for cell in breakdown.cells
    ]
    return Rows(
        rows,
        _("Keadaan registri pada tanggal data"),
        timezone.localdate(timezone=source.region.tzinfo),
        {
            "kecamatan_kelurahan": _("kolom kode pada tabel kecamatan dan kelurahan"),
            "suppression": _("sel dengan kurang dari %(n)s usaha disembunyikan")
            % {"n": MIN_PUBLIC_COUNT},
            "total": stats.total,
        },
    )


# --- The datasets ----------------------------------------------------------------------------


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
            _programme_rows,
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
            _action_plan_rows,
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
            _period_figure_rows,
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
            _registry_rows,
        ),
    )
}


def licence() -> dict[str, str]:
    """The open data licence (CC BY 4.0 unless the operator set another)."""
    return dict(settings.KOTACERDAS_OPEN_DATA_LICENCE)


def _overdue_notice(snapshot: PublishedSnapshot | None) -> str | None:
    """What the portal pages say when the published period is older than the
    reporting schedule allows; None otherwise."""
    if snapshot is None or not snapshot.overdue:
        return None
    return _(
        "Data terakhir yang diterbitkan: %(period)s — lebih lama dari jadwal pelaporan "
        "(%(frequency)s). Periode sesudahnya belum ditutup dan diterbitkan."
    ) % {"period": snapshot.period_label, "frequency": snapshot.frequency_label}


def _metadata(spec: DatasetSpec, source: Source, built: Rows) -> dict[str, Any]:
    region = source.region
    snapshot = source.plan.snapshot if source.plan else None
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
            **built.extra_codes,
        },
        "masterplan": (
            None
            if source.plan is None
            else {"title": source.plan.header.title, "period": source.plan.header.period}
        ),
        "period": built.period,
        "date": built.date.isoformat() if built.date else None,
        "snapshot": None if snapshot is None else snapshot.pk,
        "rule_version": None if snapshot is None else snapshot.rule_version,
        "publication_overdue": None if snapshot is None else snapshot.overdue,
        "notice": _overdue_notice(snapshot),
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
    source = Source(region, public_plan_for(region=region))
    built = spec.build(source)
    return Dataset(
        slug=slug, metadata=_metadata(spec, source, built), columns=spec.columns, rows=built.rows
    )
