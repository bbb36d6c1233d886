"""Issue 20: survey files made the way a clerk makes them import every valid
business. Counts with units, words and ranges; unreadable fields that do not
identify a business kept as warnings; totals, notes and signatures skipped;
messages in the clerk's terms."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from kotacerdas.umkm.imports.engine import ImportResult, run_import
from kotacerdas.umkm.models import Business, KbliCode

pytestmark = pytest.mark.usefixtures("shared_world")

HEADER = [
    *("No", "Nama Usaha", "Nama Pemilik", "NIK", "Kelurahan", "Kecamatan", "No. HP"),
    *("Jumlah Tenaga Kerja", "Modal Usaha", "Omzet (Rp/tahun)", "KBLI", "Tahun Berdiri"),
]
TITLE = [["REKAP DATA UMKM KELURAHAN PURNAMA 2024"], []]


def _nik(serial: int) -> str:
    return f"147201010190{serial:04d}"  # Dumai Barat, born 1 Jan 1990


def _row(no: str, name: str, nik: str, workers: Any, **extra: Any) -> list[Any]:
    row: list[Any] = [no, name, f"Pemilik {no}", nik, "Purnama", "", "", workers, "", "", "", ""]
    for column, value in extra.items():
        row[HEADER.index(column.replace("_", " "))] = value
    return row


# (row, workers stored) of every valid business; the sheet row number is 4 + index.
VALID: list[tuple[list[Any], int | None]] = [
    (_row("1", "Toko Maju", _nik(1), "3 orang", Modal_Usaha="Rp 5.000.000"), 3),
    (_row("2", "Warung Tiga Saudara", _nik(2), "tiga"), 3),
    (_row("3", "Kedai Kopi Senja", _nik(3), "5 pekerja", Modal_Usaha="1,5 juta"), 5),
    (_row("4", "Bengkel Las Jaya", _nik(4), "2 org."), 2),
    (_row("5", "Jahit Bu Rina", _nik(5), "Dua Belas Orang"), 12),
    (_row("6", "Laundry Bersih", _nik(6), "2-3"), None),  # a range: warning
    (_row("7", "Kerupuk Ikan", _nik(7), "banyak", Tahun_Berdiri="dulu sekali"), None),
    (_row("8", "Salon Cantik", _nik(8), "4", KBLI="abc", **{"No._HP": "12345"}), 4),
]
# The warnings those rows give: (sheet row, column label, the cell as written).
WARNINGS = {
    (9, "Jumlah tenaga kerja", "2-3"),
    (10, "Jumlah tenaga kerja", "banyak"),
    (10, "Tahun mulai usaha", "dulu sekali"),
    (11, "Kode KBLI", "abc"),
    (11, "Telepon/HP", "12345"),
}
REJECTED = [
    _row("9", "Toko Tanpa Nik Lengkap", _nik(9)[:15], "2"),  # 15 digits typed as text
    _row("10", "", _nik(10), "1"),  # no name
]
EMPTY = [""] * len(HEADER)


def _at(column: int, value: str) -> list[Any]:
    row: list[Any] = list(EMPTY)
    row[column] = value
    return row


SKIPPED: list[list[Any]] = [
    ["", "JUMLAH", "", "", "", "", "", "29", "6.500.000", "", "", ""],
    _at(7, "12"),  # a subtotal without its label
    ["11"] + [""] * (len(HEADER) - 1),  # a numbered row of the template, never filled
    _at(9, "Dumai, 12 Mei 2024"),
    _at(9, "Mengetahui,"),
    _at(9, "Kepala Desa Purnama"),
    _at(9, "H. AHMAD SYUKRI, S.Sos"),  # the signer, below the signature
    _at(9, "NIP. 19700101 199003 1 001"),
]
SKIP_REASONS = ["baris jumlah/total", "hanya berisi angka", "catatan atau tanda tangan"]


def _rows() -> list[list[Any]]:
    return [row for row, _workers in VALID] + REJECTED + [EMPTY] + SKIPPED


def _csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    # A kecamatan office's export: semicolons, a title above the header.
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows(TITLE)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _typed(value: Any) -> Any:
    short_number = isinstance(value, str) and value.isdigit() and len(value) < 4
    return int(value) if short_number else value


def _xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    # Typed into a spreadsheet: counts typed as plain numbers become number cells.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*TITLE, HEADER, *rows]:
        sheet.append(
            [int(v) if isinstance(v, str) and v.isdigit() and len(v) < 4 else v for v in row]
        )
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def _kbli_cache() -> Iterator[None]:
    KbliCode.objects.forget()
    yield
    KbliCode.objects.forget()


def _import(world: Any, path: Path, report: Path) -> ImportResult:
    return run_import(
        actor=None, region=world.region, path=path, filename=path.name, report_path=report
    )


@pytest.mark.parametrize("make", [_csv, _xlsx], ids=["csv-semicolon", "xlsx"])
def test_every_valid_business_of_a_clerks_survey_is_imported(world, tmp_path, make) -> None:
    survey = make(tmp_path / f"survei.{make.__name__[1:]}", _rows())
    report = tmp_path / "laporan.xlsx"

    result = _import(world, survey, report)

    assert (result.imported, result.rejected, result.skipped) == (
        len(VALID),
        len(REJECTED),
        len(SKIPPED),
    )
    assert result.rows == len(VALID) + len(REJECTED) + len(SKIPPED)  # the blank row is not one
    assert result.warnings == len(WARNINGS)
    stored = dict(Business.objects.values_list("name", "workers"))
    assert stored == {row[1]: workers for row, workers in VALID}
    kerupuk = Business.objects.get(name="Kerupuk Ikan")
    assert kerupuk.year_started is None
    salon = Business.objects.get(name="Salon Cantik")
    assert (salon.kbli_code, salon.phone) == ("", "")

    book = openpyxl.load_workbook(report)
    warned = list(book["Peringatan"].iter_rows(values_only=True))[1:]
    assert {(row[1], row[2], str(row[3])) for row in warned} == WARNINGS
    for row in warned:
        assert "dikosongkan; baris tetap diimpor" in row[4]
        assert "left empty; the row is imported" in row[5]
    assert any("rentang" in row[4] for row in warned if row[3] == "2-3")

    rejected = {row[1]: row for row in list(book["Ditolak"].iter_rows(values_only=True))[1:]}
    assert "NIK harus 16 digit; ada 15." in rejected[4 + len(VALID)][2]
    assert "NIK must have 16 digits; it has 15." in rejected[4 + len(VALID)][3]
    assert "rusak oleh format angka" not in rejected[4 + len(VALID)][2]
    assert "Nama usaha kosong" in rejected[5 + len(VALID)][2]

    skipped = list(book["Dilewati"].iter_rows(values_only=True))[1:]
    assert len(skipped) == len(SKIPPED)
    assert all(any(r in row[2].lower() for r in SKIP_REASONS) for row in skipped)
    assert all(row[3] and "skipped" in row[3] for row in skipped)
    assert "JUMLAH" in skipped[0][2]


def test_a_nik_from_a_number_cell_is_still_blamed_on_the_number_format(world, tmp_path) -> None:
    path = tmp_path / "angka.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(_row("1", "Toko Angka", int(_nik(1)[:15]), 2))
    book.save(path)
    report = tmp_path / "r.xlsx"

    result = _import(world, path, report)

    assert result.rejected == 1
    row = list(openpyxl.load_workbook(report)["Ditolak"].iter_rows(values_only=True))[1]
    assert "rusak oleh format angka" in row[2]


def test_a_business_named_like_a_total_with_an_owner_is_imported(world, tmp_path) -> None:
    """Conservative: a row with an owner, NIK, NIB or phone is never skipped."""
    path = _csv(tmp_path / "a.csv", [_row("1", "Total Motor", _nik(1), "2")])

    result = _import(world, path, tmp_path / "r.xlsx")

    assert (result.imported, result.skipped) == (1, 0)


def test_a_row_that_would_be_rejected_is_not_hidden_as_a_note(world, tmp_path) -> None:
    """A data row with an unknown place is rejected, never skipped, even when
    its name begins like a note word ("Sumber Rejeki")."""
    row = _row("", "Sumber Rejeki", "", "2")
    row[HEADER.index("Nama Pemilik")] = ""
    row[HEADER.index("Kelurahan")] = "Atlantis"
    path = _csv(tmp_path / "a.csv", [row])

    result = _import(world, path, tmp_path / "r.xlsx")

    assert (result.rejected, result.skipped) == (1, 0)


def test_the_command_says_how_to_add_a_missing_region(db, tmp_path) -> None:
    path = _csv(tmp_path / "a.csv", [_row("1", "Toko", _nik(1), "2")])

    with pytest.raises(CommandError) as caught:
        call_command("umkm", "import", str(path), "--region", "14.01", "--quiet")

    message = str(caught.value)
    assert "Wilayah 14.01 (Kabupaten Kampar) belum ada" in message
    assert "kotacerdas region add 14.01" in message and "Admin → Wilayah" in message
    assert "docs/operations.md" in message


def test_a_business_named_like_a_total_is_imported_and_a_totals_row_is_skipped(
    world, tmp_path
) -> None:
    """Issue 20: "Total Laundry" or "Jumlah Rasa Catering" is a business (its
    name only begins with the word; an owner, NIK or address says so too); a
    label that is only a total, with numbers, is skipped. Typed into a
    spreadsheet the way a clerk does."""
    header = ["No", "Nama Usaha", "Nama Pemilik", "NIK", "Alamat", "Kelurahan", "Jml TK", "Omzet"]
    rows: list[list[Any]] = [
        [1, "Total Laundry", "", "", "Jl. Sudirman No. 5", "Purnama", 2, ""],
        [2, "Jumlah Rasa Catering", "Bu Sari", "", "", "Purnama", 4, ""],
        [3, "JUMLAH RASA", "", _nik(3), "", "Purnama", 1, ""],
        [4, "Total Motor", "", "", "", "Purnama", 3, ""],  # a name, no identity: still a business
        ["", "Jumlah Kelurahan Purnama", "", "", "", "Purnama", 10, "15.000.000"],
        ["JUMLAH", "", "", "", "", "", 10, "15.000.000"],
        ["", "Total Laundry", "", "", "", "Atlantis", 2, ""],  # a business with a wrong place
    ]
    path = tmp_path / "rekap.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*TITLE, header, *rows]:
        sheet.append(row)
    book.save(path)
    report = tmp_path / "r.xlsx"

    result = _import(world, path, report)

    assert (result.imported, result.skipped, result.rejected) == (4, 2, 1)
    assert set(Business.objects.values_list("name", flat=True)) == {
        "Total Laundry",
        "Jumlah Rasa Catering",
        "JUMLAH RASA",
        "Total Motor",
    }
    laundry = Business.objects.get(name="Total Laundry")
    assert (laundry.address, laundry.workers) == ("Jl. Sudirman No. 5", 2)
    skipped = list(openpyxl.load_workbook(report)["Dilewati"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in skipped] == [len(TITLE) + 2 + 4, len(TITLE) + 2 + 5]
    assert "Jumlah Kelurahan Purnama" in skipped[0][2]
    rejected = list(openpyxl.load_workbook(report)["Ditolak"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in rejected] == [len(TITLE) + 2 + 6]


def test_an_area_word_then_a_business_name_is_a_business_and_a_place_is_a_total(
    world, tmp_path
) -> None:
    """Review finding: after the area word of a totals label ("Kota", "Desa",
    "Kecamatan"…) only a place of the region, numbers or punctuation may
    follow. "Total Kota Bakery" and "Jumlah Desa Wisata Homestay" (a name
    only, a known kelurahan) are businesses; the region's own totals rows are
    skipped even on a row whose kelurahan is known."""
    header = ["No", "Nama Usaha", "Nama Pemilik", "NIK", "Alamat", "Kelurahan", "Jml TK", "Omzet"]
    rows: list[list[Any]] = [
        [1, "Total Kota Bakery", "", "", "", "Purnama", 2, ""],
        [2, "Jumlah Desa Wisata Homestay", "", "", "", "Bukit Timah", 3, ""],
        ["", "Jumlah Kelurahan Bukit Timah", "", "", "", "Bukit Timah", 12, "30.000.000"],
        ["", "TOTAL KECAMATAN DUMAI BARAT: 120", "", "", "", "Purnama", 120, ""],
        ["", "Sub total RT 03", "", "", "", "Purnama", 7, ""],
        ["", "Total Kota Dumai", "", "", "", "Purnama", 400, ""],
    ]
    path = tmp_path / "rekap.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*TITLE, header, *rows]:
        sheet.append(row)
    book.save(path)
    report = tmp_path / "r.xlsx"

    result = _import(world, path, report)

    assert (result.imported, result.skipped) == (2, 4)
    assert set(Business.objects.values_list("name", flat=True)) == {
        "Total Kota Bakery",
        "Jumlah Desa Wisata Homestay",
    }
    skipped = list(openpyxl.load_workbook(report)["Dilewati"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in skipped] == [len(TITLE) + 2 + i for i in (2, 3, 4, 5)]
