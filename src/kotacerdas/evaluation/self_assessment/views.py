"""Evaluation pages of the region side: the self-assessment (answers, claimed
scores, agencies asked to contribute, evidence), the answers to the
assessors' evidence requests, and the region's application inventory.
Views parse input, fetch through ``evaluation.access``, call a service or a
selector of this package, and render."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import roles_of
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import attempt
from kotacerdas.core.storage import private_file_response
from kotacerdas.evaluation.access import (
    answer_cycle_fetch,
    answer_evidence_fetch,
    answers_visible,
    application_fetch,
    applications_for,
    contributions_for,
    evidence_request_fetch,
    item_of_cycle,
    may_answer,
    may_delegate,
    may_read_cycle,
    region_for_contributions,
    region_for_cycles,
)
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import number_id
from kotacerdas.evaluation.self_assessment import services as sa
from kotacerdas.evaluation.self_assessment.forms import (
    AnswerForm,
    AnswerGridFormSet,
    AnswerGridRowForm,
    ApplicationForm,
    DelegateForm,
    EvidenceLinkForm,
    EvidencePickForm,
    EvidenceUploadForm,
    RequestResponseForm,
)
from kotacerdas.evaluation.self_assessment.models import Answer, AnswerEvidence
from kotacerdas.evaluation.self_assessment.selectors import ItemRow, self_assessment

PICKER_LIMIT = 50


def _answer_of(cycle: EvaluationCycle, item: Item) -> Answer | None:
    return Answer.objects.filter(cycle=cycle, item=item).select_related("agency").first()


def _writable(request: HttpRequest, pk: int, item_pk: int) -> tuple[EvaluationCycle, Item]:
    """The cycle and item whose answer the user writes; 403 when the item is
    not theirs (agency members write only what was delegated to them)."""
    cycle = answer_cycle_fetch(request.user, pk, "change")
    item = item_of_cycle(cycle, item_pk)
    if not may_answer(request.user, cycle, _answer_of(cycle, item)):
        raise PermissionDenied
    return cycle, item


def _to_item(cycle: EvaluationCycle, item: Item) -> HttpResponse:
    return redirect("evaluation:answer_edit", pk=cycle.pk, item_pk=item.pk)


# --- The self-assessment ------------------------------------------------------------------


@login_required
@require_safe
def answer_list(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = answer_cycle_fetch(request.user, pk)
    full = may_read_cycle(request.user, cycle)
    overview = self_assessment(cycle, answers_visible(request.user, cycle), delegated_only=not full)
    return render(
        request,
        "evaluation/region/answer_list.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "overview": overview,
            "full": full,
            "is_team": may_delegate(request.user, cycle),
            "locked": sa.answer_problem(cycle),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """One item: its answer form, its evidence (add, remove), who writes it."""
    cycle = answer_cycle_fetch(request.user, pk)
    item = item_of_cycle(cycle, item_pk)
    answer = answers_visible(request.user, cycle).filter(item=item).first()
    full = may_read_cycle(request.user, cycle)
    if answer is None and not full:
        raise PermissionDenied
    writable = may_answer(request.user, cycle, answer)
    locked = sa.answer_problem(cycle)
    form = AnswerForm(
        request.POST or None,
        instrument=item.instrument,
        initial={
            "text": answer.text if answer else "",
            "claimed_score": answer.claimed_score.normalize()
            if answer and answer.claimed_score is not None
            else None,
        },
    )
    if request.method == "POST":
        if not writable:
            raise PermissionDenied
        if form.is_valid():
            try:
                sa.answer_save(actor=request.user, cycle=cycle, item=item, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("Jawaban butir %(code)s disimpan.") % {"code": item.code}
                )
                return redirect(
                    reverse("evaluation:answer_list", args=[cycle.pk]) + f"#butir-{item.pk}"
                )
    evidence = (
        list(answer.evidence.select_related("added_by", "progress_evidence").all())
        if answer
        else []
    )
    return render(
        request,
        "evaluation/region/answer_edit.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "item": item,
            "answer": answer,
            "evidence": evidence,
            "removable": {
                ev.pk for ev in evidence if writable and not sa.evidence_problem(cycle, item, ev)
            },
            "form": form,
            "writable": writable,
            "locked": locked,
            "evidence_locked": sa.evidence_problem(cycle, item),
            "open_requests": sa.open_requests(cycle, item),
            "upload_form": EvidenceUploadForm(),
            "link_form": EvidenceLinkForm(),
            "delegate_form": DelegateForm(
                region=cycle.region, initial={"agency": answer.agency_id if answer else None}
            )
            if may_delegate(request.user, cycle) and not locked
            else None,
        },
        status=422 if form.errors else 200,
    )


@dataclass
class GridRow:
    """A row of the grid: the item with its answer, and its form when the
    user may write it now (``None``: shown read-only)."""

    row: ItemRow
    form: AnswerGridRowForm | None = None
    conflict: Answer | None = None


def _grid_initial(rows: list[ItemRow]) -> list[dict[str, object]]:
    return [
        {
            "item": r.item.pk,
            "version": sa.stored_version(r.answer),
            "claimed_score": r.answer.claimed_score.normalize()
            if r.answer and r.answer.claimed_score is not None
            else None,
            "text": r.answer.text if r.answer else "",
        }
        for r in rows
    ]


def _grid_save(
    request: HttpRequest,
    cycle: EvaluationCycle,
    formset: BaseFormSet[AnswerGridRowForm],
    data: QueryDict,
    writable: dict[int, ItemRow],
) -> tuple[list[str], dict[int, Answer | None]]:
    """Save every changed valid row, each on its own (a bad row does not hold
    back the good ones). Returns the codes saved and, per item, the stored
    answer of rows refused because someone changed them meanwhile. Rows left
    as loaded are not written: an empty row stays unanswered."""
    saved: list[str] = []
    conflicts: dict[int, Answer | None] = {}
    for form in formset.forms:
        if not form.is_valid():
            continue
        row = writable.get(form.cleaned_data["item"])
        if row is None:
            form.add_error(None, _("Butir ini tidak dapat Anda isi di halaman ini."))
            continue
        text, score = form.cleaned_data["text"], form.cleaned_data["claimed_score"]
        version = form.cleaned_data["version"]
        if sa.answer_version(text, score) == version:
            continue
        try:
            sa.answer_save(
                actor=request.user,
                cycle=cycle,
                item=row.item,
                text=text,
                claimed_score=score,
                version=version,
            )
        except ValidationError as error:
            apply_errors(form, error)
            if getattr(error, "code", None) == "conflict":
                current = _answer_of(cycle, row.item)
                conflicts[row.item.pk] = current
                # The next save of this row is a deliberate overwrite of what
                # the writer has now seen.
                data[form.add_prefix("version")] = sa.stored_version(current)
        else:
            saved.append(row.item.code)
            data[form.add_prefix("version")] = sa.answer_version(text, score)
    return saved, conflicts


@login_required
@require_http_methods(["GET", "POST"])
def answer_grid(request: HttpRequest, pk: int, dimension_pk: int) -> HttpResponse:
    """Every item of one dimension on one page, each row with its score and
    short answer, saved together (issue 21: the per-item page stays for
    evidence and long answers)."""
    cycle = answer_cycle_fetch(request.user, pk)
    full = may_read_cycle(request.user, cycle)

    def overview_now() -> Any:
        return self_assessment(cycle, answers_visible(request.user, cycle), delegated_only=not full)

    overview = overview_now()
    group = next((g for g in overview.groups if g.dimension.pk == dimension_pk), None)
    if group is None:
        raise Http404
    locked = sa.answer_problem(cycle)
    writable = {
        r.item.pk: r for r in group.rows if not locked and may_answer(request.user, cycle, r.answer)
    }
    url = reverse("evaluation:answer_grid", args=[cycle.pk, dimension_pk])
    status = 200
    conflicts: dict[int, Answer | None] = {}
    if request.method == "POST":
        if locked:
            messages.error(request, locked)
            return redirect(url)
        if not writable:
            raise PermissionDenied
        data = request.POST.copy()  # mutable: rows' versions move on as they are saved
        formset = AnswerGridFormSet(
            data, initial=_grid_initial(list(writable.values())), prefix="butir"
        )
        if not formset.management_form.is_valid():
            messages.error(
                request, _("Formulir tidak lengkap. Muat ulang halaman, lalu isi kembali.")
            )
            return redirect(url)
        saved, conflicts = _grid_save(request, cycle, formset, data, writable)
        failed = sum(1 for form in formset.forms if form.errors)
        if not failed:
            if saved:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s butir disimpan: %(codes)s.",
                        "%(count)s butir disimpan: %(codes)s.",
                        len(saved),
                    )
                    % {"count": len(saved), "codes": ", ".join(saved)},
                )
            else:
                messages.info(request, _("Tidak ada isian yang berubah; tidak ada yang disimpan."))
            return redirect(url)
        status = 409 if conflicts and len(conflicts) == failed else 422
        if saved:
            messages.success(
                request,
                _("Tersimpan: %(codes)s.") % {"codes": ", ".join(saved)},
            )
        messages.error(
            request,
            ngettext(
                "%(count)s butir belum disimpan; lihat pesan pada barisnya.",
                "%(count)s butir belum disimpan; lihat pesan pada barisnya.",
                failed,
            )
            % {"count": failed},
        )
        overview = overview_now()
        group = next(g for g in overview.groups if g.dimension.pk == dimension_pk)
    else:
        formset = AnswerGridFormSet(initial=_grid_initial(list(writable.values())), prefix="butir")
    forms_by_item: dict[int, AnswerGridRowForm] = {}
    stray: list[str] = []
    for form in formset.forms:
        raw = form["item"].value()
        item_pk = int(raw) if str(raw).isdigit() else 0
        if item_pk in writable:
            forms_by_item[item_pk] = form
        else:
            stray.extend(str(e) for e in form.non_field_errors())
    pillars = [
        (
            pillar,
            [
                GridRow(r, forms_by_item.get(r.item.pk), conflicts.get(r.item.pk))
                for r in pillar.rows
            ],
        )
        for pillar in group.pillars
    ]
    return render(
        request,
        "evaluation/region/answer_grid.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "overview": overview,
            "group": group,
            "pillars": pillars,
            "formset": formset if writable else None,
            "scale_help": _("Nilai pada skala %(min)s–%(max)s.")
            % {
                "min": number_id(group.dimension.instrument.scale_min),
                "max": number_id(group.dimension.instrument.scale_max),
            },
            "stray": stray,
            "full": full,
            "is_team": may_delegate(request.user, cycle),
            "locked": locked,
        },
        status=status,
    )


@login_required
@require_POST
def answer_delegate(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    cycle = answer_cycle_fetch(request.user, pk, "change")
    if not may_delegate(request.user, cycle):
        raise PermissionDenied
    item = item_of_cycle(cycle, item_pk)
    form = DelegateForm(request.POST, region=cycle.region)
    if not form.is_valid():
        messages.error(request, _("Pilih perangkat daerah dari wilayah ini."))
        return _to_item(cycle, item)
    agency = form.cleaned_data["agency"]
    attempt(
        request,
        lambda: sa.answer_delegate(actor=request.user, cycle=cycle, item=item, agency=agency),
        _("Butir %(code)s sekarang diisi oleh %(who)s.")
        % {"code": item.code, "who": agency or _("tim smart city")},
    )
    return _to_item(cycle, item)


@login_required
@require_POST
def answer_evidence_upload(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    cycle, item = _writable(request, pk, item_pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas yang akan diunggah."))
        return _to_item(cycle, item)
    attempt(
        request,
        lambda: sa.evidence_add_file(
            actor=request.user,
            cycle=cycle,
            item=item,
            upload=form.cleaned_data["berkas"],
            caption=form.cleaned_data["caption"],
        ),
        _("Berkas bukti ditambahkan."),
    )
    return _to_item(cycle, item)


@login_required
@require_POST
def answer_evidence_link(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    cycle, item = _writable(request, pk, item_pk)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tautan tidak valid: tulis alamat lengkap, misalnya https://…"))
        return _to_item(cycle, item)
    attempt(
        request,
        lambda: sa.evidence_add_link(
            actor=request.user,
            cycle=cycle,
            item=item,
            url=form.cleaned_data["url"],
            caption=form.cleaned_data["caption"],
        ),
        _("Tautan bukti ditambahkan."),
    )
    return _to_item(cycle, item)


@login_required
@require_http_methods(["GET", "POST"])
def answer_evidence_pick(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Pick evidence of a verified progress report of the region (agency
    members: of their agencies' reports), searching by plan and caption."""
    cycle, item = _writable(request, pk, item_pk)
    roles = roles_of(request.user)
    agencies = None if roles.is_admin_of(cycle.region_id) else roles.agencies
    choices = sa.progress_evidence_choices(cycle, agencies=agencies)
    if request.method == "POST":
        form = EvidencePickForm(request.POST)
        chosen = (
            choices.filter(pk=form.cleaned_data["progress_evidence"]).first()
            if form.is_valid()
            else None
        )
        if chosen is None:
            messages.error(request, _("Bukti yang dipilih tidak ditemukan."))
            return redirect("evaluation:answer_evidence_pick", pk=cycle.pk, item_pk=item.pk)
        attempt(
            request,
            lambda: sa.evidence_add_progress(
                actor=request.user,
                cycle=cycle,
                item=item,
                progress_evidence=chosen,
                caption=form.cleaned_data["caption"],
            ),
            _("Bukti laporan kemajuan dilampirkan."),
        )
        return _to_item(cycle, item)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        choices = choices.filter(
            Q(caption__icontains=query)
            | Q(original_name__icontains=query)
            | Q(report__action_plan__activity__icontains=query)
            | Q(report__action_plan__code__icontains=query)
        )
    total = choices.count()
    return render(
        request,
        "evaluation/region/evidence_pick.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "item": item,
            "query": query,
            "choices": choices.order_by("-uploaded_at", "-id")[:PICKER_LIMIT],
            "total": total,
            "limit": PICKER_LIMIT,
            "evidence_locked": sa.evidence_problem(cycle, item),
        },
    )


