from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.sheets.problems import UnreadableWorkbook
from kotacerdas.core.sheets.reading import check
from kotacerdas.core.uploads import validate_upload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportUploadForm(forms.Form):
    """One .xlsx of at most 10 MB that opens as an Excel workbook;
    ``cleaned_data["file"]`` is its content."""

    file = forms.FileField(
        label=_("Berkas Excel (.xlsx)"),
        help_text=_("Templat masterplan yang sudah diisi, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        # The shared upload check: content, not just the name (macros, zip
        # bombs, disguised files), with the size limit of this form.
        validate_upload(upload, kinds={"xlsx"}, max_bytes=MAX_UPLOAD_BYTES)
        content: bytes = upload.read()
        try:
            check(content, kind="xlsx")
        except UnreadableWorkbook as error:
            raise ValidationError(error.message) from None
        return content
