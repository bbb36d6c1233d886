"""A region's yearly evaluation (DOMAIN.md §3) and its published result.

- ``EvaluationCycle``: one region's evaluation in one year and stage, with
  its schedule and its state (preparing → in assessment → scored →
  published; ``services.TRANSITIONS`` says which state may follow which,
  ``services.MOVERS`` who moves a cycle there).
- ``ResultRevision``: the published result, frozen. Publishing the cycle
  writes revision 1; a correction is a new revision, never an edit.

The smart city team of the region (Role.ADMIN) runs its region's cycles;
publishing is the ministry's (``evaluation/access.py``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import AppendOnlyModel
from kotacerdas.evaluation.instruments.models import YEAR_MAX, YEAR_MIN, Instrument


class EvaluationCycle(models.Model):
    class Stage(models.TextChoices):
        STAGE_1 = "tahap_1", _("Tahap I")
        STAGE_2 = "tahap_2", _("Tahap II")

    class State(models.TextChoices):
        PREPARING = "preparing", _("Persiapan")
        IN_ASSESSMENT = "in_assessment", _("Penilaian")
        SCORED = "scored", _("Sudah dinilai")
        PUBLISHED = "published", _("Diumumkan")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="evaluation_cycles",
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices)
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrumen"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    readiness_instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrumen kesiapan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readiness_cycles",
    )
    self_assessment_due = models.DateField(_("batas penilaian mandiri"), null=True, blank=True)
    interview_date = models.DateField(_("tanggal wawancara"), null=True, blank=True)
    evidence_deadline = models.DateField(_("batas bukti dukung"), null=True, blank=True)
    state = models.CharField(
        _("keadaan"), max_length=20, choices=State.choices, default=State.PREPARING
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("siklus evaluasi")
        verbose_name_plural = _("siklus evaluasi")
        ordering: ClassVar = ["-year", "-stage"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "year", "stage"],
                name="cycle_unique_per_stage",
                violation_error_message=_(
                    "Wilayah ini sudah punya siklus untuk tahun dan tahap ini."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="cycle_year_range",
                violation_error_message=_("Tahun harus antara 2000 dan 2100."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["tahap_1", "tahap_2"]),
                name="cycle_stage_known",
                violation_error_message=_("Tahap tidak dikenal."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["preparing", "in_assessment", "scored", "published"]),
                name="cycle_state_known",
                violation_error_message=_("Keadaan siklus tidak dikenal."),
            ),
            models.CheckConstraint(
                condition=Q(self_assessment_due__isnull=True)
                | Q(interview_date__isnull=True)
                | Q(self_assessment_due__lte=F("interview_date")),
                name="cycle_self_assessment_before_interview",
                violation_error_message=_(
                    "Batas penilaian mandiri harus sebelum atau sama dengan tanggal wawancara."
                ),
            ),
            models.CheckConstraint(
                condition=Q(interview_date__isnull=True)
                | Q(evidence_deadline__isnull=True)
                | Q(interview_date__lte=F("evidence_deadline")),
                name="cycle_interview_before_evidence_deadline",
                violation_error_message=_(
                    "Batas bukti dukung tidak boleh sebelum tanggal wawancara."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.year} · {self.get_stage_display()}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.instrument_id:
            instrument = self.instrument
            if instrument.kind != Instrument.Kind.EVALUATION:
                errors["instrument"] = _("Instrumen siklus harus instrumen evaluasi.")
            elif instrument.is_draft:
                errors["instrument"] = _("Instrumen yang masih draf belum boleh dipakai siklus.")
            elif instrument.year != self.year:
                errors["instrument"] = _("Instrumen harus untuk tahun yang sama dengan siklus.")
        if self.readiness_instrument_id:
            readiness = self.readiness_instrument
            assert readiness is not None
            if readiness.kind != Instrument.Kind.READINESS:
                errors["readiness_instrument"] = _("Instrumen ini bukan instrumen kesiapan.")
            elif readiness.is_draft:
                errors["readiness_instrument"] = _(
                    "Instrumen yang masih draf belum boleh dipakai siklus."
                )
        if errors:
            raise ValidationError(errors)


class ResultRevision(AppendOnlyModel):
    """A published result, frozen: the consolidated item scores, the computed
    result (dimension, pillar and index values, exact and shown), the notes
    and recommendations. Revision 1 is the publication; a correction is a new
    revision with its reason, and the older ones stay visible."""

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revisi ke"))
    published_at = models.DateTimeField(_("diumumkan pada"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diumumkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("alasan koreksi"), max_length=5000, blank=True)
    item_scores = models.JSONField(encoder=DjangoJSONEncoder)
    result = models.JSONField(encoder=DjangoJSONEncoder)
    notes = models.TextField(_("catatan asesor"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)

    class Meta:
        verbose_name = _("revisi hasil")
        verbose_name_plural = _("revisi hasil")
        ordering: ClassVar = ["cycle", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="result_revision_number_unique",
                violation_error_message=_("Revisi dengan nomor ini sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="result_revision_number_positive",
                violation_error_message=_("Nomor revisi dimulai dari 1."),
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""),
                name="result_revision_correction_reason",
                violation_error_message=_("Koreksi hasil wajib menyebutkan alasannya."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · r{self.number}"
