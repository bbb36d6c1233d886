"""The per-agency progress workbook: export → edit in a real .xlsx → preview
→ apply through report_save, with errors, conflicts and refusals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.services import REPORT_INPUT_FIELDS
from kotacerdas.monitoring.workbook import (
    COLUMNS,
    EDITABLE,
    SHEET_DATA,
    SHEET_STAMP,
    PreviewOutdated,
    WorkbookRefused,
    workbook_apply,
    workbook_export,
    workbook_preview,
)
from tests.conftest import World
from tests.factories import make_action_plan
from tests.monitoring_fixtures import report

pytestmark = pytest.mark.usefixtures("shared_world")

HEADERS = {c.key: c.label() for c in COLUMNS}


@pytest.fixture
def plan_c(world: World) -> ActionPlan:
    """A second action plan of agency A, without a report."""
    return make_action_plan(world.programme, agency=world.agency_a, activity="Pelatihan ASN")


def _export(world: World, p: ReportingPeriod, tmp_path: Path, agency: Any = None) -> Path:
    path = tmp_path / "laporan.xlsx"
    path.write_bytes(workbook_export(period=p, agency=agency or world.agency_a))
    return path


def _edit(path: Path, edits: dict[str, dict[str, Any]], append: list[Any] | None = None) -> bytes:
    """Set cells by action plan code and column key, as a user would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET_DATA]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        for key, value in edits.get(str(code), {}).items():
            row[header.index(HEADERS[key])].value = value
    if append:
        sheet.append(append)
    book.save(path)
    return path.read_bytes()


def _rows(path: Path) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(path)[SHEET_DATA]
    header = [c.value for c in sheet[1]]
    keys = {c.label(): c.key for c in COLUMNS}
    return [
        {keys[h]: cell.value for h, cell in zip(header, row, strict=True)}
        for row in sheet.iter_rows(min_row=2)
    ]


# --- Export -----------------------------------------------------------------------------


def test_it_exports_one_row_per_action_plan_of_the_agency(world, open_period, plan_c, tmp_path):
    report(world, physical_progress=40, budget_ceiling=2_000_000, narrative="Sudah mulai")
    rows = _rows(_export(world, open_period, tmp_path))
    assert [r["kode"] for r in rows] == sorted([world.plan_a.code, plan_c.code])
    by_code = {r["kode"]: r for r in rows}
    first = by_code[world.plan_a.code]
    assert first["status"] == "Berjalan"
    assert first["progres_fisik"] == 40
    assert first["pagu"] == 2_000_000
    assert first["uraian"] == "Sudah mulai"
    assert first["program"].startswith(world.programme.code)
    # Without a report: the plan's current status, nothing reported yet.
    fresh = by_code[plan_c.code]
    assert (fresh["status"], fresh["progres_fisik"], fresh["kegiatan"]) == (
        "Belum dimulai",
        0,
        "Pelatihan ASN",
    )


def test_it_locks_the_code_columns_and_unlocks_only_the_editable_ones(world, open_period, tmp_path):
    sheet = openpyxl.load_workbook(_export(world, open_period, tmp_path))[SHEET_DATA]
    assert sheet.protection.sheet is True
    assert not sheet.protection.password  # guidance, not security
    locked = {
        c.key: sheet.cell(row=2, column=i).protection.locked for i, c in enumerate(COLUMNS, 1)
    }
    assert locked == {c.key: not c.editable for c in COLUMNS}
    assert sheet.cell(row=1, column=1).protection.locked is True
    assert sheet.freeze_panes == "B2"
    assert [c.value for c in sheet[1]] == [c.label() for c in COLUMNS]


def test_it_locks_the_row_of_a_submitted_report(world, open_period, tmp_path):
    report(world, state="submitted")
    sheet = openpyxl.load_workbook(_export(world, open_period, tmp_path))[SHEET_DATA]
    assert all(sheet.cell(row=2, column=i).protection.locked for i in range(1, len(COLUMNS) + 1))
    assert "diajukan" in sheet.cell(row=2, column=1).comment.text


