"""Forms render and validate input; the views hand cleaned data to the
services. A form is always built on a copy of the object, so that a form
that fails validation never leaves half-applied values on the real one."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.forms import AmountField
from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Agency,
    Element,
    Masterplan,
    Programme,
)
from kotacerdas.masterplan.services import PROGRAMME_FIELDS


def choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model-choice field, typed, for setting its queryset."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class MasterplanForm(forms.ModelForm):
    class Meta:
        model = Masterplan
        fields: ClassVar = [
            "title",
            "start_year",
            "end_year",
            "legal_basis",
            "status",
            "reporting_frequency",
        ]


class LabelsForm(forms.Form):
    """One text field per pillar and per element of a masterplan."""

    def __init__(self, *args: Any, masterplan: Masterplan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str, list[str]]] = []
        for pillar in masterplan.pillars.prefetch_related("elements"):
            pillar_key = f"pillar_{pillar.pk}"
            self.fields[pillar_key] = forms.CharField(
                label=_("Pilar"), initial=pillar.name, max_length=120
            )
            element_keys = []
            for element in pillar.elements.all():
                key = f"element_{element.pk}"
                self.fields[key] = forms.CharField(
                    label=_("Elemen"), initial=element.name, max_length=160
                )
                element_keys.append(key)
            self.groups.append((pillar_key, element_keys))

    def names(self, prefix: str) -> dict[int, str]:
        return {
            int(key.removeprefix(prefix)): value
            for key, value in self.cleaned_data.items()
            if key.startswith(prefix)
        }


class ElementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.pillar.name} — {obj.name}"


class ProgrammeForm(forms.ModelForm):
    element = ElementChoiceField(label=_("Pilar dan elemen"), queryset=Element.objects.none())

    class Meta:
        model = Programme
        fields: ClassVar = [f for f in PROGRAMME_FIELDS if f != "masterplan"]
        widgets: ClassVar = {
            "supporting_agencies": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "output": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes: ClassVar = {"estimated_cost": AmountField}
        help_texts: ClassVar = {
            "quick_win_year": _("Isi hanya untuk program quick win (satu per pilar per tahun)."),
            "estimated_cost": _("Dalam Rupiah, mis. 2.500.000.000, Rp 2,5 M atau 2,5 miliar."),
        }

    def __init__(self, *args: Any, masterplan: Masterplan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.masterplan = masterplan
        choice(self, "element").queryset = Element.objects.filter(
            pillar__masterplan=masterplan
        ).select_related("pillar")
        agencies = Agency.objects.filter(region_id=masterplan.region_id)
        choice(self, "lead_agency").queryset = agencies
        choice(self, "supporting_agencies").queryset = agencies


class ActionPlanForm(forms.ModelForm):
    """Admins edit every field; agency editors report status, activity and
    target of their own agencies' action plans, the rest is shown read-only."""

    EDITOR_FIELDS = ("status", "activity", "target")

    class Meta:
        model = ActionPlan
        fields: ClassVar = ["programme", "code", "year", "agency", "activity", "target", "status"]
        widgets: ClassVar = {
            "activity": forms.Textarea(attrs={"rows": 3}),
            "target": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        masterplan: Masterplan,
        agencies: Any,
        full_access: bool,
        status_editable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.masterplan = masterplan
        choice(self, "programme").queryset = Programme.objects.filter(masterplan=masterplan)
        choice(self, "agency").queryset = agencies
        if not full_access:
            for name, field in self.fields.items():
                if name not in self.EDITOR_FIELDS:
                    field.disabled = True
        if not status_editable:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _(
                "Status diperbarui lewat laporan kemajuan yang diverifikasi, atau lewat "
                "Koreksi status oleh tim."
            )

    def changed_values(self) -> dict[str, Any]:
        """Only the fields the user may set."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not self.fields[name].disabled
        }


class StatusCorrectionForm(forms.Form):
    """The team's correction of a status without a report: a new status and
    the reason, which is shown next to the status and in the figures."""

    status = forms.ChoiceField(label=_("Status baru"))
    reason = forms.CharField(
        label=_("Alasan koreksi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_(
            "Wajib. Ditampilkan di samping status dan di penjelasan angka: "
            "“dikoreksi oleh tim, tanpa laporan: <alasan>”."
        ),
        error_messages={"required": _("Alasan koreksi wajib diisi.")},
    )

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(v, label) for v, label in ActionPlanStatus.choices if v != plan.status]
