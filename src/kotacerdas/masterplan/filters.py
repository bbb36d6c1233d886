"""One filter definition per list, shared by the HTML pages, exports and the
API (NetBox habit): a form that validates the query string and applies itself
to a queryset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.paging import PAGE_SIZES, page_size_field
from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Agency, Horizon, Masterplan
from kotacerdas.masterplan.pillars import PILLARS

YES_NO = [("", _("Semua")), ("1", _("Ya")), ("0", _("Bukan"))]


class _MasterplanFilter(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    pillar = forms.ChoiceField(label=_("Pilar"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Perangkat daerah"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("Semua"),
    )
    year = forms.TypedChoiceField(label=_("Tahun"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status rencana aksi"),
        required=False,
        choices=[("", _("Semua")), *ActionPlanStatus.choices],
    )
    quick_win = forms.ChoiceField(label=_("Quick win"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, masterplan: Masterplan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.masterplan = masterplan
        labels = dict(masterplan.pillars.values_list("code", "name"))
        pillar, agency, year = self.fields["pillar"], self.fields["agency"], self.fields["year"]
        assert isinstance(pillar, forms.ChoiceField) and isinstance(year, forms.ChoiceField)
        assert isinstance(agency, forms.ModelChoiceField)
        pillar.choices = [("", _("Semua"))] + [
            (p.code, labels.get(p.code, p.name)) for p in PILLARS
        ]
        agency.queryset = Agency.objects.filter(region_id=masterplan.region_id)
        year.choices = [("", _("Semua"))] + [(y, str(y)) for y in masterplan.years()]

    @property
    def active(self) -> bool:
        return self.is_valid() and any(v not in (None, "") for v in self.cleaned_data.values())

    def values(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class ProgrammeFilter(_MasterplanFilter):
    """The programme list's filters and page size (``per``), in the query
    string like the action plan list's (kotacerdas.core.paging)."""

    per = page_size_field()

    def page_size(self) -> int:
        return self.values().get("per") or PAGE_SIZES[0]

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        data = self.values()
        if q := data.get("q"):
            qs = qs.filter(
                Q(code__icontains=q) | Q(name__icontains=q) | Q(description__icontains=q)
            )
        if pillar := data.get("pillar"):
            qs = qs.filter(element__pillar__code=pillar)
        if agency := data.get("agency"):
            qs = qs.filter(
                Q(lead_agency=agency)
                | Q(supporting_agencies=agency)
                | Q(action_plans__agency=agency)
            )
        if (year := data.get("year")) is not None:
            qs = qs.filter(start_year__lte=year, end_year__gte=year)
        if status := data.get("status"):
            qs = qs.filter(action_plans__status=status)
        if quick_win := data.get("quick_win"):
            qs = (
                qs.filter(horizon=Horizon.QUICK_WIN)
                if quick_win == "1"
                else qs.exclude(horizon=Horizon.QUICK_WIN)
            )
        return qs.distinct()


# The action plan list's orders (query value: order_by); each ends on the code
# so a page boundary never moves between requests.
ACTION_PLAN_ORDERS: dict[str, tuple[str, ...]] = {
    "": ("programme__element__pillar__order", "code"),
    "kode": ("code",),
    "tahun": ("year", "programme__element__pillar__order", "code"),
    "status": ("status", "programme__element__pillar__order", "code"),
    "opd": ("agency__short_name", "programme__element__pillar__order", "code"),
}


class ActionPlanFilter(_MasterplanFilter):
    """The action plan list's filters, its order (``urut``) and page size
    (``per``): all in the query string, so the pager's links keep them."""

    urut = forms.ChoiceField(
        label=_("Urutkan"),
        required=False,
        choices=[
            ("", _("Pilar, kode")),
            ("kode", _("Kode")),
            ("tahun", _("Tahun")),
            ("status", _("Status")),
            ("opd", _("Perangkat daerah")),
        ],
    )
    per = page_size_field()

    def ordering(self) -> tuple[str, ...]:
        return ACTION_PLAN_ORDERS[self.values().get("urut") or ""]

    def page_size(self) -> int:
        return self.values().get("per") or PAGE_SIZES[0]

    def apply(self, qs: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
        data = self.values()
        if q := data.get("q"):
            qs = qs.filter(
                Q(code__icontains=q)
                | Q(activity__icontains=q)
                | Q(target__icontains=q)
                | Q(programme__name__icontains=q)
            )
        if pillar := data.get("pillar"):
            qs = qs.filter(programme__element__pillar__code=pillar)
        if agency := data.get("agency"):
            qs = qs.filter(agency=agency)
        if (year := data.get("year")) is not None:
            qs = qs.filter(year=year)
        if status := data.get("status"):
            qs = qs.filter(status=status)
        if quick_win := data.get("quick_win"):
            qs = (
                qs.filter(programme__horizon=Horizon.QUICK_WIN)
                if quick_win == "1"
                else qs.exclude(programme__horizon=Horizon.QUICK_WIN)
            )
        return qs
