"""The record of processing of personal data (UU 27/2022)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import AppendOnlyModel


class PersonalDataAccess(AppendOnlyModel):
    """The record of processing (UU 27/2022): who revealed, exported,
    reported on or anonymised whose personal data, when (UTC) and why."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("membuka data pribadi")
        EXPORT = "export", _("mengekspor data pribadi")
        SUBJECT_REPORT = "subject_report", _("laporan data untuk pemilik data")
        ANONYMISE = "anonymise", _("menganonimkan")
        IMPORT = "import", _("mengimpor data pribadi")

    occurred_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("pelaku (teks)"), max_length=150)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    purpose = models.CharField(_("tujuan"), max_length=500)
    fields = models.JSONField(_("data"), default=list)
    business_ids = models.JSONField(_("usaha"), default=list)
    record_count = models.PositiveIntegerField(_("jumlah data"), default=0)

    class Meta:
        verbose_name = _("akses data pribadi")
        verbose_name_plural = _("catatan pemrosesan data pribadi")
        ordering: ClassVar = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class ExportJob(models.Model):
    """One export of the registry's (filtered) list, made by the worker in
    the background and kept as a private file until it expires (issue 14:
    an export inside a web request held the write lock and a web worker for
    minutes). ``purpose`` is stored masked, as on the record of processing."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Siap diunduh")
        FAILED = "failed", _("Gagal")
        EXPIRED = "expired", _("Kedaluwarsa")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Layout(models.TextChoices):
        REGISTRY = "registry", _("Daftar usaha registri")
        SIDT_KUMKM = "sidt_kumkm", _("SIDT-KUMKM (basis data tunggal KemenKopUKM)")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("diminta"), default=timezone.now)
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.CSV)
    layout = models.CharField(
        _("susunan"), max_length=12, choices=Layout.choices, default=Layout.REGISTRY
    )
    # A changes-only export: the businesses created, changed or merged since.
    since = models.DateTimeField(_("perubahan sejak"), null=True, blank=True)
    personal = models.BooleanField(_("dengan data pribadi"), default=False)
    purpose = models.CharField(_("tujuan"), max_length=500, blank=True)
    filters = models.JSONField(_("saringan"), default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("baris ditulis"), default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    stored_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True, db_index=True)
    # The record of processing written when the file was made (personal data):
    # every download is recorded again with its businesses.
    access = models.ForeignKey(
        PersonalDataAccess, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ekspor UMKM")
        verbose_name_plural = _("ekspor UMKM")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(personal=False) | ~models.Q(purpose=""),
                name="umkm_export_personal_needs_purpose",
                violation_error_message=_("Ekspor data pribadi memerlukan tujuan."),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.fmt} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def filename(self) -> str:
        """The name the download gets: kind, region, local time of the request."""
        stamp = timezone.localtime(self.created_at, self.region.tzinfo).strftime("%Y%m%d-%H%M")
        if self.layout == self.Layout.SIDT_KUMKM:
            kind = "sidt-kumkm"
            if self.since is not None:
                since = timezone.localtime(self.since, self.region.tzinfo).strftime("%Y%m%d")
                kind = f"sidt-kumkm-perubahan-{since}"
        else:
            kind = "data-pribadi" if self.personal else "umkm"
        return f"{kind}-{self.region.code}-{stamp}.{self.fmt}"
