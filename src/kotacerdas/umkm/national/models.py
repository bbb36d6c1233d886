"""The region's yearly SIINas target: how many IKM the ministry of industry
expects the kab/kota to register in SIINas in a year."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SiinasTarget(models.Model):
    """One region's target of IKM registered in one year (Kemenperin sets it
    per kab/kota; the region admin enters it here, audited)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    target = models.PositiveIntegerField(
        _("target IKM terdaftar"), validators=[MaxValueValidator(10_000_000)]
    )

    class Meta:
        verbose_name = _("target SIINas")
        verbose_name_plural = _("target SIINas")
        ordering: ClassVar = ["region", "-year"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="umkm_siinas_target_once_per_year",
                violation_error_message=_("Target SIINas tahun ini sudah ada; ubah yang ada."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.target}"
