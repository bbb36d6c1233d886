"""The assessors' side of the evaluation (DOMAIN.md §3): ``Assignment`` (an
external assessor on one cycle, with the conflict-of-interest declaration
that must come before any score), ``AssessorScore`` (one per assessor and
item, with a justification), ``ConsolidatedScore`` (the lead assessor's score
per item, the one the index is computed from) and ``CycleSummary`` (notes and
recommendations for the report). Publishing freezes them in the cycle's
``ResultRevision`` (cycles/models.py)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.instruments.models import Item


class Assignment(models.Model):
    """An external assessor on one cycle. The assessor sees only the cycles
    of their assignments, and scores nothing before declaring whether they
    have a conflict of interest (and not at all when they have one)."""

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asesor"),
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
    )
    is_lead = models.BooleanField(_("asesor utama"), default=False)
    assigned_at = models.DateTimeField(_("ditugaskan pada"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conflict_declared_at = models.DateTimeField(
        _("pernyataan benturan kepentingan"), null=True, blank=True
    )
    has_conflict = models.BooleanField(_("ada benturan kepentingan"), null=True, blank=True)
    conflict_note = models.TextField(_("uraian benturan kepentingan"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("penugasan asesor")
        verbose_name_plural = _("penugasan asesor")
        ordering: ClassVar = ["cycle", "-is_lead", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cycle", "assessor"],
                name="assignment_once_per_cycle",
                violation_error_message=_("Asesor ini sudah ditugaskan pada siklus ini."),
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(is_lead=True),
                name="assignment_one_lead_per_cycle",
                violation_error_message=_("Siklus ini sudah punya asesor utama."),
            ),
            models.CheckConstraint(
                condition=Q(conflict_declared_at__isnull=True, has_conflict__isnull=True)
                | Q(conflict_declared_at__isnull=False, has_conflict__isnull=False),
                name="assignment_conflict_declared_whole",
                violation_error_message=_("Pernyataan benturan kepentingan belum lengkap."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.assessor}"

    @property
    def may_score(self) -> bool:
        return self.conflict_declared_at is not None and self.has_conflict is False


class AssessorScore(models.Model):
    """One assessor's score of one item, with the required justification."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(
        Item, verbose_name=_("butir"), on_delete=models.PROTECT, related_name="assessor_scores"
    )
    score = models.DecimalField(_("nilai"), max_digits=9, decimal_places=4)
    justification = models.TextField(_("alasan penilaian"), max_length=5000)
    scored_at = models.DateTimeField(_("dinilai pada"), default=timezone.now)

    class Meta:
        verbose_name = _("nilai asesor")
        verbose_name_plural = _("nilai asesor")
        ordering: ClassVar = ["assignment", "item__dimension__order", "item__order", "item_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assignment", "item"],
                name="assessor_score_once_per_item",
                violation_error_message=_("Asesor ini sudah menilai butir ini."),
            ),
            models.CheckConstraint(
                condition=~Q(justification=""),
                name="assessor_score_justified",
                violation_error_message=_("Alasan penilaian wajib diisi."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0),
                name="assessor_score_not_negative",
                violation_error_message=_("Nilai tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.item.code}: {self.score}"


class ConsolidatedScore(models.Model):
    """The lead assessor's consolidated score of one item: the score the
    index is computed from."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="consolidated_scores"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("butir"), on_delete=models.PROTECT, related_name="consolidated_scores"
    )
    score = models.DecimalField(_("nilai konsolidasi"), max_digits=9, decimal_places=4)
    note = models.TextField(_("catatan konsolidasi"), max_length=5000, blank=True)
    set_at = models.DateTimeField(_("ditetapkan pada"), default=timezone.now)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditetapkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("nilai konsolidasi")
        verbose_name_plural = _("nilai konsolidasi")
        ordering: ClassVar = ["cycle", "item__dimension__order", "item__order", "item_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cycle", "item"],
                name="consolidated_once_per_item",
                violation_error_message=_("Butir ini sudah punya nilai konsolidasi."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0),
                name="consolidated_not_negative",
                violation_error_message=_("Nilai tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.item.code}: {self.score}"


class CycleSummary(models.Model):
    """The assessors' notes and recommendations for the report, drafted by the
    lead assessor until the cycle is published (then frozen in the revision)."""

    cycle = models.OneToOneField(EvaluationCycle, on_delete=models.CASCADE, related_name="summary")
    notes = models.TextField(_("catatan asesor"), max_length=20000, blank=True)
    recommendations = models.TextField(_("rekomendasi"), max_length=20000, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ringkasan penilaian")
        verbose_name_plural = _("ringkasan penilaian")

    def __str__(self) -> str:
        return str(self.cycle)