@login_required
@require_POST
def answer_evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = answer_evidence_fetch(request.user, pk, "change")
    answer = evidence.answer
    attempt(
        request,
        lambda: sa.evidence_remove(actor=request.user, evidence=evidence),
        _("Bukti dihapus."),
    )
    return _to_item(answer.cycle, answer.item)


@login_required
@require_safe
def answer_evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An uploaded file, or the file of a picked progress-report evidence;
    for whoever may read the answer (the team, assigned assessors, the
    agency asked to contribute)."""
    evidence = answer_evidence_fetch(request.user, pk)
    if evidence.kind == AnswerEvidence.Kind.PROGRESS:
        source = evidence.progress_evidence
        if source is None or not source.file_name:
            raise Http404
        return private_file_response(
            source.file_name,
            download_name=source.original_name or source.file_name,
            content_type=source.content_type,
        )
    if not evidence.file_name:
        raise Http404
    return private_file_response(
        evidence.file_name,
        download_name=evidence.original_name or evidence.file_name,
        content_type=evidence.content_type,
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what is still unanswered, then hand the self-assessment over
    (preparing → in assessment)."""
    cycle = answer_cycle_fetch(request.user, pk, "change")
    if not may_delegate(request.user, cycle):
        raise PermissionDenied
    if request.method == "POST":
        if attempt(
            request,
            lambda: sa.self_assessment_submit(actor=request.user, cycle=cycle),
            _("Penilaian mandiri diajukan; siklus sekarang dalam tahap penilaian."),
        ):
            return redirect("evaluation:cycle_detail", pk=cycle.pk)
        return redirect("evaluation:answer_list", pk=cycle.pk)
    overview = self_assessment(cycle, answers_visible(request.user, cycle))
    return render(
        request,
        "evaluation/region/submit.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "overview": overview,
            "locked": cycle.state != EvaluationCycle.State.PREPARING,
        },
    )


