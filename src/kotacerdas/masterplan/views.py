"""Masterplan pages. Views parse input, fetch through the scoped helpers in
``access``, call a service or a selector, and render; nothing else."""

from __future__ import annotations

import copy
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, ProtectedError, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, region_visible, regions_for, role_scope, roles_of
from kotacerdas.core.audit import history_for, readable_changes
from kotacerdas.core.caching import LIVE, cached, cached_unless_asked, with_csrf, without_csrf
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.paging import page_of
from kotacerdas.core.timezones import activate_region
from kotacerdas.masterplan import services
from kotacerdas.masterplan.access import (
    action_plans_correctable,
    action_plans_for,
    action_plans_status_settable,
    agencies_for,
    masterplans_for,
    programmes_for,
)
from kotacerdas.masterplan.filters import ActionPlanFilter, ProgrammeFilter
from kotacerdas.masterplan.forms import (
    ActionPlanForm,
    LabelsForm,
    MasterplanForm,
    ProgrammeForm,
    StatusCorrectionForm,
)
from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Masterplan, Programme
from kotacerdas.masterplan.selectors import (
    IN_IMPLEMENTATION,
    METRICS,
    QUICK_WIN_RULE,
    RULE_VERSION,
    YEAR_RULE,
    Metric,
    Scope,
    action_plan_corrections,
    correction_mark,
    current_masterplan,
    current_masterplan_kept,
    figure_explain,
    latest_corrections,
    masterplan_figures,
)
from kotacerdas.regions.models import Region

# --- Lookups shared by the views -------------------------------------------------


