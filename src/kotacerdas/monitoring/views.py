"""Monitoring pages: periods, the reporting board, reports with evidence,
verification, frozen snapshots and comparisons. Views parse input, fetch
through the scoped helpers, call a service or selector, and render."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, region_visible, regions_for, role_scope, roles_of
from kotacerdas.core.caching import cached_unless_asked, with_csrf, without_csrf
from kotacerdas.core.formatting import date_id
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import (
    Confirmation,
    Consequence,
    attempt,
    confirm_page,
    confirmed,
    refused,
)
from kotacerdas.core.paging import PAGE_SIZES, page_of, page_size_of
from kotacerdas.core.storage import private_file_response
from kotacerdas.core.timezones import activate_region
from kotacerdas.masterplan.access import action_plans_for
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.masterplan.selectors import current_masterplan, current_masterplan_kept
from kotacerdas.monitoring import services
from kotacerdas.monitoring.access import (
    ReportAction,
    evidence_for,
    periods_for,
    plan_filter_for_reports,
    reports_for,
)
from kotacerdas.monitoring.forms import (
    CloseForm,
    EvidenceFileForm,
    EvidenceLinkForm,
    GenerateForm,
    ReportForm,
    ReturnForm,
)
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.selectors import (
    close_consequences,
    days_late,
    period_board,
    period_refusal,
    periods_compare,
    plan_timeline,
    timeline_entries,
    verification_share,
)
from kotacerdas.monitoring.snapshots import Frozen


@login_required
@require_safe
def period_list(request: HttpRequest, code: str) -> HttpResponse:
    """The periods, rendered once per live data version, language, region's
    day (this year's default in the generate form) and role scope
    (core/caching.py); the page around them is per request."""
    region = region_visible(request.user, code)
    if region is None:
        raise Http404
    activate_region(region)  # before the masterplan: "this year" is the region's
    masterplan = current_masterplan_kept(region=region)
    if masterplan is None:
        raise Http404

    def body() -> str:
        periods = list(periods_for(request.user).filter(masterplan=masterplan))
        is_admin = roles_of(request.user).is_admin_of(region.pk)
        context = {
            "region": region,
            "masterplan": masterplan,
            "periods": periods,
            "closed": [p for p in periods if p.is_closed],
            "is_admin": is_admin,
            "generate_form": GenerateForm(
                years=masterplan.years(), initial={"year": timezone.localdate().year}
            )
            if is_admin
            else None,
        }
        return render_to_string(
            "monitoring/_period_list_body.html", without_csrf(context), request=request
        )

    today = timezone.localdate().isoformat()
    parts = ("period-list", masterplan.pk, today, role_scope(request.user))
    html = cached_unless_asked(request, parts, body)
    return render(
        request,
        "monitoring/period_list.html",
        {
            "region": region,
            "masterplan": masterplan,
            "body": mark_safe(with_csrf(html, request)),  # noqa: S308 - our own template
        },
    )


@login_required
@require_POST
def period_generate(request: HttpRequest, code: str) -> HttpResponse:
    region = regions_for(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    activate_region(region)
    if not roles_of(request.user).is_admin_of(region.pk):
        raise PermissionDenied
    masterplan = current_masterplan(region=region)
    if masterplan is None:
        raise Http404
    form = GenerateForm(request.POST, years=masterplan.years())
    if form.is_valid():
        try:
            created = services.periods_generate(
                actor=request.user, masterplan=masterplan, year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("%(n)s periode pelaporan dibuat.") % {"n": len(created)})
    else:
        messages.error(request, _("Pilih tahun di dalam periode masterplan."))
    return redirect("monitoring:period_list", code=region.code)


@login_required
@require_POST
def period_open(request: HttpRequest, pk: int) -> HttpResponse:
    period = fetch(periods_for(request.user), periods_for(request.user, "change"), pk=pk)
    attempt(
        request,
        lambda: services.period_open(actor=request.user, period=period),
        _("Periode %(p)s dibuka.") % {"p": period.label},
    )
    return redirect("monitoring:period_detail", pk=period.pk)


@login_required
@require_http_methods(["GET", "POST"])
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The close confirmation: what is still unreported, in draft, waiting
    for verification or returned, and the days to the deadline; a close on or
    before the deadline needs a reason. Only the page's own POST closes."""
    period = fetch(periods_for(request.user), periods_for(request.user, "change"), pk=pk)
    if not period.is_open:
        messages.error(request, _("Hanya periode yang sedang dibuka yang dapat ditutup."))
        return redirect("monitoring:period_detail", pk=period.pk)
    form = CloseForm(request.POST if confirmed(request) else None)
    if confirmed(request) and form.is_valid():
        try:
            services.period_close(
                actor=request.user, period=period, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Periode %(p)s ditutup dan angkanya dibekukan.") % {"p": period.label}
            )
            return redirect("monitoring:period_detail", pk=period.pk)
    c = close_consequences(period=period)
    if c.days_to_deadline > 0:
        deadline = _("%(n)s hari lagi (%(due)s)") % {
            "n": c.days_to_deadline,
            "due": date_id(period.due_on),
        }
    elif c.days_to_deadline == 0:
        deadline = _("hari ini (%(due)s)") % {"due": date_id(period.due_on)}
    else:
        deadline = _("sudah lewat %(n)s hari (%(due)s)") % {
            "n": -c.days_to_deadline,
            "due": date_id(period.due_on),
        }
    return confirm_page(
        request,
        Confirmation(
            title=_("Tutup %(p)s dan bekukan angka?") % {"p": period.label},
            eyebrow=str(period.masterplan),
            action_url=reverse("monitoring:period_close", args=[period.pk]),
            cancel_url=reverse("monitoring:period_detail", args=[period.pk]),
            button=_("Tutup dan bekukan angka"),
            intro=_(
                "Menutup periode menghentikan pelaporan dan membekukan angka resmi serta "
                "angka portal publik periode ini dari laporan yang sudah diverifikasi."
            ),
            consequences=(
                Consequence(_("Rencana aksi"), c.plans, "close-plans"),
                Consequence(_("Belum ada laporan"), c.unreported, "close-unreported"),
                Consequence(_("Masih draf"), c.drafts, "close-drafts"),
                Consequence(_("Diajukan, belum diverifikasi"), c.submitted, "close-submitted"),
                Consequence(_("Dikembalikan, belum diperbaiki"), c.returned, "close-returned"),
                Consequence(_("Terverifikasi"), c.verified, "close-verified"),
                Consequence(_("Batas laporan"), deadline, "close-deadline"),
            ),
            warning=_(
                "Batas laporan belum lewat: perangkat daerah masih boleh melapor. Tuliskan alasan "
                "menutup lebih awal."
            )
            if c.early
            else "",
            irreversible=(
                _(
                    "%(n)s rencana aksi tanpa laporan terverifikasi tidak lagi dapat dilaporkan "
                    "untuk periode ini; angka beku memakai status terverifikasi terakhirnya."
                )
                % {"n": c.not_counted},
                _(
                    "Draf, laporan yang diajukan dan yang dikembalikan tidak dapat diajukan, "
                    "diverifikasi atau diubah lagi; koreksi masuk ke periode berikutnya."
                ),
                _(
                    "Angka beku dan portal publik periode ini tidak pernah ditulis ulang, "
                    "juga bila data atau aturan hitung berubah kemudian."
                ),
            ),
            form=form,
        ),
    )


@login_required
@require_safe
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporting board: every action plan the user may see, with its
    report's state and lateness. Its unfiltered first page is rendered once
    per live data version, language, region's day (days late) and role
    scope (core/caching.py); a state filter or another page is built each
    time."""
    period = fetch(
        periods_for(request.user),
        periods_for(request.user).select_related("masterplan__region"),
        pk=pk,
    )
    region = period.masterplan.region
    activate_region(region)

    def body() -> str:
        plans = ActionPlan.objects.filter(plan_filter_for_reports(request.user))
        board = period_board(period=period, plans=plans)
        state = request.GET.get("keadaan", "")
        rows = [r for r in board.rows if not state or r.state == state]
        # In pages of 100 (or ?per=25/50): a board of thousands of plans was
        # megabytes of HTML (issue 15); the counts above still cover them all.
        page, query = page_of(request, rows, page_size_of(request, default=PAGE_SIZES[-1]))
        roles = roles_of(request.user)
        writable = set(
            ActionPlan.objects.filter(
                plan_filter_for_reports(request.user, "change"),
                masterplan_id=period.masterplan_id,
            ).values_list("pk", flat=True)
        )
        context = {
            "region": region,
            "masterplan": period.masterplan,
            "period": period,
            "board": board,
            "rows": page.object_list,
            "page": page,
            "query": query,
            "state": state,
            "writable": writable,
            "is_admin": roles.is_admin_of(region.pk),
            # Region-wide figures only for those who see every agency's reports.
            "share": verification_share(period=period)
            if period.is_open and (roles.superuser or region.pk in roles.region_wide)
            else None,
            "late": days_late(period),
            "states": [("missing", _("Belum ada")), *ProgressReport.State.choices],
        }
        return render_to_string(
            "monitoring/_period_board.html", without_csrf(context), request=request
        )

    today = timezone.localdate().isoformat()
    parts = ("period-board", period.pk, today, role_scope(request.user))
    html = cached_unless_asked(request, parts, body)
    return render(
        request,
        "monitoring/period_detail.html",
        {
            "region": region,
            "masterplan": period.masterplan,
            "period": period,
            "body": mark_safe(with_csrf(html, request)),  # noqa: S308 - our own template
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, period_pk: int, plan_pk: int) -> HttpResponse:
    period = fetch(periods_for(request.user), periods_for(request.user), pk=period_pk)
    plan = fetch(
        ActionPlan.objects.filter(plan_filter_for_reports(request.user)),
        ActionPlan.objects.filter(plan_filter_for_reports(request.user, "change")),
        pk=plan_pk,
        masterplan_id=period.masterplan_id,
    )
    report = ProgressReport.objects.filter(period=period, action_plan=plan).first()
    if report is not None and not report.editable_by_agency:
        messages.info(request, _("Laporan ini tidak dapat diubah lagi."))
        return redirect("monitoring:report_detail", pk=report.pk)
    if not period.is_open:
        messages.error(request, _("Periode ini tidak sedang dibuka untuk pelaporan."))
        return redirect("monitoring:period_detail", pk=period.pk)
    refusal = period_refusal(period=period, action_plan=plan) if report is None else None
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("monitoring:period_detail", pk=period.pk)
    instance = copy.copy(report) if report else ProgressReport(status=plan.status)
    form = ReportForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.report_save(
                actor=request.user, period=period, action_plan=plan, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Laporan disimpan sebagai draf."))
            return redirect("monitoring:report_detail", pk=saved.pk)
    return render(
        request,
        "monitoring/report_form.html",
        {
            "region": period.masterplan.region,
            "masterplan": period.masterplan,
            "period": period,
            "plan": plan,
            "form": form,
        },
    )


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = fetch(reports_for(request.user), reports_for(request.user), pk=pk)
    activate_region(report.period.masterplan.region)
    can_change = reports_for(request.user, "change").filter(pk=pk).exists()
    can_verify = reports_for(request.user, "verify").filter(pk=pk).exists()
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "region": report.period.masterplan.region,
            "masterplan": report.period.masterplan,
            "report": report,
            "evidence": list(report.evidence.all()),
            "can_change": can_change and report.editable_by_agency,
            "can_verify": can_verify
            and report.period.is_open
            and report.state == ProgressReport.State.SUBMITTED,
            "file_form": EvidenceFileForm(),
            "link_form": EvidenceLinkForm(),
            "return_form": ReturnForm(),
        },
    )


def _report_for(request: HttpRequest, pk: int, action: ReportAction) -> ProgressReport:
    return fetch(reports_for(request.user), reports_for(request.user, action), pk=pk)


def _form_valid(request: HttpRequest, form: forms.Form) -> bool:
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return form.is_valid()


def _back_to_report(pk: int) -> HttpResponse:
    return redirect("monitoring:report_detail", pk=pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "change")
    attempt(
        request,
        lambda: services.report_submit(actor=request.user, report=report),
        _("Laporan diajukan untuk verifikasi."),
    )
    return _back_to_report(pk)


@login_required
@require_POST
def report_verify(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "verify")
    attempt(
        request,
        lambda: services.report_verify(actor=request.user, report=report),
        _("Laporan diverifikasi; angka resmi diperbarui."),
    )
    return _back_to_report(pk)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "verify")
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.report_return(actor=request.user, report=report, reason=reason),
        _("Laporan dikembalikan untuk diperbaiki."),
    )
    return _back_to_report(pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "change")
    form = EvidenceFileForm(request.POST, request.FILES)
    if _form_valid(request, form):
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.evidence_add_file(
                actor=request.user,
                report=report,
                upload=data["file"],
                caption=data["caption"],
                is_public=data["is_public"],
            ),
            _("Bukti dukung ditambahkan."),
        )
    return _back_to_report(pk)


@login_required
@require_POST
def evidence_link(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "change")
    form = EvidenceLinkForm(request.POST)
    if _form_valid(request, form):
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.evidence_add_link(
                actor=request.user, report=report, url=data["url"], caption=data["caption"]
            ),
            _("Tautan bukti ditambahkan."),
        )
    return _back_to_report(pk)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = fetch(evidence_for(request.user), evidence_for(request.user, "change"), pk=pk)
    attempt(
        request,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        _("Bukti dukung dihapus."),
    )
    return _back_to_report(evidence.report_id)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = fetch(evidence_for(request.user), evidence_for(request.user), pk=pk)
    if not evidence.file_name:
        raise Http404
    return private_file_response(
        evidence.file_name,
        download_name=evidence.original_name or evidence.file_name,
        content_type=evidence.content_type,
    )


@login_required
@require_safe
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = fetch(periods_for(request.user), periods_for(request.user), pk=pk)
    if not period.is_closed:
        raise Http404
    activate_region(period.masterplan.region)
    return render(
        request,
        "monitoring/snapshot.html",
        {
            "region": period.masterplan.region,
            "masterplan": period.masterplan,
            "period": period,
            "frozen": Frozen.of(period.snapshot),
        },
    )


@login_required
@require_safe
def compare(request: HttpRequest, code: str) -> HttpResponse:
    region = regions_for(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    activate_region(region)
    closed = periods_for(request.user).filter(
        masterplan__region=region, state=ReportingPeriod.State.CLOSED
    )
    try:
        older = closed.get(pk=int(request.GET.get("a", "")))
        newer = closed.get(pk=int(request.GET.get("b", "")))
    except (ValueError, ReportingPeriod.DoesNotExist):
        messages.error(request, _("Pilih dua periode yang sudah ditutup untuk dibandingkan."))
        return redirect("monitoring:period_list", code=region.code)
    if (older.year, older.number) > (newer.year, newer.number):
        older, newer = newer, older
    return render(
        request,
        "monitoring/compare.html",
        {
            "region": region,
            "masterplan": older.masterplan,
            "comparison": periods_compare(older=older, newer=newer),
        },
    )


@login_required
@require_safe
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Every status change and report of an action plan, for those who may
    see its reports."""
    plan = fetch(
        action_plans_for(request.user),
        ActionPlan.objects.filter(plan_filter_for_reports(request.user)),
        pk=pk,
    )
    activate_region(plan.masterplan.region)
    return render(
        request,
        "monitoring/timeline.html",
        {
            "region": plan.masterplan.region,
            "masterplan": plan.masterplan,
            "plan": plan,
            "entries": timeline_entries(plan_timeline(action_plan=plan)[:300]),
            "back_url": reverse("masterplan:action_plan_detail", args=[plan.pk]),
        },
    )
