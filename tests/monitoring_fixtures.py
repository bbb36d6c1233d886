"""Monitoring objects built on the shared ``world`` (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evidence, ProgressReport, ReportingPeriod
from tests.conftest import World

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def pdf_upload(name: str = "bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def period(w: World, state: str = "open", number: int = 3) -> ReportingPeriod:
    """A period of 2024 for the world's masterplan in the given state."""
    existing = ReportingPeriod.objects.filter(masterplan=w.masterplan, year=2024, number=number)
    found = existing.first()
    if found is None:
        services.periods_generate(actor=None, masterplan=w.masterplan, year=2024)
        found = existing.get()
    if state in ("open", "closed") and found.state == "planned":
        for other in ReportingPeriod.objects.filter(masterplan=w.masterplan, state="open"):
            services.period_close(actor=None, period=other)
        found = services.period_open(actor=None, period=found)
    if state == "closed" and found.state == "open":
        services.period_close(actor=None, period=found)
        found.refresh_from_db()
    return found


def report(w: World, state: str = "draft", **data: Any) -> ProgressReport:
    """plan_a's report in the open period, moved to ``state``."""
    fields = {"status": "berjalan", "physical_progress": 40, **data}
    r = services.report_save(actor=None, period=period(w), action_plan=w.plan_a, **fields)
    if state in ("submitted", "verified", "returned"):
        r = services.report_submit(actor=None, report=r)
    if state == "verified":
        r = services.report_verify(actor=None, report=r)
    if state == "returned":
        r = services.report_return(actor=None, report=r, reason="Lengkapi foto kegiatan.")
    return r


def link_evidence(w: World) -> Evidence:
    return services.evidence_add_link(
        actor=None, report=report(w), url="https://dumaikota.go.id/berita/1", caption="Berita"
    )


def file_evidence(w: World) -> Evidence:
    return services.evidence_add_file(actor=None, report=report(w), upload=pdf_upload())
