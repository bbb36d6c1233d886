"""The registry's own records: businesses, the official KBLI code list and
the per-region settings.

Personal data (UU 27/2022, DOMAIN.md §7): the owner's NIK and name, phone,
address, and the amounts of a sole proprietor (modal, omzet). These fields
are listed in :data:`PERSONAL_FIELDS`; pages show them masked, and every
reveal or export writes a ``PersonalDataAccess`` row (:mod:`kotacerdas.umkm.pdp.services`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from typing import Any, ClassVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.text import name_normalise
from kotacerdas.regions import timezones
from kotacerdas.umkm import identifiers, kbli, sizes

# --- The fields of a business, by what they are ----------------------------------------
# The other lists of Business fields (audited, saved, anonymised, exported,
# taken over in a merge, inserted by an import) are built from these.

# What an officer, the owner or a survey row enters, in the order of the form.
ENTERED_FIELDS = (
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "kbli_code",
    "kbli_version",
    "address",
    "kelurahan_code",
    "latitude",
    "longitude",
    "phone",
    "workers",
    "year_started",
    "capital",
    "annual_sales",
    "halal_number",
    "pirt_number",
    "sells_online",
    "uses_qris",
    "production_capacity",
    "production_capacity_unit",
)
# Personal data (UU 27/2022): shown masked; every reveal or export is recorded.
PERSONAL_FIELDS = ("owner_name", "owner_nik", "phone", "address", "capital", "annual_sales")
# Where the business is: for a home business, a person's house, so cleared
# with the personal data at the end of retention (docs/decisions.md §20).
LOCATION_FIELDS = ("latitude", "longitude")
# Derived by Business.derive() from the entered fields: the keys a business
# is found and counted by, and its classes (PP 7/2021, Permenperin 64/2016).
# The audit trail shows the classes; the keys follow from audited fields.
KEY_FIELDS = ("name_key", "kecamatan_code", "kbli_category")
CLASS_FIELDS = ("size_class", "size_basis", "ikm_class")
DERIVED_FIELDS = (*KEY_FIELDS, *CLASS_FIELDS)
# The record's standing in the registry: set by the services, never entered.
STANDING_FIELDS = ("status", "verification", "source", "legal_basis")


class SizeClass(models.TextChoices):
    MIKRO = sizes.MIKRO, _("Mikro")
    KECIL = sizes.KECIL, _("Kecil")
    MENENGAH = sizes.MENENGAH, _("Menengah")
    BESAR = sizes.BESAR, _("Besar (di atas UMKM)")


class SizeBasis(models.TextChoices):
    CAPITAL = sizes.BASIS_CAPITAL, _("modal usaha")
    SALES = sizes.BASIS_SALES, _("hasil penjualan tahunan")


class IkmClass(models.TextChoices):
    KECIL = sizes.IKM_KECIL, _("Industri kecil")
    MENENGAH = sizes.IKM_MENENGAH, _("Industri menengah")
    BESAR = sizes.IKM_BESAR, _("Industri besar")


class KbliVersion(models.TextChoices):
    V2020 = "2020", "KBLI 2020"
    V2025 = "2025", "KBLI 2025"


def registered_year(created_at: dt.datetime, zone: dt.tzinfo) -> int:
    """The year a business was registered: the year of ``created_at`` on its
    region's clock (WIB, WITA or WIT), as the statistics count it."""
    return created_at.astimezone(zone).year


