from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions import reference, timezones


def kind_of_code(code: str) -> str:
    """The kind a Kemendagri code names: two digits (``14``) a province,
    ``PP.KK`` (``14.72``) a kab/kota. Whether the code exists is
    :meth:`Region.clean`'s question, not this one's."""
    return Region.Kind.PROVINCE if "." not in code else Region.Kind.KABKOTA


class Region(models.Model):
    """A kab/kota or a province that uses KotaCerdas, identified by its
    Kemendagri code: ``14.72`` (Kota Dumai) or ``14`` (Provinsi Riau, a
    Smart Province with a masterplan of its own). A province's kab/kota are
    the regions whose code starts with ``PP.`` (:meth:`kabkota`)."""

    class Kind(models.TextChoices):
        KABKOTA = "kabkota", _("kab/kota")
        PROVINCE = "provinsi", _("provinsi")

    code = models.CharField(
        _("kode Kemendagri"),
        max_length=5,
        unique=True,
        help_text=_(
            "Kode wilayah Kemendagri: provinsi PP (mis. 14) atau kab/kota PP.KK (mis. 14.72); "
            "bukan kode BPS."
        ),
        error_messages={"unique": _("Wilayah dengan kode ini sudah terdaftar.")},
    )
    name = models.CharField(_("nama"), max_length=120)
    kind = models.CharField(
        _("jenis"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.KABKOTA,
        editable=False,
        help_text=_("Diturunkan dari kode: PP provinsi, PP.KK kab/kota."),
    )
    time_zone = models.CharField(
        _("zona waktu"),
        max_length=32,
        blank=True,
        default="",
        choices=[
            (timezones.WIB, _("WIB (UTC+7, Asia/Jakarta)")),
            (timezones.WITA, _("WITA (UTC+8, Asia/Makassar)")),
            (timezones.WIT, _("WIT (UTC+9, Asia/Jayapura)")),
        ],
        help_text=_(
            "Kosongkan agar zona waktu diturunkan dari kode provinsi; isi hanya "
            "untuk mengganti zona turunan itu."
        ),
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering: ClassVar = ["code"]
        constraints: ClassVar = [
            # The kind is the code's (kind_of_code): a row written past save()
            # (bulk_create, a raw update) cannot call a kab/kota a province.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="provinsi") & ~models.Q(code__contains=".")
                    | models.Q(kind="kabkota") & models.Q(code__contains=".")
                ),
                name="region_kind_matches_code",
                violation_error_message=_(
                    "Jenis wilayah tidak cocok dengan kodenya: PP provinsi, PP.KK kab/kota."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.kind = kind_of_code(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "kind"}
        super().save(*args, **kwargs)

    @property
    def is_province(self) -> bool:
        return kind_of_code(self.code) == Region.Kind.PROVINCE

    @property
    def province_code(self) -> str:
        """``14`` for Kota Dumai (14.72) and for Provinsi Riau (14) itself."""
        return self.code[:2]

    def kabkota(self) -> models.QuerySet[Region]:
        """The kab/kota of this deployment in this province (none for a
        kab/kota): the regions whose code starts with ``PP.``."""
        if not self.is_province:
            return Region.objects.none()
        return Region.objects.filter(code__startswith=f"{self.code}.")

    @property
    def place_name(self) -> str:
        """Where the region's documents are dated and signed: a city by its
        own name ("Kota Dumai" → "Dumai"); a regency by its full name
        ("Kabupaten Kampar"), since the reference data does not name its seat
        and a regency's seat often has another name (docs/decisions.md); a
        province by its full name too ("Provinsi Riau": the reference does
        not name its capital either)."""
        lowered = self.name.lower()
        for prefix in ("kota administrasi ", "kota "):
            if lowered.startswith(prefix) and len(self.name) > len(prefix):
                return self.name[len(prefix) :].strip()
        return self.name

    def clean(self) -> None:
        area = reference.get_area(self.code)
        if area is None or area.level not in (reference.LEVEL_PROVINCE, reference.LEVEL_REGENCY):
            raise ValidationError(
                {
                    "code": _(
                        "Kode %(code)s bukan kode provinsi atau kab/kota Kemendagri yang dikenal "
                        "(format PP atau PP.KK, mis. 14 atau 14.72)."
                    )
                    % {"code": self.code}
                }
            )
        self.kind = kind_of_code(self.code)

    @property
    def zone_name(self) -> str:
        """The region's IANA time zone: the override, else derived from the
        province code (docs/decisions.md, "the region's own clock")."""
        return self.time_zone or timezones.zone_for_code(self.code)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return timezones.tzinfo(self.zone_name)

    @property
    def zone_abbreviation(self) -> str:
        """ "WIB", "WITA" or "WIT", as written after a local time."""
        return timezones.abbreviation(self.zone_name)

    @property
    def province(self) -> reference.Area | None:
        return reference.province_of(self.code)

    def kecamatan(self) -> list[reference.Area]:
        """The region's kecamatan; none for a province (its children in the
        reference are kab/kota, not kecamatan: :meth:`kabkota_areas`)."""
        return [] if self.is_province else reference.kecamatan_of(self.code)

    def kelurahan(self) -> list[reference.Area]:
        return [] if self.is_province else reference.kelurahan_of(self.code)

    def kabkota_areas(self) -> list[reference.Area]:
        """Every kab/kota of the province in the reference, whether or not it
        uses this deployment; none for a kab/kota."""
        return reference.children(self.code) if self.is_province else []


class AreaBoundary(models.Model):
    """The outline of one kecamatan or kelurahan/desa of a region, as GeoJSON
    (WGS 84 longitude/latitude), drawn on the registry map. Loaded by the
    operator from an openly licensed file (``kotacerdas boundaries load``,
    docs/operations.md); the product ships none it may not redistribute.
    ``source`` carries the attribution and licence the map must show."""

    class Level(models.IntegerChoices):
        KECAMATAN = reference.LEVEL_DISTRICT, _("kecamatan")
        KELURAHAN = reference.LEVEL_VILLAGE, _("kelurahan/desa")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="boundaries", verbose_name=_("wilayah")
    )
    code = models.CharField(_("kode Kemendagri"), max_length=13)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    name = models.CharField(_("nama"), max_length=120)
    geometry = models.JSONField(_("geometri (GeoJSON)"))
    source = models.CharField(_("sumber dan lisensi"), max_length=300)
    loaded_at = models.DateTimeField(_("dimuat pada"), auto_now=True)

    class Meta:
        verbose_name = _("batas wilayah")
        verbose_name_plural = _("batas wilayah")
        ordering: ClassVar = ["region", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "code"], name="areaboundary_region_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
