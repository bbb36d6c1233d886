"""Private storage: checked files are kept outside anything the web server
serves, under random names, and go out only through private_file_response()
with headers that keep browsers from running or caching them."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.test import RequestFactory

import kotacerdas.settings
from kotacerdas.core.storage import (
    PrivateStorage,
    delete_private,
    open_private,
    private_file_response,
    private_files_dir,
    private_storage,
    store_checked,
)
from kotacerdas.core.uploads import EVIDENCE_KINDS, validate_upload
from tests.core import hostile_files as files

NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}\.[a-z]+")


@pytest.fixture
def private_dir(private_dir: Path, settings, tmp_path: Path) -> Path:
    """The per-test private folder (tests/conftest.py), with a static root beside it."""
    settings.STATIC_ROOT = tmp_path / "static"
    return private_dir


def stored(name: str, content: bytes) -> str:
    upload = SimpleUploadedFile(name, content)
    return store_checked(upload, validate_upload(upload, kinds=EVIDENCE_KINDS))


def body(response) -> bytes:
    """The streamed content; closes the file (response.close() would also
    signal request_finished, which touches the database)."""
    try:
        return b"".join(response.streaming_content)
    finally:
        response.file_to_stream.close()


# --- Storing ----------------------------------------------------------------------------


def test_it_stores_under_a_random_name_in_the_private_dir(private_dir: Path, settings):
    name = stored("laporan rahasia.pdf", files.pdf())

    assert NAME.fullmatch(name)
    assert name[:2] == name[3:5]  # sharded by the first two characters
    assert "laporan" not in name and name.endswith(".pdf")
    path = private_dir / name
    assert path.read_bytes() == files.pdf()
    assert not path.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())


def test_it_stores_with_the_extension_of_the_kind_not_of_the_name(private_dir: Path):
    assert stored("FOTO.JPEG", files.jpeg()).endswith(".jpg")


def test_it_gives_every_upload_a_new_name(private_dir: Path):
    assert stored("foto.png", files.png()) != stored("foto.png", files.png())


def test_only_the_owner_can_read_stored_files(private_dir: Path):
    name = stored("foto.png", files.png())

    assert (private_dir / name).stat().st_mode & 0o777 == 0o600
    assert (private_dir / name).parent.stat().st_mode & 0o777 == 0o700


def test_the_upload_stays_readable_after_storing(private_dir: Path):
    upload = TemporaryUploadedFile("umkm.xlsx", "application/octet-stream", 0, None)
    upload.write(files.xlsx())
    upload.seek(0)
    try:
        checked = validate_upload(upload, kinds={"xlsx"})
        name = store_checked(upload, checked)
        # A temporary upload would otherwise have been moved away.
        assert Path(upload.temporary_file_path()).exists()
        assert upload.tell() == 0
        assert upload.read() == (private_dir / name).read_bytes()
    finally:
        upload.close()


def test_it_refuses_to_store_a_file_other_than_the_one_checked(private_dir: Path):
    checked = validate_upload(SimpleUploadedFile("laporan.pdf", files.pdf()), kinds={"pdf"})
    other = SimpleUploadedFile("laporan.pdf", files.windows_exe())

    with pytest.raises(ValueError, match="not the file that was checked"):
        store_checked(other, checked)
    assert not private_dir.exists() or not any(private_dir.rglob("*.pdf"))


# --- Reading and deleting ------------------------------------------------------------


def test_it_opens_and_deletes_stored_files(private_dir: Path):
    name = stored("laporan.pdf", files.pdf())

    with open_private(name) as handle:
        assert handle.read() == files.pdf()
    delete_private(name)
    assert not (private_dir / name).exists()
    delete_private(name)  # already gone: not an error


@pytest.mark.parametrize(
    "name",
    [
        "../secret_key",
        "ab/../../secret_key",
        "/etc/passwd",
        "ab/cdef.pdf",
        "ab/" + "c" * 32 + ".pdf",  # shard does not match the name
        "AB/AB" + "0" * 30 + ".pdf",
        "ab/ab" + "0" * 30 + ".pdf/../x",
    ],
)
def test_it_refuses_names_it_did_not_make(private_dir: Path, name: str):
    with pytest.raises(SuspiciousFileOperation):
        open_private(name)
    with pytest.raises(SuspiciousFileOperation):
        delete_private(name)


def test_private_files_have_no_url(private_dir: Path):
    name = stored("laporan.pdf", files.pdf())

    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(name)


def test_the_storage_can_be_named_in_a_migration():
    assert PrivateStorage().deconstruct() == ("kotacerdas.core.storage.PrivateStorage", (), {})


def test_the_storage_follows_the_setting(settings, tmp_path: Path):
    settings.PRIVATE_FILES_DIR = tmp_path / "satu"
    assert private_storage.location == str(tmp_path / "satu")

    settings.PRIVATE_FILES_DIR = tmp_path / "dua"
    assert private_storage.location == str(tmp_path / "dua")


# --- Sending ------------------------------------------------------------------------


def test_it_shows_a_pdf_in_the_browser_without_caching_or_sniffing(private_dir: Path):
    name = stored("laporan.pdf", files.pdf())

    response = private_file_response(
        name, download_name="Laporan Triwulan III.pdf", content_type="application/pdf"
    )

    assert body(response) == files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Laporan Triwulan III.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    # Chrome will not run its PDF viewer in a sandboxed document.
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Length"] == str(len(files.pdf()))


def test_it_shows_a_photo_in_a_sandbox(private_dir: Path):
    name = stored("foto.png", files.png())

    response = private_file_response(name, download_name="foto.png", content_type="image/png")

    assert body(response) == files.png()
    assert response["Content-Disposition"] == 'inline; filename="foto.png"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_it_sends_other_kinds_as_a_download(private_dir: Path):
    name = stored("umkm.xlsx", files.xlsx())

    response = private_file_response(
        name,
        download_name="Data UMKM Dumai.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    body(response)

    assert response["Content-Disposition"] == 'attachment; filename="Data UMKM Dumai.xlsx"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_it_can_force_a_download_of_a_pdf(private_dir: Path):
    name = stored("laporan.pdf", files.pdf())

    response = private_file_response(
        name, download_name="laporan.pdf", content_type="application/pdf", inline=False
    )
    body(response)

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_it_never_sends_a_type_outside_the_allow_list(private_dir: Path):
    name = stored("catatan.txt", files.txt())

    response = private_file_response(name, download_name="catatan.html", content_type="text/html")
    body(response)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="catatan.html"'


def test_it_cleans_the_download_name(private_dir: Path):
    name = stored("laporan.pdf", files.pdf())

    response = private_file_response(
        name, download_name="../../Laporan Ω\r\nSet-Cookie: x.pdf", content_type="application/pdf"
    )
    body(response)

    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''Laporan%20%CE%A9Set-Cookie%3A%20x.pdf"
    )


def test_the_site_wide_csp_does_not_replace_the_private_one(private_dir: Path):
    name = stored("foto.png", files.png())
    response = private_file_response(name, download_name="foto.png", content_type="image/png")

    def view(request: HttpRequest) -> HttpResponseBase:
        return response

    passed = CSPMiddleware(view)(RequestFactory().get("/bukti/1/unduh/"))
    assert isinstance(passed, HttpResponseBase)
    body(passed)

    assert passed["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- The private directory is never a served one -----------------------------------------


def test_it_refuses_a_private_dir_inside_the_static_root_at_run_time(settings, tmp_path: Path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PRIVATE_FILES_DIR = tmp_path / "static" / "private"

    with pytest.raises(ImproperlyConfigured, match="must not overlap STATIC_ROOT"):
        private_files_dir()


def test_the_private_dir_is_under_the_data_dir_by_default(environ, tmp_path: Path):
    values = runpy.run_path(kotacerdas.settings.__file__)

    assert values["PRIVATE_FILES_DIR"] == tmp_path / "private"
    assert values["STATIC_ROOT"] == tmp_path / "static"


def test_the_private_dir_can_be_moved(environ, tmp_path: Path):
    environ.setenv("KOTACERDAS_PRIVATE_DIR", str(tmp_path / "arsip" / "bukti"))

    assert runpy.run_path(kotacerdas.settings.__file__)["PRIVATE_FILES_DIR"] == (
        tmp_path / "arsip" / "bukti"
    )


@pytest.mark.parametrize("inside", ["static", "static/private", "."])
def test_settings_refuse_a_private_dir_that_overlaps_static_files(
    environ, tmp_path: Path, inside: str
):
    environ.setenv("KOTACERDAS_PRIVATE_DIR", str(tmp_path / inside))

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_PRIVATE_DIR"):
        runpy.run_path(kotacerdas.settings.__file__)


def test_settings_refuse_a_private_dir_inside_the_shipped_static_files(environ):
    package_static = Path(kotacerdas.settings.__file__).parent / "static" / "uploads"
    environ.setenv("KOTACERDAS_PRIVATE_DIR", str(package_static))

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_PRIVATE_DIR"):
        runpy.run_path(kotacerdas.settings.__file__)
