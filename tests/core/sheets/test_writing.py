"""The one CSV/XLSX writer: a download never makes a spreadsheet run a
formula, whichever app writes it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from kotacerdas.core.sheets import writing
from kotacerdas.core.sheets.writing import Table, csv_bytes, csv_text, write_table, xlsx_bytes
from kotacerdas.portal import downloads
from kotacerdas.portal.datasets import Column, Dataset
from kotacerdas.umkm.pdp import services as pdp


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812 cmd", "'+62 812 cmd"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-5", "-5"),
        ("+62", "+62"),
        ("-1.5", "-1.5"),
        ("1e5", "1e5"),
        ("Toko = Berkah", "Toko = Berkah"),
        (None, ""),
        (True, "ya"),
        (False, "tidak"),
        (Decimal("1500000.50"), "1500000.50"),
        (dt.datetime(2024, 11, 18, 9, 30), "2024-11-18T09:30:00"),
        (dt.date(2024, 11, 18), "2024-11-18"),
    ],
)
def test_a_csv_cell_never_starts_a_formula(value: object, written: str) -> None:
    assert csv_text(value) == written


def test_csv_has_a_byte_order_mark_and_crlf_lines() -> None:
    content = csv_bytes(["nama", "nilai"], [["=A", 1], [None, True]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == "nama,nilai\r\n'=A,1\r\n,ya\r\n"


def test_xlsx_keeps_text_as_text_and_lays_out_each_table() -> None:
    content = xlsx_bytes(
        Table("meta", (), [("kunci", "nilai"), (), ("=bahaya", "\x07bel")]),
        Table("data", ["a", "b"], [[Decimal(1500000), Decimal("2.5")]]),
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["meta", "data"]
    meta = list(book["meta"].iter_rows(values_only=True))
    assert meta == [("kunci", "nilai"), (None, None), ("=bahaya", "bel")]
    assert book["meta"]["A3"].data_type == "s"
    assert list(book["data"].iter_rows(values_only=True)) == [("a", "b"), (1500000, 2.5)]
    assert book["data"]["A2"].number_format == "#,##0"


def test_write_table_writes_one_table_in_either_format() -> None:
    assert write_table(["a"], [["=x"]], "csv").decode("utf-8-sig") == "a\r\n'=x\r\n"
    book = openpyxl.load_workbook(io.BytesIO(write_table(["a"], [["=x"]], "xlsx")))
    assert [c.value for c in book.active["A"]] == ["a", "=x"]
    with pytest.raises(ValueError, match="pdf"):
        write_table(["a"], [], "pdf")


def test_open_data_and_the_personal_data_export_share_the_guard(tmp_path) -> None:
    # They drifted once: the personal-data export missed tab and CR. The
    # export now streams to disk through the shared TableFile.
    assert pdp.TableFile is writing.TableFile
    dataset = Dataset(
        slug="uji",
        metadata={},
        columns=(Column("nama", "nama"), Column("nilai", "nilai", "number")),
        rows=[{"nama": "\t=cmd", "nilai": "-5"}, {"nama": "\r=1", "nilai": None}],
    )
    rows = list(csv.reader(io.StringIO(downloads.as_csv(dataset).decode("utf-8-sig"))))
    assert rows == [["nama", "nilai"], ["'\t=cmd", "-5"], ["'\r=1", ""]]
    personal = write_table(["nama"], [["\t=cmd"], ["\r=1"]], "csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(personal)))[1:] == [["'\t=cmd"], ["'\r=1"]]
    table = writing.TableFile(tmp_path / "ekspor.csv", ["nama"], "csv")
    for row in (["\t=cmd"], ["\r=1"]):
        table.write(row)
    table.close()
    streamed = (tmp_path / "ekspor.csv").read_bytes().decode("utf-8-sig")
    assert streamed == personal and table.size == (tmp_path / "ekspor.csv").stat().st_size


def test_the_streamed_workbook_writes_text_as_text_and_whole_amounts_as_numbers(tmp_path):
    path = tmp_path / "ekspor.xlsx"
    table = writing.TableFile(path, ["nama", "modal"], "xlsx")
    table.write(['=HYPERLINK("x")', Decimal("50000000")])
    table.write(["Toko\x07 Bel", Decimal("1.5")])
    table.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[2]] == ['=HYPERLINK("x")', 50_000_000]
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert [c.value for c in sheet[3]] == ["Toko Bel", 1.5]  # a bell a workbook cannot hold


def test_the_import_rejection_report_writes_text_under_the_same_rule(tmp_path) -> None:
    # The report streams (write-only workbook) and once had its own copy of the rule.
    from kotacerdas.umkm.imports.report import RejectionReport

    report = RejectionReport(tmp_path / "tolak.xlsx", headers=["nama", "=kepala"])
    report.reject("Data", 2, [("name_missing", "", "name")], ['=HYPERLINK("x")', "\x07bel", 5])
    book = openpyxl.load_workbook(report.finish())
    header, row = list(book["Ditolak"].iter_rows())
    assert header[5].value == "=kepala"
    assert header[5].data_type == "s"
    assert [c.value for c in row[4:]] == ['=HYPERLINK("x")', "bel", 5]
    assert row[4].data_type == "s"


def test_an_abandoned_streamed_workbook_leaves_no_temporary_file(tmp_path):
    """A cut export's rows must not stay in openpyxl's temporary file (the
    system's temp folder, kept until the worker ends) — review read."""
    from pathlib import Path

    table = writing.TableFile(tmp_path / "ekspor.xlsx", ["nama"], "xlsx")
    table.write(["Keripik Nenas Bu Ani"])
    temporary = Path(table._sheet._writer.out)
    assert temporary.exists()

    table.discard()

    assert not temporary.exists()
    assert not (tmp_path / "ekspor.xlsx").exists()


def test_the_hand_written_workbook_reads_back_with_its_types_and_a_bold_frozen_header(
    tmp_path,
) -> None:
    """StreamedBook (the import report's writer, issue 20) against openpyxl's reader."""
    import datetime as dt

    book = writing.StreamedBook(tmp_path / "laporan.xlsx")
    first = book.add_sheet("Ditolak", ["Baris", "Nama & <Pemilik>", None])
    second = book.add_sheet("Peringatan", ["Kolom"])
    first.append([5, '=HYPERLINK("x")', 1472010101900001.0, True, Decimal("12.5")])
    first.append(["  spasi ", "bel\x07", None, "", dt.date(2024, 5, 12), float("nan")])
    second.append(["NIK"])
    book.save()

    assert oct(book.path.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob(".*partial"))  # the sheets' part files are gone
    loaded = openpyxl.load_workbook(book.path)
    assert loaded.sheetnames == ["Ditolak", "Peringatan"]
    sheet = loaded["Ditolak"]
    assert [c.value for c in sheet[1]] == ["Baris", "Nama & <Pemilik>", None, None, None, None]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]][:5] == [5, '=HYPERLINK("x")', 1472010101900001.0, True, 12.5]
    assert sheet["B2"].data_type == "s"  # text, never a formula
    row = [c.value for c in sheet[3]]
    assert row == ["  spasi ", "bel", None, None, "2024-05-12", "nan"]
    assert [c.value for c in loaded["Peringatan"]["A"]] == ["Kolom", "NIK"]


def test_a_discarded_hand_written_workbook_leaves_nothing(tmp_path) -> None:
    book = writing.StreamedBook(tmp_path / "laporan.xlsx")
    book.add_sheet("Ditolak", ["Baris"]).append(["Keripik Nenas Bu Ani"])

    book.discard()

    assert list(tmp_path.iterdir()) == []


def test_a_streamed_sheets_part_file_is_private_whatever_the_umask(tmp_path) -> None:
    """The part files hold the sheet's rows (NIKs, phones) until ``save``:
    0600 even under the CLI's usual umask 022."""
    import os
    import stat

    previous = os.umask(0o022)
    try:
        book = writing.StreamedBook(tmp_path / "laporan.xlsx")
        sheet = book.add_sheet("Ditolak", ["NIK"])
        sheet.append(["1471010101900001"])
        mode = stat.S_IMODE(sheet.part.stat().st_mode)
        book.discard()
    finally:
        os.umask(previous)

    assert mode == 0o600
