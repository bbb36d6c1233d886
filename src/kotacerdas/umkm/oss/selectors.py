"""Reads of the OSS-RBA NIB list import: the jobs a user may see, a job's
counts, and the rows waiting for a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.access import User
from kotacerdas.umkm.access import Action, registry_regions
from kotacerdas.umkm.oss.models import OssImport, OssRow

Outcome = OssRow.Outcome


def oss_jobs_for(user: User, action: Action = "change") -> QuerySet[OssImport]:
    return OssImport.objects.filter(region__in=registry_regions(user, action)).select_related(
        "region", "created_by"
    )


def oss_rows_for(user: User, action: Action = "change") -> QuerySet[OssRow]:
    return OssRow.objects.filter(job__region__in=registry_regions(user, action)).select_related(
        "job__region"
    )


@dataclass(frozen=True)
class CountLine:
    key: str
    label: Any
    help: Any
    value: int


@dataclass
class Summary:
    counts: list[CountLine]
    open_review: int
    open_conflicts: int
    open_unmatched: int
    decided: int
    rejected_rows: list[OssRow] = field(default_factory=list)
    warned_rows: list[OssRow] = field(default_factory=list)


COUNT_WORDS: tuple[tuple[str, Any, Any], ...] = (
    ("rows", _("Baris data di berkas"), _("Baris kosong tidak dihitung.")),
    ("matched_nib", _("Cocok: NIB sama"), _("Usaha terdaftar dengan NIB yang sama.")),
    (
        "matched_nik_name",
        _("Cocok: NIK dan nama"),
        _("NIK pemilik dan nama usaha sama; NIB/KBLI yang kosong dilengkapi."),
    ),
    (
        "matched_name_address",
        _("Cocok: nama dan alamat"),
        _("Nama sama dan alamat sangat mirip, tanpa calon lain yang sama kuat."),
    ),
    ("to_review", _("Perlu ditinjau"), _("Pasangan yang belum pasti; petugas memutuskan.")),
    (
        "conflicts",
        _("Konflik NIB"),
        _("Usaha yang cocok sudah ber-NIB lain; tidak ditimpa tanpa keputusan petugas."),
    ),
    ("unmatched", _("Tidak cocok"), _("Belum ada di registri; dapat didaftarkan dari sini.")),
    (
        "repeated",
        _("NIB berulang"),
        _("Baris lain untuk NIB yang sama (OSS mencantumkan satu baris per KBLI/proyek)."),
    ),
    ("rejected", _("Ditolak"), _("Baris yang tidak dapat dicocokkan; alasannya di bawah.")),
    ("filled", _("Usaha dilengkapi"), _("Usaha yang diberi NIB atau KBLI yang sebelumnya kosong.")),
)


def job_summary(job: OssImport) -> Summary:
    open_rows = (
        OssRow.objects.filter(job=job, decision="")
        .values("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    waiting = {item["outcome"]: item["n"] for item in open_rows}
    return Summary(
        counts=[
            CountLine(key, label, help_, getattr(job, key)) for key, label, help_ in COUNT_WORDS
        ],
        open_review=waiting.get(Outcome.REVIEW, 0),
        open_conflicts=waiting.get(Outcome.CONFLICT, 0),
        open_unmatched=waiting.get(Outcome.UNMATCHED, 0),
        decided=OssRow.objects.filter(job=job).exclude(decision="").count(),
        rejected_rows=list(OssRow.objects.filter(job=job, outcome=Outcome.REJECTED)[:500]),
        warned_rows=list(
            OssRow.objects.filter(job=job)
            .exclude(outcome=Outcome.REJECTED)
            .exclude(problems=[])
            .exclude(problems__isnull=True)[:500]
        ),
    )


def rows_waiting(job: OssImport, outcomes: tuple[str, ...]) -> QuerySet[OssRow]:
    """Rows with one of ``outcomes`` and no decision yet, in file order, with
    the proposed business."""
    return (
        OssRow.objects.filter(job=job, outcome__in=outcomes, decision="")
        .select_related("business")
        .order_by("row_number", "id")
    )


def rows_decided(job: OssImport) -> QuerySet[OssRow]:
    return (
        OssRow.objects.filter(job=job)
        .filter(~Q(decision=""))
        .select_related("business", "decided_by")
        .order_by("-decided_at", "-id")
    )
