from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.monitoring.models import ProgressReport
from kotacerdas.monitoring.services import REPORT_INPUT_FIELDS


class ReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields: ClassVar = list(REPORT_INPUT_FIELDS)
        widgets: ClassVar = {
            "output_achieved": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts: ClassVar = {
            "status": _("Status selesai wajib disertai minimal satu bukti dukung."),
            "budget_ceiling": _("Dalam Rupiah, tanpa titik pemisah ribuan."),
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


class WorkbookUploadForm(forms.Form):
    """The filled-in progress workbook of one agency (checked by content in
    the view, through kotacerdas.core.uploads.validate_upload)."""

    file = forms.FileField(
        label=_("Berkas Excel (.xlsx) yang sudah diisi"),
        help_text=_("Berkas yang diunduh dari halaman ini untuk periode dan perangkat daerah ini."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
