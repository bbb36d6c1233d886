"""Evaluation pages of the assessor side: "Penugasan saya", assigning
assessors (the ministry's operator), the conflict-of-interest declaration,
scoring, evidence requests, consolidation and the summary (lead assessor),
"scored", publishing and corrections (the operator), and the result that
explains itself. Views parse input, fetch through ``evaluation.access``, call
a service or a selector of this package (a correction: of the cycle's,
``cycles.services.result_correct``), and render. Who may do what is
described in evaluation/access.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import roles_of
from kotacerdas.core.formatting import decimal_id
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import Confirmation, Consequence, attempt, confirm_page, confirmed
from kotacerdas.evaluation.access import (
    assessment_fetch,
    assigned_cycles,
    assignment_for,
    cycle_fetch,
    lead_or_operator_fetch,
    may_read_cycle,
)
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.assessment.forms import (
    AssignForm,
    ConflictForm,
    EvidenceRequestForm,
    SummaryForm,
    parse_scores,
)
from kotacerdas.evaluation.assessment.models import Assignment, CycleSummary
from kotacerdas.evaluation.assessment.selectors import (
    assignments_of,
    baseline_proposal,
    consolidated_scores,
    cycle_spread,
    items_for_assessor,
    missing_consolidated,
    publish_preview,
    result_explained,
    spread_threshold,
)
from kotacerdas.evaluation.cycles import services as cycles
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.cycles.selectors import (
    cycle_items,
    cycle_result_json,
    item_scores_json,
    latest_revision,
)
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import number_id
from kotacerdas.evaluation.self_assessment.models import EvidenceRequest
from kotacerdas.regions.models import Region

State = EvaluationCycle.State


def _to_cycle(cycle: EvaluationCycle) -> HttpResponse:
    return redirect("evaluation:cycle_detail", pk=cycle.pk)


def _nav_region(request: HttpRequest, cycle: EvaluationCycle) -> Region | None:
    """The region for the page's navigation: only for its members (an external
    assessor would be sent to region pages they may not open)."""
    return cycle.region if roles_of(request.user).can_view_region(cycle.region_id) else None


def _items(cycle: EvaluationCycle) -> list[Item]:
    return list(cycle_items(cycle))


def _assignment_fetch(request: HttpRequest, pk: int) -> Assignment:
    """An assignment, for the ministry's operator (superusers) only."""
    assignment = (
        Assignment.objects.select_related("cycle__region", "assessor").filter(pk=pk).first()
    )
    if assignment is None:
        raise Http404
    cycle_fetch(request.user, assignment.cycle_id, "publish")
    return assignment


# --- Assignments -------------------------------------------------------------------------


