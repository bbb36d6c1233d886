"""The region's side of the evaluation (DOMAIN.md §3): ``Answer`` (one per
cycle and item: the team's answer and claimed score, optionally delegated to
an agency) with ``AnswerEvidence`` (a new upload, a link, or evidence of a
verified progress report already in the system), the assessors'
``EvidenceRequest``s the region answers, and ``Application`` (the region's
application inventory)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.instruments.models import PILLAR_CHOICES, Item


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
