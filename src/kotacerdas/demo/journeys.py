"""What each demo persona finds to do on the first day (issue 21): an open
reporting period with reports in every state (one returned with its reason),
the ministry's evaluation instrument active with a cycle in preparation whose
self-assessment is partly filled and whose lead assessor is assigned, and a
survey import already done with rows rejected.

Everything goes through the product's services with the demo persona who
would do it as the actor (the agency editor reports, the smart city team
verifies, the ministry's operator assigns), so every rule and audit event
applies. Each piece is created once, when missing: a second ``kotacerdas
demo`` changes nothing, and what a newcomer did while trying the demo is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.accounts.services import profile_update
from kotacerdas.masterplan.models import ActionPlan, Masterplan
from kotacerdas.regions.models import Region

# The open period follows the one the city reported to the assessors (Q3 2024).
DEMO_OPEN_PERIOD = (2024, 4)
DEMO_EVALUATION_YEAR = 2024
DEMO_IMPORT_FILE = "survei-umkm-dumai.csv"
RETURN_REASON = "Bukti dukung belum memuat daftar hadir pelatihan; lengkapi dan ajukan kembali."


@dataclass(frozen=True)
class DemoReport:
    """One progress report of the open period: the plan, who reports it and
    how far it gets (draft, submitted, returned or verified)."""

    plan: str
    reporter: str
    state: str
    progress: int
    narrative: str


DEMO_REPORTS: tuple[DemoReport, ...] = (
    DemoReport(
        "ECO-01.01",
        "opd.diskopukm",
        "verified",
        80,
        "Pendataan UMKM di 7 kecamatan berjalan; data masuk ke registri DIGILOKA.",
    ),
    DemoReport(
        "ECO-01.02",
        "opd.diskopukm",
        "returned",
        60,
        "Pelatihan pemasaran digital angkatan kedua untuk 40 pelaku UMKM.",
    ),
    DemoReport(
        "ECO-02.02",
        "opd.diskopukm",
        "submitted",
        45,
        "Pendampingan sertifikasi halal dan P-IRT untuk IKM pangan.",
    ),
    DemoReport(
        "ECO-08.01",
        "opd.diskopukm",
        "draft",
        30,
        "Kurasi produk IKM untuk etalase daring daerah.",
    ),
    DemoReport(
        "BRD-01.01",
        "opd.dispar",
        "submitted",
        70,
        "Paket wisata religi Dumai Islamic Center dipromosikan di tiga pameran.",
    ),
    # Only plans the open period asks about (the carry-over rule): a plan
    # finished before Q4 2024, such as the second festival, takes no report.
    DemoReport(
        "BRD-02.02",
        "opd.diskopukm",
        "verified",
        55,
        "Pembinaan kebersihan pangan untuk 60 pedagang Kampung Kuliner; 25 sudah memakai QRIS.",
    ),
)

# The self-assessment items the smart city team has already answered (the
# rest is left for the newcomer), with the claimed score and an evidence link.
DEMO_ANSWERS: tuple[tuple[str, str, str], ...] = (
    (
        "OP-1",
        "3.50",
        "Masterplan ditetapkan dengan Peraturan Wali Kota Dumai Nomor 30 Tahun 2023.",
    ),
    ("OP-2", "3.00", "Dewan Smart City dan Tim Pelaksana ditetapkan dengan keputusan wali kota."),
    ("OC-1", "3.20", "63 dari 103 rencana aksi berjalan (61,17%) per September 2024."),
    ("QW-3", "3.40", "DIGILOKA: registri UMKM dan IKM berjalan dengan impor survei kelurahan."),
)
DEMO_DELEGATED = ("QW-3", "Diskop UKM")
# Who the ministry's people are (the assessor picker shows the institution).
DEMO_INSTITUTIONS = {
    "asesor": "Kementerian Komunikasi dan Digital",
    "asesor.unri": "Universitas Riau",
    "operator": "Kementerian Komunikasi dan Digital",
}


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def journeys_demo_load(*, actor: Any, region: Region, masterplan: Masterplan, result: Any) -> None:
    _profiles(actor=actor, result=result)
    _open_period(masterplan=masterplan, result=result)
    _evaluation(region=region, result=result)
    _import_done(region=region, result=result)


def _profiles(*, actor: Any, result: Any) -> None:
    from kotacerdas.accounts.models import Profile

    for username, institution in DEMO_INSTITUTIONS.items():
        user = get_user_model().objects.filter(username=username).first()
        if user is None or Profile.objects.filter(user=user).exists():
            continue
        profile_update(actor=actor, user=user, institution=institution)
        result.count(result.created, "profile")


def _open_period(*, masterplan: Masterplan, result: Any) -> None:
    """Open Q4 2024 (after the closed Q3) and file the demo's reports."""
    from kotacerdas.monitoring import services as monitoring
    from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod

    periods = ReportingPeriod.objects.filter(masterplan=masterplan)
    if periods.filter(state=ReportingPeriod.State.OPEN).exists():
        return
    year, number = DEMO_OPEN_PERIOD
    period = periods.filter(year=year, number=number, state=ReportingPeriod.State.PLANNED).first()
    if period is None or ProgressReport.objects.filter(period=period).exists():
        return
    admin = _user("admin")
    period = monitoring.period_open(actor=admin, period=period)
    result.count(result.created, "open_period")
    for demo in DEMO_REPORTS:
        plan = ActionPlan.objects.filter(masterplan=masterplan, code=demo.plan).first()
        if plan is None:
            continue
        reporter = _user(demo.reporter)
        report = monitoring.report_save(
            actor=reporter,
            period=period,
            action_plan=plan,
            # Verifying sets the plan's status: the report keeps the status
            # the plan has, so the demo's figures stay those of the public report.
            status=plan.status,
            physical_progress=Decimal(demo.progress),
            output_achieved=demo.narrative,
            narrative=demo.narrative,
        )
        if demo.state != "draft":
            monitoring.evidence_add_link(
                actor=reporter,
                report=report,
                url="https://dumaikota.go.id/",
                caption="Dokumentasi kegiatan (contoh)",
            )
            report = monitoring.report_submit(actor=reporter, report=report)
        if demo.state == "verified":
            monitoring.report_verify(actor=admin, report=report)
        elif demo.state == "returned":
            monitoring.report_return(actor=admin, report=report, reason=RETURN_REASON)
        result.count(result.created, "progress_report")