def test_it_offers_the_status_dropdown_and_number_checks(world, open_period, tmp_path):
    sheet = openpyxl.load_workbook(_export(world, open_period, tmp_path))[SHEET_DATA]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    status = validations["E2"]
    assert status.type == "list"
    assert status.formula1 == '"Belum dimulai,Berjalan,Selesai,Ditunda,Dibatalkan"'
    progress = validations["F2"]
    assert (progress.type, progress.operator, progress.formula1, progress.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert validations["G2"].operator == "greaterThanOrEqual"
    assert any(v.type == "custom" and v.formula1 == "H2<=G2" for v in validations.values())


def test_it_stamps_the_period_the_agency_and_each_report_version(world, open_period, tmp_path):
    r = report(world)
    book = openpyxl.load_workbook(_export(world, open_period, tmp_path))
    stamp = book[SHEET_STAMP]
    assert stamp.sheet_state == "hidden"
    values = {row[0].value: row[1].value for row in stamp.iter_rows(max_row=6)}
    assert values["periode_id"] == open_period.pk
    assert values["perangkat_daerah_id"] == world.agency_a.pk
    assert values["versi_kotacerdas"]
    assert values["diekspor_utc"].endswith("+00:00")
    table = [[c.value for c in row] for row in stamp.iter_rows(min_row=9)]
    assert table == [[world.plan_a.code, world.plan_a.pk, r.version, r.updated_at.isoformat()]]


def test_its_editable_columns_are_the_report_form_fields():
    assert {c.field for c in EDITABLE} == set(REPORT_INPUT_FIELDS)


# --- Preview and apply ---------------------------------------------------------------------


def test_the_preview_shows_exactly_the_changes_and_writes_nothing(
    world, open_period, plan_c, tmp_path
):
    report(world, physical_progress=40, budget_ceiling=2_000_000)
    content = _edit(
        _export(world, open_period, tmp_path),
        {
            world.plan_a.code: {"progres_fisik": 55.5, "uraian": "Server terpasang"},
            plan_c.code: {"status": "Berjalan"},
        },
    )
    events = AuditEvent.objects.count()
    preview = workbook_preview(period=open_period, agency=world.agency_a, content=content)
    assert preview.errors == []
    assert preview.conflicts == [] and preview.unchanged == []
    changes = {r.plan.code: [(c.column, c.old, c.new) for c in r.changes] for r in preview.changed}
    assert changes == {
        world.plan_a.code: [
            ("Progres fisik (%)", "40,00%", "55,50%"),
            ("Uraian", "", "Server terpasang"),
        ],
        plan_c.code: [("Status", "Belum dimulai", "Berjalan")],
    }
    assert AuditEvent.objects.count() == events
    assert preview.can_apply


def test_an_untouched_workbook_changes_nothing(world, open_period, plan_c, tmp_path):
    report(world, narrative="Baris\r\nkedua", budget_ceiling=Decimal("1500000.50"))
    content = _export(world, open_period, tmp_path).read_bytes()
    preview = workbook_preview(period=open_period, agency=world.agency_a, content=content)
    assert preview.changed == [] and preview.errors == [] and len(preview.unchanged) == 2
    assert not preview.can_apply


def test_applying_saves_through_report_save_with_the_actor(
    world, open_period, plan_c, editor_a, tmp_path
):
    r = report(world, physical_progress=40)
    content = _edit(
        _export(world, open_period, tmp_path),
        {
            world.plan_a.code: {"progres_fisik": 60, "pagu": "Rp 1.500.000", "realisasi": 250000},
            plan_c.code: {"status": "Selesai", "keluaran": "Modul pelatihan"},
        },
    )
    preview = workbook_apply(
        actor=editor_a, period=open_period, agency=world.agency_a, content=content
    )
    assert preview.applied == 2
    r.refresh_from_db()
    assert (r.physical_progress, r.budget_ceiling, r.budget_realisation) == (
        Decimal(60),
        Decimal(1_500_000),
        Decimal(250_000),
    )
    assert r.version == 2 and r.state == "draft"
    created = ProgressReport.objects.get(period=open_period, action_plan=plan_c)
    assert (created.status, created.output_achieved) == ("selesai", "Modul pelatihan")
    events = AuditEvent.objects.filter(actor=editor_a).order_by("pk")
    assert [(e.action, e.object_id) for e in events] == [
        ("update", str(r.pk)),
        ("create", str(created.pk)),
    ]
    assert events[0].after["physical_progress"] == "60"
    # The official status changes only on verification.
    plan_c.refresh_from_db()
    assert plan_c.status == "belum_dimulai"


def test_reimporting_an_applied_file_writes_nothing_and_says_the_server_moved(
    world, open_period, editor_a, tmp_path
):
    report(world)
    content = _edit(_export(world, open_period, tmp_path), {world.plan_a.code: {"uraian": "Baru"}})
    workbook_apply(actor=editor_a, period=open_period, agency=world.agency_a, content=content)
    events = AuditEvent.objects.count()
    again = workbook_apply(
        actor=editor_a, period=open_period, agency=world.agency_a, content=content
    )
    assert again.applied == 0 and again.changed == [] and again.conflicts == []
    (row,) = again.unchanged
    assert row.moved_on_server
    assert "berubah sejak berkas diunduh" in row.reason
    assert AuditEvent.objects.count() == events


def test_it_reports_every_error_with_its_row_number_and_applies_nothing(
    world, open_period, plan_c, editor_a, tmp_path
):
    r = report(world, physical_progress=40)
    path = _export(world, open_period, tmp_path)
    assert [row["kode"] for row in _rows(path)] == [world.plan_a.code, plan_c.code]
    content = _edit(
        path,
        {
            world.plan_a.code: {"status": "Hampir", "progres_fisik": 150, "pagu": "banyak"},
            plan_c.code: {"pagu": 1000, "realisasi": 2000, "keluaran": "ok"},
        },
        append=[world.plan_b.code, "", "", "", "Berjalan", 10, 0, 0, "", ""],
    )
    book = openpyxl.load_workbook(path)
    book[SHEET_DATA].append(["TIDAK-ADA", "", "", "", "Berjalan", -5, -1, 0, "", ""])
    book.save(path)
    content = path.read_bytes()
    preview = workbook_preview(period=open_period, agency=world.agency_a, content=content)
    assert [(e.row, e.column) for e in preview.errors] == [
        (2, "Status"),
        (2, "Progres fisik (%)"),
        (2, "Pagu anggaran (Rp)"),
        (3, "Realisasi anggaran (Rp)"),
        (4, "Kode"),
        (5, "Kode"),
        (5, "Progres fisik (%)"),
        (5, "Pagu anggaran (Rp)"),
    ]
    messages = {(e.row, e.column): e.message for e in preview.errors}
    assert "Hampir" in messages[(2, "Status")]
    assert "antara 0 dan 100" in messages[(2, "Progres fisik (%)")]
    assert "Harus angka Rupiah" in messages[(2, "Pagu anggaran (Rp)")]
    assert "melebihi pagu" in messages[(3, "Realisasi anggaran (Rp)")]
    assert "milik Dispar, bukan Diskominfo" in messages[(4, "Kode")]
    assert "tidak ada di masterplan" in messages[(5, "Kode")]
    assert "negatif" in messages[(5, "Pagu anggaran (Rp)")]
    assert preview.error_rows == 4
    assert not preview.can_apply

    events = AuditEvent.objects.count()
    result = workbook_apply(
        actor=editor_a, period=open_period, agency=world.agency_a, content=content
    )
    assert result.applied == 0
    assert AuditEvent.objects.count() == events
    assert not ProgressReport.objects.filter(action_plan=plan_c).exists()
    r.refresh_from_db()
    assert r.physical_progress == 40


def test_it_accepts_rupiah_and_percent_text(world, open_period, tmp_path):
    content = _edit(
        _export(world, open_period, tmp_path),
        {
            world.plan_a.code: {
                "pagu": "Rp 1.500.000",
                "realisasi": "Rp1.250.000,50",
                "progres_fisik": "45,5%",
            }
        },
    )
    (row,) = workbook_preview(period=open_period, agency=world.agency_a, content=content).changed
    assert row.values["budget_ceiling"] == Decimal(1_500_000)
    assert row.values["budget_realisation"] == Decimal("1250000.50")
    assert row.values["physical_progress"] == Decimal("45.5")


def test_a_row_changed_on_the_server_is_a_conflict_and_the_others_apply(
    world, open_period, plan_c, editor_a, admin_user, tmp_path
):
    r = report(world, physical_progress=40)
    path = _export(world, open_period, tmp_path)
    # After the export, someone edits plan_a's report in KotaCerdas.
    services.report_save(
        actor=admin_user, period=open_period, action_plan=world.plan_a, narrative="Dari web"
    )
    content = _edit(
        path,
        {world.plan_a.code: {"progres_fisik": 90}, plan_c.code: {"status": "Berjalan"}},
    )
    preview = workbook_preview(period=open_period, agency=world.agency_a, content=content)
    (conflict,) = preview.conflicts
    assert conflict.plan == world.plan_a
    assert "versi 1 → 2" in conflict.reason
    # The file still holds the old text, so the row shows the server's edit too.
    assert {c.column for c in conflict.changes} == {"Progres fisik (%)", "Uraian"}
    assert [row.plan for row in preview.changed] == [plan_c]

    applied = workbook_apply(
        actor=editor_a, period=open_period, agency=world.agency_a, content=content
    )
    assert applied.applied == 1
    r.refresh_from_db()
    assert (r.physical_progress, r.narrative) == (40, "Dari web")
    assert ProgressReport.objects.get(action_plan=plan_c).status == "berjalan"


def test_a_report_created_on_the_server_after_the_export_is_a_conflict(
    world, open_period, tmp_path
):
    path = _export(world, open_period, tmp_path)
    report(world, physical_progress=10)
    content = _edit(path, {world.plan_a.code: {"progres_fisik": 20}})
    (conflict,) = workbook_preview(
        period=open_period, agency=world.agency_a, content=content
    ).conflicts
    assert "dibuat di server" in conflict.reason


def test_a_report_that_is_no_longer_editable_is_a_conflict(world, open_period, tmp_path):
    report(world, state="submitted")
    # The cells are locked in Excel; a user who lifts the protection still cannot change it.
    path = _export(world, open_period, tmp_path)
    content = _edit(path, {world.plan_a.code: {"progres_fisik": 99}})
    (conflict,) = workbook_preview(
        period=open_period, agency=world.agency_a, content=content
    ).conflicts
    assert "sudah diajukan" in conflict.reason


def test_it_applies_nothing_when_the_server_changed_after_the_preview(
    world, open_period, editor_a, admin_user, tmp_path
):
    report(world)
    content = _edit(_export(world, open_period, tmp_path), {world.plan_a.code: {"uraian": "X"}})
    confirmed = workbook_preview(period=open_period, agency=world.agency_a, content=content)
    services.report_save(
        actor=admin_user, period=open_period, action_plan=world.plan_a, output_achieved="Y"
    )
    with pytest.raises(PreviewOutdated) as raised:
        workbook_apply(
            actor=editor_a,
            period=open_period,
            agency=world.agency_a,
            content=content,
            fingerprint=confirmed.fingerprint,
        )
    assert [r.plan for r in raised.value.preview.conflicts] == [world.plan_a]
    assert ProgressReport.objects.get(action_plan=world.plan_a).narrative == ""


def test_a_refused_save_rolls_back_every_row(
    world, open_period, plan_c, editor_a, tmp_path, monkeypatch
):
    report(world, physical_progress=40)
    content = _edit(
        _export(world, open_period, tmp_path),
        {world.plan_a.code: {"progres_fisik": 70}, plan_c.code: {"progres_fisik": 10}},
    )
    real = services.report_save

    def refuse_the_second(**kwargs: Any) -> ProgressReport:
        if kwargs["action_plan"] == plan_c:
            raise ValidationError("Ditolak untuk uji.")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_save", refuse_the_second)
    events = AuditEvent.objects.count()
    with pytest.raises(WorkbookRefused, match="Tidak ada yang disimpan"):
        workbook_apply(actor=editor_a, period=open_period, agency=world.agency_a, content=content)
    assert ProgressReport.objects.get(action_plan=world.plan_a).physical_progress == 40
    assert AuditEvent.objects.count() == events


# --- Refusals --------------------------------------------------------------------------------


def test_it_refuses_a_workbook_of_another_agency(world, open_period, tmp_path):
    content = _export(world, open_period, tmp_path, agency=world.agency_b).read_bytes()
    with pytest.raises(
        WorkbookRefused, match=r"perangkat daerah lain \(Dispar\), bukan Diskominfo"
    ):
        workbook_preview(period=open_period, agency=world.agency_a, content=content)


def test_it_refuses_a_workbook_of_another_period(world, open_period, tmp_path):
    other = ReportingPeriod.objects.get(masterplan=world.masterplan, year=2024, number=4)
    content = _export(world, other, tmp_path).read_bytes()
    with pytest.raises(WorkbookRefused, match=r"periode lain \(Triwulan IV 2024\)"):
        workbook_preview(period=open_period, agency=world.agency_a, content=content)


def test_it_refuses_a_workbook_without_the_stamp(world, open_period, tmp_path):
    path = _export(world, open_period, tmp_path)
    book = openpyxl.load_workbook(path)
    book.security = None
    del book[SHEET_STAMP]
    book.save(path)
    with pytest.raises(WorkbookRefused, match="penanda versi"):
        workbook_preview(period=open_period, agency=world.agency_a, content=path.read_bytes())
    plain = openpyxl.Workbook()
    plain.active.append(["Kode", "Status"])
    plain.save(path)
    with pytest.raises(WorkbookRefused, match="penanda versi"):
        workbook_preview(period=open_period, agency=world.agency_a, content=path.read_bytes())


def test_it_refuses_a_file_that_is_not_a_workbook(world, open_period):
    with pytest.raises(WorkbookRefused, match="rusak"):
        workbook_preview(period=open_period, agency=world.agency_a, content=b"%PDF-1.4 bukan")


def test_it_refuses_a_period_that_is_not_open(world, open_period, tmp_path):
    content = _export(world, open_period, tmp_path).read_bytes()
    services.period_close(actor=None, period=open_period)
    open_period.refresh_from_db()
    with pytest.raises(WorkbookRefused, match="tidak sedang dibuka"):
        workbook_preview(period=open_period, agency=world.agency_a, content=content)


def test_it_refuses_a_workbook_without_an_editable_column(world, open_period, tmp_path):
    path = _export(world, open_period, tmp_path)
    book = openpyxl.load_workbook(path)
    book[SHEET_DATA].delete_cols(10)
    book.save(path)
    with pytest.raises(WorkbookRefused, match="“Uraian”"):
        workbook_preview(period=open_period, agency=world.agency_a, content=path.read_bytes())
