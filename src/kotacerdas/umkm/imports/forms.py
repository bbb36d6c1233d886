"""Forms of the survey import on the web: the upload, and the column mapping
screen (one select of target fields per column of the sheet)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.uploads import (
    MB,
    SPREADSHEET_KINDS,
    CheckedUpload,
    accept_attribute,
    validate_upload,
)

# Fields without which no row can be registered: the mapping screen refuses
# a mapping that leaves them out.
REQUIRED_FIELDS = ("name", "kelurahan")
IGNORE = ""


def max_import_bytes() -> int:
    """The size limit of one survey file: KOTACERDAS_UMKM_IMPORT_MAX_BYTES,
    by default 200 MB (read on every call: tests and deployments change it)."""
    return int(settings.KOTACERDAS_UMKM_IMPORT_MAX_BYTES)


class ImportUploadForm(forms.Form):
    """One survey spreadsheet (CSV, XLSX, XLS, ODS), checked by its content.
    ``cleaned_data["file"]`` is the upload, ``cleaned_data["checked"]`` what
    the check found (kind, size, SHA-256)."""

    file = forms.FileField(
        label=_("Berkas survei"),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(SPREADSHEET_KINDS)}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_import_bytes()
        self.fields["file"].help_text = _(
            "CSV, Excel (XLSX atau XLS) atau OpenDocument (ODS), paling besar %(size)s MB."
        ) % {"size": self.max_bytes // MB}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload: UploadedFile | None = cleaned.get("file")
        if upload is not None:
            try:
                cleaned["checked"] = validate_upload(
                    upload, kinds=SPREADSHEET_KINDS, max_bytes=self.max_bytes
                )
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned

    @property
    def checked(self) -> CheckedUpload:
        checked: CheckedUpload = self.cleaned_data["checked"]
        return checked


def column_field_name(index: int) -> str:
    return f"col_{index}"


class MappingForm(forms.Form):
    """A select per column: the field the column fills, or "ignore".
    ``cleaned_data["mapping"]`` is ``{column index: field}`` of the mapped
    columns only."""

    def __init__(
        self,
        *args: Any,
        headers: Sequence[str],
        fields: Mapping[str, Any],
        initial_mapping: Mapping[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        self.labels = dict(fields)
        choices = [(IGNORE, _("— abaikan kolom ini —")), *self.labels.items()]
        for index, header in enumerate(self.headers):
            self.fields[column_field_name(index)] = forms.ChoiceField(
                label=header or _("(kolom %(n)s tanpa judul)") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(index, IGNORE),
            )

    def column(self, index: int) -> forms.BoundField:
        return self[column_field_name(index)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mapping: dict[int, str] = {}
        columns_of: dict[str, list[int]] = {}
        for index in range(len(self.headers)):
            field = cleaned.get(column_field_name(index)) or IGNORE
            if field != IGNORE:
                mapping[index] = field
                columns_of.setdefault(field, []).append(index)
        for field, columns in columns_of.items():
            if len(columns) > 1:
                names = ", ".join(self._column_name(i) for i in columns)
                message = _(
                    "%(field)s dipilih untuk lebih dari satu kolom: %(columns)s. "
                    "Satu isian hanya boleh diisi dari satu kolom; abaikan kolom yang lain."
                ) % {"field": self.labels[field], "columns": names}
                for index in columns:
                    self.add_error(column_field_name(index), message)
        missing = [field for field in REQUIRED_FIELDS if field not in columns_of]
        if missing:
            raise ValidationError(
                _(
                    "Kolom untuk %(fields)s belum dipilih. Tanpa isian ini baris tidak dapat "
                    "didaftarkan, jadi pilih kolom yang memuatnya."
                )
                % {"fields": ", ".join(str(self.labels[field]) for field in missing)},
                code="required_fields",
            )
        cleaned["mapping"] = mapping
        return cleaned

    def _column_name(self, index: int) -> str:
        header = self.headers[index]
        return f"{index + 1} “{header}”" if header else str(index + 1)
