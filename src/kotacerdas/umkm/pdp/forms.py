"""Forms of the personal-data pages: the purpose of a reveal, the export of
the list, the per-person report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.umkm import identifiers


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Tujuan"),
        min_length=10,
        max_length=500,
        widget=forms.TextInput(),
        help_text=_(
            "Untuk apa data pribadi ini dibuka, mis. 'verifikasi lapangan atas permintaan "
            "pemilik'. Dicatat dalam catatan pemrosesan."
        ),
        error_messages={
            "required": _("Tuliskan tujuan membuka data pribadi; tujuan ini dicatat."),
            "min_length": _("Tujuan terlalu singkat: tulis minimal 10 huruf."),
        },
    )


FORMATS = [("csv", "CSV"), ("xlsx", "Excel (XLSX)")]


class ExportForm(forms.Form):
    """Export of the filtered list. ``personal`` needs the "reveal" permission
    and a purpose."""

    fmt = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")
    personal = forms.BooleanField(label=_("Sertakan data pribadi"), required=False)
    purpose = forms.CharField(label=_("Tujuan"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("personal") and len((data.get("purpose") or "").strip()) < 10:
            self.add_error(
                "purpose",
                _("Ekspor data pribadi memerlukan tujuan (minimal 10 huruf); tujuan ini dicatat."),
            )
        return data


class SubjectReportForm(PurposeForm):
    nik = forms.CharField(label=_("NIK pemilik data"), max_length=30)
    fmt = forms.ChoiceField(
        label=_("Bentuk"),
        choices=[("html", _("Halaman cetak")), *FORMATS],
        initial="html",
    )

    def clean_nik(self) -> str:
        try:
            nik = identifiers.clean_nik(self.cleaned_data.get("nik", ""))
        except identifiers.Invalid as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        if not nik:
            raise ValidationError(identifiers.REASONS["nik_length"], code="nik_length")
        return nik
