from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WorkbookUploadForm(forms.Form):
    """The filled-in progress workbook of one agency (checked by content in
    the view, through kotacerdas.core.uploads.validate_upload)."""

    file = forms.FileField(
        label=_("Berkas Excel (.xlsx) yang sudah diisi"),
        help_text=_("Berkas yang diunduh dari halaman ini untuk periode dan perangkat daerah ini."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
