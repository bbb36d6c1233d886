"""The UMKM import engine: messy survey rows in, every row accounted for."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.imports import engine, pipeline
from kotacerdas.umkm.imports.engine import inspect, run_import
from kotacerdas.umkm.imports.headers import header_signature
from kotacerdas.umkm.imports.reading import ImportFileError
from kotacerdas.umkm.imports.rows import IMPORTED_FIELDS, Values
from kotacerdas.umkm.models import Business, ImportJob, KbliCode, PersonalDataAccess

pytestmark = pytest.mark.usefixtures("shared_world")

HEADER = [
    "No",
    "NAMA USAHA",
    "Nama Pemilik",
    "NIK",
    "Kelurahan",
    "Kecamatan",
    "No. HP",
    "Omzet (Rp/tahun)",
    "Modal Usaha",
    "KBLI",
    "Tahun Berdiri",
    "Jualan Online",
    "QRIS",
]
TITLE = [["DATA UMKM KOTA DUMAI 2024"], ["Dinas Koperasi dan UKM"], []]
SITI = "1472014101900002"  # born 1 Jan 1990, a woman (day + 40)
BUDI = "1472010101900001"
# Data rows of the messy survey; the sheet row number is in the comment.
ROWS: list[list[Any]] = [
    # 5: clean apart from spelling
    ["1", "Toko Berkah Jaya", "Siti", SITI, "pangkalan sesai", "Dumai Barat", "0812-3456-7890",
     "Rp 1.500.000", "1,5 juta", "47111", "2019", "ya", "tidak"],
    # 6: misspelled kelurahan, NIK typed with a leading apostrophe, +62 phone
    ["2", "Warung Sederhana", "Budi", f"'{BUDI}", "Pangkalan Sesei", "", "+62 813 1111 2222",
     "250 juta", "", "56101", "2020", "", ""],
    # 7: blank (not an input row)
    ["", "", "", "", "", "", "", "", "", "", "", "", ""],
    # 8: the business of row 5 again (NIK + name, prefix and case differ)
    ["3", "BERKAH JAYA", "Siti", SITI, "Pangkalan Sesai", "DUMAI BARAT", "", "", "", "", "", "",
     ""],
    # 9: NIK damaged by a spreadsheet, kelurahan unknown
    ["4", "Kedai X", "Ani", "1.47201E+15", "Atlantis", "", "", "", "", "", "", "", ""],
    # 10: no business name
    ["5", "", "", "", "Purnama", "", "", "", "", "", "", "", ""],
    # 11: a kelurahan code, no keys at all (fingerprint), manufacturing
    ["6", "Keripik Nenas", "", "", "14.72.03.1007", "", "", "", "Rp 50.000.000", "10794", "2024",
     "", ""],
    # 12: a kelurahan that is not in the kecamatan given, bad amount
    ["7", "Bengkel Maju", "Joko", "", "Purnama", "Dumai Timur", "", "banyak", "", "", "", "", ""],
]  # fmt: skip


DERIVED = ("name_key", "kecamatan_code", "kbli_category", "size_class", "size_basis", "ikm_class")


def _survey_row(c: dict[str, str]) -> list[str]:
    return ["", c["name"], "", c["nik"], c["kelurahan"], "", c["phone"], c["amount"],
            c["amount"], "", c["year"], "", ""]  # fmt: skip


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, delimiter: str = ";") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerows(TITLE)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _kbli_cache() -> Iterator[None]:
    KbliCode.objects.forget()
    yield
    KbliCode.objects.forget()


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "survei.csv", ROWS)


def _import(world: Any, path: Path, **kwargs: Any) -> engine.ImportResult:
    return run_import(actor=None, region=world.region, path=path, filename=path.name, **kwargs)


def test_it_accounts_for_every_row_of_a_messy_survey(world, survey) -> None:
    result = _import(world, survey)

    assert result.as_dict() == {
        "rows": 7,
        "imported": 3,
        "matched_existing": 0,
        "duplicates_in_file": 1,
        "rejected": 3,
        # row 6's "Pangkalan Sesei" is read as Pangkalan Sesai by its spelling,
        # which the report says (issue 20: a match reports its rule)
        "warnings": 1,
        "skipped": 0,
        "report_path": None,
        "places": {"fuzzy": 1},
    }
    assert Business.objects.count() == 3


def test_the_values_of_a_row_are_inserted_in_the_order_of_the_imported_fields() -> None:
    values = Values()
    for name in IMPORTED_FIELDS:
        setattr(values, name, name)
    assert pipeline.values_row(values) == IMPORTED_FIELDS
    assert engine._COLUMNS[1 : 1 + len(IMPORTED_FIELDS)] == IMPORTED_FIELDS


def test_every_stored_field_says_which_columns_it_comes_from() -> None:
    """The INSERT binds only what varies (issue 20): a field whose columns are
    not mapped is a constant, so each field must name its columns."""
    from kotacerdas.umkm.imports.headers import FIELDS

    assert set(engine.FIELD_SOURCES) == set(IMPORTED_FIELDS)
    assert {c for sources in engine.FIELD_SOURCES.values() for c in sources} <= set(FIELDS)
    blank = Values()
    assert {name for name in IMPORTED_FIELDS if name in vars(blank)} == set()
    assert all(hasattr(blank, name) for name in IMPORTED_FIELDS)


def test_fields_without_a_column_are_stored_as_a_blank_row_would_have_them(world, tmp_path) -> None:
    path = tmp_path / "dua.csv"
    path.write_text("Nama Usaha;Kelurahan\nToko O'Neil 100%;Purnama\n", encoding="utf-8")

    run_import(actor=None, region=world.region, path=path, filename="dua.csv")

    stored = Business.objects.values().get()
    assert stored["name"] == "Toko O'Neil 100%" and stored["kelurahan_code"].startswith("14.72.")
    assert stored["kecamatan_code"] == stored["kelurahan_code"][:8]
    assert (stored["owner_nik"], stored["phone"], stored["size_class"]) == ("", "", "")
    assert (stored["workers"], stored["capital"], stored["sells_online"]) == (None, None, None)
    assert stored["kbli_version"] == Business._meta.get_field("kbli_version").default
    assert (stored["source"], stored["status"], stored["region_id"]) == (
        "import",
        "active",
        world.region.pk,
    )
    assert stored["created_at"] == stored["updated_at"] and stored["import_job_id"] is None


def test_a_busy_machine_imports_in_one_process(world, survey, monkeypatch) -> None:
    """Sending every row to a second process only pays when a core is idle."""
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(pipeline, "core_free", lambda: False)

    def no_fork(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("forked on a busy machine")

    monkeypatch.setattr(pipeline.multiprocessing, "get_context", no_fork)

    assert _import(world, survey).imported == 3


def test_it_stores_normalised_values_and_the_derived_fields_of_the_model(world, survey) -> None:
    _import(world, survey)

    berkah = Business.objects.get(name="Toko Berkah Jaya")
    assert berkah.owner_nik == SITI
    assert berkah.kelurahan_code == "14.72.01.1003"
    assert berkah.phone == "6281234567890"
    assert berkah.annual_sales == Decimal(1_500_000)
    assert berkah.capital == Decimal(1_500_000)
    assert (berkah.sells_online, berkah.uses_qris) == (True, False)
    assert (berkah.source, berkah.verification, berkah.legal_basis) == (
        "import",
        "verified",
        "public_task",
    )
    warung = Business.objects.get(name="Warung Sederhana")
    assert warung.owner_nik == BUDI
    assert warung.kelurahan_code == "14.72.01.1003"  # "Pangkalan Sesei" → Pangkalan Sesai
    assert warung.phone == "6281311112222"
    for business in Business.objects.all():
        stored = {f: getattr(business, f) for f in DERIVED}
        business.derive()
        assert stored == {f: getattr(business, f) for f in stored}
        assert business.fingerprint
        business.full_clean()
    keripik = Business.objects.get(name="Keripik Nenas")
    assert (keripik.kecamatan_code, keripik.kbli_category) == ("14.72.03", "C")


def test_it_lists_every_rejected_row_with_all_its_reasons_in_the_report(world, survey, tmp_path):
    report = tmp_path / "out" / "ditolak.xlsx"
    result = _import(world, survey, report_path=report)

    assert result.report_path == report
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["Ditolak", "Peringatan", "Dilewati"]
    rows = list(book["Ditolak"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Lembar / Sheet", "Baris / Row", "Alasan", "Reason")
    assert list(rows[0][4:]) == HEADER
    by_row = {row[1]: row for row in rows[1:]}
    assert sorted(by_row) == [9, 10, 12]
    kedai = by_row[9]
    assert kedai[0] == "survei"
    assert "Atlantis" in kedai[2] and "NIK rusak" in kedai[2]  # both reasons
    assert kedai[3]  # the English column
    assert kedai[4:9] == ("4", "Kedai X", "Ani", "1.47201E+15", "Atlantis")  # cells as they were
    assert "Nama usaha kosong" in by_row[10][2]
    assert "Purnama" in by_row[12][2] and "tidak berada di kecamatan" in by_row[12][2]
    assert "Omzet tahunan (Rp): Nilai Rupiah tidak dapat dibaca" in by_row[12][2]


def test_it_warns_about_an_unknown_nik_prefix_without_rejecting(world, tmp_path) -> None:
    nik = "9999990101900001"  # province 99 does not exist (yet)
    path = write_csv(tmp_path / "a.csv", [["1", "Usaha Lama", "Ani", nik, "Purnama"]])
    report = tmp_path / "r.xlsx"

    result = _import(world, path, report_path=report)

    assert (result.imported, result.warnings) == (1, 1)
    rows = list(openpyxl.load_workbook(report)["Peringatan"].iter_rows(values_only=True))
    assert rows[0] == (
        *("Lembar / Sheet", "Baris / Row", "Kolom / Column"),
        *("Isian asli / Original value", "Peringatan", "Warning"),
    )
    assert rows[1][1] == 5 and rows[1][2] == "NIK pemilik" and "999999" in rows[1][4]


def test_it_removes_invisible_characters_from_names_and_warns(world, tmp_path) -> None:
    """Issue 14: names with bidi-control and zero-width characters were stored as typed."""
    path = write_csv(
        tmp_path / "a.csv",
        [["1", "Usaha\u200b \u202eMaju\u202c", "Ani\u200d", "", "Purnama"]],
    )
    report = tmp_path / "r.xlsx"

    result = _import(world, path, report_path=report)

    assert (result.imported, result.warnings) == (1, 2)
    business = Business.objects.get()
    assert (business.name, business.owner_name) == ("Usaha Maju", "Ani")
    rows = list(openpyxl.load_workbook(report)["Peringatan"].iter_rows(values_only=True))
    assert any("karakter tak terlihat" in str(row[4]) for row in rows[1:])


def test_a_large_import_cleans_in_a_second_process_with_the_same_outcome(
    world, survey, tmp_path, monkeypatch
) -> None:
    inline = _import(world, survey, report_path=tmp_path / "a.xlsx")
    stored = list(Business.objects.order_by("source_row").values())
    Business.objects.all().delete()
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(pipeline, "core_free", lambda: True)
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 3)

    forked = _import(world, survey, report_path=tmp_path / "b.xlsx")

    assert forked.as_dict() | {"report_path": None} == inline.as_dict() | {"report_path": None}
    again = list(Business.objects.order_by("source_row").values())
    ignore = {"id", "created_at", "updated_at"}
    assert [{k: v for k, v in row.items() if k not in ignore} for row in again] == [
        {k: v for k, v in row.items() if k not in ignore} for row in stored
    ]
    sheets = [
        list(openpyxl.load_workbook(tmp_path / name)["Ditolak"].iter_rows(values_only=True))
        for name in ("a.xlsx", "b.xlsx")
    ]
    assert sheets[0] == sheets[1]


def test_a_file_error_in_the_second_process_is_reported_as_such(
    world, tmp_path, monkeypatch
) -> None:
    path = tmp_path / "rusak.csv"
    # Valid UTF-8 for far longer than the sample the encoding is guessed from.
    path.write_bytes(b"Nama Usaha,Kelurahan\n" + b"B,Purnama\n" * 8000 + b"\xff,Purnama\n")
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(pipeline, "core_free", lambda: True)

    with pytest.raises(ImportFileError, match="tidak dapat dibaca"):
        _import(world, path)
    assert Business.objects.count() == 0


def test_reimporting_the_same_file_adds_nothing(world, survey) -> None:
    first = _import(world, survey)
    second = _import(world, survey)

    assert second.imported == 0
    assert second.matched_existing == first.imported + first.duplicates_in_file
    assert second.rejected == first.rejected
    assert Business.objects.count() == first.imported


def test_it_matches_existing_businesses_by_nib_phone_and_fingerprint(world, tmp_path) -> None:
    Business.objects.create(
        region=world.region, name="Lama", nib="1234567890123", kelurahan_code="14.72.01.1006"
    )
    Business.objects.create(
        region=world.region, name="Lain", phone="6281299990000", kelurahan_code="14.72.01.1006"
    )
    path = tmp_path / "b.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nama Usaha", "NIB", "HP", "Kelurahan", "Alamat"])
        writer.writerow(["Baru Sekali", "1234567890123", "", "Purnama", ""])  # NIB known
        writer.writerow(["Baru Juga", "", "0812-9999-0000", "Purnama", ""])  # phone known
        writer.writerow(["Tanpa Kunci", "", "", "Purnama", "Jl. Sudirman 1"])
        writer.writerow(
            ["TOKO Tanpa Kunci", "", "", "PURNAMA", "jl sudirman 1"]
        )  # same fingerprint
    result = _import(world, path)

    assert (result.matched_existing, result.duplicates_in_file, result.imported) == (2, 1, 1)


def test_an_error_midway_leaves_the_database_unchanged(world, tmp_path, monkeypatch) -> None:
    rows = [["", f"Usaha {i}", "", "", "Purnama"] for i in range(30)]
    path = write_csv(tmp_path / "c.csv", rows)
    monkeypatch.setattr(engine, "CHUNK_ROWS", 10)
    report = tmp_path / "r.xlsx"
    calls = 0
    original = engine._Inserter.flush

    def failing_flush(self: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("power cut")
        original(self)

    monkeypatch.setattr(engine._Inserter, "flush", failing_flush)
    before = (AuditEvent.objects.count(), PersonalDataAccess.objects.count())

    with pytest.raises(RuntimeError, match="power cut"):
        _import(world, path, report_path=report)

    assert calls == 2  # the first chunk was written, then rolled back
    assert Business.objects.count() == 0
    assert (AuditEvent.objects.count(), PersonalDataAccess.objects.count()) == before
    assert not report.exists() and not list(tmp_path.glob(".*partial"))


def test_it_writes_one_audit_event_and_one_record_of_processing(world, survey, officer) -> None:
    job = ImportJob.objects.create(region=world.region, created_by=officer, filename="survei.csv")
    result = run_import(
        actor=officer, region=world.region, path=survey, filename="survei.csv", job=job
    )

    event = AuditEvent.objects.get(action=AuditEvent.Action.LOAD)
    assert event.object_id == str(job.pk) and event.actor == officer
    assert event.after["imported"] == 3 and event.after["rows"] == 7
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.record_count, access.actor) == ("import", 3, officer)
    assert set(access.fields) == {"owner_name", "owner_nik", "phone", "annual_sales", "capital"}
    assert "survei.csv" in access.purpose
    assert set(Business.objects.values_list("import_job", flat=True)) == {job.pk}
    assert Business.objects.get(name="Keripik Nenas").source_row == 11
    job.refresh_from_db()
    assert (job.rows, job.imported, job.rejected) == (result.rows, 3, 3)


def test_without_a_job_the_audit_event_is_on_the_region(world, survey) -> None:
    _import(world, survey)

    event = AuditEvent.objects.get(action=AuditEvent.Action.LOAD)
    assert event.object_id == str(world.region.pk) and event.actor_label == "sistem"


def test_it_reports_progress(world, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 4)
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 2)
    path = write_csv(tmp_path / "p.csv", [["", f"U {i}", "", "", "Purnama"] for i in range(10)])
    seen: list[tuple[int, int | None]] = []

    _import(world, path, progress=lambda done, total: seen.append((done, total)))

    assert [done for done, _total in seen] == [4, 8, 10]
    assert all(total is not None and total >= 10 for _done, total in seen)


def test_a_given_mapping_replaces_the_suggested_one(world, tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Nama Usaha,NIK,Lokasi\nUsaha Satu,,Purnama\n")
    with pytest.raises(ImportFileError, match="Kelurahan"):
        _import(world, path)  # "Lokasi" is not recognised as the kelurahan

    result = _import(world, path, mapping={0: "name", 2: "kelurahan"})

    assert (result.rows, result.imported) == (1, 1)
    assert Business.objects.get().kelurahan_code == "14.72.01.1006"


def test_it_refuses_a_mapping_without_kelurahan(world, survey) -> None:
    with pytest.raises(ImportFileError, match="Kelurahan"):
        _import(world, survey, mapping={1: "name"})


def test_inspect_finds_the_header_below_the_titles(survey) -> None:
    found = inspect(survey, filename="survei.csv")

    assert (found.sheets, found.sheet, found.header_row) == (["survei"], "survei", 4)
    assert found.headers == HEADER
    assert found.suggested[1] == "name" and found.suggested[3] == "owner_nik"
    assert found.suggested[4] == "kelurahan" and found.suggested[7] == "annual_sales"
    assert 0 not in found.suggested  # "No"
    assert len(found.sample_rows) == 5 and found.sample_rows[0][1] == "Toko Berkah Jaya"
    assert found.rows_estimate is not None and found.rows_estimate >= 7


def test_header_signature_ignores_case_punctuation_and_trailing_blanks() -> None:
    assert header_signature(["NAMA USAHA", "No. HP", ""]) == header_signature(
        ["nama_usaha", "no hp"]
    )
    assert header_signature(["Nama Usaha"]) != header_signature(["Nama Pemilik"])


# --- Nothing is lost, whatever the rows -------------------------------------------------

_CELLS = {
    "name": st.sampled_from(["", "Toko A", "WARUNG a", "Kedai B", "=1+1", "  ", "Ω Usaha"]),
    "nik": st.sampled_from(["", SITI, BUDI, "1.47201E+15", "1472010101900000", "12345", "abc"]),
    "kelurahan": st.sampled_from(
        ["", "Purnama", "PURNAMA", "purnamaa", "14.72.01.1006", "Atlantis", "Bukit Kapur"]
    ),
    "phone": st.sampled_from(["", "0812 3456 789", "+6281234567", "12", "62813"]),
    "amount": st.sampled_from(["", "Rp 1.500.000", "1,5 juta", "-5", "x", "2 M"]),
    "year": st.sampled_from(["", "2020", "1800", "3000", "20x"]),
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.fixed_dictionaries(_CELLS).map(_survey_row),
        max_size=25,
    )
)
def test_every_row_ends_up_in_exactly_one_count(world, tmp_path, rows) -> None:
    path = write_csv(tmp_path / "h.csv", rows)
    before = Business.objects.count()

    result = _import(world, path)

    non_blank = sum(1 for row in rows if "".join(row).strip())
    assert result.rows == non_blank
    assert result.rows == (
        result.imported
        + result.matched_existing
        + result.duplicates_in_file
        + result.rejected
        + result.skipped  # a numbered row with only a year is not a business
    )
    assert Business.objects.count() == before + result.imported


def _business_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return {
            index.name if hasattr(index, "name") else index
            for index in connection.introspection.get_constraints(cursor, "umkm_business")
        }


def test_a_bulk_load_rebuilds_every_index_or_leaves_them_on_failure(
    world, survey, tmp_path, monkeypatch
) -> None:
    before = _business_indexes()
    monkeypatch.setattr(engine, "BULK_MIN_ROWS", 0)

    result = _import(world, survey)

    assert result.imported == 3
    assert _business_indexes() == before
    monkeypatch.setattr(engine._Inserter, "flush", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _import(world, write_csv(tmp_path / "lain.csv", [["", "Baru", "", "", "Purnama"]]))
    assert _business_indexes() == before
    assert Business.objects.count() == 3