def _evaluation(*, region: Region, result: Any) -> None:
    """The ministry's instrument of 2024 active, and Kota Dumai's cycle in
    preparation: partly answered, one item delegated to an agency, the demo
    assessor assigned as lead (the conflict declaration is left to them)."""
    from kotacerdas.evaluation.assessment import services as assessment
    from kotacerdas.evaluation.cycles import services as cycles
    from kotacerdas.evaluation.cycles.models import EvaluationCycle
    from kotacerdas.evaluation.instruments import services as instruments
    from kotacerdas.evaluation.instruments.models import Instrument
    from kotacerdas.evaluation.instruments.selectors import active_instrument
    from kotacerdas.evaluation.self_assessment import services as self_assessment
    from kotacerdas.masterplan.models import Agency

    year = DEMO_EVALUATION_YEAR
    operator, admin = _user("operator"), _user("admin")
    if active_instrument(kind=Instrument.Kind.EVALUATION, year=year) is None:
        instrument = instruments.instrument_create(
            actor=operator, kind=Instrument.Kind.EVALUATION, year=year
        )
        instruments.instrument_activate(actor=operator, instrument=instrument)
        result.count(result.created, "instrument")
    if EvaluationCycle.objects.filter(region=region).exists():
        return
    cycle = cycles.cycle_create(
        actor=operator,
        region=region,
        year=year,
        stage=EvaluationCycle.Stage.STAGE_2,
        self_assessment_due=dt.date(year, 10, 18),
        interview_date=dt.date(year, 11, 5),
        evidence_deadline=dt.date(year, 11, 6),
    )
    result.count(result.created, "evaluation_cycle")
    items = {item.code: item for item in cycle.instrument.items.all()}
    for code, score, text in DEMO_ANSWERS:
        if code not in items:
            continue
        self_assessment.answer_save(
            actor=admin, cycle=cycle, item=items[code], text=text, claimed_score=Decimal(score)
        )
    code, agency_name = DEMO_DELEGATED
    agency = Agency.objects.filter(region=region, short_name=agency_name).first()
    if code in items and agency is not None:
        self_assessment.answer_delegate(actor=admin, cycle=cycle, item=items[code], agency=agency)
    if "OP-1" in items:
        self_assessment.evidence_add_link(
            actor=admin,
            cycle=cycle,
            item=items["OP-1"],
            url="https://jdih.dumaikota.go.id/",
            caption="Perwako Dumai 30/2023 di JDIH (contoh)",
        )
    assessment.assignment_create(
        actor=operator, cycle=cycle, assessor=_user("asesor"), is_lead=True
    )
    result.count(result.created, "assignment")


def _import_done(*, region: Region, result: Any) -> None:
    """A survey file imported as an officer would on the web: uploaded and
    checked, its columns mapped, run by the import task (here in-line, not
    by the worker), with rejected rows in the job's report."""
    from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
    from kotacerdas.umkm.imports import services as imports
    from kotacerdas.umkm.imports.engine import inspect
    from kotacerdas.umkm.imports.headers import header_signature
    from kotacerdas.umkm.imports.models import ImportJob
    from kotacerdas.umkm.imports.selectors import stored_file

    if ImportJob.objects.filter(region=region).exists():
        return
    officer = _user("umkm")
    content = resources.files("kotacerdas.demo").joinpath(DEMO_IMPORT_FILE).read_bytes()
    upload = SimpleUploadedFile(DEMO_IMPORT_FILE, content, content_type="text/csv")
    checked = validate_upload(upload, kinds=SPREADSHEET_KINDS)
    job = imports.import_job_create(actor=officer, region=region, upload=upload, checked=checked)
    with stored_file(job) as path:
        inspection = inspect(path, filename=job.filename)
    job = imports.import_job_map(
        actor=officer,
        job=job,
        sheet=inspection.sheet,
        header_row=inspection.header_row,
        headers=list(inspection.headers),
        signature=header_signature(inspection.headers),
        mapping=dict(inspection.suggested),
        rows_estimate=inspection.rows_estimate,
    )
    # The worker's task would find the job done and leave it (its claim
    # needs a queued job), so running it here imports exactly once.
    imports.import_job_run(job_id=job.pk)
    result.count(result.created, "import_job")
