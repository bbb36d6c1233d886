"""Progress reporting through the API: the same scoped helpers
(:mod:`kotacerdas.monitoring.access`) and services
(:mod:`kotacerdas.monitoring.services`) as the monitoring pages, so an
agency editor may report only on its own action plans in the open period and
only the smart city team verifies or returns."""

from __future__ import annotations

from typing import Any, Literal, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status
from pydantic import Field

from kotacerdas.api import auth
from kotacerdas.api.errors import responses
from kotacerdas.api.pagination import MAX_ID, NO_NUL, Id, PageQuery
from kotacerdas.api.schemas import (
    EvidenceOut,
    MeOut,
    PeriodOut,
    ReportIn,
    ReportOut,
    ReportPage,
    ReturnIn,
)
from kotacerdas.core.access import fetch
from kotacerdas.core.models import Membership
from kotacerdas.core.uploads import Refusal
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.monitoring import services
from kotacerdas.monitoring.access import (
    ReportAction,
    periods_for,
    plan_filter_for_reports,
    reports_for,
)
from kotacerdas.monitoring.models import Evidence, ProgressReport, ReportingPeriod

router = Router(tags=["pelaporan"], auth=auth.REQUIRED)
UPLOAD_REFUSALS = frozenset(str(code) for code in Refusal)


@router.get("/me", response={200: MeOut, **responses(401)}, url_name="me")
def me(request: HttpRequest) -> dict[str, Any]:
    """Siapa pemanggil ini, lewat apa, dan perannya di wilayah mana saja."""
    caller = auth.principal(request)
    memberships = Membership.objects.filter(user_id=cast(Any, caller.user).pk).select_related(
        "region", "agency"
    )
    return {
        "username": caller.user.get_username(),
        "auth": caller.via,
        "scope": "write" if caller.can_write else "read",
        "memberships": [
            {
                "region": m.region.code,
                "role": m.role,
                "agency": m.agency.short_name if m.agency else None,
            }
            for m in memberships.order_by("region__code", "role")
        ],
    }


class PeriodFilters(PageQuery):
    region: str = Field("", max_length=20, pattern=NO_NUL, description="Kode wilayah Kemendagri")
    state: Literal["planned", "open", "closed"] | None = None


def _period(p: ReportingPeriod) -> dict[str, Any]:
    return {
        "id": p.pk,
        "region": p.masterplan.region.code,
        "label": p.label,
        "year": p.year,
        "number": p.number,
        "state": p.state,
        "opens_on": p.opens_on,
        "due_on": p.due_on,
    }


@router.get("/periods", response={200: list[PeriodOut], **responses(401, 422)}, url_name="periods")
def periods(request: HttpRequest, filters: Query[PeriodFilters]) -> list[dict[str, Any]]:
    """Periode pelaporan wilayah-wilayah pemanggil."""
    qs = periods_for(auth.principal(request).user)
    if filters.region:
        qs = qs.filter(masterplan__region__code=filters.region)
    if filters.state:
        qs = qs.filter(state=filters.state)
    start = (filters.page - 1) * filters.page_size
    return [
        _period(p) for p in qs.order_by("-year", "-number", "id")[start : start + filters.page_size]
    ]


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "original_name": e.original_name,
        "url": e.url,
        "caption": e.caption,
        "is_public": e.is_public,
        "size": e.size,
        "sha256": e.sha256,
    }


def _report(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "period_id": r.period_id,
        "period": r.period.label,
        "action_plan_id": r.action_plan_id,
        "action_plan_code": r.action_plan.code,
        "agency": r.action_plan.agency.short_name,
        "state": r.state,
        "status": r.status,
        "physical_progress": r.physical_progress,
        "budget_ceiling": r.budget_ceiling,
        "budget_realisation": r.budget_realisation,
        "output_achieved": r.output_achieved,
        "narrative": r.narrative,
        "return_reason": r.return_reason,
        "version": r.version,
        "submitted_at": r.submitted_at,
        "verified_at": r.verified_at,
        "evidence": [_evidence(e) for e in r.evidence.all()],
    }


class ReportFilters(PageQuery):
    period_id: int | None = Field(None, ge=1, le=MAX_ID)
    state: Literal["draft", "submitted", "verified", "returned"] | None = None


