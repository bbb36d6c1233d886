"""Forms of the instrument pages. They parse input; the rules live in the
services (weights summing to 100, drafts only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.uploads import accept_attribute, validate_upload
from kotacerdas.evaluation.instruments.models import YEAR_MAX, YEAR_MIN, Instrument, Item

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def year_field() -> forms.IntegerField:
    """The year of an instrument or a cycle, this year by default."""
    return forms.IntegerField(
        label=_("Tahun"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        initial=lambda: timezone.localdate().year,
    )


class InstrumentCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=Instrument.Kind.choices)
    year = year_field()


class InstrumentForm(forms.ModelForm[Instrument]):
    class Meta:
        model = Instrument
        fields = ("name", "scale_min", "scale_max", "scale_places", "aggregation")


class WeightsForm(forms.Form):
    """One percentage per dimension of the instrument."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = []
        for dimension in instrument.dimensions.order_by("order"):
            self.codes.append(dimension.code)
            self.fields[dimension.code] = forms.DecimalField(
                label=_("%(name)s (%%)") % {"name": dimension.name},
                max_digits=5,
                decimal_places=2,
                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
                initial=dimension.weight.normalize(),
                localize=True,
            )

    def weights(self) -> dict[str, Decimal]:
        return {code: self.cleaned_data[code] for code in self.codes}


class ItemForm(forms.ModelForm[Item]):
    class Meta:
        model = Item
        fields = ("dimension", "code", "pillar", "question", "evidence", "weight", "order")
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dimension = self.fields["dimension"]
        assert isinstance(dimension, forms.ModelChoiceField)
        dimension.queryset = instrument.dimensions.order_by("order")
        dimension.empty_label = None
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Kosongkan untuk menaruh butir di akhir dimensinya.")


class UploadForm(forms.Form):
    """One .xlsx of at most 5 MB; ``cleaned_data["berkas"]`` is its content."""

    berkas = forms.FileField(
        label=_("Berkas instrumen (.xlsx)"),
        help_text=_("Berkas hasil unduhan instrumen yang sudah diubah, paling besar 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute({"xlsx"})}),
    )

    def clean_berkas(self) -> bytes:
        upload = self.cleaned_data["berkas"]
        validate_upload(upload, kinds={"xlsx"}, max_bytes=MAX_UPLOAD_BYTES)
        content: bytes = upload.read()
        return content
