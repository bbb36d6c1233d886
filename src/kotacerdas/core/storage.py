"""Private storage for uploaded files.

Files checked by :func:`kotacerdas.core.uploads.validate_upload` are kept in
``settings.PRIVATE_FILES_DIR`` (``KOTACERDAS_PRIVATE_DIR``, by default
``<KOTACERDAS_DATA_DIR>/private``), a directory no web server serves: a file
goes out only through a view that has checked access and then calls
:func:`private_file_response`. Files are stored under a random name
(``ab/ab12….pdf``) that says nothing about the original; the original name is
kept by the caller, for display only.

Usage in a service::

    checked = validate_upload(upload, kinds=DOCUMENT_KINDS)
    name = store_checked(upload, checked)
    try:
        ...  # create the row that records `name`, in its transaction
    except BaseException:
        delete_private(name)
        raise

and to remove one: ``transaction.on_commit(lambda: delete_private(name))``.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

from kotacerdas.core.uploads import MIME_TYPES, CheckedUpload, display_name
from kotacerdas.core.uploads.metadata import without_metadata

# What store_checked() produces: two shard characters, "/", 32 hex, extension.
_NAME = re.compile(r"(?P<shard>[0-9a-f]{2})/(?P=shard)[0-9a-f]{30}\.[a-z0-9]{1,5}")

# Browsers may show these in the tab; everything else is a download.
INLINE_MIME_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})
# Nothing in a private file may run, load or be framed, even if a browser
# were to treat it as a page.
SANDBOX_CSP = "default-src 'none'; sandbox"
# Chrome refuses to start its PDF viewer in a sandboxed document (it shows
# "This page has been blocked"), so PDFs shown in the tab get the same policy
# without "sandbox". A PDF cannot become a page here: the type is fixed, nosniff
# is set, and validate_upload() refused PDFs with JavaScript.
PDF_INLINE_CSP = "default-src 'none'"


def private_files_dir() -> Path:
    """The private directory, read from settings on every call (tests and
    multi-tenant set-ups change it). Refuses a directory that overlaps the
    static files, the same rule the settings module enforces at start-up."""
    private = Path(settings.PRIVATE_FILES_DIR).resolve()
    static_root = Path(settings.STATIC_ROOT).resolve() if settings.STATIC_ROOT else None
    if static_root is not None and (
        private == static_root
        or private.is_relative_to(static_root)
        or static_root.is_relative_to(private)
    ):
        raise ImproperlyConfigured(
            f"PRIVATE_FILES_DIR ({private}) must not overlap STATIC_ROOT ({static_root})."
        )
    return private


@deconstructible(path="kotacerdas.core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage rooted at the private directory, with owner-only
    permissions and no URL: ``url()`` raises, so no template can link to a file
    past the access check."""

    def __init__(self) -> None:
        super().__init__(
            location=None,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )

    @property
    def base_location(self) -> str:
        return str(private_files_dir())

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError(
            "Private files have no URL: serve them from a view that checks access and "
            "returns kotacerdas.core.storage.private_file_response()."
        )


private_storage = PrivateStorage()

# Files and folders the long-running and data-moving commands create (the
# SQLite database and its WAL, uploads, backups, restored files, the cache)
# are the service account's alone: 0600 and 0700 (issue 14: restore wrote
# private files 0644 in 0755 folders, the database 0644).
PRIVATE_UMASK = 0o077


def sqlite_files_tighten(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On every new SQLite connection (``connection_created``): the database
    file and its WAL and shared-memory files become 0600 if they were wider,
    whichever command created them (``migrate`` runs without our umask)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (name, f"{name}-wal", f"{name}-shm"):
        try:
            mode = os.stat(path).st_mode & 0o777
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except OSError:  # not there (yet), or not ours to change
            continue


def _sqlite_name(connection: Any) -> str:
    """The database file of a file-backed SQLite connection, else ""."""
    if connection.vendor != "sqlite":
        return ""
    name = str(connection.settings_dict.get("NAME") or "")
    return "" if not name or name == ":memory:" or name.startswith("file:") else name


def _file_id(name: str) -> tuple[int, int] | None:
    try:
        found = os.stat(name)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def sqlite_file_remember(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On every new SQLite connection: which file it opened (device, inode)."""
    if name := _sqlite_name(connection):
        connection.kotacerdas_file_id = _file_id(name)


def sqlite_close_if_replaced(connection: Any) -> None:
    """Close a kept-open SQLite connection whose file is no longer the one at
    its path (moved away, deleted, replaced by a restore): an open handle
    would go on reading and writing the old file, unseen by every other
    process. The next query opens the path again (or fails there, 503)."""
    name = _sqlite_name(connection)
    if not name or connection.connection is None:
        return
    if _file_id(name) != getattr(connection, "kotacerdas_file_id", None):
        connection.close()


def sqlite_connections_check(**kwargs: Any) -> None:
    """``request_started`` (and the task worker between tasks): every kept-open
    SQLite connection of this thread checked against its file."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        sqlite_close_if_replaced(connection)


@contextmanager
def private_umask() -> Iterator[None]:
    """Every file and folder the process creates meanwhile is owner-only;
    ``serve``, ``worker``, ``backup`` and ``restore`` run inside it. The old
    mask comes back afterwards (a command called from a test or a shell)."""
    old = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(old)


def store_checked(upload: File, checked: CheckedUpload) -> str:
    """Keep ``upload`` (already passed through validate_upload, which returned
    ``checked``) in private storage under a new random name; return that name,
    e.g. ``"3f/3f9c…e1.pdf"``. The upload stays readable and is rewound.

    Raises ValueError when ``upload`` is not the file ``checked`` describes,
    so that an unchecked file can never be stored by mistake."""
    if _sha256(upload) != checked.sha256:
        raise ValueError("store_checked: the upload is not the file that was checked")
    token = uuid.uuid4().hex
    name = f"{token[:2]}/{token}{checked.extension}"
    # A plain File copies in chunks: a TemporaryUploadedFile would otherwise be
    # moved away, and the caller may still need to read it (imports do).
    try:
        stored = private_storage.save(name, File(upload.file, name=name))
    finally:
        upload.seek(0)
    return stored


def open_private(name: str) -> File:
    """Open a stored file for reading (binary). The caller closes it."""
    return private_storage.open(_checked_name(name), "rb")


def delete_private(name: str) -> None:
    """Remove a stored file; a file that is already gone is not an error."""
    private_storage.delete(_checked_name(name))


def private_file_response(
    name: str,
    *,
    download_name: str,
    content_type: str,
    inline: bool | None = None,
    public: bool = False,
) -> FileResponse:
    """Send a stored file. **The caller has already checked that the user may
    see it.** PDFs and photos open in the browser (``inline``) unless
    ``inline=False``; everything else is a download. Types outside the
    allow-list are sent as ``application/octet-stream``. A ``public`` photo
    goes out without its metadata (GPS, device; orientation kept:
    core.uploads.metadata), whenever it was stored."""
    if content_type not in MIME_TYPES:
        content_type = "application/octet-stream"
    show_inline = content_type in INLINE_MIME_TYPES and inline is not False
    source: Any = open_private(name)
    if public and content_type.startswith("image/"):
        with source:
            source = io.BytesIO(without_metadata(source.read(), content_type))
    response = FileResponse(
        source,
        as_attachment=not show_inline,
        filename=display_name(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = (
        PDF_INLINE_CSP if show_inline and content_type == "application/pdf" else SANDBOX_CSP
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _checked_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise SuspiciousFileOperation(f"Not a private storage name: {name!r}")
    return name


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