class RegisteredYearField(models.PositiveSmallIntegerField):
    """:func:`registered_year` stored with the row, so that the statistics
    group on a column of an index instead of sorting every row on an
    expression of ``created_at`` (docs/decisions.md). Filled when a row is
    saved or bulk-created without it (``pre_save`` runs for both); the
    import's raw INSERT/COPY writes it itself (imports/engine.py)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        created_at = getattr(model_instance, "created_at", None)
        if value is None and created_at is not None:
            region = model_instance.region  # type: ignore[attr-defined]
            # From the region's fields, not Region.tzinfo: historical models
            # (migrations) have no methods.
            zone = timezones.tzinfo(region.time_zone or timezones.zone_for_code(region.code))
            value = registered_year(created_at, zone)
            setattr(model_instance, self.attname, value)
        return value


class VisibleBusinessManager(models.Manager["Business"]):
    """Every reader's view of the registry: without the rows of an import
    that is still writing them (or failed and is being cleared). An import
    job writes its rows in short transactions while ``ImportJob.staging`` is
    set, and publishes them all at once by clearing it (docs/decisions.md,
    imports that never block writers). The set of staging jobs is tiny, so
    the filter is one small subquery."""

    def get_queryset(self) -> models.QuerySet[Business]:
        from kotacerdas.umkm.imports.models import ImportJob

        staging = ImportJob.objects.filter(staging=True).values("pk")
        return super().get_queryset().exclude(import_job__in=staging)


class Business(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Pendaftaran mandiri")
        IMPORT = "import", _("Impor survei")
        OFFICER = "officer", _("Petugas registri")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        CLOSED = "closed", _("Tutup")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Menunggu verifikasi")
        VERIFIED = "verified", _("Terverifikasi")
        REJECTED = "rejected", _("Ditolak")

    class LegalBasis(models.TextChoices):
        PUBLIC_TASK = "public_task", _("Pelaksanaan tugas pelayanan publik (UU 27/2022 Pasal 20)")
        CONSENT = "consent", _("Persetujuan pemilik data")

    # Every index of this table starts with the region; its own would be one
    # more to maintain on each of millions of inserts.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    name = models.CharField(_("nama usaha"), max_length=200)
    # Indexed with the region (umkm_region_name), where every search is.
    name_key = models.CharField(_("kunci nama"), max_length=200, editable=False)
    owner_name = models.CharField(_("nama pemilik"), max_length=150, blank=True)
    owner_nik = models.CharField(_("NIK pemilik"), max_length=16, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    kbli_code = models.CharField(_("kode KBLI"), max_length=5, blank=True)
    kbli_version = models.CharField(
        _("versi KBLI"),
        max_length=4,
        choices=KbliVersion.choices,
        default=kbli.DEFAULT_VERSION,
    )
    kbli_category = models.CharField(_("kategori KBLI"), max_length=1, blank=True, editable=False)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    kecamatan_code = models.CharField(_("kode kecamatan"), max_length=8, editable=False)
    kelurahan_code = models.CharField(
        _("kelurahan/desa"),
        max_length=13,
        help_text=_("Kode Kemendagri kelurahan/desa, mis. 14.72.01.1003."),
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(
        _("telepon"), max_length=16, blank=True, help_text=_("Disimpan sebagai 62…")
    )
    workers = models.PositiveIntegerField(_("jumlah tenaga kerja"), null=True, blank=True)
    year_started = models.PositiveSmallIntegerField(
        _("tahun mulai usaha"),
        null=True,
        blank=True,
        validators=[identifiers.validate_year_started],
    )
    capital = models.DecimalField(
        _("modal usaha (Rp)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        help_text=_("Tidak termasuk tanah dan bangunan tempat usaha."),
    )
    annual_sales = models.DecimalField(
        _("omzet tahunan (Rp)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    size_class = models.CharField(
        _("skala usaha"), max_length=10, choices=SizeClass.choices, blank=True, editable=False
    )
    size_basis = models.CharField(
        _("dasar skala"), max_length=10, choices=SizeBasis.choices, blank=True, editable=False
    )
    ikm_class = models.CharField(
        _("kelas IKM"), max_length=20, choices=IkmClass.choices, blank=True, editable=False
    )
    halal_number = models.CharField(_("nomor sertifikat halal"), max_length=40, blank=True)
    pirt_number = models.CharField(_("nomor P-IRT"), max_length=15, blank=True)
    sells_online = models.BooleanField(_("berjualan daring"), null=True, blank=True)
    uses_qris = models.BooleanField(_("menerima QRIS"), null=True, blank=True)
    # SIINas (Kemenperin) asks an IKM for its production capacity: an amount
    # and its unit as the business states them ("500" "kg/bulan").
    production_capacity = models.DecimalField(
        _("kapasitas produksi"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    production_capacity_unit = models.CharField(
        _("satuan kapasitas produksi"),
        max_length=40,
        blank=True,
        help_text=_("Mis. kg/bulan, pcs/tahun, liter/hari."),
    )
    source = models.CharField(
        _("sumber"), max_length=10, choices=Source.choices, default=Source.OFFICER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    closed_at = models.DateTimeField(_("tutup sejak"), null=True, blank=True, editable=False)
    verification = models.CharField(
        _("verifikasi"), max_length=10, choices=Verification.choices, default=Verification.VERIFIED
    )
    legal_basis = models.CharField(
        _("dasar pemrosesan"),
        max_length=20,
        choices=LegalBasis.choices,
        default=LegalBasis.PUBLIC_TASK,
    )
    consent_at = models.DateTimeField(_("persetujuan diberikan"), null=True, blank=True)
    import_job = models.ForeignKey(
        "umkm.ImportJob",
        verbose_name=_("impor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_row = models.PositiveIntegerField(_("baris sumber"), null=True, blank=True)
    fingerprint = models.CharField(
        _("sidik baris"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("Ringkasan isian yang dinormalkan; mengenali baris yang diimpor ulang."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    anonymised_at = models.DateTimeField(_("dianonimkan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now, editable=False)
    # The year of created_at on the region's clock, kept with the row for the
    # statistics' GROUP BY (umkm_stats_years); changes only with the region's
    # time zone (umkm/statistics/services.py).
    registered_year = RegisteredYearField(_("tahun terdaftar"), null=True, editable=False)

    # The default manager hides an unpublished import's rows from every
    # reader; ``all_rows`` is for the import itself (clearing a failed one).
    objects = VisibleBusinessManager()
    all_rows = models.Manager()  # noqa: DJ012 (a manager, declared after the default one)

    class Meta:
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        ordering: ClassVar = ["name", "id"]
        indexes: ClassVar = [
            models.Index(fields=["region", "kelurahan_code"], name="umkm_region_kelurahan"),
            models.Index(fields=["region", "owner_nik"], name="umkm_region_nik"),
            models.Index(fields=["region", "phone"], name="umkm_region_phone"),
            models.Index(fields=["region", "fingerprint"], name="umkm_region_fingerprint"),
            # --- statistics (umkm/statistics/selectors.py) ---------------------
            # One covering index for the area query of the statistics pages:
            # the equality filters of "counted" first, then every column grouped
            # on in that order, so the figures stream from the index alone (no
            # table reads, no sort). merged_into (IS NULL: about 1 % is skipped
            # in the index) comes after the grouped columns: PostgreSQL takes
            # only equalities as fixing a leading column, so before them it
            # could not use the index's order. Also serves the closed/waiting
            # counts and the masterplan's registry output.
            models.Index(
                fields=[
                    "region",
                    "status",
                    "verification",
                    "kelurahan_code",
                    "kbli_version",
                    "kbli_category",
                    "size_class",
                    "sells_online",
                    "uses_qris",
                    "merged_into",
                    # Last, for the readers' filter on unpublished imports
                    # (VisibleBusinessManager): without it every counted row
                    # was read from the table, not the index.
                    "import_job",
                ],
                name="umkm_stats_cover",
            ),
            # The year query of the statistics (kelurahan, year started, year
            # registered, of the counted businesses): grouped in index order,
            # where it sorted every row on an expression of created_at.
            models.Index(
                fields=[
                    "region",
                    "status",
                    "verification",
                    "kelurahan_code",
                    "year_started",
                    "registered_year",
                    "merged_into",
                    "import_job",
                ],
                name="umkm_stats_years",
            ),
            # The IKM (KBLI category C, about one in six): the SIINas panel of
            # the statistics page (counted IKM, registered this year, sentra =
            # kelurahan × KBLI code) from the index, not the table. Partial on
            # the category only, with the "counted" equalities first: SQLite's
            # planner (average rows per key, no distribution) then prefers it
            # to umkm_stats_cover, which it would otherwise scan in full; the
            # category is repeated last so that SQLite sees the index as
            # covering (it does not count a partial index's condition).
            models.Index(
                fields=[
                    "region",
                    "status",
                    "verification",
                    "kelurahan_code",
                    "kbli_code",
                    "created_at",
                    "merged_into",
                    "import_job",
                    "kbli_category",
                ],
                condition=Q(kbli_category=kbli.MANUFACTURING),
                name="umkm_stats_ikm",
            ),
            # The businesses merged away (about 1 %), per kelurahan, for the
            # statistics' "merged" count: the covering index above would
            # read every row for it.
            models.Index(
                fields=["region", "kelurahan_code", "merged_into", "import_job"],
                condition=Q(merged_into__isnull=False),
                name="umkm_merged",
            ),
            # The newest change of a region's registry, read to know whether
            # the cached statistics are still current.
            models.Index(fields=["region", "updated_at"], name="umkm_region_updated"),
            # --- end statistics ----------------------------------------------
            # --- registry list (registry/selectors.py business_search) -------
            # The list pages a region's registry in name order and searches by
            # name prefix: this index answers both without sorting the region.
            models.Index(fields=["region", "name_key", "id"], name="umkm_region_name"),
            # --- end registry list -------------------------------------------
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "nib"],
                condition=~Q(nib="") & Q(merged_into__isnull=True),
                name="umkm_nib_once_per_region",
                violation_error_message=_("NIB ini sudah terdaftar untuk usaha lain."),
            ),
            # Length only: the digits are checked on the way in (identifiers),
            # and a regex here would run a Python function per inserted row
            # on SQLite (docs/benchmarks.md).
            models.CheckConstraint(
                condition=Q(kbli_code="") | Q(Exact(Length("kbli_code"), 5)),
                name="umkm_kbli_five_digits",
                violation_error_message=_("Kode KBLI harus 5 digit angka."),
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="umkm_not_merged_into_itself",
                violation_error_message=_("Usaha tidak dapat digabung ke dirinya sendiri."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    @property
    def is_ikm(self) -> bool:
        """An industri kecil/menengah for SIINas: its KBLI is in category C
        (industri pengolahan, divisions 10–33), whatever its size class."""
        return self.kbli_category == kbli.MANUFACTURING

    @property
    def masked_nik(self) -> str:
        return identifiers.mask_nik(self.owner_nik)

    @property
    def masked_phone(self) -> str:
        return identifiers.mask_phone(self.phone)

    @property
    def masked_npwp(self) -> str:
        return identifiers.mask_npwp(self.npwp)

    def derive(self, this_year: int | None = None) -> None:
        """Fill the derived fields (name key, kecamatan, KBLI category, size
        and IKM classes) from the stored ones."""
        this_year = this_year or timezone.localdate().year
        self.name_key = identifiers.name_key(self.name)
        self.kecamatan_code = self.kelurahan_code[:8]
        self.kbli_category = (
            kbli.category_of(
                self.kbli_code, self.kbli_version, KbliCode.objects.official(self.kbli_version)
            )
            or ""
            if self.kbli_code
            else ""
        )
        self.size_class, self.size_basis = sizes.size_class(
            capital=self.capital,
            annual_sales=self.annual_sales,
            year_started=self.year_started,
            this_year=this_year,
        )
        self.ikm_class = (
            sizes.ikm_class(workers=self.workers, investment=self.capital)
            if self.kbli_category == kbli.MANUFACTURING
            else ""
        )

    def clean_fields(self, exclude: Any = None) -> None:
        # Names in their one stored form (core.text: NFC, no bidirectional or
        # zero-width characters), whichever way they came in.
        self.name = name_normalise(self.name)
        self.owner_name = name_normalise(self.owner_name)
        # Identifiers arrive as people type them ("+62 812-3456-7890"): bring
        # them to their stored form first, so that length limits apply to it.
        errors = self._normalise_identifiers()
        try:
            super().clean_fields(exclude=[*(exclude or ()), *errors])
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    def _normalise_identifiers(self) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        for field, cleaner in (
            ("owner_nik", identifiers.clean_nik),
            ("nib", identifiers.clean_nib),
            ("npwp", identifiers.clean_npwp),
            ("phone", identifiers.clean_phone),
            ("halal_number", identifiers.clean_halal),
            ("pirt_number", identifiers.clean_pirt),
        ):
            value = getattr(self, field)
            if value:
                try:
                    setattr(self, field, cleaner(value))
                except identifiers.Invalid as exc:
                    errors[field] = [exc.message]
        if self.kbli_code:
            try:
                self.kbli_code, _category = identifiers.clean_kbli(
                    self.kbli_code,
                    self.kbli_version,
                    official=KbliCode.objects.official(self.kbli_version),
                )
            except identifiers.Invalid as exc:
                errors["kbli_code"] = [exc.message]
        return errors

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kelurahan_code and self.region_id:
            from kotacerdas.regions.reference import LEVEL_VILLAGE, get_area

            area = get_area(self.kelurahan_code)
            region_code = self.region.code
            if (
                area is None
                or area.level != LEVEL_VILLAGE
                or not self.kelurahan_code.startswith(region_code + ".")
            ):
                errors["kelurahan_code"] = _(
                    "Kelurahan/desa %(code)s bukan bagian dari %(region)s."
                ) % {"code": self.kelurahan_code, "region": self.region.name}
        if self.production_capacity_unit and self.production_capacity is None:
            errors["production_capacity"] = _("Isi kapasitas produksi, atau kosongkan satuannya.")
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya.")
        if errors:
            raise ValidationError(errors)
        self.derive()


# The official code list of each version, read once per process (None: not
# loaded). A survey import checks every row against it, in a forked child
# that must not query the database: the parent reads the lists first.
_official: dict[str, frozenset[str] | None] = {}
# Loading a list (on any node, in any process) stamps the shared cache; a
# process whose lists were read under another stamp reads them again, so a
# list loaded on one node counts on every node without a restart (issue 16).
KBLI_LISTS_STAMP = "kotacerdas:kbli-lists"
_read_under: list[Any] = [None]


def _lists_stamp() -> Any:
    try:
        return cache.get(KBLI_LISTS_STAMP)
    except Exception:  # the cache's own failures: keep what this process read
        return _read_under[0]


class KbliCodeManager(models.Manager["KbliCode"]):
    def official(self, version: str) -> frozenset[str] | None:
        """The codes of ``version``'s official list, or None when no list of
        that version is loaded (then a code is checked by its division)."""
        if version not in kbli.VERSIONS:
            return None
        stamp = _lists_stamp()
        if stamp != _read_under[0]:
            _official.clear()
            _read_under[0] = stamp
        if version not in _official:
            codes = frozenset(self.filter(version=version).values_list("code", flat=True))
            _official[version] = codes or None
        return _official[version]

    def forget(self) -> None:
        """Drop the lists read, here and in every other process (after loading
        a list, and between tests)."""
        _official.clear()
        stamp = time.time_ns()
        _read_under[0] = stamp
        with contextlib.suppress(Exception):  # no cache: other processes keep theirs
            cache.set(KBLI_LISTS_STAMP, stamp, timeout=None)


class KbliCode(models.Model):
    """One 5-digit code of the official KBLI list of a version, loaded by
    ``kotacerdas umkm kbli-load``."""

    version = models.CharField(_("versi"), max_length=4, choices=KbliVersion.choices)
    code = models.CharField(_("kode"), max_length=5)
    title = models.CharField(_("judul"), max_length=300)
    category = models.CharField(_("kategori"), max_length=1)

    objects = KbliCodeManager()

    class Meta:
        verbose_name = _("kode KBLI")
        verbose_name_plural = _("kode KBLI")
        ordering: ClassVar = ["version", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "code"], name="kbli_code_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title} (KBLI {self.version})".strip()


class RegistrySettings(models.Model):
    """Per-region settings of the registry: which masterplan programme reports
    the registry as its output (DIGILOKA in Dumai), and how long personal data
    of closed businesses is kept."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="registry_settings"
    )
    programme = models.ForeignKey(
        "masterplan.Programme",
        verbose_name=_("program masterplan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Program yang keluarannya adalah jumlah usaha terdaftar, mis. DIGILOKA."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("masa retensi (tahun)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Data pribadi usaha yang tutup dianonimkan setelah masa ini."),
    )
    tile_url = models.CharField(
        _("server ubin peta"),
        max_length=300,
        blank=True,
        help_text=_(
            "Mis. https://tile.openstreetmap.org/{z}/{x}/{y}.png; kosong: peta tanpa ubin."
        ),
    )

    class Meta:
        verbose_name = _("pengaturan registri")
        verbose_name_plural = _("pengaturan registri")

    def __str__(self) -> str:
        return str(self.region)
