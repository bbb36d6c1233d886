"""More of the hostile corpus (docs/security.md, "Unggahan / Uploads"): the
kinds of attack issue 7 names, each in several disguises, each refused with
a message in Indonesian and English that names the file; hostile names are
shown harmlessly and never become a path on disk.

The base corpus is tests/core/hostile_files.py (tests/core/test_uploads.py);
files here are built from its building blocks, in memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.core.storage import store_checked
from kotacerdas.core.uploads import EVIDENCE_KINDS, display_name, validate_upload
from tests.core import hostile_files as files

MB = 1024 * 1024
OOXML = "application/vnd.openxmlformats-officedocument"


def _refused(name: str, content: bytes, **options: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(
            SimpleUploadedFile(name, content),
            kinds=EVIDENCE_KINDS,
            **options,  # type: ignore[arg-type]
        )
    error = caught.value
    [message] = error.messages
    indonesian, english = message.split(" / ")
    shown = display_name(name)
    assert indonesian.startswith(f"Berkas {shown} "), message
    assert english.startswith(f"{shown} "), message
    return error


def _with_zeros(archive: bytes, member: str, megabytes: int) -> bytes:
    """``archive`` with one more member of ``megabytes`` MB of zeros (it
    deflates about 1000 : 1)."""
    buffer = io.BytesIO(archive)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
        target.open(member, "w", force_zip64=True) as out,
    ):
        block = bytes(MB)
        for _ in range(megabytes):
            out.write(block)
    return buffer.getvalue()


@cache
def docx_bomb() -> bytes:
    return _with_zeros(files.docx(), "word/media/image1.png", 30)


@cache
def pptx_bomb() -> bytes:
    return _with_zeros(files.pptx(), "ppt/media/image1.png", 30)


@cache
def ods_bomb() -> bytes:
    return _with_zeros(files.ods(), "Pictures/foto.png", 30)


@cache
def odt_bomb() -> bytes:
    return _with_zeros(files.odt(), "Pictures/foto.png", 30)


def xlsx_with_a_bomb_inside_a_zip() -> bytes:
    """A bomb one level down: an archive inside the workbook."""
    return files._zip([*files._xlsx_members(files.xlsx()), ("xl/media/archive.zip", docx_bomb())])


def pptx_with_a_bomb_as_chart_data() -> bytes:
    """Where Office keeps chart data (embeddings/), a workbook that is a bomb."""
    with zipfile.ZipFile(io.BytesIO(files.pptx())) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return files._zip(
        [*members, ("ppt/embeddings/Microsoft_Excel_Worksheet.xlsx", files.zip_bomb_xlsx())]
    )


def gifar() -> bytes:
    """GIF + JAR: the classic GIFAR."""
    return files.gif() + files.jar_as_docx()


def png_with_jar() -> bytes:
    return files.png() + files.jar_as_docx()


def jpeg_with_html() -> bytes:
    return files.jpeg() + b"<html><body><script>alert(document.cookie)</script></body></html>"


def jpeg_with_svg() -> bytes:
    return files.jpeg() + files.svg_with_script()


def jpeg_with_html_in_a_comment() -> bytes:
    """A JPEG comment segment (COM, FF FE) right after SOI carrying a page:
    an old browser that sniffs the first bytes would render it."""
    page = b"<html><script>alert(1)</script></html>"
    segment = b"\xff\xfe" + (len(page) + 2).to_bytes(2, "big") + page
    data = files.jpeg()
    return data[:2] + segment + data[2:]


def pdf_with_html() -> bytes:
    return files.pdf() + b"\n<!DOCTYPE html><html><script>alert(1)</script></html>\n"


def webp_with_html() -> bytes:
    return files.webp() + b"<script>alert(1)</script>"


def utf16_svg() -> bytes:
    return files.svg_with_script().decode().encode("utf-16")


def svg_with_bom_and_spaces() -> bytes:
    return b"\xef\xbb\xbf \n\t" + files.svg_with_script()


def python_script() -> bytes:
    return b"#!/usr/bin/env python3\nimport os\nos.system('rm -rf /')\n"


def macho() -> bytes:
    """A 64-bit Mach-O header (macOS program)."""
    return b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00" + bytes(52)


def batch_file_as_txt() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56)


CASES: list[tuple[str, Callable[[], bytes], str]] = [
    # Renamed executables: ELF, PE/MZ, scripts, under every kind of name.
    ("foto.jpg", files.windows_exe, "executable"),
    ("foto.png", files.windows_exe, "executable"),
    ("catatan.txt", files.windows_exe, "executable"),
    ("laporan.pdf", files.elf, "executable"),
    ("umkm.xlsx", files.elf, "executable"),
    ("berita acara.docx", files.elf, "executable"),
    ("foto.jpg", files.shell_script, "executable"),
    ("umkm.csv", files.shell_script, "executable"),
    ("berita acara.docx", files.shell_script, "executable"),
    ("laporan.pdf", python_script, "executable"),
    ("foto.webp", python_script, "executable"),
    ("catatan.txt", batch_file_as_txt, "executable"),
    ("foto.png", macho, "executable"),
    ("laporan.pdf", macho, "executable"),
    # SVG with script, under other names and encodings.
    ("peta.jpg", files.svg_with_script, "script"),
    ("peta.pdf", files.svg_with_script, "script"),
    ("peta.csv", files.svg_with_script, "script"),
    ("peta.png", utf16_svg, "script"),
    ("peta.jpg", svg_with_bom_and_spaces, "script"),
    # Polyglots.
    ("foto.jpg", gifar, "polyglot"),
    ("foto.png", png_with_jar, "polyglot"),
    ("foto.jpg", jpeg_with_html, "polyglot"),
    ("foto.jpg", jpeg_with_svg, "polyglot"),
    ("foto.jpg", jpeg_with_html_in_a_comment, "polyglot"),
    ("laporan.pdf", pdf_with_html, "polyglot"),
    ("foto.webp", webp_with_html, "polyglot"),
    ("laporan.pdf", files.pdf_with_zip_appended, "polyglot"),
    ("foto.jpg", files.jpeg_zip_polyglot, "polyglot"),
    # Zip bombs in every zipped kind, and one level down.
    ("berita acara.docx", docx_bomb, "zip_bomb"),
    ("paparan.pptx", pptx_bomb, "zip_bomb"),
    ("data.ods", ods_bomb, "zip_bomb"),
    ("notulen.odt", odt_bomb, "zip_bomb"),
    ("umkm.xlsx", files.zip_bomb_xlsx, "zip_bomb"),
    ("umkm.xlsx", xlsx_with_a_bomb_inside_a_zip, "unsafe_archive"),
    # Traversal inside archives.
    ("berita acara.docx", files.docx_with_traversal, "unsafe_archive"),
    ("berita acara.docx", files.docx_with_absolute_member, "unsafe_archive"),
]


@pytest.mark.parametrize(
    ("name", "make", "code"), CASES, ids=[f"{m.__name__}:{n}" for n, m, _c in CASES]
)
def test_it_refuses_the_hostile_file(name: str, make: Callable[[], bytes], code: str) -> None:
    assert _refused(name, make()).code == code


def test_a_bomb_hidden_as_chart_data_is_refused() -> None:
    # Office keeps chart data as whole workbooks in embeddings/ (accepted,
    # tests/core/test_uploads.py); one that is a bomb is refused.
    assert _refused("paparan.pptx", pptx_with_a_bomb_as_chart_data()).code == "zip_bomb"


# --- Oversized ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "limit_mb"),
    [("laporan.pdf", 20), ("umkm.xlsx", 50), ("foto.jpg", 10), ("umkm.csv", 50)],
)
def test_a_file_over_the_default_limit_is_refused_before_it_is_read(
    tmp_path: Path, name: str, limit_mb: int
) -> None:
    path = tmp_path / "big"
    with path.open("wb") as out:  # sparse: costs no disk
        out.truncate(limit_mb * MB + 1)
    with path.open("rb") as handle, pytest.raises(ValidationError) as caught:
        validate_upload(File(handle, name=name), kinds=EVIDENCE_KINDS)
    assert caught.value.code == "too_large"
    assert f"batasnya {limit_mb},0 MB" in caught.value.messages[0]
    assert f"the limit is {limit_mb}.0 MB" in caught.value.messages[0]


# --- Names -------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "/etc/passwd.pdf",
    "..\\..\\..\\Windows\\System32\\drivers\\etc\\hosts.pdf",
    "C:\\Windows\\System32\\CON.pdf",
    "CON.pdf",
    "nul.pdf",
    "LPT1.pdf",
    "aux",
    "laporan.pdf::$DATA",
    "a" * 5000 + ".pdf",
    "laporan\u202efdp.exe.pdf",
    "laporan\r\nSet-Cookie: x=y.pdf",
    "%2e%2e%2fetc%2fpasswd.pdf",
]


@pytest.mark.parametrize("raw", HOSTILE_NAMES)
def test_a_hostile_name_is_shown_harmlessly(raw: str) -> None:
    shown = display_name(raw)
    assert "/" not in shown and "\\" not in shown
    assert not any(ord(ch) < 32 or ch == "\u202e" for ch in shown)
    assert len(shown) <= 120
    assert shown not in {"", ".", ".."}


@pytest.mark.parametrize("raw", [n for n in HOSTILE_NAMES if n.endswith(".pdf")])
def test_a_hostile_name_never_becomes_a_path(raw: str, settings, tmp_path: Path) -> None:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    upload = SimpleUploadedFile(raw, files.pdf())
    checked = validate_upload(upload, kinds={"pdf"})
    stored = store_checked(upload, checked)
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}\.pdf", stored)
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")] == [
        f"private/{stored}"
    ]


@pytest.mark.parametrize("raw", ["laporan.pdf\x00", "\x00.pdf", "../../etc/passwd\x00.pdf"])
def test_a_name_with_nul_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_upload(File(io.BytesIO(files.pdf()), name=raw), kinds={"pdf"})
    assert caught.value.code == "bad_name"
    assert " / " in caught.value.messages[0]