@login_required
@require_safe
def contribution_list(request: HttpRequest, code: str) -> HttpResponse:
    """The items of the region's open cycles that agencies were asked to
    fill: for an agency member, their agencies' items (their way in)."""
    region = region_for_contributions(request.user, code)
    answers = (
        contributions_for(request.user, region)
        .select_related("cycle", "item", "agency", "updated_by")
        .prefetch_related("evidence")
        .order_by("-cycle__year", "cycle__stage", "item__dimension__order", "item__order")
    )
    return render(
        request,
        "evaluation/region/contribution_list.html",
        {"region": region, "answers": answers},
    )


# --- Evidence requests --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence_request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_request = evidence_request_fetch(request.user, pk)
    cycle = evidence_request.cycle
    form = RequestResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sa.evidence_request_respond(
                actor=request.user,
                request=evidence_request,
                response=data["response"],
                upload=data["berkas"] or None,
                url=data["url"],
                caption=data["caption"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Permintaan bukti sudah dijawab."))
            return redirect("evaluation:cycle_detail", pk=cycle.pk)
    return render(
        request,
        "evaluation/region/request_respond.html",
        {
            "region": cycle.region,
            "cycle": cycle,
            "evidence_request": evidence_request,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


# --- Applications -------------------------------------------------------------------------


@login_required
@require_safe
def application_list(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_cycles(request.user, code)
    return render(
        request,
        "evaluation/region/application_list.html",
        {"region": region, "applications": applications_for(request.user, region)},
    )


def _application_form_page(
    request: HttpRequest, *, form: ApplicationForm, title: str, region_code: str
) -> HttpResponse:
    return render(
        request,
        "evaluation/region/application_form.html",
        {
            "form": form,
            "title": title,
            "eyebrow": _("Inventaris aplikasi"),
            "cancel_url": reverse("evaluation:application_list", args=[region_code]),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_cycles(request.user, code)
    form = ApplicationForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            application = sa.application_create(
                actor=request.user, region=region, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Aplikasi %(name)s ditambahkan.") % {"name": application})
            return redirect("evaluation:application_list", code=region.code)
    return _application_form_page(
        request, form=form, title=_("Aplikasi baru"), region_code=region.code
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_fetch(request.user, pk)
    region = application.region
    form = ApplicationForm(request.POST or None, instance=copy.copy(application), region=region)
    if request.method == "POST" and form.is_valid():
        try:
            sa.application_update(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Aplikasi %(name)s disimpan.") % {"name": application})
            return redirect("evaluation:application_list", code=region.code)
    return _application_form_page(
        request,
        form=form,
        title=_("Ubah aplikasi %(name)s") % {"name": application},
        region_code=region.code,
    )


@login_required
@require_POST
def application_delete(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_fetch(request.user, pk)
    code = application.region.code
    name = application.name
    attempt(
        request,
        lambda: sa.application_delete(actor=request.user, application=application),
        _("Aplikasi %(name)s dihapus.") % {"name": name},
    )
    return redirect("evaluation:application_list", code=code)
