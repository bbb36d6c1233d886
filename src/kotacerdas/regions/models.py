from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions import reference, timezones


class Region(models.Model):
    """A kota/kabupaten that uses KotaCerdas, identified by its Kemendagri code."""

    code = models.CharField(
        _("kode Kemendagri"),
        max_length=5,
        unique=True,
        help_text=_("Kode wilayah Kemendagri kab/kota, mis. 14.72 (bukan kode BPS)."),
        error_messages={"unique": _("Wilayah dengan kode ini sudah terdaftar.")},
    )
    name = models.CharField(_("nama"), max_length=120)
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

    def __str__(self) -> str:
        return self.name

    @property
    def place_name(self) -> str:
        """Where the region's documents are dated and signed: a city by its
        own name ("Kota Dumai" → "Dumai"); a regency by its full name
        ("Kabupaten Kampar"), since the reference data does not name its seat
        and a regency's seat often has another name (docs/decisions.md)."""
        lowered = self.name.lower()
        for prefix in ("kota administrasi ", "kota "):
            if lowered.startswith(prefix) and len(self.name) > len(prefix):
                return self.name[len(prefix) :].strip()
        return self.name

    def clean(self) -> None:
        area = reference.get_area(self.code)
        if area is None or area.level != reference.LEVEL_REGENCY:
            raise ValidationError(
                {
                    "code": _(
                        "Kode %(code)s bukan kode kab/kota Kemendagri yang dikenal "
                        "(format PP.KK, mis. 14.72)."
                    )
                    % {"code": self.code}
                }
            )

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
        return reference.kecamatan_of(self.code)

    def kelurahan(self) -> list[reference.Area]:
        return reference.kelurahan_of(self.code)


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
