"""The import reads real XLSX, XLS and ODS files as spreadsheet software
writes them: numbers as numbers, several sheets, titles above the header."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from kotacerdas.umkm.imports.engine import inspect, run_import
from kotacerdas.umkm.imports.reading import ImportFileError
from kotacerdas.umkm.models import Business, KbliCode

pytestmark = pytest.mark.usefixtures("shared_world")

HEADER = ["No.", "Nama UMKM", "NIK Pemilik", "Desa/Kelurahan", "Telp/HP", "Jml TK", "Omset"]
NIK = "1472014101900002"
# (cells, expected outcome): numbers where spreadsheets store numbers.
DATA: list[list[Any]] = [
    [1, "Toko Satu", NIK, "PURNAMA", 81234567890, 3, 120000000],  # phone lost its 0
    [2, "Toko Dua", 1472010101900001.0, "Purnama", "0813-2222-3333", "4", "Rp 2.000.000"],
    [3, "Toko Tiga", "", "Bukit Datuk", 6281311112222, 2.0, 1.5e8],
    [4, 12345, "", "Sukajadi", "", "", ""],  # a name typed as a number
]
OTHER_SHEET = [["Petunjuk pengisian"], ["Isi satu usaha per baris."]]


@pytest.fixture(autouse=True)
def _kbli_cache() -> Iterator[None]:
    KbliCode.objects.forget()
    yield
    KbliCode.objects.forget()


def _sheets() -> list[tuple[str, list[list[Any]]]]:
    data = [["REKAP PENDATAAN UMKM 2024"], [], HEADER, *DATA]
    return [("Petunjuk", OTHER_SHEET), ("Data Kel", data)]


def write_xlsx(path: Path, sheets: Sequence[tuple[str, list[list[Any]]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, sheets: Sequence[tuple[str, list[list[Any]]]]) -> Path:
    book = xlwt.Workbook()
    for name, rows in sheets:
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: Sequence[tuple[str, list[list[Any]]]]) -> Path:
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets:
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_it_imports_the_first_sheet_with_a_header(world, tmp_path, kind) -> None:
    path = WRITERS[kind](tmp_path / f"survei.{kind}", _sheets())

    found = inspect(path, filename=path.name)
    result = run_import(actor=None, region=world.region, path=path, filename=path.name)

    assert found.sheets == ["Petunjuk", "Data Kel"]
    assert (found.sheet, found.header_row) == ("Data Kel", 3)
    assert found.headers == HEADER
    assert (result.rows, result.imported, result.rejected) == (4, 3, 1)
    one = Business.objects.get(name="Toko Satu")
    assert (one.owner_nik, one.phone, one.workers) == (NIK, "6281234567890", 3)
    assert one.annual_sales == 120_000_000 and one.kelurahan_code == "14.72.01.1006"
    three = Business.objects.get(name="Toko Tiga")
    assert (three.phone, three.workers, three.annual_sales) == ("6281311112222", 2, 150_000_000)
    assert Business.objects.get(name="12345").kelurahan_code == "14.72.06.1005"
    # The NIK stored in a number cell lost its last digits: refused, never imported.
    assert not Business.objects.filter(name="Toko Dua").exists()


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_the_report_keeps_the_damaged_cell_as_it_was(world, tmp_path, kind) -> None:
    path = WRITERS[kind](tmp_path / f"survei.{kind}", _sheets())
    report = tmp_path / "r.xlsx"

    run_import(actor=None, region=world.region, path=path, filename=path.name, report_path=report)

    rows = list(openpyxl.load_workbook(report)["Ditolak"].iter_rows(values_only=True))
    assert rows[1][:2] == ("Data Kel", 5)
    assert "NIK rusak" in rows[1][2]
    assert rows[1][6] == pytest.approx(1472010101900001.0)


def test_it_imports_a_named_sheet_and_lists_the_sheets_of_an_unknown_one(world, tmp_path):
    data = [HEADER, [1, "Toko Lain", "", "Purnama", "", "", ""]]
    path = write_xlsx(tmp_path / "s.xlsx", [*_sheets(), ("Kecamatan 2", data)])

    result = run_import(
        actor=None, region=world.region, path=path, filename="s.xlsx", sheet="Kecamatan 2"
    )

    assert (result.rows, result.imported) == (1, 1)
    with pytest.raises(ImportFileError, match="Petunjuk, Data Kel, Kecamatan 2"):
        inspect(path, filename="s.xlsx", sheet="Tidak Ada")
    with pytest.raises(ImportFileError, match="Judul kolom tidak dikenali"):
        inspect(path, filename="s.xlsx", sheet="Petunjuk")


def test_it_refuses_files_that_are_not_what_they_claim(tmp_path) -> None:
    text = tmp_path / "palsu.xlsx"
    text.write_text("Nama Usaha,Kelurahan\nA,Purnama\n")
    with pytest.raises(ImportFileError, match="bukan XLSX"):
        inspect(text, filename="palsu.xlsx")
    binary = tmp_path / "palsu.csv"
    binary.write_bytes(b"\x00\x01\x02PK")
    with pytest.raises(ImportFileError, match="bukan CSV"):
        inspect(binary, filename="palsu.csv")
    with pytest.raises(ImportFileError, match="bukan lembar kerja"):
        inspect(text, filename="gambar.png")
    with pytest.raises(ImportFileError, match="tidak ada"):
        inspect(tmp_path / "hilang.csv", filename="hilang.csv")


def test_it_refuses_a_zip_bomb_before_opening_it(tmp_path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    bomb = tmp_path / "bom.xlsx"
    bomb.write_bytes(buffer.getvalue())

    with pytest.raises(ImportFileError, match="membengkak"):
        inspect(bomb, filename="bom.xlsx")


def test_it_reads_windows_csv_with_commas(world, tmp_path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "Nama Usaha,Kelurahan,Alamat\nKafé Ümit,Purnama,Jl. Ahmad Yani\n".encode("cp1252")
    )

    result = run_import(actor=None, region=world.region, path=path, filename="excel.csv")

    assert result.imported == 1
    assert Business.objects.get().name == "Kafé Ümit"


def test_row_numbers_and_columns_hold_when_the_table_starts_further_in(world, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C2"] = "REKAP UMKM"
    for column, value in enumerate(["Nama Usaha", "NIK", "Kelurahan"], start=2):
        sheet.cell(row=5, column=column, value=value)
    for column, value in enumerate(["Toko Satu", "", "Purnama"], start=2):
        sheet.cell(row=6, column=column, value=value)
    for column, value in enumerate(["Toko Dua", "", "Atlantis"], start=2):
        sheet.cell(row=8, column=column, value=value)
    path = tmp_path / "geser.xlsx"
    book.save(path)
    report = tmp_path / "r.xlsx"

    found = inspect(path, filename=path.name)
    result = run_import(
        actor=None, region=world.region, path=path, filename=path.name, report_path=report
    )

    assert found.header_row == 5 and found.headers[found.headers.index("Nama Usaha") + 2] == (
        "Kelurahan"
    )
    assert (result.rows, result.imported, result.rejected) == (2, 1, 1)
    assert Business.objects.get().source_row == 6
    rejected = list(openpyxl.load_workbook(report)["Ditolak"].iter_rows(values_only=True))
    assert rejected[1][1] == 8
