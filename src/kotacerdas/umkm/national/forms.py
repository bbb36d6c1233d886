"""Forms of the national systems' pages: the SIDT-KUMKM export and the SIINas target."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.forms import CountField
from kotacerdas.umkm.pdp.forms import FORMATS

EARLIEST_SINCE = dt.date(2000, 1, 1)


class SidtExportForm(forms.Form):
    """The SIDT-KUMKM export: always with personal data, so a purpose."""

    fmt = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")
    since = forms.DateField(
        label=_("Hanya perubahan sejak (tanggal)"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        help_text=_(
            "Kosong: seluruh registri. Diisi: usaha yang baru, diubah atau digabung "
            "sejak tanggal itu (pukul 00.00 waktu wilayah)."
        ),
        error_messages={"invalid": _("Tanggal tidak dikenali; tulis mis. 2026-01-31.")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    purpose = forms.CharField(
        label=_("Tujuan (dicatat)"),
        max_length=500,
        error_messages={
            "required": _("Ekspor SIDT-KUMKM memuat data pribadi: tuliskan tujuannya; dicatat."),
        },
    )

    def clean_since(self) -> Any:
        since = self.cleaned_data.get("since")
        if since is not None and since > timezone.localdate():
            raise ValidationError(_("Tanggal 'sejak' tidak boleh di masa depan."))
        # Earlier dates mean nothing for the registry, and the first days of
        # year 1 overflow when turned into the region's midnight.
        if since is not None and since < EARLIEST_SINCE:
            raise ValidationError(
                _("Tanggal 'sejak' paling awal %(date)s; untuk seluruh registri kosongkan saja.")
                % {"date": EARLIEST_SINCE.isoformat()}
            )
        return since

    def clean_purpose(self) -> str:
        purpose = self.cleaned_data.get("purpose", "").strip()
        if len(purpose) < 10:
            raise ValidationError(
                _("Ekspor data pribadi memerlukan tujuan (minimal 10 huruf); tujuan ini dicatat.")
            )
        return purpose


class SiinasTargetForm(forms.Form):
    year = forms.IntegerField(
        label=_("Tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    target = CountField(label=_("Target IKM terdaftar"), min_value=0)
