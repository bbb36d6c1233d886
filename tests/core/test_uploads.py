"""Upload checks: every good file is accepted as the right kind, every hostile
file is refused with the right code and a message in Indonesian and English.

The files come from tests/core/hostile_files.py, built in memory. None of
these tests touches the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import runpy
import socket
import struct
import threading
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

import kotacerdas.settings
from kotacerdas.core import uploads
from kotacerdas.core.uploads import (
    DOCUMENT_KINDS,
    EVIDENCE_KINDS,
    KINDS,
    PHOTO_KINDS,
    SPREADSHEET_KINDS,
    CheckedUpload,
    Refusal,
    accept_attribute,
    display_name,
    max_upload_bytes,
    validate_upload,
)
from tests.core import hostile_files as files
from tests.core.hostile_files import GOOD, HOSTILE, Sample

MB = 1024 * 1024


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(
    file: File, *, kinds: Collection[str] = EVIDENCE_KINDS, max_bytes: int | None = None
) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(file, kinds=kinds, max_bytes=max_bytes)
    return caught.value


# --- The corpus ---------------------------------------------------------------------


@pytest.mark.parametrize("sample", GOOD, ids=lambda s: s.id)
def test_it_accepts_every_good_file_as_its_kind(sample: Sample):
    content = sample.make()
    checked = validate_upload(upload(sample.name, content), kinds=EVIDENCE_KINDS)

    kind = KINDS[sample.kind or ""]
    assert checked == CheckedUpload(
        kind=kind.name,
        mime=kind.mime_type,
        extension=kind.extensions[0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=sample.name,
    )


@pytest.mark.parametrize("sample", HOSTILE, ids=lambda s: s.id)
def test_it_refuses_every_hostile_file_with_its_reason(sample: Sample):
    error = refusal(upload(sample.name, sample.make()), max_bytes=sample.max_bytes)

    assert error.code == sample.code
    [message] = error.messages
    indonesian, english = message.split(" / ")
    name = display_name(sample.name)
    assert indonesian.startswith(f"Berkas {name} ")
    assert english.startswith(f"{name} ")


def test_every_refusal_code_is_exercised_by_the_corpus():
    exercised = {sample.code for sample in HOSTILE}
    # These two need a scanner; they are tested with a fake clamd below.
    assert exercised | {"virus", "scanner_unavailable"} == {code.value for code in Refusal}


def test_the_message_names_the_file_and_what_it_really_is():
    error = refusal(upload("laporan.pdf", files.png()))

    assert error.messages == [
        "Berkas laporan.pdf bukan PDF yang sah (isinya gambar PNG). / "
        "laporan.pdf is not a valid PDF (it contains a PNG image)."
    ]


def test_it_keeps_a_percent_sign_in_the_name_as_it_is():
    error = refusal(upload("100%s laporan.pdf", files.png()))

    assert error.messages[0].startswith("Berkas 100%s laporan.pdf bukan PDF")


# --- Names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("laporan\x07\x1b[31m.pdf", "laporan[31m.pdf"),
        ("foto\u202egpj.exe", "fotogpj.exe"),  # right-to-left override removed
        ("laporan.pdf. . ", "laporan.pdf"),
        ("", "berkas"),
        ("..", "berkas"),
        ("a" * 300 + ".pdf", "a" * 115 + "….pdf"),
    ],
)
def test_it_shows_names_without_paths_or_control_characters(raw: str, shown: str):
    assert display_name(raw) == shown
    assert len(display_name(raw)) <= uploads.MAX_NAME_CHARS


def test_it_keeps_only_the_last_part_of_a_path_given_by_a_command():
    # Django's UploadedFile already strips directories; a plain File does not.
    checked = validate_upload(
        File(io.BytesIO(files.pdf()), name="../../etc/passwd.pdf"), kinds={"pdf"}
    )

    assert checked.original_name == "passwd.pdf"
    assert checked.kind == "pdf"


def test_it_judges_the_extension_case_insensitively():
    assert validate_upload(upload("FOTO.PNG", files.png()), kinds=PHOTO_KINDS).extension == ".png"


# --- The allow-list --------------------------------------------------------------------


def test_it_refuses_a_kind_the_caller_did_not_allow():
    error = refusal(upload("umkm.xlsx", files.xlsx()), kinds=PHOTO_KINDS)

    assert error.code == "not_allowed"
    assert ".jpg, .jpeg, .png, .webp" in error.messages[0]


def test_it_still_names_the_danger_when_the_extension_is_not_allowed():
    assert refusal(upload("setup.exe", files.windows_exe()), kinds={"pdf"}).code == "executable"


def test_the_groups_cover_the_whole_allow_list():
    assert DOCUMENT_KINDS | PHOTO_KINDS | SPREADSHEET_KINDS == EVIDENCE_KINDS == KINDS.keys()
    assert not DOCUMENT_KINDS & PHOTO_KINDS
    assert not DOCUMENT_KINDS & SPREADSHEET_KINDS


def test_it_gives_the_accept_attribute_for_a_file_input():
    assert accept_attribute(PHOTO_KINDS) == ".jpg,.jpeg,.png,.webp"


@pytest.mark.parametrize("kinds", [set(), {"exe"}, {"pdf", "svg"}])
def test_it_refuses_unknown_kinds_as_a_programming_error(kinds: set[str]):
    with pytest.raises(ValueError, match="unknown or no upload kinds"):
        validate_upload(upload("laporan.pdf", files.pdf()), kinds=kinds)


def test_it_refuses_a_string_of_kinds():
    with pytest.raises(TypeError):
        validate_upload(upload("laporan.pdf", files.pdf()), kinds="pdf")


# --- Sizes ---------------------------------------------------------------------------


def test_it_has_a_default_limit_per_group():
    assert max_upload_bytes({"pdf"}) == 20 * MB
    assert max_upload_bytes({"jpeg"}) == 10 * MB
    assert max_upload_bytes({"xlsx", "csv"}) == 50 * MB
    assert max_upload_bytes(PHOTO_KINDS | {"pdf"}) == 20 * MB


def test_the_site_limit_replaces_the_defaults_and_max_bytes_wins(settings):
    settings.KOTACERDAS_UPLOAD_MAX_MB = 5

    assert max_upload_bytes({"xlsx"}) == 5 * MB
    assert max_upload_bytes({"xlsx"}, max_bytes=123) == 123


def test_it_refuses_a_file_over_the_limit_of_its_kind(settings):
    settings.KOTACERDAS_UPLOAD_MAX_MB = 0
    big_png = files.png() + bytes(11 * MB)  # over the 10 MB of photos, under 20 MB

    error = refusal(upload("foto.png", big_png))

    assert error.code == "too_large"
    assert "batasnya 10,0 MB" in error.messages[0]
    assert "the limit is 10.0 MB" in error.messages[0]


def test_it_applies_the_site_limit_from_settings(settings):
    settings.KOTACERDAS_UPLOAD_MAX_MB = 1

    assert refusal(upload("catatan.txt", b"a" * (MB + 1))).code == "too_large"


def test_it_reads_the_site_limit_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KOTACERDAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KOTACERDAS_UPLOAD_MAX_MB", "15")
    assert runpy.run_path(kotacerdas.settings.__file__)["KOTACERDAS_UPLOAD_MAX_MB"] == 15

    monkeypatch.setenv("KOTACERDAS_UPLOAD_MAX_MB", "lima belas")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_UPLOAD_MAX_MB"):
        runpy.run_path(kotacerdas.settings.__file__)


# --- Reading -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sample",
    [GOOD[0], GOOD[6], HOSTILE[0], HOSTILE[14], HOSTILE[23]],
    ids=lambda s: s.id,
)
@pytest.mark.parametrize("start", [0, 7])
def test_it_puts_the_file_position_back(sample: Sample, start: int):
    file = upload(sample.name, sample.make())
    file.seek(start)

    with contextlib.suppress(ValidationError):
        validate_upload(file, kinds=EVIDENCE_KINDS)

    assert file.tell() == start


def test_it_checks_an_upload_that_django_spooled_to_disk():
    file = TemporaryUploadedFile("umkm.xlsx", "application/octet-stream", 0, None)
    file.write(files.xlsx())
    file.seek(0)
    try:
        assert validate_upload(file, kinds=SPREADSHEET_KINDS).kind == "xlsx"
        assert file.tell() == 0
    finally:
        file.close()


def test_it_checks_a_file_opened_by_a_command(tmp_path: Path):
    path = tmp_path / "survei.csv"
    path.write_bytes(files.csv_cp1252())

    with path.open("rb") as handle:
        assert validate_upload(File(handle, name=path.name), kinds={"csv"}).kind == "csv"


def test_it_reopens_a_closed_upload():
    file = upload("laporan.pdf", files.pdf())
    file.close()
    file.file = io.BytesIO(files.pdf())  # what InMemoryUploadedFile.open() rewinds

    assert validate_upload(file, kinds={"pdf"}).kind == "pdf"


def test_it_inflates_pdf_object_streams_only_within_a_budget(monkeypatch):
    monkeypatch.setattr(uploads.pdf, "PDF_MAX_INFLATED", 10)

    assert refusal(upload("laporan.pdf", files.pdf_with_object_stream())).code == "zip_bomb"


@pytest.mark.parametrize("split", range(1, len(b"/JavaScript")))
def test_it_finds_a_pdf_name_split_across_two_chunks(monkeypatch, split: int):
    content = files.pdf_with_javascript()
    monkeypatch.setattr(uploads.inspection, "CHUNK_BYTES", content.index(b"/JavaScript") + split)

    assert refusal(upload("laporan.pdf", content)).code == "script"


@pytest.mark.parametrize("delimiter", [b" ", b"\x00", b"(", b"<", b"[", b"/", b"%", b"\n"])
def test_it_finds_a_pdf_name_before_any_delimiter(delimiter: bytes):
    content = files._pdf(b"<< /S /JS" + delimiter + b"(app.alert\\(1\\)) >>")

    assert refusal(upload("laporan.pdf", content)).code == "script"


def test_it_does_not_mistake_a_longer_pdf_name_for_a_dangerous_one():
    content = files._pdf(b"<< /JSON (x) /JavaScriptish 1 /Launcher 2 >>")

    assert validate_upload(upload("laporan.pdf", content), kinds={"pdf"}).kind == "pdf"


# --- Zip limits ------------------------------------------------------------------------


def test_it_limits_the_number_of_members(monkeypatch):
    monkeypatch.setattr(uploads.office, "ZIP_MAX_MEMBERS", 2)

    error = refusal(upload("berita acara.docx", files.docx()))

    assert error.code == "zip_bomb"
    assert "3 berkas di dalamnya" in error.messages[0]


def test_it_limits_the_total_uncompressed_size(monkeypatch):
    monkeypatch.setattr(uploads.office, "ZIP_MAX_UNCOMPRESSED", 1000)

    assert refusal(upload("umkm.xlsx", files.xlsx())).code == "zip_bomb"


def test_it_refuses_a_damaged_zip():
    content = files.docx()
    damaged = content[:200] + bytes(300) + content[500:]

    assert refusal(upload("berita acara.docx", damaged)).code == "corrupt"


def test_it_accepts_an_office_file_embedded_where_office_puts_charts():
    assert validate_upload(
        upload("paparan.pptx", files.pptx(with_chart_workbook=True)), kinds={"pptx"}
    )


# --- Virus scanning through a fake clamd ---------------------------------------------------


class FakeClamd:
    """Speaks clamd's INSTREAM protocol on one connection and answers ``answer``."""

    def __init__(self, listener: socket.socket, answer: bytes | None) -> None:
        self.listener = listener
        self.answer = answer
        self.command = b""
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, connection: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            more = connection.recv(size - len(data))
            if not more:
                raise ConnectionError("client went away")
            data += more
        return data

    def _serve(self) -> None:
        try:
            connection, _address = self.listener.accept()
        except OSError:  # closed by the test without a client
            return
        with connection:
            while not self.command.endswith(b"\x00"):
                self.command += self._read(connection, 1)
            while length := struct.unpack("!L", self._read(connection, 4))[0]:
                self.received += self._read(connection, length)
            if self.answer is None:  # a scanner that hangs
                connection.recv(1)
                return
            connection.sendall(self.answer)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes a pending accept()
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def clamd(tmp_path: Path, settings) -> Iterator[Callable[..., FakeClamd]]:
    started: list[FakeClamd] = []

    def start(answer: bytes | None, *, tcp: bool = False) -> FakeClamd:
        if tcp:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind(("127.0.0.1", 0))
            settings.KOTACERDAS_CLAMD = f"tcp:127.0.0.1:{listener.getsockname()[1]}"
        else:
            path = tmp_path / "clamd.ctl"
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(str(path))
            settings.KOTACERDAS_CLAMD = f"unix:{path}"
        listener.listen(1)
        server = FakeClamd(listener, answer)
        started.append(server)
        return server

    settings.KOTACERDAS_CLAMD_TIMEOUT = 5
    yield start
    for server in started:
        server.close()


