"""Instrument pages: instruments are national, edited by the ministry's
operator and read by the regions' smart city teams. Views parse input, fetch
through ``evaluation.access``, call a service or selector, and render. Who
may do what is described in evaluation/access.py."""

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
from kotacerdas.evaluation.access import (
    instrument_fetch,
    instruments_for,
    item_fetch,
    may_use_instruments,
)
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.instruments.forms import (
    InstrumentCreateForm,
    InstrumentForm,
    ItemForm,
    UploadForm,
    WeightsForm,
)
from kotacerdas.evaluation.instruments.instrument_xlsx import (
    instrument_xlsx_export,
    instrument_xlsx_import,
)
from kotacerdas.evaluation.instruments.models import Instrument
from kotacerdas.evaluation.instruments.selectors import instrument_with_items

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_page(
    request: HttpRequest, *, form: Any, title: str, cancel_url: str, eyebrow: str = ""
) -> HttpResponse:
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "eyebrow": eyebrow},
    )


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
