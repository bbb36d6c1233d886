"""The allow-list of uploads: the kinds of file we accept (by extension and
family), the groups that set their default size limit, the refusal codes
every check raises with, and what a checked upload is."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.conf import settings

from kotacerdas.core.formatting import decimal_id

MB = 1024 * 1024
MAX_NAME_CHARS = 120


class Refusal(StrEnum):
    """The ``code`` of every ``ValidationError`` an upload check raises (a stable API)."""

    BAD_NAME = "bad_name"  # the file name contains NUL
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_ALLOWED = "not_allowed"  # extension not among the allowed kinds
    TYPE_MISMATCH = "type_mismatch"  # content is not what the extension says
    EXECUTABLE = "executable"  # programs, #! scripts, installers, PDF /Launch
    SCRIPT = "script"  # HTML, SVG, XML; JavaScript or XFA in a PDF
    EMBEDDED_FILE = "embedded_file"  # files embedded in a PDF
    POLYGLOT = "polyglot"  # valid as two formats at once, or data after the end
    CORRUPT = "corrupt"  # damaged, truncated or unreadable
    ZIP_BOMB = "zip_bomb"  # expands too much when decompressed
    UNSAFE_ARCHIVE = "unsafe_archive"  # traversal, absolute or duplicate names, nesting
    ENCRYPTED = "encrypted"  # password-protected: cannot be checked
    MACRO = "macro"  # VBA, XLM, ActiveX, LibreOffice Basic
    IMAGE_BOMB = "image_bomb"  # too many pixels
    ANIMATED = "animated"
    ENCODING = "encoding"  # text that is not UTF-8/cp1252, or has NUL/control bytes
    VIRUS = "virus"
    SCANNER_UNAVAILABLE = "scanner_unavailable"


# --- The allow-list ------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of file we accept. ``extensions[0]`` is the one we store with."""

    name: str
    mime_type: str
    extensions: tuple[str, ...]
    family: str  # pdf | ooxml | odf | ole | text | image
    group: str  # document | spreadsheet | photo: decides the default size limit
    label_id: str  # "Berkas X bukan <label> yang sah"
    label_en: str  # "X is not a valid <label>"
    content_id: str  # "(isinya <content>)"
    content_en: str  # "(it contains <content>)"


DEFAULT_MAX_MB = {"document": 20, "photo": 10, "spreadsheet": 50}

OOXML_MIME = "application/vnd.openxmlformats-officedocument"
ODF_MIME = "application/vnd.oasis.opendocument"

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("pdf", "application/pdf", (".pdf",), "pdf", "document",
             "PDF", "PDF", "dokumen PDF", "a PDF document"),
        Kind("docx", f"{OOXML_MIME}.wordprocessingml.document", (".docx",), "ooxml", "document",
             "dokumen Word (DOCX)", "Word document (DOCX)",
             "dokumen Word (DOCX)", "a Word document (DOCX)"),
        Kind("xlsx", f"{OOXML_MIME}.spreadsheetml.sheet", (".xlsx",), "ooxml", "spreadsheet",
             "lembar kerja Excel (XLSX)", "Excel workbook (XLSX)",
             "lembar kerja Excel (XLSX)", "an Excel workbook (XLSX)"),
        Kind("pptx", f"{OOXML_MIME}.presentationml.presentation", (".pptx",), "ooxml", "document",
             "presentasi PowerPoint (PPTX)", "PowerPoint presentation (PPTX)",
             "presentasi PowerPoint (PPTX)", "a PowerPoint presentation (PPTX)"),
        Kind("odt", f"{ODF_MIME}.text", (".odt",), "odf", "document",
             "dokumen OpenDocument (ODT)", "OpenDocument text (ODT)",
             "dokumen OpenDocument (ODT)", "an OpenDocument text (ODT)"),
        Kind("ods", f"{ODF_MIME}.spreadsheet", (".ods",), "odf", "spreadsheet",
             "lembar kerja OpenDocument (ODS)", "OpenDocument spreadsheet (ODS)",
             "lembar kerja OpenDocument (ODS)", "an OpenDocument spreadsheet (ODS)"),
        Kind("odp", f"{ODF_MIME}.presentation", (".odp",), "odf", "document",
             "presentasi OpenDocument (ODP)", "OpenDocument presentation (ODP)",
             "presentasi OpenDocument (ODP)", "an OpenDocument presentation (ODP)"),
        Kind("doc", "application/msword", (".doc",), "ole", "document",
             "dokumen Word lama (DOC)", "legacy Word document (DOC)",
             "dokumen Word lama (DOC)", "a legacy Word document (DOC)"),
        Kind("xls", "application/vnd.ms-excel", (".xls",), "ole", "spreadsheet",
             "lembar kerja Excel lama (XLS)", "legacy Excel workbook (XLS)",
             "lembar kerja Excel lama (XLS)", "a legacy Excel workbook (XLS)"),
        Kind("ppt", "application/vnd.ms-powerpoint", (".ppt",), "ole", "document",
             "presentasi PowerPoint lama (PPT)", "legacy PowerPoint presentation (PPT)",
             "presentasi PowerPoint lama (PPT)", "a legacy PowerPoint presentation (PPT)"),
        Kind("csv", "text/csv", (".csv",), "text", "spreadsheet",
             "berkas CSV", "CSV file", "teks CSV", "CSV text"),
        Kind("txt", "text/plain", (".txt",), "text", "document",
             "berkas teks", "text file", "teks biasa", "plain text"),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"), "image", "photo",
             "gambar JPEG", "JPEG image", "gambar JPEG", "a JPEG image"),
        Kind("png", "image/png", (".png",), "image", "photo",
             "gambar PNG", "PNG image", "gambar PNG", "a PNG image"),
        Kind("webp", "image/webp", (".webp",), "image", "photo",
             "gambar WebP", "WebP image", "gambar WebP", "a WebP image"),
    )
}  # fmt: skip