def test_it_streams_the_file_to_clamd_and_accepts_a_clean_one(clamd, monkeypatch):
    monkeypatch.setattr(uploads.inspection, "CHUNK_BYTES", 100)  # several INSTREAM chunks
    server = clamd(b"stream: OK\x00")
    content = files.pdf()

    assert validate_upload(upload("laporan.pdf", content), kinds={"pdf"}).kind == "pdf"
    assert server.command == b"zINSTREAM\x00"
    assert server.received == content


def test_it_talks_to_clamd_over_tcp(clamd):
    clamd(b"stream: OK\x00", tcp=True)

    assert validate_upload(upload("foto.png", files.png()), kinds=PHOTO_KINDS).kind == "png"


def test_it_refuses_what_clamd_finds(clamd):
    clamd(b"stream: Eicar-Test-Signature FOUND\x00")

    error = refusal(upload("laporan.pdf", files.pdf()))

    assert error.code == "virus"
    assert error.messages == [
        "Berkas laporan.pdf mengandung virus atau perangkat jahat (Eicar-Test-Signature) dan "
        "ditolak. / laporan.pdf contains a virus or malware (Eicar-Test-Signature) and was "
        "refused."
    ]


def test_it_refuses_when_clamd_is_not_there(settings, tmp_path):
    settings.KOTACERDAS_CLAMD = f"unix:{tmp_path / 'tidak-ada.ctl'}"

    error = refusal(upload("laporan.pdf", files.pdf()))

    assert error.code == "scanner_unavailable"
    assert "pemindai virus tidak tersedia" in error.messages[0]


def test_it_refuses_when_clamd_does_not_answer_in_time(clamd, settings):
    clamd(None)
    settings.KOTACERDAS_CLAMD_TIMEOUT = 0.2

    assert refusal(upload("laporan.pdf", files.pdf())).code == "scanner_unavailable"


def test_it_refuses_when_clamd_reports_an_error(clamd):
    clamd(b"INSTREAM size limit exceeded. ERROR\x00")

    assert refusal(upload("laporan.pdf", files.pdf())).code == "scanner_unavailable"


def test_it_does_not_bother_clamd_with_a_file_it_already_refused(clamd):
    server = clamd(b"stream: OK\x00")

    assert refusal(upload("laporan.pdf", files.windows_exe())).code == "executable"
    assert server.received == b""


@pytest.mark.parametrize("value", ["clamd", "unix:relative.ctl", "tcp:localhost", "tcp:h:x"])
def test_it_refuses_a_clamd_address_it_cannot_use(monkeypatch, tmp_path, value):
    monkeypatch.setenv("KOTACERDAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KOTACERDAS_CLAMD", value)

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_CLAMD"):
        runpy.run_path(kotacerdas.settings.__file__)