def _region(request: HttpRequest, code: str) -> Region:
    if request.method in ("GET", "HEAD"):
        # A read: the row kept per live data version, access from the roles.
        region = region_visible(request.user, code)
    else:
        region = regions_for(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    activate_region(region)
    return region


def _masterplan(region: Region, *, read: bool = False) -> Masterplan:
    """The current masterplan; ``read``: a page that only shows it may have
    the row kept per live data version (no query)."""
    masterplan = (current_masterplan_kept if read else current_masterplan)(region=region)
    if masterplan is None:
        raise Http404(_("Wilayah ini belum memiliki masterplan."))
    return masterplan


def _is_admin(request: HttpRequest, region: Region) -> bool:
    return roles_of(request.user).is_admin_of(region.pk)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _form_page(
    request: HttpRequest, *, masterplan: Masterplan, form: Any, title: str, cancel_url: str
) -> HttpResponse:
    """The create/edit page shared by programmes and action plans."""
    return render(
        request,
        "masterplan/form.html",
        {
            "region": masterplan.region,
            "masterplan": masterplan,
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
        },
    )


def _mark_corrections(plans: Any) -> None:
    """Attach to each corrected plan the words of its mark (``correction``),
    for the status cell; one query for the lot."""
    plans = list(plans)
    marks = latest_corrections(p.pk for p in plans if p.is_corrected)
    for plan in plans:
        correction = marks.get(plan.pk)
        plan.correction = correction_mark(correction) if correction is not None else ""


def _correctable(request: HttpRequest, ids: list[int]) -> set[int]:
    """Of these action plans, those whose status this user corrects (instead
    of setting it) because their masterplan runs reporting periods."""
    return set(
        action_plans_correctable(request.user)
        .filter(pk__in=ids, masterplan__reporting_periods__isnull=False)
        .values_list("pk", flat=True)
    )


# --- Home and dashboard --------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    regions = list(regions_for(request.user))
    if len(regions) == 1:
        return redirect("masterplan:dashboard", code=regions[0].code)
    return render(request, "masterplan/region_picker.html", {"regions": regions})


def _role_scope(request: HttpRequest) -> str:
    """The viewer's roles as a cache key part (core.access.role_scope)."""
    return role_scope(request.user)


@login_required
@require_safe
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """The body (figures, monitoring panel, trends, the agency's to-do) is
    rendered once per live data version, language, region, day and role
    scope (core/caching.py): a status change bumps the version, so it shows
    at once; the page around it (navigation, user menu) is per request."""
    region = _region(request, code)
    masterplan = _masterplan(region, read=True)

    def body() -> str:
        figures = masterplan_figures(masterplan=masterplan)
        context = {
            "region": region,
            "masterplan": masterplan,
            "figures": figures,
            "is_admin": _is_admin(request, region),
        }
        return render_to_string("masterplan/_dashboard_body.html", context, request=request)

    parts = ("dashboard", masterplan.pk, timezone.localdate().isoformat(), _role_scope(request))
    html = cached(parts, body, version=LIVE) or ""
    return render(
        request,
        "masterplan/dashboard.html",
        {
            "region": region,
            "masterplan": masterplan,
            "body": mark_safe(html),  # noqa: S308 - rendered by our own template
        },
    )


@login_required
@require_safe
def explain(request: HttpRequest, code: str, metric: str, scope: str) -> HttpResponse:
    region = _region(request, code)
    masterplan = _masterplan(region)
    if metric not in METRICS:
        raise Http404
    try:
        explanation = figure_explain(
            masterplan=masterplan,
            metric=cast(Metric, metric),
            scope=Scope.parse(scope),
        )
    except (ValueError, LookupError):
        raise Http404 from None
    return render(
        request,
        "masterplan/explain.html",
        {"region": region, "masterplan": masterplan, "e": explanation},
    )


@require_safe
def method(request: HttpRequest) -> HttpResponse:
    """How every figure is counted: public, no login."""
    return render(
        request,
        "masterplan/method.html",
        {
            "rule_version": RULE_VERSION,
            "year_rule": YEAR_RULE,
            "quick_win_rule": QUICK_WIN_RULE,
            "statuses": ActionPlanStatus.choices,
            "in_implementation": IN_IMPLEMENTATION,
        },
    )


# --- Masterplan settings ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def masterplan_edit(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    masterplan = fetch(
        masterplans_for(request.user),
        masterplans_for(request.user, "change"),
        pk=_masterplan(region).pk,
    )
    form = MasterplanForm(request.POST or None, instance=copy.copy(masterplan), prefix="mp")
    labels = LabelsForm(request.POST or None, masterplan=masterplan, prefix="lb")
    if request.method == "POST" and form.is_valid() and labels.is_valid():
        try:
            services.masterplan_update(
                actor=request.user, masterplan=masterplan, **form.cleaned_data
            )
            services.masterplan_labels_update(
                actor=request.user,
                masterplan=masterplan,
                pillar_names=labels.names("pillar_"),
                element_names=labels.names("element_"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Masterplan disimpan."))
            return redirect("masterplan:dashboard", code=region.code)
    return render(
        request,
        "masterplan/masterplan_form.html",
        {"region": region, "masterplan": masterplan, "form": form, "labels": labels},
    )


# --- Programmes ------------------------------------------------------------------------------


def _programme_rows(qs: Any) -> Any:
    return qs.annotate(
        plans_total=Count("action_plans", distinct=True),
        plans_implemented=Count(
            "action_plans",
            filter=Q(action_plans__status__in=IN_IMPLEMENTATION),
            distinct=True,
        ),
    ).select_related("element__pillar", "lead_agency")


@login_required
@require_safe
def programme_list(request: HttpRequest, code: str) -> HttpResponse:
    """The masterplan browser: pillar → element → programme, with filters."""
    region = _region(request, code)
    masterplan = _masterplan(region, read=True)
    filters = ProgrammeFilter(request.GET or None, masterplan=masterplan)
    is_admin = _is_admin(request, region)

    def results() -> str:
        # In pages (≤ 150 KB at any size of masterplan), each page still
        # grouped by pillar and element; the order ends on the code (and
        # id), so a page boundary never moves between requests.
        page, query = page_of(
            request,
            _programme_rows(
                filters.apply(programmes_for(request.user).filter(masterplan=masterplan))
            ).order_by("element__pillar__order", "element__order", "code", "pk"),
            filters.page_size(),
        )
        tree: list[dict[str, Any]] = []
        for programme in page.object_list:
            pillar, element = programme.element.pillar, programme.element
            if not tree or tree[-1]["pillar"].pk != pillar.pk:
                tree.append({"pillar": pillar, "elements": []})
            elements = tree[-1]["elements"]
            if not elements or elements[-1]["element"].pk != element.pk:
                elements.append({"element": element, "programmes": []})
            elements[-1]["programmes"].append(programme)
        context = {
            "region": region,
            "tree": tree,
            "count": page.paginator.count,
            "page": page,
            "query": query,
            "is_admin": is_admin,
        }
        return render_to_string("masterplan/_programme_results.html", context, request=request)

    def page() -> dict[str, str]:
        form = render_to_string("masterplan/_filters.html", {"filters": filters}, request=request)
        return {"filters": form, "results": results()}

    # The unfiltered first page and its empty filter form (whose choices are
    # the masterplan's pillars and agencies), per live data version, language
    # and role scope (core/caching.py); a filtered list or another page is
    # built each time: what people type must not fill the cache.
    parts = ("programme-list", masterplan.pk, _role_scope(request))
    html = cached_unless_asked(request, parts, page)
    if _is_htmx(request):
        return HttpResponse(html["results"])
    context = {
        "region": region,
        "masterplan": masterplan,
        # Rendered by our own templates (autoescaped there).
        "filters_html": mark_safe(html["filters"]),  # noqa: S308
        "results": mark_safe(html["results"]),  # noqa: S308
        "is_admin": is_admin,
    }
    return render(request, "masterplan/programme_list.html", context)


@login_required
@require_safe
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = fetch(programmes_for(request.user), programmes_for(request.user), pk=pk)
    region = programme.masterplan.region
    plans = list(
        action_plans_for(request.user).filter(programme=programme).order_by("year", "code")
    )
    _mark_corrections(plans)
    editable = set(
        action_plans_status_settable(request.user)
        .filter(programme=programme)
        .values_list("pk", flat=True)
    )
    correctable = _correctable(request, [p.pk for p in plans])
    return render(
        request,
        "masterplan/programme_detail.html",
        {
            "region": region,
            "masterplan": programme.masterplan,
            "programme": programme,
            "supporting": list(programme.supporting_agencies.all()),
            "plans": plans,
            "editable": editable,
            "correctable": correctable,
            "statuses_choices": ActionPlanStatus.choices,
            "is_admin": _is_admin(request, region),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    if not _is_admin(request, region):
        raise PermissionDenied
    masterplan = _masterplan(region)
    form = ProgrammeForm(request.POST or None, masterplan=masterplan)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, masterplan=masterplan, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Program %(code)s dibuat.") % {"code": programme.code})
            return redirect("masterplan:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        masterplan=masterplan,
        form=form,
        title=_("Program baru"),
        cancel_url=reverse("masterplan:programme_list", args=[region.code]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = fetch(programmes_for(request.user), programmes_for(request.user, "change"), pk=pk)
    masterplan = programme.masterplan
    form = ProgrammeForm(request.POST or None, instance=copy.copy(programme), masterplan=masterplan)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Program %(code)s disimpan.") % {"code": programme.code})
            return redirect("masterplan:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        masterplan=masterplan,
        form=form,
        title=_("Ubah program %(code)s") % {"code": programme.code},
        cancel_url=reverse("masterplan:programme_detail", args=[programme.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    programme = fetch(programmes_for(request.user), programmes_for(request.user, "delete"), pk=pk)
    region = programme.masterplan.region
    blocked = programme.action_plans.count()
    if request.method == "POST" and not blocked:
        try:
            services.programme_delete(actor=request.user, programme=programme)
        except ProtectedError:
            blocked = programme.action_plans.count()
        else:
            messages.success(request, _("Program dihapus."))
            return redirect("masterplan:programme_list", code=region.code)
    return render(
        request,
        "masterplan/confirm_delete.html",
        {
            "region": region,
            "object": programme,
            "blocked_reason": (
                _(
                    "Program ini masih memiliki %(n)s rencana aksi. Hapus atau pindahkan "
                    "rencana aksinya dulu."
                )
                % {"n": blocked}
                if blocked
                else ""
            ),
            "cancel_url": reverse("masterplan:programme_detail", args=[programme.pk]),
        },
    )


# --- Action plans ---------------------------------------------------------------------------


@login_required
@require_safe
def action_plan_list(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    masterplan = _masterplan(region, read=True)
    filters = ActionPlanFilter(request.GET or None, masterplan=masterplan)

    def results() -> str:
        qs = filters.apply(action_plans_for(request.user).filter(masterplan=masterplan)).order_by(
            *filters.ordering()
        )
        page, query = page_of(request, qs, filters.page_size())
        _mark_corrections(page.object_list)
        editable = set(
            action_plans_status_settable(request.user)
            .filter(pk__in=[p.pk for p in page.object_list])
            .values_list("pk", flat=True)
        )
        correctable = _correctable(request, [p.pk for p in page.object_list])
        context = {
            "region": region,
            "page": page,
            "editable": editable,
            "correctable": correctable,
            "query": query,
            "statuses": ActionPlanStatus.choices,
        }
        # The status forms' CSRF tokens are placeholders here: the cached
        # body is shared by every user of the same role scope.
        return render_to_string(
            "masterplan/_action_plan_results.html", without_csrf(context), request=request
        )

    def page() -> dict[str, str]:
        form = render_to_string("masterplan/_filters.html", {"filters": filters}, request=request)
        return {"filters": form, "results": results()}

    # As the programme list: the unfiltered first page per live data version,
    # language and role scope (which decides the rows, the status forms and
    # the correction links); any GET parameter is built each time.
    parts = ("action-plan-list", masterplan.pk, _role_scope(request))
    html = cached_unless_asked(request, parts, page)
    body = with_csrf(html["results"], request)
    if _is_htmx(request):
        return HttpResponse(body)
    context = {
        "region": region,
        "masterplan": masterplan,
        # Rendered by our own templates (autoescaped there).
        "filters_html": mark_safe(html["filters"]),  # noqa: S308
        "results": mark_safe(body),  # noqa: S308
    }
    return render(request, "masterplan/action_plan_list.html", context)


@login_required
@require_safe
def action_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = fetch(action_plans_for(request.user), action_plans_for(request.user), pk=pk)
    region = plan.masterplan.region
    activate_region(region)  # the progress panel's times are the region's
    _mark_corrections([plan])
    runs_periods = plan.masterplan.runs_periods()
    return render(
        request,
        "masterplan/action_plan_detail.html",
        {
            "region": region,
            "masterplan": plan.masterplan,
            "plan": plan,
            "can_edit": action_plans_for(request.user, "change").filter(pk=pk).exists(),
            "can_change": action_plans_status_settable(request.user).filter(pk=pk).exists(),
            "can_correct": runs_periods
            and action_plans_correctable(request.user).filter(pk=pk).exists(),
            "corrections": action_plan_corrections(action_plan=plan),
            "is_admin": _is_admin(request, region),
            "statuses": ActionPlanStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The team corrects a status without a report: GET shows what will
    happen, POST (with a reason) applies it."""
    plan = fetch(action_plans_for(request.user), action_plans_correctable(request.user), pk=pk)
    form = StatusCorrectionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.action_plan_status_correct(
                actor=request.user,
                action_plan=plan,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Status %(code)s dikoreksi menjadi %(status)s.")
                % {"code": plan.code, "status": correction.get_to_status_display()},
            )
            return redirect("masterplan:action_plan_detail", pk=plan.pk)
    return render(
        request,
        "masterplan/action_plan_correct.html",
        {
            "region": plan.masterplan.region,
            "masterplan": plan.masterplan,
            "plan": plan,
            "form": form,
            "runs_periods": plan.masterplan.runs_periods(),
        },
    )


def _action_plan_form(
    request: HttpRequest,
    masterplan: Masterplan,
    instance: ActionPlan,
    full_access: bool,
    status_editable: bool = True,
) -> ActionPlanForm:
    agencies = agencies_for(request.user, "change").filter(region_id=masterplan.region_id)
    return ActionPlanForm(
        request.POST or None,
        instance=instance,
        masterplan=masterplan,
        agencies=agencies,
        full_access=full_access,
        status_editable=status_editable,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = fetch(programmes_for(request.user), programmes_for(request.user, "add"), pk=pk)
    masterplan = programme.masterplan
    form = _action_plan_form(
        request, masterplan, ActionPlan(programme=programme, agency=programme.lead_agency), True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target_programme = data.pop("programme")
        try:
            plan = services.action_plan_create(
                actor=request.user, programme=target_programme, **data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Rencana aksi %(code)s dibuat.") % {"code": plan.code})
            return redirect("masterplan:action_plan_detail", pk=plan.pk)
    return _form_page(
        request,
        masterplan=masterplan,
        form=form,
        title=_("Rencana aksi baru untuk %(code)s") % {"code": programme.code},
        cancel_url=reverse("masterplan:programme_detail", args=[programme.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = fetch(action_plans_for(request.user), action_plans_for(request.user, "change"), pk=pk)
    masterplan = plan.masterplan
    full_access = _is_admin(request, masterplan.region)
    status_editable = action_plans_status_settable(request.user).filter(pk=pk).exists()
    form = _action_plan_form(request, masterplan, copy.copy(plan), full_access, status_editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_plan_update(
                actor=request.user, action_plan=plan, **form.changed_values()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Rencana aksi %(code)s disimpan.") % {"code": plan.code})
            return redirect("masterplan:action_plan_detail", pk=plan.pk)
    return _form_page(
        request,
        masterplan=masterplan,
        form=form,
        title=_("Ubah rencana aksi %(code)s") % {"code": plan.code},
        cancel_url=reverse("masterplan:action_plan_detail", args=[plan.pk]),
    )


@login_required
@require_POST
def action_plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Quick status change from a list or detail page (htmx or plain form)."""
    plan = fetch(action_plans_for(request.user), action_plans_status_settable(request.user), pk=pk)
    status = request.POST.get("status", "")
    ok = False
    if status not in ActionPlanStatus.values:
        feedback = _("Status tidak dikenal.")
    else:
        try:
            services.action_plan_update(actor=request.user, action_plan=plan, status=status)
        except ValidationError as error:
            feedback = " ".join(error.messages)
        else:
            ok = True
            feedback = _("Status %(code)s menjadi %(status)s.") % {
                "code": plan.code,
                "status": plan.get_status_display(),
            }
    if _is_htmx(request):
        return render(
            request,
            "masterplan/_status_cell.html",
            {
                "plan": plan,
                "statuses": ActionPlanStatus.choices,
                "can_change": True,
                "feedback": _("Tersimpan") if ok else feedback,
                "feedback_class": "ok" if ok else "error",
            },
        )
    (messages.success if ok else messages.error)(request, feedback)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("masterplan:action_plan_detail", args=[pk])
    return HttpResponseRedirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = fetch(action_plans_for(request.user), action_plans_for(request.user, "delete"), pk=pk)
    programme = plan.programme
    if request.method == "POST":
        services.action_plan_delete(actor=request.user, action_plan=plan)
        messages.success(request, _("Rencana aksi dihapus."))
        return redirect("masterplan:programme_detail", pk=programme.pk)
    return render(
        request,
        "masterplan/confirm_delete.html",
        {
            "region": plan.masterplan.region,
            "object": plan,
            "blocked_reason": "",
            "cancel_url": reverse("masterplan:action_plan_detail", args=[plan.pk]),
        },
    )


# --- History ------------------------------------------------------------------------------------


@login_required
@require_safe
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The audit trail of one object, for anyone who may see the object."""
    obj: Masterplan | Programme | ActionPlan
    if kind == "program":
        obj = fetch(programmes_for(request.user), programmes_for(request.user), pk=pk)
        back = reverse("masterplan:programme_detail", args=[pk])
        region = obj.masterplan.region
    elif kind == "rencana-aksi":
        obj = fetch(action_plans_for(request.user), action_plans_for(request.user), pk=pk)
        back = reverse("masterplan:action_plan_detail", args=[pk])
        region = obj.masterplan.region
    elif kind == "masterplan":
        obj = fetch(masterplans_for(request.user), masterplans_for(request.user), pk=pk)
        region = obj.region
        back = reverse("masterplan:dashboard", args=[region.code])
    else:
        raise Http404
    activate_region(region)
    events = [(event, readable_changes(event)) for event in history_for(obj)[:200]]
    return render(
        request,
        "core/history.html",
        {"region": region, "object": obj, "events": events, "back_url": back},
    )
