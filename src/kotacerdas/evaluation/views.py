"""Evaluation pages, phase 1: instruments (national, edited by the ministry's
operator) and a region's cycles (run by its smart city team). Views parse
input, fetch through ``evaluation.access``, call a service or selector, and
render. Who may do what is described in access.py."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import roles_of
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import attempt
from kotacerdas.core.sheets.problems import ExchangeError
from kotacerdas.evaluation import services
from kotacerdas.evaluation.access import (
    CycleAction,
    cycle_fetch,
    cycles_for,
    instrument_fetch,
    instruments_for,
    item_fetch,
    may_use_instruments,
    region_for_cycles,
)
from kotacerdas.evaluation.forms import (
    CycleForm,
    InstrumentCreateForm,
    InstrumentForm,
    ItemForm,
    ScheduleForm,
    StateForm,
    UploadForm,
    WeightsForm,
)
from kotacerdas.evaluation.instrument_xlsx import instrument_xlsx_export, instrument_xlsx_import
from kotacerdas.evaluation.models import EvaluationCycle, Instrument
from kotacerdas.evaluation.selectors import instrument_with_items

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_page(
    request: HttpRequest, *, form: Any, title: str, cancel_url: str, eyebrow: str = ""
) -> HttpResponse:
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "eyebrow": eyebrow},
    )


# --- Instruments ---------------------------------------------------------------------------


@login_required
@require_safe
def instrument_list(request: HttpRequest) -> HttpResponse:
    if not may_use_instruments(request.user):
        raise PermissionDenied
    instruments = instruments_for(request.user)
    can_change = roles_of(request.user).superuser
    return render(
        request,
        "evaluation/instrument_list.html",
        {
            "instruments": instruments.annotate(item_count=Count("items")).order_by(
                "-year", "kind", "-version"
            ),
            "can_change": can_change,
            "create_form": InstrumentCreateForm() if can_change else None,
        },
    )


@login_required
@require_POST
def instrument_create(request: HttpRequest) -> HttpResponse:
    if not may_use_instruments(request.user, "change"):
        raise PermissionDenied
    form = InstrumentCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih jenis dan tahun (2000–2100)."))
        return redirect("evaluation:instrument_list")
    instrument = services.instrument_create(actor=request.user, **form.cleaned_data)
    messages.success(
        request,
        _("%(instrument)s dibuat sebagai draf dengan butir contoh.") % {"instrument": instrument},
    )
    return redirect("evaluation:instrument_detail", pk=instrument.pk)


@login_required
@require_safe
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument_fetch(request.user, pk)
    instrument = instrument_with_items(pk)
    dimensions = list(instrument.dimensions.all())
    can_change = roles_of(request.user).superuser
    return render(
        request,
        "evaluation/instrument_detail.html",
        {
            "instrument": instrument,
            "dimensions": dimensions,
            "total": sum(d.weight for d in dimensions),
            "problems": services.instrument_problems(instrument) if instrument.is_draft else [],
            "can_change": can_change,
            "editable": can_change and instrument.is_draft,
            "versions": Instrument.objects.filter(
                kind=instrument.kind, year=instrument.year
            ).order_by("-version"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = instrument_fetch(request.user, pk, "change")
    form = InstrumentForm(request.POST or None, instance=copy.copy(instrument))
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_update(
                actor=request.user, instrument=instrument, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Instrumen disimpan."))
            return redirect("evaluation:instrument_detail", pk=instrument.pk)
    return _form_page(
        request,
        form=form,
        title=_("Ubah instrumen"),
        eyebrow=str(instrument),
        cancel_url=reverse("evaluation:instrument_detail", args=[instrument.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_weights(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = instrument_fetch(request.user, pk, "change")
    form = WeightsForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_set_weights(
                actor=request.user, instrument=instrument, weights=form.weights()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Bobot dimensi disimpan."))
            return redirect("evaluation:instrument_detail", pk=instrument.pk)
    return _form_page(
        request,
        form=form,
        title=_("Bobot dimensi"),
        eyebrow=str(instrument),
        cancel_url=reverse("evaluation:instrument_detail", args=[instrument.pk]),
    )


@login_required
@require_POST
def instrument_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = instrument_fetch(request.user, pk, "change")
    copy_ = services.instrument_new_version(actor=request.user, instrument=instrument)
    messages.success(
        request,
        _("Versi %(version)s dibuat sebagai draf dari versi %(source)s.")
        % {"version": copy_.version, "source": instrument.version},
    )
    return redirect("evaluation:instrument_detail", pk=copy_.pk)


@login_required
@require_POST
def instrument_activate(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = instrument_fetch(request.user, pk, "change")
    attempt(
        request,
        lambda: services.instrument_activate(actor=request.user, instrument=instrument),
        _("%(instrument)s sekarang aktif.") % {"instrument": instrument},
    )
    return redirect("evaluation:instrument_detail", pk=instrument.pk)


@login_required
@require_safe
def instrument_export(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = instrument_fetch(request.user, pk)
    filename = f"instrumen-{instrument.kind}-{instrument.year}-v{instrument.version}.xlsx"
    disposition = content_disposition_header(True, filename)
    assert disposition is not None
    return HttpResponse(
        instrument_xlsx_export(instrument),
        content_type=XLSX,
        headers={"Content-Disposition": disposition},
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a changed workbook: either every problem is listed (nothing is
    created) or a new draft version is created from it."""
    instrument = instrument_fetch(request.user, pk, "change")
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            result = instrument_xlsx_import(
                actor=request.user, base=instrument, content=form.cleaned_data["berkas"]
            )
        except ExchangeError as error:
            form.add_error("berkas", error.message)
        else:
            if result.instrument is not None:
                messages.success(
                    request,
                    _(
                        "Versi draf %(version)s dibuat dari berkas: %(dimensions)s dimensi, "
                        "%(items)s butir."
                    )
                    % {
                        "version": result.instrument.version,
                        "dimensions": result.dimensions,
                        "items": result.items,
                    },
                )
                return redirect("evaluation:instrument_detail", pk=result.instrument.pk)
            problems = result.problems
    return render(
        request,
        "evaluation/instrument_import.html",
        {"instrument": instrument, "form": form, "problems": problems},
        status=422 if problems else 200,
    )


