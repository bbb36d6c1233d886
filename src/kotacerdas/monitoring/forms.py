from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.forms import AmountField, PercentField
from kotacerdas.monitoring.models import ProgressReport
from kotacerdas.monitoring.services import REPORT_INPUT_FIELDS


class ReportForm(forms.ModelForm):
    """A progress report. Progress and money are read as the period's workbook
    reads them (kotacerdas.core.numbers): "45,5", "250.000.000", "Rp 250 jt"."""

    class Meta:
        model = ProgressReport
        fields: ClassVar = list(REPORT_INPUT_FIELDS)
        field_classes: ClassVar = {
            "physical_progress": PercentField,
            "budget_ceiling": AmountField,
            "budget_realisation": AmountField,
        }
        widgets: ClassVar = {
            "output_achieved": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts: ClassVar = {
            "status": _("Status selesai wajib disertai minimal satu bukti dukung."),
            "budget_ceiling": _("Dalam Rupiah, mis. 250.000.000, Rp 250 jt atau 1,5 M."),
            "budget_realisation": _("Tidak boleh melebihi pagu."),
        }


class EvidenceFileForm(forms.Form):
    file = forms.FileField(label=_("Berkas (PDF, dokumen kantor, foto)"))
    caption = forms.CharField(label=_("Keterangan"), max_length=300, required=False)
    is_public = forms.BooleanField(label=_("Boleh tampil di portal publik"), required=False)


class EvidenceLinkForm(forms.Form):
    url = forms.URLField(label=_("Tautan"), max_length=500, assume_scheme="https")
    caption = forms.CharField(label=_("Keterangan"), max_length=300, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pengembalian"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class GenerateForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int)

    def __init__(self, *args: Any, years: range, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, str(y)) for y in years]


class CloseForm(forms.Form):
    """The reason on the close confirmation page (required by the service
    when the period closes on or before its reporting deadline)."""

    reason = forms.CharField(
        label=_("Alasan menutup sebelum batas laporan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila periode ditutup sebelum batas laporan lewat."),
    )
