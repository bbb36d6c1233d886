"""Forms of the OSS-RBA NIB list import: the upload (checked like every
registry import), a decision on a proposed pair, and the kelurahan of an
unmatched row registered as a new business."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.umkm.imports.aliases import kelurahan_choices
from kotacerdas.umkm.imports.forms import ImportUploadForm


class OssUploadForm(ImportUploadForm):
    """The NIB list as downloaded (CSV or XLSX; XLS and ODS also read), with
    the size limit and content checks of survey imports."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Daftar NIB dari OSS-RBA")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Terima")), ("reject", _("Tolak"))],
        error_messages={
            "required": _("Pilih terima atau tolak."),
            "invalid_choice": _("Pilih terima atau tolak."),
        },
    )

    @property
    def accept(self) -> bool:
        return bool(self.cleaned_data["decision"] == "accept")


class RegisterForm(forms.Form):
    kelurahan_code = forms.ChoiceField(label=_("Kelurahan/desa"))

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["kelurahan_code"])
        field.choices = [("", "—"), *kelurahan_choices(region.code)]
        field.error_messages["required"] = _(
            "Pilih kelurahan/desa usaha ini: daftar OSS tidak menyebutnya dengan jelas."
        )

    def clean_kelurahan_code(self) -> str:
        code = str(self.cleaned_data["kelurahan_code"])
        if not code:
            raise ValidationError(_("Pilih kelurahan/desa usaha ini."))
        return code
