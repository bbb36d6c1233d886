from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions import reference


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

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
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
    def province(self) -> reference.Area | None:
        return reference.province_of(self.code)

    def kecamatan(self) -> list[reference.Area]:
        return reference.kecamatan_of(self.code)

    def kelurahan(self) -> list[reference.Area]:
        return reference.kelurahan_of(self.code)
