"""Private storage for uploaded files.

Files checked by :func:`kotacerdas.core.uploads.validate_upload` are kept in
the private storage, ``settings.STORAGES["private"]``: by default the folder
``settings.PRIVATE_FILES_DIR`` (``KOTACERDAS_PRIVATE_DIR``, by default
``<KOTACERDAS_DATA_DIR>/private``), which no web server serves; with
``KOTACERDAS_S3_BUCKET`` a private bucket of an S3-compatible object store,
shared by every node (docs/operations.md, "Object storage"). Either way a file
goes out only through a view that has checked access and then calls
:func:`private_file_response`, which streams it: no URL, public or presigned,
is ever made. Files are stored under a random name (``ab/ab12….pdf``) that
says nothing about the original; the original name is kept by the caller, for
display only.

Code never opens a private file by path: it goes through the helpers below
(:func:`open_private`, :func:`private_local_copy` for a library that needs a
path, :func:`private_put` for a file written on this machine,
:func:`delete_private`), which work on both storages.

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
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
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
class PrivateStorage(FileSystemStorage):  # the default: one machine
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


PRIVATE_ALIAS = "private"
CHUNK = 1024 * 1024


class _PrivateStorageHandle:
    """``private_storage``: the storage ``settings.STORAGES["private"]`` names,
    looked up at every use (tests and ``override_settings`` change it)."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(storages[PRIVATE_ALIAS], attribute)


private_storage: Any = _PrivateStorageHandle()


def private_backend() -> Storage:
    """The configured private storage itself."""
    return storages[PRIVATE_ALIAS]


def private_is_local() -> bool:
    """Whether private files are in a folder of this machine (one node)."""
    return isinstance(private_backend(), FileSystemStorage)


def _s3_object(storage: Any, name: str) -> Any:
    """The bucket's object for a stored name (core.objectstorage.PrivateS3Storage)."""
    return storage.bucket.Object(storage.key(name))


def private_missing(error: Exception) -> bool:
    """Whether ``error`` from a bucket says the object is not there."""
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


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
    """Open a stored file for reading (binary). The caller closes it. A file
    that is not there raises FileNotFoundError, whichever the storage."""
    storage = private_backend()
    try:
        return storage.open(_checked_name(name), "rb")
    except OSError:
        raise
    except Exception as error:
        if private_missing(error):
            raise FileNotFoundError(name) from error
        raise


def delete_private(name: str) -> None:
    """Remove a stored file; a file that is already gone is not an error."""
    private_backend().delete(_checked_name(name))


def delete_private_any(name: str) -> None:
    """Remove any stored file by its name (a restore clears what the archive
    does not hold), not only an upload's."""
    private_backend().delete(name)


def _private_stream(name: str) -> tuple[Any, int | None]:
    """A stored file opened for a response, and its size when known: from a
    bucket the object's body is streamed as it arrives (nothing spooled on
    this node); a local file is opened as it is."""
    storage = private_backend()
    if isinstance(storage, FileSystemStorage):
        return open_private(name), None
    try:
        answer = _s3_object(storage, _checked_name(name)).get()
    except Exception as error:
        if private_missing(error):
            raise FileNotFoundError(name) from error
        raise
    return answer["Body"], int(answer["ContentLength"])


@contextmanager
def private_local_copy(name: str) -> Iterator[Path]:
    """A path on this machine holding the stored file ``name``, for a library
    that reads paths (the spreadsheet readers). Local storage: the file
    itself. A bucket: the object streamed to a temporary file (0600, with the
    same extension), deleted when the block ends, however it ends. A file
    that is not there raises FileNotFoundError."""
    storage = private_backend()
    checked = _checked_name(name)
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(checked))
        if not path.exists():
            raise FileNotFoundError(name)
        yield path
        return
    handle, temporary = tempfile.mkstemp(prefix="kc-private-", suffix=Path(checked).suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                _s3_object(storage, checked).download_fileobj(out)
            except Exception as error:
                if private_missing(error):
                    raise FileNotFoundError(name) from error
                raise
        yield Path(temporary)
    finally:
        Path(temporary).unlink(missing_ok=True)


@contextmanager
def private_output(name: str) -> Iterator[Path]:
    """Where to write, on this machine, a file that is to be stored as
    ``name`` (an export, an import's rejection report); hand it to
    :func:`private_put` once complete. Local storage: the final path itself
    (its folder made, owner-only), so nothing is copied. A bucket: a path in a
    private temporary folder, removed with whatever is left in it when the
    block ends."""
    storage = private_backend()
    checked = _checked_name(name)
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(checked))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="kc-private-") as folder:
        yield Path(folder) / Path(checked).name


def private_put(source: Path, name: str) -> str:
    """Move the finished file ``source`` (written on this machine) into
    private storage as ``name``; it appears there complete or not at all (a
    rename in the folder, one upload to a bucket), and ``source`` is gone
    afterwards. Returns ``name``."""
    storage = private_backend()
    checked = _checked_name(name)
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(checked))
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.replace(source, target)
        except OSError:  # another file system: copy beside, then rename
            partial = target.with_name(f".{target.name}.partial")
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(handle, "wb") as out, source.open("rb") as data:
                shutil.copyfileobj(data, out, CHUNK)
            os.replace(partial, target)
            source.unlink(missing_ok=True)
        return checked
    with source.open("rb") as data:
        stored = storage.save(checked, File(data, name=checked))
    if stored != checked:  # file_overwrite keeps the name; anything else is a bug
        storage.delete(stored)
        raise RuntimeError(f"private storage renamed {checked!r} to {stored!r}")
    source.unlink(missing_ok=True)
    return checked


def files_under(root: Path) -> Iterator[Path]:
    """The regular files under ``root``, sorted per folder; symbolic links
    are not followed (nothing outside the folder is reached)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_symlink() or not path.is_file():
                continue
            yield path


def private_names() -> Iterator[str]:
    """Every file in private storage, by its name (sorted per folder):
    what a backup copies."""
    storage = private_backend()
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        for path in files_under(root):
            yield path.relative_to(root).as_posix()
        return
    yield from _bucket_names(storage, "")


def private_fetch(name: str, target: Path) -> None:
    """Copy the stored file ``name`` (any name :func:`private_names` gives,
    not only an upload's) to ``target`` on this machine (a backup)."""
    storage = private_backend()
    if isinstance(storage, FileSystemStorage):
        shutil.copyfile(storage.path(name), target)
        return
    with target.open("wb") as out:
        _s3_object(storage, name).download_fileobj(out)


def private_restore(source: Path, name: str) -> None:
    """Store the file ``source`` under exactly ``name`` in a bucket,
    replacing what is there (a restore puts back the names the database
    records)."""
    storage = private_backend()
    with source.open("rb") as data:
        _s3_object(storage, name).upload_fileobj(data)


def _bucket_names(storage: Storage, folder: str) -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for filename in sorted(files):
        yield f"{folder}{filename}"
    for sub in sorted(folders):
        yield from _bucket_names(storage, f"{folder}{sub}/")


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
    source, size = _private_stream(name)
    if public and content_type.startswith("image/"):
        with source:
            source = io.BytesIO(without_metadata(source.read(), content_type))
        size = None
    response = FileResponse(
        source,
        as_attachment=not show_inline,
        filename=display_name(download_name),
        content_type=content_type,
    )
    if size is not None:
        response["Content-Length"] = str(size)
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
