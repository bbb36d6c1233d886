"""The survey imports of the registry: one job per uploaded file, and the
column mappings remembered per region and header."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FilesRemoved(models.TextChoices):
    EXPIRED = "expired", _("masa simpan berkas habis")
    FAILED = "failed", _("impor gagal")
    ANONYMISED = "anonymised", _("data pribadi di dalamnya dianonimkan")


class ImportJob(models.Model):
    """One survey spreadsheet imported into a region's registry."""

    class State(models.TextChoices):
        MAPPING = "mapping", _("Menunggu pemetaan kolom")
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
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    sheet = models.CharField(_("lembar"), max_length=120, blank=True)
    header_row = models.PositiveIntegerField(_("baris judul kolom"), null=True, blank=True)
    mapping = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.MAPPING
    )
    task_id = models.CharField(max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(_("perkiraan jumlah baris"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("baris diproses"), default=0)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    imported = models.PositiveIntegerField(_("diimpor"), default=0)
    matched_existing = models.PositiveIntegerField(_("sudah terdaftar"), default=0)
    duplicates_in_file = models.PositiveIntegerField(_("ganda dalam berkas"), default=0)
    rejected = models.PositiveIntegerField(_("ditolak"), default=0)
    report_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set while the import writes its rows (in short transactions) and when
    # it failed before publishing them: readers do not see the job's rows
    # (registry.models.VisibleBusinessManager). Cleared in the transaction
    # that records the import, which publishes every row at once.
    staging = models.BooleanField(default=False, editable=False)
    # The uploaded file and the rejection report hold personal data: they
    # are deleted when they expire, at once for a failed job, and when a
    # person in them is anonymised (services.import_files_remove).
    files_removed_at = models.DateTimeField(_("berkas dihapus"), null=True, blank=True)
    files_removed_reason = models.CharField(
        _("alasan berkas dihapus"), max_length=12, choices=FilesRemoved.choices, blank=True
    )
    # Set while this QUEUED job waits for another import of its region to
    # publish or fail (two imports of one region never run at once:
    # services._claim); the page says which one.
    waiting_for = models.ForeignKey(
        "self",
        verbose_name=_("menunggu impor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Rows of this job (still staging) that gave way to a business saved by
    # hand with the same NIB while the job ran: counted as already
    # registered when the job publishes (docs/decisions.md).
    displaced = models.PositiveIntegerField(_("didahului entri manual"), default=0)

    class Meta:
        verbose_name = _("impor UMKM")
        verbose_name_plural = _("impor UMKM")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class ColumnMapping(models.Model):
    """A column mapping remembered for spreadsheets whose header looks the same
    (same normalised column names), per region."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pemetaan kolom tersimpan")
        verbose_name_plural = _("pemetaan kolom tersimpan")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "signature"], name="umkm_mapping_once_per_header"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.signature[:8]}"


# --- Mappings as stored (JSON keys are text) ------------------------------------------------


def mapping_to_json(mapping: Mapping[int, str]) -> dict[str, str]:
    return {str(index): field for index, field in sorted(mapping.items())}


def mapping_from_json(data: Mapping[str, Any] | None) -> dict[int, str]:
    result: dict[int, str] = {}
    for key, field in (data or {}).items():
        with contextlib.suppress(TypeError, ValueError):
            result[int(key)] = str(field)
    return result
