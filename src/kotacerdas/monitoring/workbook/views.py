"""The per-agency progress workbook on the web: choose an agency on the
period board, download its workbook, upload the filled-in file, see the
preview of every change, error and conflict, and confirm.

Only users who may write an agency's reports in the period use these pages
(editors of another agency get 404, region-wide readers 403). Between the
preview and the confirmation the upload is kept in private storage; the page
carries only a signed token bound to the user, the period and the agency, and
the preview it confirms, valid for an hour. The file is deleted when it is
applied or cancelled, and when its token is found stale; the session also
remembers its uploads, so abandoned ones are swept on the user's next visit.
"""

from __future__ import annotations

import time
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch
from kotacerdas.core.storage import delete_private, open_private, store_checked
from kotacerdas.core.uploads import validate_upload
from kotacerdas.masterplan.models import Agency
from kotacerdas.monitoring.access import periods_for
from kotacerdas.monitoring.models import ReportingPeriod
from kotacerdas.monitoring.workbook.access import workbook_agencies
from kotacerdas.monitoring.workbook.apply import workbook_apply
from kotacerdas.monitoring.workbook.export import workbook_export as export_workbook
from kotacerdas.monitoring.workbook.forms import WorkbookUploadForm
from kotacerdas.monitoring.workbook.layout import CONTENT_TYPE, workbook_filename
from kotacerdas.monitoring.workbook.preview import Preview, PreviewOutdated, workbook_preview
from kotacerdas.monitoring.workbook.reading import WorkbookRefused

MAX_AGE = 60 * 60  # seconds between the preview and the confirmation
SALT = "kotacerdas.monitoring.workbook"
SESSION_KEY = "monitoring_workbook_uploads"
KINDS = frozenset({"xlsx"})


def _period(request: HttpRequest, pk: int) -> ReportingPeriod:
    return fetch(periods_for(request.user), periods_for(request.user), pk=pk)


def _scope(request: HttpRequest, pk: int, agency_pk: int) -> tuple[ReportingPeriod, Agency]:
    """The period and the agency if the user may write its reports there: 404
    when the user may not even see that agency's reports, 403 when only read."""
    period = _period(request, pk)
    agency = fetch(
        workbook_agencies(request.user, period, "view"),
        workbook_agencies(request.user, period, "change"),
        pk=agency_pk,
    )
    return period, agency


# --- Staged uploads --------------------------------------------------------------------


def _sessions_uploads(request: HttpRequest) -> dict[str, float]:
    stored = request.session.get(SESSION_KEY, {})
    return dict(stored) if isinstance(stored, dict) else {}


def _discard(request: HttpRequest, name: str) -> None:
    try:
        delete_private(name)
    except SuspiciousFileOperation:
        return
    uploads = _sessions_uploads(request)
    if uploads.pop(name, None) is not None:
        request.session[SESSION_KEY] = uploads


def _sweep(request: HttpRequest) -> None:
    """Delete this session's uploads that can no longer be confirmed."""
    cutoff = time.time() - MAX_AGE
    for name, stored_at in _sessions_uploads(request).items():
        if stored_at < cutoff:
            _discard(request, name)


def _stage(
    request: HttpRequest, period: ReportingPeriod, agency: Agency, name: str, preview: Preview
) -> str:
    uploads = _sessions_uploads(request)
    uploads[name] = time.time()
    request.session[SESSION_KEY] = uploads
    payload = {
        "f": name,
        "u": request.user.pk,
        "p": period.pk,
        "a": agency.pk,
        "h": preview.fingerprint,
    }
    return signing.dumps(payload, salt=SALT)


def _staged(request: HttpRequest, period: ReportingPeriod, agency: Agency) -> dict[str, Any] | None:
    """The token's payload if it is genuine, fresh and for this user, period
    and agency. The file of a token that is genuine but stale is deleted."""
    token = request.POST.get("token", "")

    def bound(data: Any) -> bool:
        return (
            isinstance(data, dict)
            and data.get("u") == request.user.pk
            and data.get("p") == period.pk
            and data.get("a") == agency.pk
            and isinstance(data.get("f"), str)
            and isinstance(data.get("h"), str)
        )

    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        old = signing.loads(token, salt=SALT)  # genuine, only too old
        if bound(old):
            _discard(request, old["f"])
        return None
    except signing.BadSignature:
        return None
    return data if bound(data) else None


def _read_staged(name: str) -> bytes | None:
    try:
        with open_private(name) as stored:
            return stored.read()
    except (FileNotFoundError, SuspiciousFileOperation):
        return None


# --- Views ---------------------------------------------------------------------------------