KIND_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}
MIME_TYPES = frozenset(kind.mime_type for kind in KINDS.values())

DOCUMENT_KINDS = frozenset({"pdf", "docx", "odt", "doc", "pptx", "odp", "ppt", "txt"})
SPREADSHEET_KINDS = frozenset({"xlsx", "ods", "xls", "csv"})
PHOTO_KINDS = frozenset({"jpeg", "png", "webp"})
EVIDENCE_KINDS = DOCUMENT_KINDS | SPREADSHEET_KINDS | PHOTO_KINDS


@dataclass(frozen=True)
class CheckedUpload:
    """What :func:`validate_upload` found. ``original_name`` is for display
    only; never build a path from it."""

    kind: str
    mime: str
    extension: str  # ".pdf": the safe extension to store with
    size: int
    sha256: str
    original_name: str


# --- Names and limits ----------------------------------------------------------------


def display_name(raw: str | None) -> str:
    """A file name fit to show: the last path component, without control or
    bidirectional-override characters, without trailing dots and spaces,
    at most MAX_NAME_CHARS characters (the extension is kept)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().rstrip(". ")
    if name in {"", ".", ".."}:
        return "berkas"
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = stem[: MAX_NAME_CHARS - len(ext) - 2] + "…." + ext
        else:
            name = name[: MAX_NAME_CHARS - 1] + "…"
    return name


def max_upload_bytes(kinds: Collection[str], max_bytes: int | None = None) -> int:
    """The largest size :func:`validate_upload` accepts for any of ``kinds``:
    ``max_bytes`` if given, else KOTACERDAS_UPLOAD_MAX_MB if set, else the
    default of the kind's group (documents 20 MB, photos 10 MB, spreadsheets
    50 MB). For forms that want to say "maks. 20 MB"."""
    return max(limit_for(KINDS[name], max_bytes) for name in known_kinds(kinds))


def accept_attribute(kinds: Collection[str]) -> str:
    """The ``accept`` attribute of an ``<input type="file">`` for ``kinds``."""
    return ",".join(ext for name in sorted(known_kinds(kinds)) for ext in KINDS[name].extensions)


def known_kinds(kinds: Collection[str]) -> frozenset[str]:
    """``kinds`` as a set of kind names; a programming error (not a refusal)
    for a bare string, an empty collection or an unknown name."""
    if isinstance(kinds, str):
        raise TypeError("kinds must be a collection of kind names, e.g. {'pdf'}, not a string")
    unknown = set(kinds) - KINDS.keys()
    if unknown or not kinds:
        raise ValueError(f"unknown or no upload kinds: {sorted(unknown)}; known: {sorted(KINDS)}")
    return frozenset(kinds)


def limit_for(kind: Kind, max_bytes: int | None) -> int:
    """The size limit of one kind: see :func:`max_upload_bytes`."""
    if max_bytes is not None:
        return max_bytes
    site_mb: int = settings.KOTACERDAS_UPLOAD_MAX_MB
    if site_mb:
        return site_mb * MB
    return DEFAULT_MAX_MB[kind.group] * MB


def size_text(n: int) -> tuple[str, str]:
    """A size for a message, (Indonesian, English): ``"1,5 MB"``, ``"1.5 MB"``."""
    if n >= MB:
        value = Decimal(n) / MB
        return f"{decimal_id(value, 1)} MB", f"{value:.1f} MB"
    if n >= 1024:
        value = Decimal(n) / 1024
        return f"{decimal_id(value, 1)} KB", f"{value:.1f} KB"
    return f"{n} bajt", f"{n} bytes"
