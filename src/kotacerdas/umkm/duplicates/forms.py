"""The filter of the duplicate review queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.umkm.duplicates.models import DuplicateCandidate


class CandidateFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Dasar"),
        required=False,
        choices=[("", gettext_lazy("Semua")), *DuplicateCandidate.Kind.choices],
    )
    kelurahan = forms.ChoiceField(label=gettext_lazy("Kelurahan/desa"), required=False)

    def __init__(self, *args: Any, kelurahan: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kelurahan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Semua")), *sorted(kelurahan.items(), key=lambda kv: kv[1])]

    def apply(self, qs: models.QuerySet[DuplicateCandidate]) -> models.QuerySet[DuplicateCandidate]:
        if not self.is_valid():
            return qs
        if self.cleaned_data["kind"]:
            qs = qs.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data["kelurahan"]:
            code = self.cleaned_data["kelurahan"]
            qs = qs.filter(
                models.Q(first__kelurahan_code=code) | models.Q(second__kelurahan_code=code)
            )
        return qs
