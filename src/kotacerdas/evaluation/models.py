"""The evaluation's instrument as data, and the yearly cycles (DOMAIN.md §3).

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
- ``EvaluationCycle``: one region's evaluation in one year and stage.

Instruments are national (per year), not per region: the ministry's operator
(a superuser) edits and activates them; the smart city team of a region
(Role.ADMIN) reads them and runs its region's cycles (``access.py``).
"""

from __future__ import annotations

from decimal import Decimal
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
# kotacerdas.evaluation.index; readiness has the three of DOMAIN.md §1.
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
                violation_error_message=_("Bobot dimensi harus antara 0 dan 100%."),
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


# --- The assessment: the region's answers, the assessors' scores, the result ---
#
# Region side: ``Answer`` (one per cycle and item: the team's answer and
# claimed score, optionally delegated to an agency) with ``AnswerEvidence``
# (a new upload, a link, or evidence of a verified progress report already in
# the system), ``Application`` (the region's application inventory) and the
# answers to ``EvidenceRequest``s.
# Assessor side: ``Assignment`` (an external assessor on one cycle, with the
# conflict-of-interest declaration that must come before any score),
# ``AssessorScore`` (one per assessor and item, with a justification),
# ``ConsolidatedScore`` (the lead assessor's score per item), ``CycleSummary``
# (notes and recommendations for the report) and ``ResultRevision``: the
# published result, frozen; a correction is a new revision, never an edit.


class Application(models.Model):
    """One application (aplikasi) of the region, kept across cycles."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        DEVELOPMENT = "development", _("Dalam pengembangan")
        LIVE = "live", _("Berjalan")
        RETIRED = "retired", _("Dihentikan")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    name = models.CharField(_("nama aplikasi"), max_length=200)
    agency = models.ForeignKey(
        "masterplan.Agency",
        verbose_name=_("perangkat daerah pengelola"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    pillar = models.CharField(_("pilar"), max_length=20, choices=PILLAR_CHOICES, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LIVE
    )
    url = models.URLField(_("alamat (URL)"), max_length=500, blank=True)
    description = models.TextField(_("keterangan"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("aplikasi")
        verbose_name_plural = _("aplikasi")
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="application_name_unique",
                violation_error_message=_("Aplikasi dengan nama ini sudah terdaftar."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="application_name_required",
                violation_error_message=_("Nama aplikasi wajib diisi."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "development", "live", "retired"]),
                name="application_status_known",
                violation_error_message=_("Status aplikasi tidak dikenal."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """The region's self-assessment of one item in one cycle."""

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        Item, verbose_name=_("butir"), on_delete=models.PROTECT, related_name="answers"
    )
    agency = models.ForeignKey(
        "masterplan.Agency",
        verbose_name=_("perangkat daerah yang diminta mengisi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_answers",
    )
    text = models.TextField(_("jawaban"), max_length=10000, blank=True)
    claimed_score = models.DecimalField(
        _("nilai yang diajukan"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("diperbarui"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("jawaban penilaian mandiri")
        verbose_name_plural = _("jawaban penilaian mandiri")
        ordering: ClassVar = ["cycle", "item__dimension__order", "item__order", "item_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cycle", "item"],
                name="answer_one_per_item",
                violation_error_message=_("Butir ini sudah punya jawaban di siklus ini."),
            ),
            models.CheckConstraint(
                condition=Q(claimed_score__isnull=True) | Q(claimed_score__gte=0),
                name="answer_claimed_score_not_negative",
                violation_error_message=_("Nilai tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.item.code}"


class AnswerEvidence(models.Model):
    """Evidence for one answer: a new upload (private storage), a link, or
    the evidence of a verified progress report that is already in the system."""

    class Kind(models.TextChoices):
        FILE = "file", _("Berkas")
        LINK = "link", _("Tautan")
        PROGRESS = "progress", _("Bukti laporan kemajuan")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    progress_evidence = models.ForeignKey(
        "monitoring.Evidence",
        verbose_name=_("bukti laporan kemajuan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_uses",
    )
    caption = models.CharField(_("keterangan"), max_length=300, blank=True)
    added_at = models.DateTimeField(_("ditambahkan"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering: ClassVar = ["added_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(kind="file", progress_evidence__isnull=True) & ~Q(file_name="")
                    | Q(kind="link", progress_evidence__isnull=True) & ~Q(url="")
                    | Q(kind="progress", progress_evidence__isnull=False)
                ),
                name="answer_evidence_kind_matches",
                violation_error_message=_(
                    "Bukti berupa berkas, tautan, atau bukti laporan kemajuan yang sudah ada."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url or self.caption or str(self.pk)


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


class EvidenceRequest(models.Model):
    """An assessor's request for more evidence on one item, with a deadline;
    the region answers in the system."""

    class State(models.TextChoices):
        OPEN = "open", _("Menunggu jawaban")
        ANSWERED = "answered", _("Sudah dijawab")
        CLOSED = "closed", _("Ditutup")

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="evidence_requests"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("butir"), on_delete=models.PROTECT, related_name="evidence_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("bukti yang diminta"), max_length=3000)
    due_on = models.DateField(_("batas waktu"))
    state = models.CharField(_("keadaan"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    response = models.TextField(_("jawaban wilayah"), max_length=5000, blank=True)
    responded_at = models.DateTimeField(_("dijawab pada"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("permintaan bukti tambahan")
        verbose_name_plural = _("permintaan bukti tambahan")
        ordering: ClassVar = ["due_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(message=""),
                name="evidence_request_message_required",
                violation_error_message=_("Uraikan bukti yang diminta."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "answered", "closed"]),
                name="evidence_request_state_known",
                violation_error_message=_("Keadaan permintaan tidak dikenal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.item.code} · {self.due_on}"


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