@login_required
@require_safe
def workbook_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel's form (works without JavaScript): to the download or the
    upload page of the chosen agency."""
    period = _period(request, pk)
    if not workbook_agencies(request.user, period, "change").exists():
        raise PermissionDenied
    try:
        agency_pk = int(request.GET.get("perangkat_daerah", ""))
    except ValueError:
        messages.error(request, _("Pilih perangkat daerah lebih dulu."))
        return redirect("monitoring:period_detail", pk=period.pk)
    period, agency = _scope(request, pk, agency_pk)
    target = "workbook_upload" if request.GET.get("aksi") == "unggah" else "workbook_export"
    return redirect(f"monitoring:{target}", pk=period.pk, agency_pk=agency.pk)


@login_required
@require_safe
def workbook_export(request: HttpRequest, pk: int, agency_pk: int) -> FileResponse:
    period, agency = _scope(request, pk, agency_pk)
    response = FileResponse(
        BytesIO(export_workbook(period=period, agency=agency)),
        as_attachment=True,
        filename=workbook_filename(period, agency),
        content_type=CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _upload_page(
    request: HttpRequest, period: ReportingPeriod, agency: Agency, form: WorkbookUploadForm
) -> HttpResponse:
    return render(
        request,
        "monitoring/workbook_upload.html",
        {
            "region": period.masterplan.region,
            "masterplan": period.masterplan,
            "period": period,
            "agency": agency,
            "form": form,
        },
    )


def _preview_page(request: HttpRequest, preview: Preview, token: str) -> HttpResponse:
    period = preview.period
    return render(
        request,
        "monitoring/workbook_preview.html",
        {
            "region": period.masterplan.region,
            "masterplan": period.masterplan,
            "period": period,
            "agency": preview.agency,
            "preview": preview,
            "token": token,
            "max_age_minutes": MAX_AGE // 60,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    period, agency = _scope(request, pk, agency_pk)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _upload_page(request, period, agency, form)
    _sweep(request)
    upload: UploadedFile = form.cleaned_data["file"]
    try:
        checked = validate_upload(upload, kinds=KINDS)
        preview = workbook_preview(period=period, agency=agency, content=upload.read())
    except ValidationError as error:
        form.add_error("file", error.messages)
        return _upload_page(request, period, agency, form)
    except WorkbookRefused as error:
        form.add_error("file", error.message)
        return _upload_page(request, period, agency, form)
    finally:
        upload.seek(0)
    token = ""
    if preview.can_apply:
        token = _stage(request, period, agency, store_checked(upload, checked), preview)
    return _preview_page(request, preview, token)


@login_required
@require_POST
def workbook_confirm(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    period, agency = _scope(request, pk, agency_pk)
    _sweep(request)
    data = _staged(request, period, agency)
    content = _read_staged(data["f"]) if data is not None else None
    if data is None or content is None:
        messages.error(
            request,
            _(
                "Unggahan sudah kedaluwarsa, sudah diterapkan, atau tidak sah; tidak ada yang "
                "disimpan. Unggah berkasnya lagi."
            ),
        )
        return redirect("monitoring:workbook_upload", pk=period.pk, agency_pk=agency.pk)
    name = data["f"]
    try:
        preview = workbook_apply(
            actor=request.user, period=period, agency=agency, content=content, fingerprint=data["h"]
        )
    except PreviewOutdated as outdated:
        fresh = outdated.preview
        messages.warning(
            request,
            _(
                "Data di server berubah sejak pratinjau; tidak ada yang disimpan. Periksa "
                "pratinjau terbaru ini, lalu terapkan lagi."
            ),
        )
        if fresh.can_apply:
            # The same file, staged again under the fresh preview.
            return _preview_page(request, fresh, _stage(request, period, agency, name, fresh))
        _discard(request, name)
        return _preview_page(request, fresh, "")
    except WorkbookRefused as error:
        _discard(request, name)
        messages.error(request, error.message)
        return redirect("monitoring:workbook_upload", pk=period.pk, agency_pk=agency.pk)
    _discard(request, name)
    if preview.applied:
        messages.success(
            request,
            _(
                "%(applied)s laporan %(agency)s diperbarui dari Excel; %(conflicts)s baris "
                "konflik tidak diterapkan."
            )
            % {
                "applied": preview.applied,
                "agency": agency.short_name,
                "conflicts": len(preview.conflicts),
            },
        )
        return redirect("monitoring:period_detail", pk=period.pk)
    return _preview_page(request, preview, "")


@login_required
@require_POST
def workbook_cancel(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    period, agency = _scope(request, pk, agency_pk)
    _sweep(request)
    data = _staged(request, period, agency)
    if data is not None:
        _discard(request, data["f"])
    messages.info(request, _("Unggahan dibatalkan; tidak ada yang disimpan."))
    return redirect("monitoring:period_detail", pk=period.pk)
