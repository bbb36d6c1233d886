"""Forms of the region side of the evaluation. They parse input; the rules
(the instrument's scale, when a cycle may change) live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.uploads import EVIDENCE_KINDS, accept_attribute
from kotacerdas.evaluation.instruments.models import Instrument
from kotacerdas.evaluation.instruments.selectors import number_id
from kotacerdas.evaluation.self_assessment.models import Application
from kotacerdas.masterplan.models import Agency
from kotacerdas.regions.models import Region


def _caption() -> forms.CharField:
    return forms.CharField(label=_("Keterangan"), max_length=300, required=False)


def _agencies(region: Region) -> Any:
    return Agency.objects.filter(region=region).order_by("short_name", "name")


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Jawaban"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    claimed_score = forms.DecimalField(
        label=_("Nilai yang diajukan"), required=False, localize=True
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claimed_score"].help_text = _(
            "Skala %(min)s–%(max)s, paling banyak %(places)s angka di belakang koma. "
            "Butir dihitung terjawab bila jawaban dan nilai sudah diisi."
        ) % {
            "min": number_id(instrument.scale_min),
            "max": number_id(instrument.scale_max),
            "places": instrument.scale_places,
        }


class AnswerGridRowForm(forms.Form):
    """One row of the self-assessment grid: an item's claimed score and a
    short answer. ``item`` and ``version`` (the content token of what the
    page showed, ``services.answer_version``) travel hidden; the view trusts
    ``item`` only among the rows the user may write."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(max_length=64, widget=forms.HiddenInput)
    claimed_score = forms.DecimalField(
        label=_("Nilai"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    text = forms.CharField(
        label=_("Jawaban"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


AnswerGridFormSet = forms.formset_factory(
    AnswerGridRowForm, extra=0, max_num=1000, validate_max=True, absolute_max=1000
)


class DelegateForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Diisi oleh"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Tim smart city sendiri"),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = _agencies(region)


class EvidenceUploadForm(forms.Form):
    berkas = forms.FileField(
        label=_("Berkas"),
        help_text=_("Dokumen, lembar kerja atau foto (PDF, DOCX, XLSX, JPG, PNG, dan sejenisnya)."),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(EVIDENCE_KINDS)}),
    )
    caption = _caption()


class EvidenceLinkForm(forms.Form):
    url = forms.URLField(label=_("Tautan"), max_length=500, assume_scheme="https")
    caption = _caption()


class EvidencePickForm(forms.Form):
    progress_evidence = forms.IntegerField(widget=forms.HiddenInput)
    caption = _caption()


class RequestResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Jawaban"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    berkas = forms.FileField(
        label=_("Tambah berkas bukti (tidak wajib)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(EVIDENCE_KINDS)}),
    )
    url = forms.URLField(
        label=_("Tambah tautan bukti (tidak wajib)"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    caption = _caption()


class ApplicationForm(forms.ModelForm[Application]):
    url = forms.URLField(
        label=_("Alamat (URL)"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Application
        fields = ("name", "agency", "pillar", "status", "url", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = _agencies(region)