@router.get("/reports", response={200: ReportPage, **responses(401, 422)}, url_name="reports")
def reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    """Laporan kemajuan yang boleh dilihat pemanggil (perangkat daerah: miliknya
    sendiri; tim smart city: seluruh wilayah)."""
    qs = reports_for(auth.principal(request).user).prefetch_related("evidence")
    if filters.period_id:
        qs = qs.filter(period_id=filters.period_id)
    if filters.state:
        qs = qs.filter(state=filters.state)
    qs = qs.select_related("action_plan__agency").order_by("-period__year", "-period__number", "id")
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size + 1])
    return {
        "page": filters.page,
        "page_size": filters.page_size,
        "count": None,
        "has_next": len(rows) > filters.page_size,
        "items": [_report(r) for r in rows[: filters.page_size]],
    }


def _report_for(request: HttpRequest, pk: int, action: ReportAction) -> ProgressReport:
    user = auth.principal(request).user
    return fetch(reports_for(user), reports_for(user, action), pk=pk)


@router.get(
    "/reports/{report_id}", response={200: ReportOut, **responses(401, 404, 422)}, url_name="report"
)
def report(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _report(_report_for(request, report_id, "view"))


@router.post(
    "/periods/{period_id}/action-plans/{plan_id}/report",
    response={200: ReportOut, **responses(401, 403, 404, 409, 422)},
    url_name="report_save",
)
def report_save(
    request: HttpRequest, period_id: Id, plan_id: Id, payload: ReportIn
) -> dict[str, Any]:
    """Simpan (buat atau ubah) draf laporan sebuah rencana aksi pada periode
    yang sedang dibuka. Laporan yang sudah diajukan atau diverifikasi tidak
    dapat diubah (409); rencana aksi yang tidak diminta periode ini (sudah
    selesai atau dibatalkan sebelum periode dibuka, atau tahun berikutnya)
    ditolak (409)."""
    user = auth.require_write(request).user
    period = fetch(periods_for(user), periods_for(user), pk=period_id)
    plan = fetch(
        ActionPlan.objects.filter(plan_filter_for_reports(user)),
        ActionPlan.objects.filter(plan_filter_for_reports(user, "change")),
        pk=plan_id,
        masterplan_id=period.masterplan_id,
    )
    saved = services.report_save(
        actor=user, period=period, action_plan=plan, **payload.model_dump()
    )
    return _report(saved)


@router.post(
    "/reports/{report_id}/evidence",
    response={201: EvidenceOut, **responses(401, 403, 404, 409, 422)},
    url_name="evidence_upload",
)
def evidence_upload(
    request: HttpRequest,
    report_id: Id,
    file: UploadedFile | None = File(None),  # noqa: B008 (ninja's parameter marker)
    caption: Form[str] = "",
    is_public: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Unggah bukti dukung (PDF, dokumen kantor, foto) sebagai multipart/form-data,
    kolom ``file``. Berkas diperiksa isinya seperti unggahan di aplikasi."""
    user = auth.require_write(request).user
    target = _report_for(request, report_id, "change")
    if file is None:
        raise ValidationError({"file": _("Pilih berkas bukti dukung (kolom file).")})
    if len(caption) > 300:
        raise ValidationError({"caption": _("Keterangan paling banyak 300 karakter.")})
    try:
        evidence = services.evidence_add_file(
            actor=user, report=target, upload=file, caption=caption, is_public=is_public
        )
    except ValidationError as error:
        if error.code in UPLOAD_REFUSALS:
            raise ValidationError({"file": error}) from None  # the file itself: 422
        raise
    return Status(201, _evidence(evidence))


@router.post(
    "/reports/{report_id}/submit",
    response={200: ReportOut, **responses(401, 403, 404, 409, 422)},
    url_name="report_submit",
)
def report_submit(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    """Ajukan laporan untuk diverifikasi tim smart city."""
    user = auth.require_write(request).user
    target = _report_for(request, report_id, "change")
    return _report(services.report_submit(actor=user, report=target))


@router.post(
    "/reports/{report_id}/verify",
    response={200: ReportOut, **responses(401, 403, 404, 409, 422)},
    url_name="report_verify",
)
def report_verify(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    """Verifikasi laporan yang diajukan (tim smart city); status rencana aksi
    mengikuti laporan dan angka resmi berubah."""
    user = auth.require_write(request).user
    target = _report_for(request, report_id, "verify")
    return _report(services.report_verify(actor=user, report=target))


@router.post(
    "/reports/{report_id}/return",
    response={200: ReportOut, **responses(401, 403, 404, 409, 422)},
    url_name="report_return",
)
def report_return(request: HttpRequest, report_id: Id, payload: ReturnIn) -> dict[str, Any]:
    """Kembalikan laporan yang diajukan, dengan alasannya (tim smart city)."""
    user = auth.require_write(request).user
    target = _report_for(request, report_id, "verify")
    return _report(services.report_return(actor=user, report=target, reason=payload.reason))
