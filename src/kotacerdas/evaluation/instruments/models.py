"""The evaluation's instrument as data (DOMAIN.md §3).

- ``Instrument``: one version of the questionnaire of one year and one kind
  (the evaluation itself, or the optional readiness instrument). Only a draft
  is edited in place; an active or retired version is frozen, and changing it
  means a new draft version (``services.instrument_new_version``). A cycle
  may only use an active version and keeps pointing at it after a newer
  version is activated, so a cycle is always scored with the exact version it
  was opened with. Triggers (migrations/0002_frozen_versions) back this up
  in the database for every write path.
- ``Dimension``: the weighted parts of an instrument (the five evaluation
  dimensions, or struktur/infrastruktur/suprastruktur for readiness). The
  weights must sum to exactly 100; that spans rows, so the services check it
  (``services.instrument_problems``) before a version can be activated.
- ``Item``: one question, in one dimension and optionally one pillar.

Instruments are national (per year), not per region: the ministry's operator
(a superuser) edits and activates them; the smart city team of a region
(Role.ADMIN) reads them (``evaluation/access.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.masterplan.pillars import PILLARS

YEAR_MIN, YEAR_MAX = 2000, 2100


class Instrument(models.Model):
    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Evaluasi smart city")
        READINESS = "readiness", _("Kesiapan daerah")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        ACTIVE = "active", _("Aktif")
        RETIRED = "retired", _("Tidak dipakai lagi")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Rata-rata butir")
        WEIGHTED_MEAN = "weighted_mean", _("Rata-rata berbobot butir")

    kind = models.CharField(
        _("jenis"), max_length=20, choices=Kind.choices, default=Kind.EVALUATION
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    name = models.CharField(_("nama"), max_length=200)
    state = models.CharField(_("keadaan"), max_length=20, choices=State.choices, default="draft")
    scale_min = models.DecimalField(
        _("nilai terendah"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    scale_max = models.DecimalField(
        _("nilai tertinggi"), max_digits=5, decimal_places=2, default=Decimal(4)
    )
    scale_places = models.PositiveSmallIntegerField(
        _("angka di belakang koma"), default=2, validators=[MaxValueValidator(4)]
    )
    aggregation = models.CharField(
        _("cara menggabungkan nilai butir"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("salinan dari"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("instrumen evaluasi")
        verbose_name_plural = _("instrumen evaluasi")
        ordering: ClassVar = ["-year", "kind", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "year", "version"],
                name="instrument_version_unique",
                violation_error_message=_("Versi ini sudah ada untuk jenis dan tahun tersebut."),
            ),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=Q(state="active"),
                name="instrument_one_active_per_year",
                violation_error_message=_(
                    "Sudah ada instrumen aktif untuk jenis dan tahun ini; "
                    "hanya satu versi yang boleh aktif."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="instrument_year_range",
                violation_error_message=_("Tahun harus antara 2000 dan 2100."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="instrument_version_positive",
                violation_error_message=_("Nomor versi dimulai dari 1."),
            ),
            models.CheckConstraint(
                condition=Q(scale_min__gte=0, scale_max__gt=F("scale_min")),
                name="instrument_scale_order",
                violation_error_message=_(
                    "Nilai terendah skala tidak boleh negatif dan harus lebih kecil "
                    "dari nilai tertinggi."
                ),
            ),
            models.CheckConstraint(
                condition=Q(scale_places__lte=4),
                name="instrument_scale_places",
                violation_error_message=_("Paling banyak 4 angka di belakang koma."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["evaluation", "readiness"]),
                name="instrument_kind_known",
                violation_error_message=_("Jenis instrumen tidak dikenal."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "active", "retired"]),
                name="instrument_state_known",
                violation_error_message=_("Keadaan instrumen tidak dikenal."),
            ),
            models.CheckConstraint(
                condition=Q(aggregation__in=["mean", "weighted_mean"]),
                name="instrument_aggregation_known",
                violation_error_message=_("Cara menggabungkan nilai butir tidak dikenal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


# Dimension codes per kind, in order. The evaluation's five are those of
# the index (instruments/selectors.py); readiness has the three of DOMAIN.md §1.
EVALUATION_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("baseline", "Baseline"),
    ("output", "Output"),
    ("outcome", "Outcome"),
    ("impact", "Impact (Dampak)"),
    ("quick_win", "Quick Win"),
)
READINESS_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("struktur", "Struktur"),
    ("infrastruktur", "Infrastruktur"),
    ("suprastruktur", "Suprastruktur"),
)
DIMENSION_CODES_BY_KIND: dict[str, tuple[str, ...]] = {
    Instrument.Kind.EVALUATION: tuple(code for code, _n in EVALUATION_DIMENSIONS),
    Instrument.Kind.READINESS: tuple(code for code, _n in READINESS_DIMENSIONS),
}
PILLAR_CHOICES = [(p.code, p.name) for p in PILLARS]


class Dimension(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(
        _("kode"),
        max_length=20,
        choices=[*EVALUATION_DIMENSIONS, *READINESS_DIMENSIONS],
    )
    name = models.CharField(_("nama"), max_length=100)
    weight = models.DecimalField(
        _("bobot (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("dimensi")
        verbose_name_plural = _("dimensi")
        ordering: ClassVar = ["instrument", "order", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["instrument", "code"],
                name="dimension_code_unique",
                violation_error_message=_("Dimensi ini sudah ada di instrumen."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="dimension_weight_range",
                violation_error_message=_("Bobot dimensi harus antara 0 dan 100%%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Item(models.Model):
    # Denormalised from the dimension so that item codes can be unique per
    # instrument in the database; clean() keeps the two in step.
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimensi"), on_delete=models.CASCADE, related_name="items"
    )
    pillar = models.CharField(_("pilar"), max_length=20, choices=PILLAR_CHOICES, blank=True)
    code = models.CharField(_("kode butir"), max_length=20)
    question = models.TextField(_("pertanyaan"), max_length=2000)
    evidence = models.TextField(_("bukti dukung yang diharapkan"), max_length=2000, blank=True)
    weight = models.DecimalField(
        _("bobot butir"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        help_text=_("Dipakai hanya bila nilai butir digabung dengan rata-rata berbobot."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("butir")
        verbose_name_plural = _("butir")
        ordering: ClassVar = ["dimension__order", "order", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["instrument", "code"],
                name="item_code_unique",
                violation_error_message=_("Kode butir ini sudah dipakai di instrumen ini."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="item_weight_positive",
                violation_error_message=_("Bobot butir harus lebih dari 0."),
            ),
            models.CheckConstraint(
                condition=~Q(code=""),
                name="item_code_required",
                violation_error_message=_("Kode butir wajib diisi."),
            ),
            models.CheckConstraint(
                condition=~Q(question=""),
                name="item_question_required",
                violation_error_message=_("Pertanyaan butir wajib diisi."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.question[:60]}"

    def clean(self) -> None:
        if (
            self.dimension_id
            and self.instrument_id
            and self.dimension.instrument_id != self.instrument_id
        ):
            raise ValidationError({"dimension": _("Dimensi ini bukan dari instrumen butir.")})