@login_required
@require_safe
def my_assignments(request: HttpRequest) -> HttpResponse:
    assignments = (
        Assignment.objects.filter(cycle__in=assigned_cycles(request.user), assessor=request.user)
        .select_related("cycle__region", "cycle__instrument")
        .order_by("-cycle__year", "cycle__region__name", "cycle__stage")
    )
    return render(request, "evaluation/assessor/my_assignments.html", {"assignments": assignments})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_manage(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_fetch(request.user, pk, "publish")
    assignments = assignments_of(cycle)
    form = AssignForm(
        request.POST or None, region=cycle.region, exclude=[a.assessor_id for a in assignments]
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment.assignment_create(
                actor=request.user,
                cycle=cycle,
                assessor=form.cleaned_data["assessor"],
                is_lead=form.cleaned_data["is_lead"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Asesor ditugaskan."))
            return redirect("evaluation:assignment_manage", pk=cycle.pk)
    return render(
        request,
        "evaluation/assessor/assignments.html",
        {
            "region": _nav_region(request, cycle),
            "cycle": cycle,
            "assignments": assignments,
            "form": form,
        },
    )


@login_required
@require_POST
def assignment_lead(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_fetch(request, pk)
    attempt(
        request,
        lambda: assessment.assignment_set_lead(actor=request.user, assignment=assignment),
        _("%(name)s sekarang asesor utama.") % {"name": assignment.assessor.get_username()},
    )
    return redirect("evaluation:assignment_manage", pk=assignment.cycle_id)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_fetch(request, pk)
    cycle_pk = assignment.cycle_id
    attempt(
        request,
        lambda: assessment.assignment_remove(actor=request.user, assignment=assignment),
        _("Penugasan dihapus."),
    )
    return redirect("evaluation:assignment_manage", pk=cycle_pk)


# --- The assessor's own work -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, assignment = assessment_fetch(request.user, pk)
    if assignment.conflict_declared_at is not None:
        return redirect("evaluation:assess", pk=cycle.pk)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment.conflict_declare(
                actor=request.user,
                assignment=assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                note=form.cleaned_data["conflict_note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Pernyataan benturan kepentingan disimpan."))
            return redirect("evaluation:assess", pk=cycle.pk)
    return render(
        request,
        "evaluation/assessor/conflict.html",
        {"region": _nav_region(request, cycle), "cycle": cycle, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """All items of the cycle: the region's answer, claimed score and
    evidence, and the assessor's own score and justification (one form)."""
    cycle, assignment = assessment_fetch(request.user, pk)
    if assignment.conflict_declared_at is None:
        return redirect("evaluation:conflict_declare", pk=cycle.pk)
    rows = items_for_assessor(cycle, assignment)
    errors: dict[int, str] = {}
    if request.method == "POST":
        scores, errors = parse_scores(request.POST, [r.item for r in rows])
        saved = 0
        for row in rows:
            pk_ = row.item.pk
            justification = request.POST.get(f"justification-{pk_}", "")
            if pk_ in errors or (pk_ not in scores and not justification.strip()):
                continue
            if pk_ not in scores:
                errors[pk_] = _("Isi nilainya juga.")
                continue
            if (
                row.own is not None
                and row.own.score == scores[pk_]
                and row.own.justification == justification.strip()
            ):
                continue
            try:
                assessment.score_set(
                    actor=request.user,
                    assignment=assignment,
                    item=row.item,
                    score=scores[pk_],
                    justification=justification,
                )
            except ValidationError as error:
                errors[pk_] = " ".join(error.messages)
            else:
                saved += 1
        if saved:
            messages.success(request, _("%(n)s nilai disimpan.") % {"n": saved})
        if not errors:
            return redirect("evaluation:assess", pk=cycle.pk)
        messages.error(request, _("Sebagian nilai belum disimpan; lihat pesan pada butirnya."))
    values = {
        r.item.pk: (
            request.POST.get(f"score-{r.item.pk}", "")
            if request.method == "POST"
            else (number_id(r.own.score) if r.own else ""),
            request.POST.get(f"justification-{r.item.pk}", "")
            if request.method == "POST"
            else (r.own.justification if r.own else ""),
        )
        for r in rows
    }
    requests = (
        EvidenceRequest.objects.filter(cycle=cycle)
        .select_related("item", "requested_by")
        .order_by("state", "due_on", "id")
    )
    return render(
        request,
        "evaluation/assessor/assess.html",
        {
            "region": _nav_region(request, cycle),
            "cycle": cycle,
            "assignment": assignment,
            "rows": [(r, values[r.item.pk], errors.get(r.item.pk)) for r in rows],
            "may_score": assignment.may_score and cycle.state == State.IN_ASSESSMENT,
            "requests": requests,
            "request_form": EvidenceRequestForm(items=cycle_items(cycle)),
        },
    )


@login_required
@require_POST
def evidence_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, assignment = assessment_fetch(request.user, pk)
    form = EvidenceRequestForm(request.POST, items=cycle_items(cycle))
    if not form.is_valid():
        messages.error(
            request,
            _("Permintaan bukti belum lengkap: %(errors)s")
            % {"errors": " ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
    else:
        attempt(
            request,
            lambda: assessment.evidence_request_create(
                actor=request.user,
                assignment=assignment,
                item=form.cleaned_data["item"],
                message=form.cleaned_data["message"],
                due_on=form.cleaned_data["due_on"],
            ),
            _("Permintaan bukti tambahan dikirim ke wilayah."),
        )
    return redirect("evaluation:assess", pk=cycle.pk)


@login_required
@require_POST
def evidence_request_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor who asked, or the lead assessor, closes a request."""
    evidence_request = EvidenceRequest.objects.select_related("cycle__region").filter(pk=pk).first()
    if evidence_request is None:
        raise Http404
    cycle, assignment = assessment_fetch(request.user, evidence_request.cycle_id)
    if not (assignment.is_lead or evidence_request.requested_by_id == request.user.pk):
        raise PermissionDenied
    attempt(
        request,
        lambda: assessment.evidence_request_close(actor=request.user, request=evidence_request),
        _("Permintaan bukti ditutup."),
    )
    return redirect("evaluation:assess", pk=cycle.pk)


# --- The lead assessor -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consolidate(request: HttpRequest, pk: int) -> HttpResponse:
    """Per item: every assessor's score, min, max, spread (flagged from the
    threshold), the proposal (the rounded mean) and the consolidated score.
    The lead assessor edits; the ministry's operator reads."""
    cycle, lead = lead_or_operator_fetch(request.user, pk)
    rows = cycle_spread(cycle)
    editable = lead is not None and cycle.state == State.IN_ASSESSMENT
    errors: dict[int, str] = {}
    if request.method == "POST":
        if lead is None:
            raise PermissionDenied
        scores, errors = parse_scores(request.POST, [r.item for r in rows])
        saved = 0
        for row in rows:
            pk_ = row.item.pk
            if pk_ not in scores:
                continue
            note = request.POST.get(f"note-{pk_}", "").strip()
            current = row.consolidated
            if current is not None and current.score == scores[pk_] and current.note == note:
                continue
            try:
                assessment.consolidated_set(
                    actor=request.user, lead=lead, item=row.item, score=scores[pk_], note=note
                )
            except ValidationError as error:
                errors[pk_] = " ".join(error.messages)
            else:
                saved += 1
        if saved:
            messages.success(request, _("%(n)s nilai konsolidasi disimpan.") % {"n": saved})
        if not errors:
            return redirect("evaluation:consolidate", pk=cycle.pk)
        messages.error(request, _("Sebagian nilai belum disimpan; lihat pesan pada butirnya."))

    def value(row: Any) -> tuple[str, str]:
        if request.method == "POST":
            return (
                request.POST.get(f"score-{row.item.pk}", ""),
                request.POST.get(f"note-{row.item.pk}", ""),
            )
        if row.consolidated is not None:
            return number_id(row.consolidated.score), row.consolidated.note
        return (number_id(row.proposal) if row.proposal is not None else "", "")

    return render(
        request,
        "evaluation/assessor/consolidate.html",
        {
            "region": _nav_region(request, cycle),
            "cycle": cycle,
            "rows": [(r, value(r), errors.get(r.item.pk)) for r in rows],
            "editable": editable,
            "assignments": assignments_of(cycle),
            "missing": missing_consolidated(cycle),
            "baseline": baseline_proposal(cycle),
            "threshold": spread_threshold(),
        },
    )


@login_required
@require_POST
def baseline_derive(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, lead = assessment_fetch(request.user, pk, "lead")
    attempt(
        request,
        lambda: assessment.baseline_from_previous(actor=request.user, lead=lead),
        _("Nilai butir Baseline diturunkan dari hasil evaluasi sebelumnya."),
    )
    return redirect("evaluation:consolidate", pk=cycle.pk)


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, lead = assessment_fetch(request.user, pk, "lead")
    summary = CycleSummary.objects.filter(cycle=cycle).first()
    form = SummaryForm(
        request.POST or None,
        initial={
            "notes": summary.notes if summary else "",
            "recommendations": summary.recommendations if summary else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment.summary_set(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Ringkasan penilaian disimpan."))
            return _to_cycle(cycle)
    return render(
        request,
        "evaluation/form.html",
        {
            "region": _nav_region(request, cycle),
            "form": form,
            "title": _("Catatan dan rekomendasi asesor"),
            "eyebrow": str(cycle),
            "help": _("Dimuat dalam laporan evaluasi dan dibekukan saat hasil diumumkan."),
            "cancel_url": reverse("evaluation:cycle_detail", args=[cycle.pk]),
        },
    )


@login_required
@require_POST
def mark_scored(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, _lead = lead_or_operator_fetch(request.user, pk)
    attempt(
        request,
        lambda: assessment.cycle_mark_scored(actor=request.user, cycle=cycle),
        _("Siklus ditandai sudah dinilai; menunggu diumumkan kementerian."),
    )
    return _to_cycle(cycle)


# --- The ministry's operator: publishing and corrections ---------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The one way to publish a result (the cycle page offers no other): a
    confirmation of what becomes public and final, then the ministry's
    ``cycle_publish`` through the cycle's state machine. Only the page's own
    POST publishes."""
    cycle = cycle_fetch(request.user, pk, "publish")
    if cycle.state == State.PUBLISHED:
        messages.info(request, _("Hasil siklus ini sudah diumumkan."))
        return redirect("evaluation:cycle_result", pk=cycle.pk)
    if cycle.state != State.SCORED:
        messages.error(request, _("Hanya siklus yang sudah dinilai yang dapat diumumkan."))
        return _to_cycle(cycle)
    if confirmed(request):
        if attempt(
            request,
            lambda: assessment.cycle_publish(actor=request.user, cycle=cycle),
            _("Hasil evaluasi diumumkan (revisi 1)."),
        ):
            return redirect("evaluation:cycle_result", pk=cycle.pk)
        return _to_cycle(cycle)
    preview = publish_preview(cycle)
    consequences = [
        Consequence(_("Butir dengan nilai konsolidasi"), preview.items, "publish-items"),
        Consequence(
            _("Indeks yang diumumkan"),
            decimal_id(preview.index, 2) if preview.index is not None else None,
            "publish-index",
        ),
        *(
            Consequence(_("Nilai dimensi %(name)s") % {"name": name}, decimal_id(value, 2))
            for name, value in preview.dimensions
        ),
        Consequence(_("Nilai per pilar"), preview.pillars, "publish-pillars"),
        Consequence(
            _("Catatan dan rekomendasi asesor"),
            _("ada") if preview.has_notes or preview.has_recommendations else _("kosong"),
            "publish-summary",
        ),
    ]
    return confirm_page(
        request,
        Confirmation(
            title=_("Umumkan hasil %(cycle)s?") % {"cycle": cycle},
            eyebrow=cycle.region.name,
            action_url=reverse("evaluation:cycle_publish", args=[cycle.pk]),
            cancel_url=reverse("evaluation:cycle_detail", args=[cycle.pk]),
            button=_("Umumkan hasil"),
            intro=_(
                "Hasil dibekukan sebagai revisi 1 dan terbuka bagi tim wilayah, para asesor "
                "dan laporan evaluasi (tanpa tanda DRAF); indeksnya menjadi dasar Baseline "
                "tahun berikutnya."
            ),
            consequences=consequences,
            warning=preview.problem,
            irreversible=(
                _(
                    "Pengumuman tidak dapat ditarik kembali; siklus tidak dapat dikembalikan ke "
                    "penilaian."
                ),
                _("Jawaban, bukti, nilai asesor dan nilai konsolidasi tidak dapat diubah lagi."),
                _(
                    "Kesalahan diperbaiki dengan koreksi: revisi baru dengan alasan tertulis; "
                    "revisi 1 tetap tersimpan dan dapat dilihat."
                ),
            ),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_fetch(request.user, pk, "publish")
    latest = latest_revision(cycle)
    if cycle.state != State.PUBLISHED or latest is None:
        messages.error(request, _("Hanya hasil yang sudah diumumkan yang dikoreksi."))
        return _to_cycle(cycle)
    items = _items(cycle)
    published = {s["item"]: Decimal(s["score"]) for s in latest.item_scores}
    problems: list[str] = []
    if request.method == "POST":
        scores, unreadable = parse_scores(request.POST, items)
        problems = [
            f"{item.code}: {unreadable[item.pk]}" for item in items if item.pk in unreadable
        ]
        if not problems:
            try:
                revision = cycles.result_correct(
                    actor=request.user,
                    cycle=cycle,
                    scores=scores,
                    reason=request.POST.get("reason", ""),
                )
            except ValidationError as error:
                problems = list(error.messages)
            else:
                messages.success(
                    request,
                    _("Koreksi diumumkan sebagai revisi %(n)s.") % {"n": revision.number},
                )
                return redirect("evaluation:cycle_result", pk=cycle.pk)
    rows = [
        (
            item,
            published.get(item.pk),
            request.POST.get(f"score-{item.pk}", "")
            if request.method == "POST"
            else number_id(published[item.pk])
            if item.pk in published
            else "",
        )
        for item in items
    ]
    return render(
        request,
        "evaluation/assessor/correct.html",
        {
            "region": _nav_region(request, cycle),
            "cycle": cycle,
            "latest": latest,
            "rows": rows,
            "problems": problems,
            "reason": request.POST.get("reason", ""),
        },
    )


# --- The result --------------------------------------------------------------------------


def _sees_draft(request: HttpRequest, cycle: EvaluationCycle) -> bool:
    """Before publication only the ministry and the cycle's assessors (who
    declared no conflict) see the figures."""
    if roles_of(request.user).superuser:
        return True
    assignment = assignment_for(request.user, cycle)
    return assignment is not None and assignment.may_score


@login_required
@require_safe
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """The published result (the latest revision, or ``?revisi=N``) with
    every number explained; before publication, a draft from the
    consolidated scores for the assessors and the ministry only."""
    cycle = cycle_fetch(request.user, pk)
    if not may_read_cycle(request.user, cycle):
        raise PermissionDenied
    revisions = list(cycle.revisions.select_related("published_by").order_by("number"))
    shown = revisions[-1] if revisions else None
    wanted = request.GET.get("revisi", "")
    if wanted:
        shown = next((r for r in revisions if str(r.number) == wanted), None)
        if shown is None:
            raise Http404
    explained = None
    draft_problem = ""
    if shown is not None:
        explained = result_explained(shown.item_scores, shown.result)
    elif _sees_draft(request, cycle):
        scores = consolidated_scores(cycle)
        try:
            stored = cycle_result_json(cycle=cycle, scores=scores)
        except ValidationError as error:
            draft_problem = " ".join(error.messages)
        else:
            explained = result_explained(item_scores_json(cycle, scores), stored)
    return render(
        request,
        "evaluation/assessor/result.html",
        {
            "region": _nav_region(request, cycle),
            "cycle": cycle,
            "revisions": revisions,
            "shown": shown,
            "latest": revisions[-1] if revisions else None,
            "explained": explained,
            "draft_problem": draft_problem,
        },
    )
