"""The one spreadsheet reader every importer uses: what it opens, and what it
refuses before a parser sees it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from kotacerdas.core import uploads
from kotacerdas.core.sheets.problems import UnreadableWorkbook
from kotacerdas.core.sheets.reading import check, kind_of, open_book


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


class Refused(Exception):
    def __init__(self, message: str, gloss: str) -> None:
        super().__init__(f"{message} / {gloss}")


def _refusal(source: Path | bytes, **kwargs: object) -> str:
    with translation.override("id"), pytest.raises(UnreadableWorkbook) as caught:
        open_book(source, **kwargs).close()  # type: ignore[arg-type]
    assert caught.value.gloss
    return caught.value.message


# --- Opening ------------------------------------------------------------------------------


def test_it_opens_an_xlsx_upload_and_reads_its_sheets_as_numbered() -> None:
    content = xlsx(("Petunjuk", [["isi"]]), ("Data", [["kode", "nilai"], ["A", 1], ["B", 2.5]]))
    with open_book(content, kind="xlsx") as book:
        assert book.sheets == ["Petunjuk", "Data"]
        assert book.sheet_named(" data ") == "Data"
        assert book.sheet_named("Tidak ada") is None
        assert book.grid("Data", rows=2) == [["kode", "nilai"], ["A", 1]]
        assert book.table("Data", max_rows=2) == [["kode", "nilai"], ["A", 1], ["B", 2.5]]
        assert list(book.rows("Data"))[2] == (3, ["B", 2.5])
        assert book.head("Data", 1) == [["kode", "nilai"]]
        assert book.estimate("Data") == 3


def test_it_keeps_leading_blank_rows_so_row_numbers_match_the_spreadsheet() -> None:
    book = openpyxl.Workbook()
    book.active.cell(row=3, column=2, value="kode")
    out = io.BytesIO()
    book.save(out)
    with open_book(out.getvalue(), kind="xlsx") as opened:
        grid = opened.grid(opened.sheets[0], rows=10)
    assert grid[2][1] == "kode"


def test_it_refuses_a_sheet_longer_than_the_importer_reads() -> None:
    content = xlsx(("Data", [["kode"], *([str(n)] for n in range(5))]))
    with open_book(content, kind="xlsx") as book:
        assert len(book.table("Data", max_rows=5)) == 6
        with translation.override("id"), pytest.raises(UnreadableWorkbook) as caught:
            book.table("Data", max_rows=4)
    assert caught.value.message == "Lembar “Data” berisi lebih dari 4 baris."


def test_it_opens_a_file_on_disk_by_the_name_its_uploader_gave(tmp_path: Path) -> None:
    path = tmp_path / "upload-1"
    path.write_bytes(xlsx(("Data", [["a"]])))
    with open_book(path, filename="Survei.XLSX") as book:
        assert (book.kind, book.sheets) == ("xlsx", ["Data"])


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        ("nama,kelurahan\nA,Purnama\n", ","),
        ("nama;kelurahan\nA;Purnama\n", ";"),
        ("nama\tkelurahan\nA\tPurnama\n", "\t"),
    ],
)
def test_it_reads_csv_with_the_delimiter_people_use(
    tmp_path: Path, content: str, delimiter: str
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(content, encoding="utf-8")
    for source in (path, content.encode()):
        with open_book(source, filename="survei.csv") as book:
            assert book.sheets == ["survei"]
            assert list(book.rows("survei")) == [(1, ["nama", "kelurahan"]), (2, ["A", "Purnama"])]


def test_it_reads_windows_csv_and_a_byte_order_mark() -> None:
    with open_book("nama\nKafé\n".encode("cp1252"), filename="a.csv") as book:
        assert book.head("a", 5) == [["nama"], ["Kafé"]]
    with open_book("\ufeffnama\nA\n".encode(), filename="a.csv") as book:
        assert book.head("a", 1) == [["nama"]]


def test_check_gives_the_kind_without_opening() -> None:
    assert check(xlsx(("A", [])), filename="x.xlsx") == "xlsx"
    assert kind_of("DATA.ODS") == "ods" and kind_of("a.txt") == "csv"


# --- Refusing -------------------------------------------------------------------------------


def test_it_refuses_what_is_not_a_spreadsheet_by_name_missing_or_empty(tmp_path: Path) -> None:
    assert "bukan lembar kerja" in _refusal(b"x", filename="foto.png")
    assert "tidak ada" in _refusal(tmp_path / "hilang.csv", filename="hilang.csv")
    assert "kosong" in _refusal(b"", kind="xlsx")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"kode,nama\nGOV-01,Mal\n", "bukan berkas Excel .xlsx"),
        (b"%PDF-1.4 bukan", "rusak"),
        (b"kode,nama\n", "isinya bukan XLSX"),
        (b"PK\x03\x04 terpotong", "bukan berkas Excel .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "dilindungi kata sandi"),
    ],
    ids=["csv", "pdf", "renamed", "truncated", "encrypted-ooxml"],
)
def test_it_refuses_content_that_is_not_an_xlsx(content: bytes, says: str) -> None:
    assert says in _refusal(content, kind="xlsx")


def test_it_refuses_a_zip_that_is_not_a_workbook() -> None:
    odsish = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    assert "isi arsipnya tidak dikenal" in _refusal(odsish, kind="xlsx")
    broken = _zip({"[Content_Types].xml": b"<bukan/>"})
    assert "rusak" in _refusal(broken, kind="xlsx")


def test_it_refuses_a_zip_bomb_before_inflating_it() -> None:
    bomb = _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/sheet1.xml": b"0" * (20 * 1024 * 1024)},
        compression=zipfile.ZIP_DEFLATED,
    )
    assert "membengkak" in _refusal(bomb, kind="xlsx")


def test_it_refuses_a_zip_with_too_many_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kotacerdas.core.sheets.reading.ZIP_MAX_MEMBERS", 2)
    members = {"[Content_Types].xml": b"<Types/>", "a": b"1", "b": b"2"}
    assert "membengkak" in _refusal(_zip(members), kind="xlsx")
    assert uploads.ZIP_MAX_MEMBERS > 2  # the real limit is the uploads' one


def test_it_refuses_an_encrypted_zip() -> None:
    content = bytearray(_zip({"[Content_Types].xml": b"<Types/>"}))
    # Set the "encrypted" flag bit in the local and the central directory headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = content.index(signature) + offset
        content[at] |= 0x1
    assert "dilindungi kata sandi" in _refusal(bytes(content), kind="xlsx")


def test_it_refuses_binary_content_named_csv() -> None:
    assert "bukan CSV" in _refusal(b"\x00\x01\x02PK", filename="palsu.csv")
    assert "bukan CSV" in _refusal(xlsx(("A", [])), filename="palsu.csv")


def test_a_csv_that_cannot_be_decoded_is_refused_while_reading() -> None:
    book = open_book(b"nama\n\x81\x8d\n", filename="a.csv")
    with translation.override("id"), pytest.raises(UnreadableWorkbook) as caught:
        list(book.rows("a"))
    assert "tidak dapat dibaca" in caught.value.message


def test_the_caller_chooses_the_exception_even_mid_read() -> None:
    with pytest.raises(Refused, match="bukan lembar kerja"):
        open_book(b"x", filename="a.png", refusal=Refused)
    book = open_book(b"nama\n\x81\x8d\n", filename="a.csv", refusal=Refused)
    with pytest.raises(Refused):
        book.head("a", 5)
