"""Forms of the assessor pages. They parse input; the rules (the cycle's
state, the declaration, the scale, the lead) live in services.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kotacerdas.evaluation.assessment.selectors import assessor_candidates, assessor_label
from kotacerdas.evaluation.cycles.forms import DATE
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import parse_number
from kotacerdas.regions.models import Region


class AssessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return assessor_label(obj)


class AssignForm(forms.Form):
    """The picker offers only the accounts the conflict rules allow
    (``selectors.assessor_candidates``); any other id, sent by a crafted
    POST, is refused with the rule (and the service checks it again)."""

    assessor = AssessorChoiceField(
        label=_("Akun asesor"),
        queryset=get_user_model().objects.none(),
        help_text=_(
            "Hanya akun berperan asesor yang tidak punya peran lain di wilayah ini; "
            "ditampilkan dengan nama lengkap dan institusinya."
        ),
        error_messages={
            "invalid_choice": _(
                "Akun ini tidak dapat ditugaskan: hanya akun aktif berperan asesor yang bukan "
                "staf wilayah yang dinilai, dan belum ditugaskan pada siklus ini."
            )
        },
    )
    is_lead = forms.BooleanField(label=_("Jadikan asesor utama"), required=False)

    def __init__(
        self, *args: Any, region: Region, exclude: list[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assessor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assessor_candidates(region).exclude(pk__in=exclude or [])


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Apakah Anda punya benturan kepentingan dengan wilayah ini?"),
        choices=[("no", _("Tidak ada")), ("yes", _("Ada"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    conflict_note = forms.CharField(
        label=_("Uraian (wajib bila ada)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mis. pernah bekerja untuk pemerintah daerah ini atau menjadi konsultannya. "
            "Pernyataan tidak dapat diubah sesudah disimpan."
        ),
    )


class EvidenceRequestForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Butir"), queryset=Item.objects.none())
    message = forms.CharField(
        label=_("Bukti yang diminta"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Batas waktu"), widget=DATE)

    def __init__(self, *args: Any, items: QuerySet[Item], **kwargs: Any) -> None:
        """``items``: the cycle's items (``cycles.selectors.cycle_items``)."""
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = items


class SummaryForm(forms.Form):
    notes = forms.CharField(
        label=_("Catatan asesor"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendations = forms.CharField(
        label=_("Rekomendasi"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def parse_scores(
    data: Any, items: list[Item], prefix: str = "score"
) -> tuple[dict[int, Decimal], dict[int, str]]:
    """``score-<item id>`` fields of a bulk form → (item id → Decimal for the
    filled ones, item id → message for the unreadable ones)."""
    scores: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    for item in items:
        text = (data.get(f"{prefix}-{item.pk}") or "").strip()
        if not text:
            continue
        try:
            scores[item.pk] = parse_number(text)
        except ValidationError as error:
            errors[item.pk] = " ".join(error.messages)
    return scores, errors
