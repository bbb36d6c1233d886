"""An OSS-RBA NIB list imported into a region's registry (``OssImport``) and
each of its data rows with the outcome of matching (``OssRow``).

An ``OssRow`` keeps what the review needs: the OSS name, NIB and KBLI, and,
until the row is decided, the owner's NIK and the business address (personal
data, UU 27/2022: shown masked, cleared once the row is decided or matched
with certainty; docs/decisions.md, "OSS-RBA NIB list").
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.umkm import identifiers


class OssImport(models.Model):
    """One NIB list (CSV/XLSX) downloaded from OSS-RBA and matched."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    filename = models.CharField(_("nama berkas"), max_length=255)
    stored_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    rows = models.PositiveIntegerField(_("baris"), default=0)
    matched_nib = models.PositiveIntegerField(_("cocok NIB"), default=0)
    matched_nik_name = models.PositiveIntegerField(_("cocok NIK + nama"), default=0)
    matched_name_address = models.PositiveIntegerField(_("cocok nama + alamat"), default=0)
    to_review = models.PositiveIntegerField(_("perlu ditinjau"), default=0)
    conflicts = models.PositiveIntegerField(_("konflik"), default=0)
    unmatched = models.PositiveIntegerField(_("tidak cocok"), default=0)
    repeated = models.PositiveIntegerField(_("NIB berulang"), default=0)
    rejected = models.PositiveIntegerField(_("ditolak"), default=0)
    filled = models.PositiveIntegerField(_("usaha dilengkapi"), default=0)
    error = models.TextField(_("kesalahan"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("impor daftar NIB OSS")
        verbose_name_plural = _("impor daftar NIB OSS")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"OSS {self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class OssRow(models.Model):
    """One data row of the list and what matching made of it."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Cocok")
        REVIEW = "review", _("Perlu ditinjau")
        CONFLICT = "conflict", _("Konflik NIB")
        UNMATCHED = "unmatched", _("Tidak cocok")
        REPEATED = "repeated", _("NIB berulang")
        REJECTED = "rejected", _("Ditolak")

    class Rule(models.TextChoices):
        NIB = "nib", _("NIB sama")
        NIK_NAME = "nik_name", _("NIK dan nama")
        NAME_ADDRESS = "name_address", _("Nama dan alamat")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Diterima")
        REJECTED = "rejected", _("Ditolak")
        REGISTERED = "registered", _("Didaftarkan baru")

    job = models.ForeignKey(OssImport, on_delete=models.CASCADE, related_name="entries")
    row_number = models.PositiveIntegerField(_("baris"))
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    name = models.CharField(_("nama usaha"), max_length=200, blank=True)
    kbli_code = models.CharField(_("kode KBLI"), max_length=5, blank=True)
    kbli_title = models.CharField(_("judul KBLI"), max_length=300, blank=True)
    scale = models.CharField(_("skala usaha"), max_length=40, blank=True)
    risk = models.CharField(_("tingkat risiko"), max_length=40, blank=True)
    kelurahan_code = models.CharField(_("kelurahan/desa"), max_length=13, blank=True)
    kelurahan_text = models.CharField(_("kelurahan (berkas)"), max_length=120, blank=True)
    # Personal data: cleared when the row is decided or matched with certainty.
    owner_nik = models.CharField(_("NIK"), max_length=16, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices)
    rule = models.CharField(_("aturan"), max_length=12, choices=Rule.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("skor"), null=True, blank=True)
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("usaha"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    problems = models.JSONField(_("masalah"), default=list, blank=True)
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("baris daftar NIB OSS")
        verbose_name_plural = _("baris daftar NIB OSS")
        ordering: ClassVar = ["job", "row_number"]
        indexes: ClassVar = [
            models.Index(fields=["job", "outcome", "decision"], name="umkm_oss_row_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (NIB {self.nib})"

    @property
    def masked_nik(self) -> str:
        return identifiers.mask_nik(self.owner_nik)

    @property
    def open(self) -> bool:
        """Waiting for an officer's decision."""
        return not self.decision and self.outcome in (
            self.Outcome.REVIEW,
            self.Outcome.CONFLICT,
            self.Outcome.UNMATCHED,
        )
