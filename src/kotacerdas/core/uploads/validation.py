"""The order of the checks: name, size, what the first bytes say (programs
and pages are refused first, whatever the extension), polyglots, the
allow-list, the family's own checks, then the virus scanner."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Collection

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

from kotacerdas.core.uploads.images import check_image
from kotacerdas.core.uploads.inspection import HEAD_BYTES, TAIL_BYTES, Inspection
from kotacerdas.core.uploads.kinds import (
    KIND_BY_EXTENSION,
    KINDS,
    CheckedUpload,
    Kind,
    Refusal,
    known_kinds,
    limit_for,
    max_upload_bytes,
    size_text,
)
from kotacerdas.core.uploads.office import check_zip
from kotacerdas.core.uploads.ole import check_ole
from kotacerdas.core.uploads.pdf import check_pdf
from kotacerdas.core.uploads.sniffing import (
    HIDDEN_MARKUP,
    WHITESPACE,
    sniff_content,
    sniff_executable,
    sniff_markup,
)
from kotacerdas.core.uploads.text import check_text
from kotacerdas.core.uploads.virus import scan_for_viruses

logger = logging.getLogger("kotacerdas.core.uploads")  # one logger for every check

# Each family's own checks, after the ones every file goes through.
CHECKS: dict[str, Callable[[Inspection, Kind], None]] = {
    "pdf": check_pdf,
    "image": check_image,
    "text": check_text,
    "ooxml": check_zip,
    "odf": check_zip,
    "ole": check_ole,
}


def validate_upload(
    upload: File, *, kinds: Collection[str], max_bytes: int | None = None
) -> CheckedUpload:
    """Check ``upload`` (an ``UploadedFile``, or any Django ``File`` such as one
    opened by a management command) against the allow-list ``kinds``.

    Returns what was found; raises ``ValidationError`` (code: a
    :class:`Refusal`) when the file is refused. The file position is restored.
    """
    allowed = known_kinds(kinds)
    if upload.closed:
        upload.open("rb")
    start = upload.tell()
    inspection = Inspection(upload, allowed, max_bytes)
    try:
        return _run(inspection)
    except ValidationError as error:
        logger.info(
            "upload refused: code=%s name=%r size=%s", error.code, inspection.name, inspection.size
        )
        raise
    finally:
        upload.seek(start)


def _run(inspection: Inspection) -> CheckedUpload:
    """Every check, in order; the first that fails raises."""
    if "\x00" in inspection.raw_name:
        inspection.refuse(
            Refusal.BAD_NAME,
            _(
                "Berkas %(name)s ditolak: namanya berisi karakter yang tidak sah. / "
                "%(name)s was refused: its name contains an invalid character."
            ),
        )
    extension = inspection.name.rpartition(".")[2].lower() if "." in inspection.name else ""
    kind = KIND_BY_EXTENSION.get(f".{extension}")
    claimed = kind if kind is not None and kind.name in inspection.kinds else None

    inspection.upload.seek(0, io.SEEK_END)
    size = inspection.size = inspection.upload.tell()
    if size == 0:
        inspection.refuse(Refusal.EMPTY, _("Berkas %(name)s kosong. / %(name)s is empty."))
    limit = (
        limit_for(claimed, inspection.max_bytes)
        if claimed is not None
        else max_upload_bytes(inspection.kinds, inspection.max_bytes)
    )
    if size > limit:
        size_id, size_en = size_text(size)
        limit_id, limit_en = size_text(limit)
        inspection.refuse(
            Refusal.TOO_LARGE,
            _(
                "Berkas %(name)s terlalu besar (%(size_id)s; batasnya %(limit_id)s). / "
                "%(name)s is too large (%(size_en)s; the limit is %(limit_en)s)."
            ),
            size_id=size_id,
            size_en=size_en,
            limit_id=limit_id,
            limit_en=limit_en,
        )

    inspection.head = inspection.read_at(0, HEAD_BYTES)
    inspection.tail = inspection.read_at(max(0, size - TAIL_BYTES), TAIL_BYTES)
    # Whatever the extension, content that can run is refused first, and named.
    if found := sniff_executable(inspection.head):
        inspection.contains(Refusal.EXECUTABLE, found)
    if found := sniff_markup(inspection.head):
        inspection.contains(Refusal.SCRIPT, found)
    inspection.sniffed = sniff_content(inspection.head)
    _refuse_polyglots(inspection)

    if claimed is None:
        allowed = ", ".join(
            ext for name in sorted(inspection.kinds) for ext in KINDS[name].extensions
        )
        inspection.refuse(
            Refusal.NOT_ALLOWED,
            _(
                "Berkas %(name)s tidak diizinkan di sini; jenis yang diizinkan: "
                "%(allowed)s. / "
                "%(name)s is not allowed here; allowed types: %(allowed)s."
            ),
            allowed=allowed,
        )
    CHECKS[claimed.family](inspection, claimed)
    scan_for_viruses(inspection)
    return CheckedUpload(
        kind=claimed.name,
        mime=claimed.mime_type,
        extension=claimed.extensions[0],
        size=size,
        sha256=inspection.sha256(),
        original_name=inspection.name,
    )


def _refuse_polyglots(inspection: Inspection) -> None:
    """Files that are two formats at once, whatever the extension claims."""
    # A PDF reader finds "%PDF-" anywhere in the first kilobyte: something
    # else in front of it makes the file two things at once.
    offset = inspection.head.find(b"%PDF-", 0, 1024)
    if offset > 0 and inspection.head[:offset].strip(WHITESPACE):
        inspection.polyglot(sniff_content(inspection.head) or "data", "pdf")
    # A zip reader looks for its directory at the end of the file.
    if inspection.sniffed != "zip" and b"PK\x05\x06" in inspection.tail:
        inspection.polyglot(inspection.sniffed or "data", "zip")
    # A page hidden at either end of a photo or a PDF (JPEG and PDF readers
    # ignore it; a browser that sniffs the bytes would run it). PNG and
    # WebP refuse any trailing data in their own checks.
    if inspection.sniffed in {"jpeg", "pdf"}:
        for part in (inspection.head[:4096], inspection.tail):
            if found := HIDDEN_MARKUP.search(part):
                markup = "svg" if found.group(0)[1:4].lower() == b"svg" else "html"
                inspection.polyglot(inspection.sniffed, markup)