# --- Items ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = instrument_fetch(request.user, pk, "change")
    form = ItemForm(
        request.POST or None,
        instrument=instrument,
        initial={"dimension": request.GET.get("dimensi")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                actor=request.user, instrument=instrument, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Butir %(code)s ditambahkan.") % {"code": item.code})
            return redirect("evaluation:instrument_detail", pk=instrument.pk)
    return _form_page(
        request,
        form=form,
        title=_("Butir baru"),
        eyebrow=str(instrument),
        cancel_url=reverse("evaluation:instrument_detail", args=[instrument.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_fetch(request.user, pk)
    form = ItemForm(request.POST or None, instance=copy.copy(item), instrument=item.instrument)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("order") is None:
            data["order"] = item.order
        try:
            services.item_update(actor=request.user, item=item, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Butir %(code)s disimpan.") % {"code": item.code})
            return redirect("evaluation:instrument_detail", pk=item.instrument_id)
    return _form_page(
        request,
        form=form,
        title=_("Ubah butir %(code)s") % {"code": item.code},
        eyebrow=str(item.instrument),
        cancel_url=reverse("evaluation:instrument_detail", args=[item.instrument_id]),
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_fetch(request.user, pk)
    instrument_pk = item.instrument_id
    attempt(
        request,
        lambda: services.item_delete(actor=request.user, item=item),
        _("Butir %(code)s dihapus.") % {"code": item.code},
    )
    return redirect("evaluation:instrument_detail", pk=instrument_pk)


# --- Cycles --------------------------------------------------------------------------------


@login_required
@require_safe
def cycle_list(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_cycles(request.user, code)
    return render(
        request,
        "evaluation/cycle_list.html",
        {"region": region, "cycles": cycles_for(request.user).filter(region=region)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_cycles(request.user, code)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Siklus %(cycle)s dibuat.") % {"cycle": cycle})
            return redirect("evaluation:cycle_detail", pk=cycle.pk)
    return render(
        request,
        "evaluation/form.html",
        {
            "region": region,
            "form": form,
            "title": _("Siklus evaluasi baru"),
            "eyebrow": region.name,
            "cancel_url": reverse("evaluation:cycle_list", args=[region.code]),
            "help": _(
                "Siklus memakai instrumen evaluasi yang aktif untuk tahunnya, dan tetap "
                "memakai versi itu walau versi baru diaktifkan kemudian."
            ),
        },
    )


MINISTRY_STATES = (EvaluationCycle.State.SCORED, EvaluationCycle.State.PUBLISHED)


def _next_states(request: HttpRequest, cycle: EvaluationCycle) -> list[tuple[str, str]]:
    labels = dict(EvaluationCycle.State.choices)
    if not roles_of(request.user).is_admin_of(cycle.region_id):
        return []  # assigned assessors read the cycle but do not move it
    may_publish = roles_of(request.user).superuser
    # "Scored" is the lead assessor's (assessor panel) and publishing the
    # ministry's; a superuser may do both from here.
    return [
        (state, str(labels[state]))
        for state in services.TRANSITIONS[cycle.state]
        if state not in MINISTRY_STATES or may_publish
    ]


@login_required
@require_safe
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_fetch(request.user, pk)
    dimensions = list(cycle.instrument.dimensions.annotate(n=Count("items")).order_by("order"))
    return render(
        request,
        "evaluation/cycle_detail.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "dimensions": dimensions,
            "next_states": _next_states(request, cycle),
            "published": cycle.state == EvaluationCycle.State.PUBLISHED,
            # Assigned assessors read the cycle but do not manage it: no
            # schedule, cycle list or instrument links that would answer 403.
            "manages": roles_of(request.user).is_admin_of(cycle.region_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_fetch(request.user, pk, "change")
    initial = {
        "self_assessment_due": cycle.self_assessment_due,
        "interview_date": cycle.interview_date,
        "evidence_deadline": cycle.evidence_deadline,
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_set_schedule(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Jadwal siklus disimpan."))
            return redirect("evaluation:cycle_detail", pk=cycle.pk)
    return render(
        request,
        "evaluation/form.html",
        {
            "region": cycle.region,
            "form": form,
            "title": _("Jadwal siklus"),
            "eyebrow": str(cycle),
            "cancel_url": reverse("evaluation:cycle_detail", args=[cycle.pk]),
        },
    )


@login_required
@require_POST
def cycle_advance(request: HttpRequest, pk: int) -> HttpResponse:
    form = StateForm(request.POST)
    target = form.data.get("state", "")
    action: CycleAction = "publish" if target in MINISTRY_STATES else "change"
    cycle = cycle_fetch(request.user, pk, action)
    if not form.is_valid():
        messages.error(request, _("Keadaan tujuan tidak dikenal."))
        return redirect("evaluation:cycle_detail", pk=cycle.pk)
    labels = dict(EvaluationCycle.State.choices)
    attempt(
        request,
        lambda: services.cycle_advance(actor=request.user, cycle=cycle, state=target),
        _("Siklus sekarang dalam keadaan “%(state)s”.") % {"state": labels[target]},
    )
    return redirect("evaluation:cycle_detail", pk=cycle.pk)
