"""The masterplan: pillars and elements, agencies (OPD), programmes and
action plans (rencana aksi).

Invariants live in the database with Indonesian messages. Rules that span
tables (years inside the masterplan period) are checked in ``clean()`` for a
readable message and enforced again by database triggers
(migration 0002) so that no path can store a year outside the period.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.masterplan.pillars import PILLARS

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class ReportingFrequency(models.TextChoices):
    QUARTERLY = "quarterly", _("Triwulanan")
    SEMESTER = "semester", _("Semesteran")
    YEARLY = "yearly", _("Tahunan")


class Masterplan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Rancangan")
        ENACTED = "enacted", _("Ditetapkan")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="masterplans",
    )
    title = models.CharField(_("judul"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"), validators=YEAR_VALIDATORS)
    legal_basis = models.CharField(
        _("dasar hukum"),
        max_length=300,
        blank=True,
        help_text=_("Mis. Peraturan Wali Kota Dumai Nomor 30 Tahun 2023."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reporting_frequency = models.CharField(
        _("frekuensi pelaporan"),
        max_length=10,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTERLY,
    )

    class Meta:
        verbose_name = _("masterplan")
        verbose_name_plural = _("masterplan")
        ordering: ClassVar = ["region__code", "-start_year"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(start_year__lte=F("end_year")),
                name="masterplan_period_ordered",
                violation_error_message=_("Tahun akhir tidak boleh sebelum tahun mulai."),
            ),
            models.UniqueConstraint(
                fields=["region", "start_year"],
                name="masterplan_unique_start_per_region",
                violation_error_message=_(
                    "Wilayah ini sudah memiliki masterplan yang mulai pada tahun tersebut."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def contains_year(self, year: int | None) -> bool:
        return year is not None and self.start_year <= year <= self.end_year

    def runs_periods(self) -> bool:
        """Whether the masterplan runs the monitoring cycle (has reporting
        periods, monitoring's ``reporting_periods``): from then on an action
        plan's status changes only by a verified report or a correction by
        the team (docs/decisions.md §11)."""
        return bool(self.pk) and self.reporting_periods.exists()

    def clean(self) -> None:
        # The readable form of the period trigger (migration 0002): a period
        # may not shrink past the years of programmes and action plans it has.
        if self.pk is None or self.start_year is None or self.end_year is None:
            return
        start, end = self.start_year, self.end_year
        programmes = (
            Programme.objects.filter(masterplan=self)
            .filter(
                Q(start_year__lt=start)
                | Q(end_year__gt=end)
                | Q(quick_win_year__lt=start)
                | Q(quick_win_year__gt=end)
            )
            .count()
        )
        plans = ActionPlan.objects.filter(masterplan=self).exclude(year__range=(start, end)).count()
        if programmes or plans:
            raise ValidationError(
                _(
                    "Periode %(period)s tidak mencakup tahun %(programmes)s program dan "
                    "%(plans)s rencana aksi yang sudah ada; ubah tahunnya lebih dulu."
                )
                % {"period": self.period_label, "programmes": programmes, "plans": plans}
            )


class Pillar(models.Model):
    masterplan = models.ForeignKey(Masterplan, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("kode"), max_length=20, choices=[(p.code, p.name) for p in PILLARS])
    name = models.CharField(_("nama"), max_length=120)
    order = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("pilar")
        verbose_name_plural = _("pilar")
        ordering: ClassVar = ["masterplan", "order"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["masterplan", "code"],
                name="pillar_unique_code",
                violation_error_message=_("Pilar ini sudah ada di masterplan."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Element(models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=160)
    order = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("elemen")
        verbose_name_plural = _("elemen")
        ordering: ClassVar = ["pillar__order", "order"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["pillar", "code"],
                name="element_unique_code",
                violation_error_message=_("Elemen ini sudah ada di pilar."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A regional government agency (perangkat daerah, OPD)."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    name = models.CharField(_("nama lengkap"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=60)
    head = models.CharField(_("kepala"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        ordering: ClassVar = ["region__code", "short_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "short_name"],
                name="agency_unique_short_name",
                violation_error_message=_("Singkatan perangkat daerah sudah dipakai."),
            )
        ]

    def __str__(self) -> str:
        return self.short_name


class Horizon(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win (jangka pendek)")
    MEDIUM = "medium", _("Jangka menengah")
    LONG = "long", _("Jangka panjang")


class FundingSource(models.TextChoices):
    APBD = "apbd", "APBD"
    APBN = "apbn", "APBN"
    DAK = "dak", "DAK"
    KPBU = "kpbu", "KPBU"
    CSR = "csr", "CSR"
    SWASTA = "swasta", _("Swasta")
    LAINNYA = "lainnya", _("Lainnya")


class Programme(models.Model):
    masterplan = models.ForeignKey(Masterplan, on_delete=models.PROTECT, related_name="programmes")
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("nama program"), max_length=250)
    description = models.TextField(_("deskripsi"), blank=True)
    element = models.ForeignKey(
        Element, verbose_name=_("elemen"), on_delete=models.PROTECT, related_name="programmes"
    )
    horizon = models.CharField(_("jangka waktu"), max_length=10, choices=Horizon.choices)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("perangkat daerah pengampu"),
        on_delete=models.PROTECT,
        related_name="led_programmes",
    )
    supporting_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("perangkat daerah pendukung"),
        blank=True,
        related_name="supported_programmes",
    )
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"), validators=YEAR_VALIDATORS)
    funding_source = models.CharField(
        _("sumber pendanaan"), max_length=10, choices=FundingSource.choices
    )
    estimated_cost = models.DecimalField(
        _("perkiraan biaya (Rp)"),
        max_digits=18,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    output = models.TextField(_("keluaran (output)"), blank=True)
    outcome = models.TextField(_("hasil (outcome)"), blank=True)
    quick_win_year = models.PositiveSmallIntegerField(
        _("tahun quick win"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering: ClassVar = ["masterplan", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["masterplan", "code"],
                name="programme_unique_code",
                violation_error_message=_("Kode program sudah dipakai di masterplan ini."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__lte=F("end_year")),
                name="programme_period_ordered",
                violation_error_message=_("Tahun akhir program tidak boleh sebelum tahun mulai."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0),
                name="programme_cost_not_negative",
                violation_error_message=_("Perkiraan biaya tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(horizon=Horizon.QUICK_WIN, quick_win_year__isnull=False)
                    | (~Q(horizon=Horizon.QUICK_WIN) & Q(quick_win_year__isnull=True))
                ),
                name="programme_quick_win_has_year",
                violation_error_message=_(
                    "Program quick win wajib memiliki tahun quick win; program lain tidak."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_quick_win(self) -> bool:
        return self.horizon == Horizon.QUICK_WIN

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        masterplan = self.masterplan if self.masterplan_id else None
        if masterplan is not None:
            for field in ("start_year", "end_year", "quick_win_year"):
                value = getattr(self, field)
                if value is not None and not masterplan.contains_year(value):
                    errors.setdefault(field, []).append(
                        str(
                            _("Tahun %(year)s di luar periode masterplan %(period)s.")
                            % {"year": value, "period": masterplan.period_label}
                        )
                    )
            if self.element_id and self.element.pillar.masterplan_id != masterplan.pk:
                errors.setdefault("element", []).append(
                    str(_("Elemen ini bukan milik masterplan program."))
                )
            if self.lead_agency_id and self.lead_agency.region_id != masterplan.region_id:
                errors.setdefault("lead_agency", []).append(
                    str(_("Perangkat daerah ini bukan dari wilayah masterplan."))
                )
        if (
            self.quick_win_year is not None
            and self.start_year is not None
            and self.end_year is not None
            and not self.start_year <= self.quick_win_year <= self.end_year
        ):
            errors.setdefault("quick_win_year", []).append(
                str(_("Tahun quick win harus di dalam tahun pelaksanaan program."))
            )
        if (
            self.pk is not None
            and self.start_year is not None
            and self.end_year is not None
            and self.start_year <= self.end_year  # else the ordering constraint says why
        ):
            # The readable form of the programme-years trigger (migration 0005).
            stranded = sorted(
                ActionPlan.objects.filter(programme_id=self.pk)
                .exclude(year__range=(self.start_year, self.end_year))
                .values_list("code", flat=True)
            )
            if stranded:
                errors.setdefault("end_year", []).append(
                    str(
                        _(
                            "Tahun pelaksanaan %(start)s–%(end)s tidak mencakup tahun "
                            "rencana aksi %(codes)s; ubah tahun rencana aksinya lebih dulu."
                        )
                        % {
                            "start": self.start_year,
                            "end": self.end_year,
                            "codes": ", ".join(stranded),
                        }
                    )
                )
        if self.quick_win_year is not None and self.element_id and masterplan is not None:
            taken = (
                Programme.objects.filter(
                    masterplan=masterplan,
                    element__pillar_id=self.element.pillar_id,
                    quick_win_year=self.quick_win_year,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if taken is not None:
                errors.setdefault("quick_win_year", []).append(
                    str(
                        _("Pilar ini sudah punya quick win tahun %(year)s: %(other)s.")
                        % {"year": self.quick_win_year, "other": taken}
                    )
                )
        if errors:
            raise ValidationError(errors)


class ActionPlanStatus(models.TextChoices):
    NOT_STARTED = "belum_dimulai", _("Belum dimulai")
    RUNNING = "berjalan", _("Berjalan")
    DONE = "selesai", _("Selesai")
    POSTPONED = "ditunda", _("Ditunda")
    CANCELLED = "dibatalkan", _("Dibatalkan")


class StatusSource(models.TextChoices):
    """Where an action plan's current status came from (docs/decisions.md §11):
    typed in (or imported) while the masterplan runs no reporting periods, a
    verified progress report, or a correction by the smart city team."""

    DIRECT = "langsung", _("Diisi langsung")
    REPORT = "laporan", _("Laporan terverifikasi")
    CORRECTION = "koreksi", _("Koreksi tim")


class ActionPlan(models.Model):
    """A rencana aksi: one year's activity of a programme, owned by one agency."""

    masterplan = models.ForeignKey(
        Masterplan, on_delete=models.PROTECT, related_name="action_plans"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    code = models.CharField(_("kode"), max_length=40)
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("perangkat daerah penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    activity = models.TextField(_("kegiatan"))
    target = models.TextField(_("target/keluaran"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=ActionPlanStatus.choices,
        default=ActionPlanStatus.NOT_STARTED,
    )
    status_source = models.CharField(
        _("asal status"),
        max_length=10,
        choices=StatusSource.choices,
        default=StatusSource.DIRECT,
        editable=False,
    )

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        ordering: ClassVar = ["masterplan", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["masterplan", "code"],
                name="action_plan_unique_code",
                violation_error_message=_("Kode rencana aksi sudah dipakai di masterplan ini."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionPlanStatus.values),
                name="action_plan_status_known",
                violation_error_message=_("Status rencana aksi tidak dikenal."),
            ),
            models.CheckConstraint(
                condition=Q(status_source__in=StatusSource.values),
                name="action_plan_status_source_known",
                violation_error_message=_("Asal status rencana aksi tidak dikenal."),
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["masterplan", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.activity[:80]}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.programme_id:
            programme = self.programme
            if self.masterplan_id and programme.masterplan_id != self.masterplan_id:
                errors.setdefault("programme", []).append(
                    str(_("Program ini bukan milik masterplan yang sama."))
                )
            masterplan = programme.masterplan
            if self.year is not None and not masterplan.contains_year(self.year):
                errors.setdefault("year", []).append(
                    str(
                        _("Tahun %(year)s di luar periode masterplan %(period)s.")
                        % {"year": self.year, "period": masterplan.period_label}
                    )
                )
            elif self.year is not None and not (
                programme.start_year <= self.year <= programme.end_year
            ):
                errors.setdefault("year", []).append(
                    str(
                        _(
                            "Tahun %(year)s di luar tahun pelaksanaan program %(code)s "
                            "(%(start)s–%(end)s)."
                        )
                        % {
                            "year": self.year,
                            "code": programme.code,
                            "start": programme.start_year,
                            "end": programme.end_year,
                        }
                    )
                )
            if self.agency_id and self.agency.region_id != masterplan.region_id:
                errors.setdefault("agency", []).append(
                    str(_("Perangkat daerah ini bukan dari wilayah masterplan."))
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_corrected(self) -> bool:
        return self.status_source == StatusSource.CORRECTION


class StatusCorrection(models.Model):
    """A status set by the smart city team without a verified report: who,
    when, from which status to which, and why. Kept for good, so that a
    figure counting the status can say it came from a correction."""

    action_plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        related_name="status_corrections",
    )
    from_status = models.CharField(
        _("status semula"), max_length=15, choices=ActionPlanStatus.choices
    )
    to_status = models.CharField(_("status baru"), max_length=15, choices=ActionPlanStatus.choices)
    reason = models.TextField(_("alasan"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikoreksi oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("waktu koreksi"), default=timezone.now)

    class Meta:
        verbose_name = _("koreksi status")
        verbose_name_plural = _("koreksi status")
        ordering: ClassVar = ["-corrected_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="status_correction_has_reason",
                violation_error_message=_("Alasan koreksi wajib diisi."),
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="status_correction_changes_status",
                violation_error_message=_("Status baru sama dengan status sekarang."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_plan_id}: {self.from_status} → {self.to_status}"
