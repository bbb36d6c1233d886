"""The evaluation report: a page, a PDF and a workbook of one cycle.

Who may see them: whoever may read the cycle (its region's smart city team,
superusers, the assessors assigned to it: ``access.may_read_cycle``); agency
members asked to answer items do not get the report (403), people outside
the region 404. Every download is recorded in the audit trail. A cycle that
is not published yet gets a report marked "DRAF / belum diumumkan".
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from kotacerdas.core.access import User
from kotacerdas.core.timezones import activate_region
from kotacerdas.evaluation.access import answer_cycle_fetch, may_read_cycle
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.reports.data import ReportData, report_data
from kotacerdas.evaluation.reports.pdf import PdfUnavailable, charts, report_pdf
from kotacerdas.evaluation.reports.services import report_export_record
from kotacerdas.evaluation.reports.xlsx import report_xlsx

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_cycle_fetch(user: User, pk: int) -> EvaluationCycle:
    """404 for people who cannot see the cycle at all, 403 for those who see
    it but may not read its results (e.g. an agency asked to answer)."""
    cycle = answer_cycle_fetch(user, pk)
    if not may_read_cycle(user, cycle):
        raise PermissionDenied
    activate_region(cycle.region)  # the page, PDF and workbook in the region's zone
    return cycle


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    disposition = content_disposition_header(True, filename)
    assert disposition is not None
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )


def _page(data: ReportData, **extra: object) -> dict[str, object]:
    return {"region": data.cycle.region, "cycle": data.cycle, "report": data, **extra}


@login_required
@require_safe
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    data = report_data(report_cycle_fetch(request.user, pk))
    return render(request, "evaluation/report/page.html", _page(data, **charts(data)))


@login_required
@require_safe
def report_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    data = report_data(report_cycle_fetch(request.user, pk))
    try:
        content = report_pdf(data)
    except PdfUnavailable as error:
        return render(
            request,
            "evaluation/report/unavailable.html",
            _page(data, message=str(error)),
            status=503,
        )
    report_export_record(actor=request.user, data=data, file_format="pdf")
    return _download(content, PDF, f"{data.file_stem}.pdf")


@login_required
@require_safe
def report_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    data = report_data(report_cycle_fetch(request.user, pk))
    content = report_xlsx(data)
    report_export_record(actor=request.user, data=data, file_format="xlsx")
    return _download(content, XLSX, f"{data.file_stem}.xlsx")
