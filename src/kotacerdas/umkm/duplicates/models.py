"""Duplicate candidates of the registry and the merges that resolved them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.umkm.registry.models import Business


class DuplicateCandidate(models.Model):
    """Two businesses that may be one, waiting for an officer's decision."""

    class Kind(models.TextChoices):
        NIK_NAME = "nik_name", _("NIK dan nama usaha sama")
        NIB = "nib", _("NIB sama")
        PHONE = "phone", _("Nomor telepon sama")
        NAME = "name", _("Nama sama, beda penulisan")
        FUZZY = "fuzzy", _("Nama dan alamat mirip")

    class State(models.TextChoices):
        OPEN = "open", _("Menunggu keputusan")
        MERGED = "merged", _("Digabung")
        DISTINCT = "distinct", _("Dinyatakan berbeda")

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("dasar"), max_length=10, choices=Kind.choices)
    score = models.PositiveSmallIntegerField(
        _("kemiripan"), validators=[MaxValueValidator(100)], default=100
    )
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calon duplikat")
        verbose_name_plural = _("calon duplikat")
        ordering: ClassVar = ["-score", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["first", "second"], name="umkm_candidate_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")),
                name="umkm_candidate_pair_ordered",
                violation_error_message=_("Pasangan calon duplikat harus berurutan."),
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["region", "state"], name="umkm_candidate_state")]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.kind}, {self.score})"


class BusinessMerge(models.Model):
    """``merged`` was folded into ``survivor``; undoing restores both as they
    were (``survivor_before`` holds the survivor's fields before the merge)."""

    survivor = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survivor_before = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("penggabungan usaha")
        verbose_name_plural = _("penggabungan usaha")
        ordering: ClassVar = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
