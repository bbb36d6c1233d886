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
