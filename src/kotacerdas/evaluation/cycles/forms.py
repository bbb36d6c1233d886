"""Forms of the cycle pages. They parse input; the rules live in the
services (the schedule's order, the allowed transitions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.instruments.forms import year_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScheduleForm(forms.Form):
    self_assessment_due = forms.DateField(
        label=_("Batas penilaian mandiri"), required=False, widget=DATE
    )
    interview_date = forms.DateField(label=_("Tanggal wawancara"), required=False, widget=DATE)
    evidence_deadline = forms.DateField(label=_("Batas bukti dukung"), required=False, widget=DATE)


class CycleForm(ScheduleForm):
    year = year_field()
    stage = forms.ChoiceField(label=_("Tahap"), choices=EvaluationCycle.Stage.choices)
    with_readiness = forms.BooleanField(
        label=_("Sertakan instrumen kesiapan daerah"), required=False
    )

    field_order = ("year", "stage", "with_readiness")


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=EvaluationCycle.State.choices)
