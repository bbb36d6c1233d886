"""The monitoring cycle: reporting periods, progress reports with evidence,
and the frozen figures of closed periods."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.masterplan.models import ActionPlanStatus
from kotacerdas.masterplan.models import ReportingFrequency as Frequency

PERIODS_PER_YEAR = {Frequency.QUARTERLY: 4, Frequency.SEMESTER: 2, Frequency.YEARLY: 1}


class ReportingPeriod(models.Model):
    """One reporting period of a masterplan (e.g. Triwulan III 2024).

    planned → open (agencies report) → closed (figures frozen in a snapshot).
    """

    class State(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")

    masterplan = models.ForeignKey(
        "masterplan.Masterplan", on_delete=models.PROTECT, related_name="reporting_periods"
    )
    frequency = models.CharField(_("frekuensi"), max_length=10, choices=Frequency.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    number = models.PositiveSmallIntegerField(_("nomor periode"))
    starts_on = models.DateField(_("awal periode"))
    ends_on = models.DateField(_("akhir periode"))
    opens_on = models.DateField(_("pelaporan dibuka"))
    due_on = models.DateField(_("batas laporan"))
    state = models.CharField(
        _("keadaan"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    # Why the team closed before the reporting deadline (required then;
    # empty for a close on or after the deadline). Also in the audit event.
    close_reason = models.TextField(_("alasan menutup sebelum batas laporan"), blank=True)

    class Meta:
        verbose_name = _("periode pelaporan")
        verbose_name_plural = _("periode pelaporan")
        ordering: ClassVar = ["masterplan", "year", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["masterplan", "year", "number"],
                name="period_unique_number",
                violation_error_message=_("Periode ini sudah ada untuk masterplan tersebut."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="period_dates_ordered",
                violation_error_message=_("Akhir periode tidak boleh sebelum awal periode."),
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on")),
                name="period_due_after_open",
                violation_error_message=_("Batas laporan tidak boleh sebelum pelaporan dibuka."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=4),
                name="period_number_range",
                violation_error_message=_("Nomor periode harus 1 sampai 4."),
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False)
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="period_closed_has_time",
                violation_error_message=_("Periode tertutup wajib mencatat waktu penutupan."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.frequency == Frequency.YEARLY:
            return str(_("Tahun %(year)s") % {"year": self.year})
        roman = ("I", "II", "III", "IV")[self.number - 1]
        if self.frequency == Frequency.SEMESTER:
            return str(_("Semester %(n)s %(year)s") % {"n": roman, "year": self.year})
        return str(_("Triwulan %(n)s %(year)s") % {"n": roman, "year": self.year})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class ProgressReport(models.Model):
    """An agency's report on one action plan for one period.

    draft → submitted → verified, or returned (with a reason) → submitted
    again. Only verification changes the action plan's official status.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        VERIFIED = "verified", _("Terverifikasi")
        RETURNED = "returned", _("Dikembalikan")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    action_plan = models.ForeignKey(
        "masterplan.ActionPlan", on_delete=models.PROTECT, related_name="progress_reports"
    )
    state = models.CharField(
        _("keadaan"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    status = models.CharField(
        _("status rencana aksi"), max_length=15, choices=ActionPlanStatus.choices
    )
    physical_progress = models.DecimalField(
        _("progres fisik (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    budget_ceiling = models.DecimalField(
        _("pagu anggaran (Rp)"),
        max_digits=18,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_realisation = models.DecimalField(
        _("realisasi anggaran (Rp)"),
        max_digits=18,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    output_achieved = models.TextField(_("keluaran yang dicapai"), blank=True)
    narrative = models.TextField(_("uraian"), blank=True)
    return_reason = models.TextField(_("alasan pengembalian"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("laporan kemajuan")
        verbose_name_plural = _("laporan kemajuan")
        ordering: ClassVar = ["period", "action_plan__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["period", "action_plan"],
                name="report_one_per_plan_and_period",
                violation_error_message=_("Rencana aksi ini sudah punya laporan pada periode ini."),
            ),
            models.CheckConstraint(
                condition=Q(physical_progress__gte=0, physical_progress__lte=100),
                name="report_progress_range",
                violation_error_message=_("Progres fisik harus antara 0 dan 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(budget_ceiling__gte=0, budget_realisation__gte=0),
                name="report_budget_not_negative",
                violation_error_message=_("Pagu dan realisasi anggaran tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(budget_realisation__lte=F("budget_ceiling")),
                name="report_realisation_within_ceiling",
                violation_error_message=_("Realisasi anggaran tidak boleh melebihi pagu."),
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="report_returned_has_reason",
                violation_error_message=_("Laporan yang dikembalikan wajib disertai alasan."),
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["period", "state"])]

    def __str__(self) -> str:
        return f"{self.action_plan.code} · {self.period}"

    @property
    def editable_by_agency(self) -> bool:
        return self.state in EDITABLE_REPORT_STATES and self.period.is_open


# The states in which the agency may still change a report and its evidence.
EDITABLE_REPORT_STATES = frozenset({ProgressReport.State.DRAFT, ProgressReport.State.RETURNED})


class Evidence(models.Model):
    """A piece of evidence (bukti dukung) for a report: a document or photo
    kept in private storage, or a link."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Dokumen")
        PHOTO = "photo", _("Foto")
        LINK = "link", _("Tautan")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    caption = models.CharField(_("keterangan"), max_length=300, blank=True)
    is_public = models.BooleanField(_("boleh tampil di portal publik"), default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering: ClassVar = ["uploaded_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="") & Q(file_name=""))
                | (~Q(kind="link") & Q(url="") & ~Q(file_name="")),
                name="evidence_file_or_link",
                violation_error_message=_("Bukti berupa tautan atau berkas, tidak keduanya."),
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.original_name or self.url


class PeriodSnapshot(models.Model):
    """Every figure of a masterplan frozen when its period closed, with the
    counting rule version that produced it. Never rewritten.

    The JSON columns are written and read only through
    :class:`kotacerdas.monitoring.snapshots.Frozen` (``Frozen.of(snapshot)``);
    ``layout`` says which shape they were written in."""

    period = models.OneToOneField(
        ReportingPeriod, on_delete=models.PROTECT, related_name="snapshot"
    )
    layout = models.PositiveSmallIntegerField(
        _("versi susunan data"),
        help_text=_("Susunan data beku yang ditulis saat periode ditutup."),
    )
    rule_version = models.CharField(_("versi aturan hitung"), max_length=20)
    taken_at = models.DateTimeField(_("diambil pada"))
    figures = models.JSONField(encoder=DjangoJSONEncoder)
    plan_statuses = models.JSONField(encoder=DjangoJSONEncoder)
    # What the public sees besides the figures (layout 2 on); null in layout 1.
    published = models.JSONField(encoder=DjangoJSONEncoder, null=True, blank=True)

    class Meta:
        verbose_name = _("potret periode")
        verbose_name_plural = _("potret periode")

    def __str__(self) -> str:
        return f"{self.period} ({self.taken_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A period snapshot is never rewritten.")
        super().save(*args, **kwargs)


class ReminderLog(models.Model):
    """One reminder e-mail that was sent: to whom, about which agency's missing
    reports in which period, and on which day. Written only after the mail
    server accepted the message; the unique constraint is what keeps a second
    run on the same day from sending the same reminder again."""

    class Kind(models.TextChoices):
        REMINDER = "pengingat", _("Pengingat")
        ESCALATION = "eskalasi", _("Eskalasi")

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reminder_logs"
    )
    agency = models.ForeignKey(
        "masterplan.Agency",
        verbose_name=_("perangkat daerah"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("tanggal kirim"))
    days = models.SmallIntegerField(
        _("hari"),
        help_text=_("Sisa hari sebelum batas (pengingat) atau hari terlambat (eskalasi)."),
    )
    plan_count = models.PositiveIntegerField(_("rencana aksi belum dilaporkan"))

    class Meta:
        verbose_name = _("log pengingat")
        verbose_name_plural = _("log pengingat")
        ordering: ClassVar = ["-sent_on", "period", "agency", "kind", "recipient"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["period", "agency", "recipient", "kind", "sent_on"],
                name="reminder_once_a_day",
                violation_error_message=_(
                    "Pengingat ini sudah dikirim ke penerima tersebut hari ini."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period} · {self.agency} · {self.sent_on}"
