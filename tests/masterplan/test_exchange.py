"""The masterplan workbook (exchange/): real .xlsx files written to disk,
read back with the same code the web upload and the command use.

The Kota Dumai demo is loaded once for this module and exported once; each
test runs in its own savepoint on top of it."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from kotacerdas.core.models import AuditEvent
from kotacerdas.core.sheets import cells
from kotacerdas.masterplan import services
from kotacerdas.masterplan.exchange.export import masterplan_export, template_empty
from kotacerdas.masterplan.exchange.importer import (
    ImportResult,
    RegionNotAccepted,
    UnreadableWorkbook,
    masterplan_import,
)
from kotacerdas.masterplan.exchange.workbook import (
    HORIZONS,
    SHEET_CODES,
    SHEET_GUIDE,
    SHEETS,
    STATUSES,
    TEMPLATE_VERSION,
    reference_markdown,
)
from kotacerdas.masterplan.models import ActionPlan, Agency, Element, Masterplan, Programme
from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.regions.models import Region
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "masterplan-template.md"


@pytest.fixture(scope="module")
def dumai_xlsx(dumai, django_db_blocker) -> bytes:
    with django_db_blocker.unblock():
        return masterplan_export(masterplan=Masterplan.objects.get(region__code="14.72"))


# --- Helpers ---------------------------------------------------------------------------


def write(tmp_path: Path, content: bytes, name: str = "masterplan.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def load(path: Path, region: str = "14.71", **kwargs: Any) -> ImportResult:
    return masterplan_import(actor=None, region_code=region, content=path.read_bytes(), **kwargs)


def row_of(ws: Any, code: str) -> int:
    """The spreadsheet row whose first cell is ``code``."""
    return next(cell.row for cell in ws["A"] if cell.value == code)


def edit(content: bytes, change: Callable[[Any], None]) -> bytes:
    """A copy of a workbook after ``change(workbook)`` (openpyxl)."""
    book = openpyxl.load_workbook(BytesIO(content))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def set_cell(book: Any, sheet: str, code: str, column: str, value: Any) -> int:
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    number = row_of(ws, code)
    ws.cell(row=number, column=headers.index(column) + 1, value=value)
    return number


def sheet_rows(content: bytes) -> dict[str, list[list[Any]]]:
    """Every data sheet of a workbook, as calamine reads it."""
    with CalamineWorkbook.from_filelike(BytesIO(content)) as book:
        return {s.name: book.get_sheet_by_name(s.name).to_python() for s in SHEETS}


def comparable_figures(masterplan: Masterplan) -> dict[str, Any]:
    data = masterplan_figures(masterplan=masterplan).as_dict()
    for key in ("region", "region_name", "computed_at"):
        data.pop(key)
    data["masterplan"].pop("id")
    return data


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def problems(result: ImportResult) -> set[tuple[str, int | None, str, str]]:
    return {(p.sheet, p.row, p.column, p.code) for p in result.problems}


# --- Round trip ----------------------------------------------------------------------------


def test_it_loads_dumai_into_another_region_with_the_same_figures(dumai, dumai_xlsx, tmp_path):
    path = write(tmp_path, dumai_xlsx)

    result = load(path, "14.71")

    assert result.ok and result.applied
    assert result.region_created
    pekanbaru = Region.objects.get(code="14.71")
    assert pekanbaru.name == "Kota Pekanbaru"
    counts = result.counts
    assert (counts["masterplan"].created, counts["agency"].created) == (1, 18)
    assert (counts["programme"].created, counts["action_plan"].created) == (51, 103)
    copy = Masterplan.objects.get(region=pekanbaru)
    original = Masterplan.objects.get(region__code="14.72")
    figures = comparable_figures(copy)
    assert figures == comparable_figures(original)
    assert figures["action_plans"] == {"total": 103, "in_implementation": 63, "percent": "61.17"}
    assert figures["programmes"] == {"total": 51, "running": 43, "percent": "84.31"}
    assert figures["quick_wins"]["total"] == 6
    # Everything the file holds comes back out of the copy, cell for cell.
    assert sheet_rows(masterplan_export(masterplan=copy)) == sheet_rows(dumai_xlsx)


def test_a_province_loads_its_masterplan_into_the_same_models(dumai, dumai_xlsx, tmp_path):
    Region.objects.filter(code="14").delete()  # the demo holds Riau: created afresh here

    result = load(write(tmp_path, dumai_xlsx), "14")

    assert result.ok and result.applied and result.region_created
    riau = Region.objects.get(code="14")
    assert (riau.name, riau.kind) == ("Provinsi Riau", Region.Kind.PROVINCE)
    assert comparable_figures(Masterplan.objects.get(region=riau)) == comparable_figures(
        Masterplan.objects.get(region__code="14.72")
    )


def test_the_export_takes_a_fixed_number_of_queries(dumai, django_assert_num_queries):
    masterplan = Masterplan.objects.select_related("region").get(region__code="14.72")
    # Labels 2, agencies 1, programmes 2 (with their supporting agencies), action plans 1.
    with django_assert_num_queries(6):
        masterplan_export(masterplan=masterplan)


def test_importing_the_same_file_twice_changes_nothing(dumai, dumai_xlsx, tmp_path):
    path = write(tmp_path, dumai_xlsx)
    load(path, "14.71")
    rows, events = table_counts(), AuditEvent.objects.count()

    again = load(path, "14.71")

    assert again.ok and again.applied and not again.changed
    assert not again.region_created
    assert {kind: (c.created, c.updated) for kind, c in again.counts.items()} == {
        kind: (0, 0) for kind in again.counts
    }
    assert again.counts["programme"].unchanged == 51
    assert again.counts["action_plan"].unchanged == 103
    assert table_counts() == rows
    assert AuditEvent.objects.count() == events


def test_a_region_reimporting_its_own_export_changes_nothing(dumai, dumai_xlsx, tmp_path):
    events = AuditEvent.objects.count()

    result = load(write(tmp_path, dumai_xlsx), "14.72")

    assert result.applied and not result.changed
    assert AuditEvent.objects.count() == events


def test_it_keeps_text_typed_in_the_browser_with_crlf_line_breaks(dumai, tmp_path):
    programme = Programme.objects.get(masterplan__region__code="14.72", code="GOV-01")
    services.programme_update(actor=None, programme=programme, description="Baris satu\r\nDua")
    content = masterplan_export(masterplan=programme.masterplan)
    events = AuditEvent.objects.count()

    result = load(write(tmp_path, content), "14.72")

    assert not result.changed
    assert AuditEvent.objects.count() == events


# --- Updates by code; nothing deleted -------------------------------------------------


def test_it_updates_by_code_and_shows_old_and_new(dumai, dumai_xlsx, tmp_path):
    # Into a copy of Dumai that runs no reporting periods: there a workbook
    # may still set statuses (docs/decisions.md §11).
    load(write(tmp_path, dumai_xlsx, "copy.xlsx"), "14.71")

    def change(book: Any) -> None:
        set_cell(book, "Program", "GOV-01", "nama", "Mal Pelayanan Publik Dumai")
        set_cell(book, "Program", "GOV-01", "perkiraan_biaya", "Rp5.000.000.000")
        set_cell(book, "Rencana Aksi", "GOV-01.02", "status", "Selesai")
        set_cell(book, "Perangkat Daerah", "Bappeda", "kepala", "Kepala Baru")
        set_cell(book, "Masterplan", "dasar_hukum", "nilai", "Perwako Dumai 30/2023")

    events = AuditEvent.objects.count()

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.71")

    assert result.applied
    counts = result.counts
    assert [counts[k].updated for k in counts] == [1, 0, 1, 1, 1]
    programme = Programme.objects.get(masterplan__region__code="14.71", code="GOV-01")
    assert programme.name == "Mal Pelayanan Publik Dumai"
    assert programme.estimated_cost == Decimal("5000000000")
    assert ActionPlan.objects.get(code="GOV-01.02", masterplan__region__code="14.71").status == (
        "selesai"
    )
    changed = {c.key: c for c in result.changes if c.action == "update"}
    assert {(f.column, f.old, f.new) for f in changed["GOV-01"].fields} == {
        ("nama", "Mal Pelayanan Publik", "Mal Pelayanan Publik Dumai"),
        ("perkiraan_biaya", "Rp4.750.000.000", "Rp5.000.000.000"),
    }
    assert [(f.old, f.new) for f in changed["GOV-01.02"].fields] == [("Berjalan", "Selesai")]
    assert changed["GOV-01.02"].sheet == "Rencana Aksi" and changed["GOV-01.02"].row > 1
    assert AuditEvent.objects.count() == events + 4


def test_it_renames_pillars_and_elements_from_the_labels_sheet(dumai, dumai_xlsx, tmp_path):
    def change(book: Any) -> None:
        ws = book["Pilar dan Elemen"]
        for number in range(2, 5):
            ws.cell(row=number, column=3, value="Tata Kelola Pemerintahan Cerdas")
        ws.cell(row=2, column=4, value="Pelayanan publik terpadu")

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.72")

    assert result.applied
    assert result.counts["label"].updated == 2
    element = Element.objects.get(pillar__masterplan__region__code="14.72", code="pelayanan_publik")
    assert element.name == "Pelayanan publik terpadu"
    assert element.pillar.name == "Tata Kelola Pemerintahan Cerdas"


def test_it_never_deletes_and_lists_what_is_absent(dumai, dumai_xlsx, tmp_path):
    def change(book: Any) -> None:
        ws = book["Rencana Aksi"]
        ws.delete_rows(row_of(ws, "GOV-01.03"))
        agencies = book["Perangkat Daerah"]
        agencies.delete_rows(row_of(agencies, "Bappeda"))

    before = ActionPlan.objects.count()

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.72")

    assert result.applied and not result.changed
    assert result.absent == {"agency": ["Bappeda"], "action_plan": ["GOV-01.03"]}
    assert result.counts["action_plan"].absent == 1
    assert ActionPlan.objects.count() == before
    assert Agency.objects.filter(region__code="14.72", short_name="Bappeda").exists()


def test_a_dry_run_shows_the_changes_and_saves_nothing(dumai, dumai_xlsx, tmp_path):
    rows, events = table_counts(), AuditEvent.objects.count()

    result = load(write(tmp_path, dumai_xlsx), "14.71", dry_run=True)

    assert result.ok and not result.applied and result.dry_run
    assert result.counts["action_plan"].created == 103
    assert table_counts() == rows
    assert AuditEvent.objects.count() == events
    assert not Region.objects.filter(code="14.71").exists()


# --- A new region from the empty template ----------------------------------------------


def fill_template(book: Any) -> None:
    fields = book["Masterplan"]
    for number, value in zip(
        range(2, 7),
        ["Masterplan Smart City Kabupaten Kampar", "2025", 2030.0, "", "Rancangan"],
        strict=True,
    ):
        fields.cell(row=number, column=2, value=value)
    book["Perangkat Daerah"].append(["Diskominfo", "Dinas Komunikasi dan Informatika", ""])
    book["Perangkat Daerah"].append(["Bappeda", "Badan Perencanaan", "Ir. Kepala"])
    book["Program"].append(
        [
            "EKO-01",
            "economy",
            "ekosistem_industri",
            "Quick win (jangka pendek)",
            "diskominfo",
            "Bappeda; Diskominfo",
            "Pasar digital",
            "",
            2026.0,
            "2026",
            2026,
            "APBD",
            "1.500.000,50",
            "",
            "",
        ]
    )
    book["Rencana Aksi"].append(
        ["EKO-01.01", "EKO-01", 2026, "Bappeda", "Sedang berjalan", "Pendataan pedagang", ""]
    )


def test_a_new_region_loads_its_masterplan_from_the_filled_template(db, tmp_path):
    path = write(tmp_path, edit(template_empty(), fill_template))

    result = load(path, "14.01")

    assert result.ok, result.problems
    region = Region.objects.get(code="14.01")
    assert region.name == "Kabupaten Kampar"
    programme = Programme.objects.get(masterplan__region=region, code="EKO-01")
    assert programme.horizon == "quick_win" and programme.quick_win_year == 2026
    assert programme.lead_agency.short_name == "Diskominfo"
    assert sorted(a.short_name for a in programme.supporting_agencies.all()) == [
        "Bappeda",
        "Diskominfo",
    ]
    assert programme.estimated_cost == Decimal("1500000.50")
    plan = ActionPlan.objects.get(code="EKO-01.01")
    assert (plan.status, plan.agency.short_name, plan.year) == ("berjalan", "Bappeda", 2026)
    assert programme.masterplan.status == "draft"
    assert [e.actor_label for e in AuditEvent.objects.filter(region_code="14.01")][:1] == ["sistem"]


def test_the_empty_template_carries_its_version_and_the_default_labels(db):
    content = template_empty()
    with CalamineWorkbook.from_filelike(BytesIO(content)) as book:
        assert book.sheet_names == [SHEET_GUIDE, *(s.name for s in SHEETS), SHEET_CODES]
        guide = book.get_sheet_by_name(SHEET_GUIDE).to_python()
        labels = book.get_sheet_by_name("Pilar dan Elemen").to_python()
    assert ["versi_templat", TEMPLATE_VERSION] in [row[:2] for row in guide]
    assert len(labels) == 1 + 18
    sheet = openpyxl.load_workbook(BytesIO(content))["Program"]
    assert sheet.freeze_panes == "B2"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    horizon = next(f for f in formulas if f.startswith(f"'{SHEET_CODES}'!"))
    assert not any("medium" in f for f in formulas)  # the dropdown offers labels
    assert horizon.startswith(f"'{SHEET_CODES}'!$C$")
    assert "'Perangkat Daerah'!$A$2:$A$5000" in formulas


def test_it_writes_text_that_looks_like_a_formula_as_text(dumai, tmp_path):
    programme = Programme.objects.get(masterplan__region__code="14.72", code="GOV-01")
    services.programme_update(actor=None, programme=programme, name="=HYPERLINK(1)")
    content = masterplan_export(masterplan=programme.masterplan)
    sheet = openpyxl.load_workbook(BytesIO(content))["Program"]
    cell = sheet.cell(row=row_of(sheet, "GOV-01"), column=7)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
    assert not load(write(tmp_path, content), "14.72").changed


# --- Problems: every one reported, nothing applied ---------------------------------------


def test_a_file_with_errors_applies_nothing_and_reports_every_problem(dumai, dumai_xlsx, tmp_path):
    rows: dict[str, int] = {}

    def change(book: Any) -> None:
        rows["agency"] = set_cell(book, "Program", "GOV-01", "pengampu", "DINAS-X")
        rows["pair"] = set_cell(book, "Program", "BRD-01", "kode_elemen", "pelayanan_publik")
        rows["negative"] = set_cell(book, "Program", "ECO-01", "perkiraan_biaya", -5)
        rows["text"] = set_cell(book, "Program", "LIV-01", "tahun_mulai", "dua ribu")
        rows["money"] = set_cell(book, "Program", "SOC-01", "perkiraan_biaya", "banyak")
        rows["year"] = set_cell(book, "Rencana Aksi", "GOV-01.01", "tahun", 2040)
        rows["status"] = set_cell(book, "Rencana Aksi", "GOV-01.02", "status", "hampir")
        rows["duplicate"] = set_cell(book, "Rencana Aksi", "GOV-01.03", "kode", "GOV-01.01")

    rows_before, events = table_counts(), AuditEvent.objects.count()

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.71")

    assert not result.applied and not result.changes
    assert problems(result) == {
        ("Program", rows["agency"], "pengampu", "unknown_agency"),
        ("Program", rows["pair"], "kode_elemen", "element_pillar"),
        ("Program", rows["negative"], "perkiraan_biaya", "negative"),
        ("Program", rows["text"], "tahun_mulai", "not_year"),
        ("Program", rows["money"], "perkiraan_biaya", "not_money"),
        ("Rencana Aksi", rows["year"], "tahun", "outside_period"),
        ("Rencana Aksi", rows["status"], "status", "choice"),
        ("Rencana Aksi", rows["duplicate"], "kode", "duplicate"),
    }
    by_code = {p.code: p for p in result.problems}
    assert "DINAS-X" in by_code["unknown_agency"].message
    assert by_code["unknown_agency"].gloss == "unknown agency"
    assert "2022–2032" in by_code["outside_period"].message
    assert str(by_code["duplicate"]).startswith(
        f"Rencana Aksi baris {rows['duplicate']}, kolom kode"
    )
    assert table_counts() == rows_before
    assert AuditEvent.objects.count() == events
    assert not Region.objects.filter(code="14.71").exists()


def test_it_checks_the_rules_that_span_rows(dumai, dumai_xlsx, tmp_path):
    def change(book: Any) -> None:
        # A second governance quick win for 2024, a quick-win year on a medium programme,
        # a start after the end, and a pillar named two ways.
        set_cell(book, "Program", "GOV-02", "jangka", "quick_win")
        set_cell(book, "Program", "GOV-02", "tahun_quick_win", 2024)
        set_cell(book, "Program", "GOV-03", "tahun_quick_win", 2025)
        set_cell(book, "Program", "GOV-04", "tahun_mulai", 2031)
        set_cell(book, "Program", "GOV-04", "tahun_akhir", 2030)
        book["Pilar dan Elemen"].cell(row=3, column=3, value="Nama lain")
        set_cell(book, "Masterplan", "tahun_akhir", "nilai", 2021)
        # Would add a near twin of an agency that exists.
        set_cell(book, "Perangkat Daerah", "Bappeda", "singkatan", "BAPPEDA")

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.72")

    codes = {(p.sheet, p.column, p.code) for p in result.problems}
    assert ("Program", "tahun_quick_win", "quick_win_taken") in codes
    assert ("Program", "tahun_quick_win", "quick_win_year") in codes
    assert ("Pilar dan Elemen", "nama_pilar", "pillar_name") in codes
    assert ("Masterplan", "tahun_akhir", "period_order") in codes
    assert ("Program", "tahun_akhir", "period_order") in codes
    assert ("Perangkat Daerah", "singkatan", "case_conflict") in codes
    taken = [p for p in result.problems if p.code == "quick_win_taken"]
    assert {p.row for p in taken} == {
        row_of(openpyxl.load_workbook(BytesIO(dumai_xlsx))["Program"], code)
        for code in ("GOV-01", "GOV-02")
    }


def test_it_reports_required_cells_and_unknown_references(db, tmp_path):
    def change(book: Any) -> None:
        fill_template(book)
        book["Masterplan"].cell(row=2, column=2, value="")
        book["Rencana Aksi"].append(["EKO-01.02", "EKO-99", 2026, "Dispar", "", "", ""])

    result = load(write(tmp_path, edit(template_empty(), change)), "14.01")

    assert problems(result) == {
        ("Masterplan", 2, "judul", "required"),
        ("Rencana Aksi", 3, "kode_program", "unknown_programme"),
        ("Rencana Aksi", 3, "perangkat_daerah", "unknown_agency"),
        ("Rencana Aksi", 3, "status", "required"),
        ("Rencana Aksi", 3, "kegiatan", "required"),
    }


def test_a_refusal_on_save_is_reported_and_rolls_everything_back(dumai, dumai_xlsx, tmp_path):
    # Only the database knows this one: the file leaves every programme out (so
    # they stay, untouched) and shortens the period that they run in.
    def change(book: Any) -> None:
        set_cell(book, "Masterplan", "judul", "nilai", "Judul baru")
        set_cell(book, "Masterplan", "tahun_akhir", "nilai", 2025)
        for sheet in ("Program", "Rencana Aksi"):
            book[sheet].delete_rows(2, book[sheet].max_row)

    events = AuditEvent.objects.count()

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.72")

    assert not result.applied
    assert [(p.sheet, p.code) for p in result.problems] == [("Masterplan", "rejected")]
    assert "tidak mencakup tahun" in result.problems[0].message
    assert AuditEvent.objects.count() == events
    masterplan = Masterplan.objects.get(region__code="14.72")
    assert (masterplan.title, masterplan.end_year) == (
        "Masterplan Smart City Kota Dumai 2022–2032",
        2032,
    )


def test_a_status_a_report_or_the_team_set_is_kept_and_shown(dumai, dumai_xlsx, tmp_path):
    # Dumai runs reporting periods: a workbook (an older export, say) never
    # moves a status; the row's other columns are still imported.
    plan = ActionPlan.objects.get(masterplan__region__code="14.72", code="GOV-01.02")
    services.action_plan_status_correct(
        actor=None, action_plan=plan, status="selesai", reason="Berita acara serah terima."
    )

    def change(book: Any) -> None:
        set_cell(book, "Rencana Aksi", "GOV-01.02", "status", "Belum dimulai")
        set_cell(book, "Rencana Aksi", "GOV-01.02", "target", "Target baru")
        set_cell(book, "Rencana Aksi", "GOV-01.03", "status", "Dibatalkan")

    path = write(tmp_path, edit(dumai_xlsx, change))
    preview = load(path, "14.72", dry_run=True)

    assert preview.ok
    kept = {k.key: k for k in preview.kept_statuses}
    assert set(kept) == {"GOV-01.02", "GOV-01.03"}
    assert (kept["GOV-01.02"].stored, kept["GOV-01.02"].asked) == ("Selesai", "Belum dimulai")
    assert "koreksi tim" in kept["GOV-01.02"].reason
    assert "periode pelaporan" in kept["GOV-01.03"].reason
    assert kept["GOV-01.02"].row and kept["GOV-01.02"].sheet == "Rencana Aksi"

    result = load(path, "14.72")

    assert result.applied
    plan.refresh_from_db()
    assert (plan.status, plan.status_source, plan.target) == ("selesai", "koreksi", "Target baru")
    other = ActionPlan.objects.get(masterplan__region__code="14.72", code="GOV-01.03")
    assert other.status != "dibatalkan"
    assert [k["key"] for k in result.as_dict()["kept_statuses"]] == ["GOV-01.02", "GOV-01.03"]


def test_an_action_plan_year_outside_its_programme_is_a_problem_on_its_row(
    dumai, dumai_xlsx, tmp_path
):
    programme = Programme.objects.get(masterplan__region__code="14.72", code="GOV-01")
    plan = ActionPlan.objects.filter(programme=programme).order_by("code").first()
    assert plan is not None
    outside = programme.end_year + 1 if programme.end_year < 2032 else programme.start_year - 1

    def change(book: Any) -> None:
        set_cell(book, "Rencana Aksi", plan.code, "tahun", outside)

    result = load(write(tmp_path, edit(dumai_xlsx, change)), "14.72")

    assert not result.applied
    assert [(p.sheet, p.column, p.code) for p in result.problems] == [
        ("Rencana Aksi", "tahun", "outside_programme")
    ]
    assert f"di luar tahun pelaksanaan program {programme.code}" in result.problems[0].message
    plan.refresh_from_db()
    assert plan.year != outside


# --- Files that are not the template ------------------------------------------------------


def _zip(names: dict[str, str]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return out.getvalue()


def _without_sheet(content: bytes) -> bytes:
    return edit(content, lambda book: book.remove(book["Rencana Aksi"]))


def _without_column(content: bytes) -> bytes:
    return edit(content, lambda book: book["Program"].delete_cols(5))


def _newer(content: bytes) -> bytes:
    return edit(content, lambda book: book[SHEET_GUIDE].cell(row=3, column=2, value="9"))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda t: b"kode,nama\nGOV-01,Mal\n", "bukan berkas Excel .xlsx"),
        (lambda t: t[: len(t) // 2], "bukan berkas Excel .xlsx"),
        (lambda t: _zip({"mimetype": "application/vnd.oasis.opendocument"}), "isi arsipnya"),
        (lambda t: _zip({"[Content_Types].xml": "<bukan/>"}), "rusak"),
        (_without_sheet, "lembar “Rencana Aksi” tidak ada"),
        (_without_column, "lembar “Program”: kolom pengampu tidak ada"),
        (_newer, "templat versi 9"),
    ],
    ids=["csv", "truncated", "ods-like", "bad-xml", "sheet", "column", "version"],
)
def test_it_refuses_a_file_that_is_not_the_template(db, tmp_path, make, says):
    path = write(tmp_path, make(template_empty()))

    with pytest.raises(UnreadableWorkbook) as caught:
        load(path, "14.71")

    assert says in caught.value.message
    assert caught.value.gloss
    assert not Region.objects.filter(code="14.71").exists()


@pytest.mark.parametrize("code", ["99", "14.72.01", "99.99", "1471", ""])
def test_it_refuses_a_region_code_that_is_not_a_province_or_kab_kota(db, tmp_path, code):
    with pytest.raises(RegionNotAccepted):
        load(write(tmp_path, template_empty()), code)


# --- Cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1500000, "1500000"),
        (1500000.0, "1500000"),
        (0.1, "0.1"),
        ("1500000", "1500000"),
        ("1.500.000", "1500000"),
        ("1.500", "1500"),
        ("Rp1.500.000", "1500000"),
        ("Rp 1.500.000,50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("1500000.5", "1500000.5"),
        ("1,5", "1.5"),
    ],
)
def test_it_reads_amounts_as_people_type_them(raw, expected):
    assert cells.money(raw, max_digits=18, places=2) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-5", "negative"),
        (-1.0, "negative"),
        ("satu juta", "not_money"),
        ("1.50.000", "not_money"),
        (True, "not_money"),
        ("1,234", None),
        (1.001, "money_precision"),
        (10.0**17, "money_precision"),
    ],
)
def test_it_refuses_amounts_it_cannot_read_exactly(raw, code):
    if code is None:
        assert cells.money(raw, max_digits=18, places=2) == Decimal(1234)
        return
    with pytest.raises(cells.CellError) as caught:
        cells.money(raw, max_digits=18, places=2)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"), [(2024, 2024), (2024.0, 2024), ("2024", 2024), (" 2024.0 ", 2024)]
)
def test_it_reads_years_from_numbers_and_text(raw, expected):
    assert cells.year(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [(2024.5, "not_year"), ("20-24", "not_year"), (1999, "year_range"), (False, "not_year")],
)
def test_it_refuses_years_that_are_not_whole_years(raw, code):
    with pytest.raises(cells.CellError) as caught:
        cells.year(raw)
    assert caught.value.code == code


def test_it_accepts_codes_and_labels_in_either_language():
    assert HORIZONS.parse("Jangka menengah") == "medium"
    assert HORIZONS.parse("QUICK WIN") == "quick_win"
    assert HORIZONS.parse("long") == "long"
    assert STATUSES.parse("Running") == "berjalan"
    assert STATUSES.parse("belum-dimulai") == "belum_dimulai"
    assert STATUSES.parse("hampir") is None
    assert cells.names("Bappeda, Dispar;Bappeda\nDisdik") == ["Bappeda", "Dispar", "Disdik"]


# --- The command -------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("masterplan", *args, stdout=out)
    return out.getvalue()


def test_the_command_exports_imports_and_writes_the_template(dumai, tmp_path):
    exported = tmp_path / "dumai.xlsx"
    template = tmp_path / "templat.xlsx"

    assert "ditulis ke" in run("export", "--region", "14.72", str(exported))
    run("template", str(template))
    output = run("import", "--region", "14.71", str(exported))

    assert "Kota Pekanbaru (14.71) — wilayah baru" in output
    assert "Ringkasan impor" in output and "Masterplan disimpan." in output
    summary = next(line for line in output.splitlines() if "Rencana aksi" in line)
    assert [cell.strip() for cell in summary.split("│")[1:-1]] == [
        "Rencana aksi",
        "103",
        "0",
        "0",
        "0",
    ]
    assert sheet_rows(template.read_bytes()) == sheet_rows(template_empty())
    assert Programme.objects.filter(masterplan__region__code="14.71").count() == 51


def test_the_command_dry_run_reports_json_and_saves_nothing(dumai, dumai_xlsx, tmp_path):
    path = write(tmp_path, dumai_xlsx)

    data = json.loads(run("import", "--region", "14.71", str(path), "--dry-run", "--json"))

    assert data["dry_run"] is True and data["applied"] is False
    assert data["counts"]["programme"]["created"] == 51
    assert data["problems"] == []
    assert not Region.objects.filter(code="14.71").exists()


def test_the_command_lists_every_problem_and_fails(dumai, dumai_xlsx, tmp_path):
    def change(book: Any) -> None:
        set_cell(book, "Program", "GOV-01", "pengampu", "DINAS-X")
        set_cell(book, "Rencana Aksi", "GOV-01.01", "status", "hampir")

    path = write(tmp_path, edit(dumai_xlsx, change))
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("masterplan", "import", "--region", "14.71", str(path), stdout=out)

    assert caught.value.returncode == 2
    assert "2 masalah di berkas; tidak ada yang disimpan" in str(caught.value)
    assert "DINAS-X" in out.getvalue() and "hampir" in out.getvalue()
    assert not Region.objects.filter(code="14.71").exists()


def test_the_command_records_the_actor_it_is_given(dumai, dumai_xlsx, tmp_path, settings):
    make_user("operator.kampar")
    path = write(tmp_path, dumai_xlsx)

    run("import", "--region", "14.71", str(path), "--actor", "operator.kampar")

    labels = set(
        AuditEvent.objects.filter(region_code="14.71").values_list("actor_label", flat=True)
    )
    assert labels == {"operator.kampar"}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["import", "--region", "14.72.01", "{file}"], "bukan kode provinsi atau kab/kota"),
        (["import", "--region", "14.71", "{missing}"], "Tidak dapat membaca"),
        (["import", "--region", "14.71", "{bad}"], "bukan berkas Excel"),
        (["import", "--region", "14.71", "{file}", "--actor", "siapa"], "tidak ada"),
        (["export", "--region", "14.71", "{out}"], "belum terdaftar"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_the_command_refuses_mistakes_without_a_traceback(db, tmp_path, args, says):
    paths = {
        "file": str(write(tmp_path, template_empty())),
        "bad": str(write(tmp_path, b"bukan excel", "bad.xlsx")),
        "missing": str(tmp_path / "tidak-ada.xlsx"),
        "out": str(tmp_path / "out.xlsx"),
    }
    with pytest.raises(CommandError) as caught:
        run(*[a.format(**paths) for a in args])
    assert says in str(caught.value)


# --- The documentation -------------------------------------------------------------------------


def test_the_documentation_describes_the_template_as_defined():
    assert reference_markdown() in DOCS.read_text(encoding="utf-8"), (
        "docs/masterplan-template.md is out of date: paste the output of "
        "kotacerdas.masterplan.exchange.workbook.reference_markdown() between its markers."
    )
