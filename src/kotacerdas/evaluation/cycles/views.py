"""Cycle pages: a region's cycles, run by its smart city team, and the
cycle page every reader of the cycle sees (the region's and the assessors'
panels are added by their template tags). Views parse input, fetch through
``evaluation.access``, call a service or selector, and render. Who may do
what is described in evaluation/access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import roles_of
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import attempt
from kotacerdas.evaluation.access import (
    cycle_fetch,
    cycles_for,
    may_move,
    move_action,
    region_for_cycles,
)
from kotacerdas.evaluation.cycles import services
from kotacerdas.evaluation.cycles.forms import CycleForm, ScheduleForm, StateForm
from kotacerdas.evaluation.cycles.models import EvaluationCycle


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


def _next_states(request: HttpRequest, cycle: EvaluationCycle) -> list[tuple[str, str]]:
    """The moves the cycle page offers the user (the lead assessor marks a
    cycle scored on the assessor panel instead). Publishing is not one of
    them: it has one action, the confirmation page of the assessor panel
    (``evaluation:cycle_publish``)."""
    labels = dict(EvaluationCycle.State.choices)
    return [
        (state, str(labels[state]))
        for state in services.TRANSITIONS[cycle.state]
        if state != EvaluationCycle.State.PUBLISHED and may_move(request.user, cycle, state)
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
    cycle = cycle_fetch(request.user, pk, move_action(target))
    if not form.is_valid():
        messages.error(request, _("Keadaan tujuan tidak dikenal."))
        return redirect("evaluation:cycle_detail", pk=cycle.pk)
    if target == EvaluationCycle.State.PUBLISHED:
        # One publish action: through its confirmation, never a bare move.
        return redirect("evaluation:cycle_publish", pk=cycle.pk)
    labels = dict(EvaluationCycle.State.choices)
    attempt(
        request,
        lambda: services.cycle_advance(actor=request.user, cycle=cycle, state=target),
        _("Siklus sekarang dalam keadaan “%(state)s”.") % {"state": labels[target]},
    )
    return redirect("evaluation:cycle_detail", pk=cycle.pk)
