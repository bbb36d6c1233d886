"""Checking uploaded files before anything else touches them.

Every upload (evidence for monitoring, evaluation evidence, registry imports)
goes through :func:`validate_upload` before it is stored or parsed. The file is
judged by its *content*: the extension only says which kind the uploader
claims, and the content must prove it. Anything that can run (programs,
scripts, HTML, SVG, macros) is refused, and so are files built to hurt the
parser that opens them later (zip bombs, decompression bombs, path traversal
inside archives, polyglots).

Callers::

    checked = validate_upload(request.FILES["berkas"], kinds=EVIDENCE_KINDS)
    name = store_checked(upload, checked)          # kotacerdas.core.storage

Every refusal is a ``ValidationError`` whose message is Indonesian first and
English after `` / ``, and whose ``code`` is one of :class:`Refusal`. What is
checked, and what is only heuristic, is described in docs/uploads.md.

The file is read in chunks (never whole into memory) and its position is put
back where it was when this module is done with it.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
import socket
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from defusedxml import ElementTree as SafeXML  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _
from PIL import Image

from kotacerdas.core.formatting import decimal_id

logger = logging.getLogger(__name__)

MB = 1024 * 1024
CHUNK_BYTES = 256 * 1024
HEAD_BYTES = 8192
# The zip end-of-central-directory record (22 bytes) plus the longest comment.
TAIL_BYTES = 22 + 65535
MAX_NAME_CHARS = 120

# Images: Pillow's own guard (MAX_IMAGE_PIXELS, ~89 MP) is a process-wide
# global; this lower limit is checked per file before any pixel is decoded.
MAX_IMAGE_PIXELS = 40_000_000

# Zip containers (OOXML, ODF). Declared sizes are checked before anything is
# decompressed; every member is then read through zipfile, which stops at the
# declared size and verifies the CRC, so a lying header cannot inflate further.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_UNCOMPRESSED = 1024 * MB
ZIP_MAX_RATIO = 200
# Small members compress extremely well (empty sheets, repeated styles); the
# ratio limit applies to members larger than this.
ZIP_RATIO_MIN_BYTES = 1 * MB

# PDF object streams are inflated to look inside them, within these budgets.
PDF_MAX_OBJECT_STREAMS = 5_000
PDF_MAX_INFLATED = 256 * MB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Refusal(StrEnum):
    """The ``code`` of every ``ValidationError`` raised here (a stable API)."""

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

_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("pdf", "application/pdf", (".pdf",), "pdf", "document",
             "PDF", "PDF", "dokumen PDF", "a PDF document"),
        Kind("docx", f"{_OOXML}.wordprocessingml.document", (".docx",), "ooxml", "document",
             "dokumen Word (DOCX)", "Word document (DOCX)",
             "dokumen Word (DOCX)", "a Word document (DOCX)"),
        Kind("xlsx", f"{_OOXML}.spreadsheetml.sheet", (".xlsx",), "ooxml", "spreadsheet",
             "lembar kerja Excel (XLSX)", "Excel workbook (XLSX)",
             "lembar kerja Excel (XLSX)", "an Excel workbook (XLSX)"),
        Kind("pptx", f"{_OOXML}.presentationml.presentation", (".pptx",), "ooxml", "document",
             "presentasi PowerPoint (PPTX)", "PowerPoint presentation (PPTX)",
             "presentasi PowerPoint (PPTX)", "a PowerPoint presentation (PPTX)"),
        Kind("odt", f"{_ODF}.text", (".odt",), "odf", "document",
             "dokumen OpenDocument (ODT)", "OpenDocument text (ODT)",
             "dokumen OpenDocument (ODT)", "an OpenDocument text (ODT)"),
        Kind("ods", f"{_ODF}.spreadsheet", (".ods",), "odf", "spreadsheet",
             "lembar kerja OpenDocument (ODS)", "OpenDocument spreadsheet (ODS)",
             "lembar kerja OpenDocument (ODS)", "an OpenDocument spreadsheet (ODS)"),
        Kind("odp", f"{_ODF}.presentation", (".odp",), "odf", "document",
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


# --- Public helpers --------------------------------------------------------------


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
    return max(_limit_for(KINDS[name], max_bytes) for name in _known(kinds))


def accept_attribute(kinds: Collection[str]) -> str:
    """The ``accept`` attribute of an ``<input type="file">`` for ``kinds``."""
    return ",".join(ext for name in sorted(_known(kinds)) for ext in KINDS[name].extensions)


def validate_upload(
    upload: File, *, kinds: Collection[str], max_bytes: int | None = None
) -> CheckedUpload:
    """Check ``upload`` (an ``UploadedFile``, or any Django ``File`` such as one
    opened by a management command) against the allow-list ``kinds``.

    Returns what was found; raises ``ValidationError`` (code: a
    :class:`Refusal`) when the file is refused. The file position is restored.
    """
    allowed = _known(kinds)
    if upload.closed:
        upload.open("rb")
    start = upload.tell()
    inspection = _Inspection(upload, allowed, max_bytes)
    try:
        return inspection.run()
    except ValidationError as error:
        logger.info(
            "upload refused: code=%s name=%r size=%s", error.code, inspection.name, inspection.size
        )
        raise
    finally:
        upload.seek(start)


def _known(kinds: Collection[str]) -> frozenset[str]:
    if isinstance(kinds, str):
        raise TypeError("kinds must be a collection of kind names, e.g. {'pdf'}, not a string")
    unknown = set(kinds) - KINDS.keys()
    if unknown or not kinds:
        raise ValueError(f"unknown or no upload kinds: {sorted(unknown)}; known: {sorted(KINDS)}")
    return frozenset(kinds)


def _limit_for(kind: Kind, max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    site_mb: int = settings.KOTACERDAS_UPLOAD_MAX_MB
    if site_mb:
        return site_mb * MB
    return DEFAULT_MAX_MB[kind.group] * MB


def _size_text(n: int) -> tuple[str, str]:
    if n >= MB:
        value = Decimal(n) / MB
        return f"{decimal_id(value, 1)} MB", f"{value:.1f} MB"
    if n >= 1024:
        value = Decimal(n) / 1024
        return f"{decimal_id(value, 1)} KB", f"{value:.1f} KB"
    return f"{n} bajt", f"{n} bytes"


# --- What a file looks like --------------------------------------------------------

# (Indonesian, English with article) for content that is not one of our kinds.
LABELS: dict[str, tuple[str, str]] = {
    "exe": ("program Windows (EXE/DLL)", "a Windows program (EXE/DLL)"),
    "elf": ("program Linux (ELF)", "a Linux program (ELF)"),
    "macho": ("program macOS (Mach-O)", "a macOS program (Mach-O)"),
    "java": ("program Java (class) atau macOS", "a Java class or macOS program"),
    "wasm": ("program WebAssembly", "a WebAssembly program"),
    "dex": ("program Android (DEX)", "an Android program (DEX)"),
    "lnk": ("pintasan Windows (LNK)", "a Windows shortcut (LNK)"),
    "shebang": ("skrip yang dapat dijalankan (#!)", "an executable script (#!)"),
    "msi": ("penginstal Windows (MSI)", "a Windows installer (MSI)"),
    "jar": ("arsip program Java (JAR)", "a Java program archive (JAR)"),
    "apk": ("aplikasi Android (APK)", "an Android app (APK)"),
    "html": ("halaman HTML", "an HTML page"),
    "svg": ("gambar SVG (dapat berisi skrip)", "an SVG image (which can carry scripts)"),
    "xml": ("dokumen XML/HTML", "an XML/HTML document"),
    "markup": ("kode HTML atau skrip", "HTML or script code"),
    "gif": ("gambar GIF", "a GIF image"),
    "tiff": ("gambar TIFF", "a TIFF image"),
    "heic": ("foto HEIC/HEIF (simpan sebagai JPEG)", "a HEIC/HEIF photo (save it as JPEG)"),
    "avif": ("gambar AVIF", "an AVIF image"),
    "media": ("berkas video atau audio", "a video or audio file"),
    "zip": (
        "arsip ZIP (misalnya dokumen DOCX/XLSX/PPTX)",
        "a ZIP archive (such as a DOCX/XLSX/PPTX document)",
    ),
    "ooxml": ("dokumen Office jenis lain (misalnya templat)", "another Office type (a template?)"),
    "odf": ("dokumen OpenDocument jenis lain", "another OpenDocument type"),
    "ole": ("berkas Office lama yang tidak dikenal", "an unrecognised legacy Office file"),
    "rar": ("arsip RAR", "a RAR archive"),
    "7z": ("arsip 7-Zip", "a 7-Zip archive"),
    "gzip": ("arsip GZIP", "a GZIP archive"),
    "bzip2": ("arsip BZIP2", "a BZIP2 archive"),
    "xz": ("arsip XZ", "an XZ archive"),
    "zstd": ("arsip Zstandard", "a Zstandard archive"),
    "cab": ("arsip CAB", "a CAB archive"),
    "rtf": ("dokumen RTF", "an RTF document"),
    "data": ("data lain", "other data"),
    "unknown": ("data yang tidak dikenali", "unrecognised data"),
}
for _kind in KINDS.values():
    LABELS[_kind.name] = (_kind.content_id, _kind.content_en)

_EXECUTABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xca\xfe\xba\xbe", "java"),  # Java class and Mach-O universal binary
    (b"\x00asm", "wasm"),
    (b"dex\n", "dex"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", "lnk"),
)

_CONTENT_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (OLE_MAGIC, "ole"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b\x08", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"MSCF\x00\x00\x00\x00", "cab"),
    (b"{\\rtf", "rtf"),
)

_WHITESPACE = b" \t\r\n\x0c\x00"


def _sniff_executable(head: bytes, *, inside_archive: bool = False) -> str | None:
    body = head.removeprefix(b"\xef\xbb\xbf")
    # Binary members of Office files (fonts, printer settings) start with
    # random bytes; there only "#!/..." counts, not any "#!".
    if re.match(rb"#!\s*/" if inside_archive else rb"#!", body):
        return "shebang"
    # "MZ" alone could start a line of text; a DOS/PE header has NUL bytes.
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return "exe"
    for magic, key in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return key
    return None


_HIDDEN_MARKUP = re.compile(rb"(?i)<(?:script|html[\s>]|svg[\s>]|iframe|!doctype\s+html)")


def _sniff_markup(head: bytes) -> str | None:
    """HTML, SVG or other XML at the start: what a browser would sniff as a
    page that can run scripts."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[:4096].decode("utf-16", errors="ignore")
    else:
        text = head[:4096].removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    text = text.lstrip(" \t\r\n\x0c\x00").lower()
    if not text.startswith("<"):
        return None
    if "<svg" in text:
        return "svg"
    if re.search(r"<(!doctype\s+html|html|head|body|script|iframe|meta|div|table|a\s)", text):
        return "html"
    return "xml"


def _sniff_content(head: bytes) -> str | None:
    for magic, key in _CONTENT_MAGIC:
        if head.startswith(magic):
            return key
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}:
            return "heic"
        if brand in {b"avif", b"avis"}:
            return "avif"
        return "media"
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "bzip2"
    # A PDF reader looks for its header anywhere in the first kilobyte.
    offset = head.find(b"%PDF-", 0, 1024)
    if offset > 0 and not head[:offset].strip(_WHITESPACE):
        return "pdf"
    return None


# --- The inspection ------------------------------------------------------------------


class _Inspection:
    """One run of the checks over one file."""

    def __init__(self, upload: File, kinds: frozenset[str], max_bytes: int | None) -> None:
        self.upload = upload
        self.kinds = kinds
        self.max_bytes = max_bytes
        self.raw_name = str(upload.name or "")
        self.name = display_name(self.raw_name)
        self.size: int | None = None
        self.head = b""
        self.tail = b""
        self.sniffed: str | None = None
        self.inflated = 0  # bytes inflated from PDF object streams so far

    # Raising ---------------------------------------------------------------------

    def refuse(self, code: Refusal, message: str, **params: Any) -> NoReturn:
        raise ValidationError(message, code=str(code), params={"name": self.name, **params})

    def mismatch(self, kind: Kind, found: str | None) -> NoReturn:
        found_id, found_en = LABELS.get(found or "unknown", LABELS["unknown"])
        self.refuse(
            Refusal.TYPE_MISMATCH,
            _(
                "Berkas %(name)s bukan %(expected_id)s yang sah (isinya %(found_id)s). / "
                "%(name)s is not a valid %(expected_en)s (it contains %(found_en)s)."
            ),
            expected_id=kind.label_id,
            expected_en=kind.label_en,
            found_id=found_id,
            found_en=found_en,
        )

    def contains(self, code: Refusal, found: str) -> NoReturn:
        found_id, found_en = LABELS[found]
        self.refuse(
            code,
            _(
                "Berkas %(name)s ditolak karena berisi %(found_id)s. / "
                "%(name)s was refused because it contains %(found_en)s."
            ),
            found_id=found_id,
            found_en=found_en,
        )

    def corrupt(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.CORRUPT,
            _(
                "Berkas %(name)s rusak atau tidak lengkap (%(reason_id)s). / "
                "%(name)s is damaged or incomplete (%(reason_en)s)."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def bomb(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.ZIP_BOMB,
            _(
                "Berkas %(name)s ditolak: isinya membengkak terlalu besar saat dibuka "
                "(%(reason_id)s). / "
                "%(name)s was refused: it expands too much when opened (%(reason_en)s)."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def encrypted(self) -> NoReturn:
        self.refuse(
            Refusal.ENCRYPTED,
            _(
                "Berkas %(name)s dilindungi kata sandi atau terenkripsi sehingga tidak dapat "
                "diperiksa; simpan ulang tanpa kata sandi. / "
                "%(name)s is password-protected or encrypted and cannot be checked; "
                "save it again without a password."
            ),
        )

    def macro(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.MACRO,
            _(
                "Berkas %(name)s berisi makro atau kontrol aktif (%(reason_id)s); simpan ulang "
                "tanpa makro. / "
                "%(name)s contains macros or active controls (%(reason_en)s); "
                "save it again without macros."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def unsafe_archive(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.UNSAFE_ARCHIVE,
            _(
                "Berkas %(name)s ditolak: susunan arsip di dalamnya tidak aman (%(reason_id)s). / "
                "%(name)s was refused: its archive structure is unsafe (%(reason_en)s)."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def polyglot(self, found: str, other: str) -> NoReturn:
        self.refuse(
            Refusal.POLYGLOT,
            _(
                "Berkas %(name)s ditolak: isinya sekaligus %(found_id)s dan %(other_id)s "
                "(berkas poliglot). / "
                "%(name)s was refused: it is %(found_en)s and %(other_en)s at once "
                "(a polyglot file)."
            ),
            found_id=LABELS[found][0],
            found_en=LABELS[found][1],
            other_id=LABELS[other][0],
            other_en=LABELS[other][1],
        )

    # Reading ---------------------------------------------------------------------

    def read_at(self, offset: int, length: int) -> bytes:
        self.upload.seek(offset)
        data: bytes = self.upload.read(length)
        return data

    def chunks(self, start: int = 0) -> Iterator[bytes]:
        """The file from ``start`` in CHUNK_BYTES pieces (seeking before every
        read, so other reads may happen between two chunks)."""
        position = start
        while True:
            self.upload.seek(position)
            chunk: bytes = self.upload.read(CHUNK_BYTES)
            if not chunk:
                return
            position += len(chunk)
            yield chunk

    # The checks, in order ------------------------------------------------------------

    def run(self) -> CheckedUpload:
        if "\x00" in self.raw_name:
            self.refuse(
                Refusal.BAD_NAME,
                _(
                    "Berkas %(name)s ditolak: namanya berisi karakter yang tidak sah. / "
                    "%(name)s was refused: its name contains an invalid character."
                ),
            )
        extension = self.name.rpartition(".")[2].lower() if "." in self.name else ""
        kind = KIND_BY_EXTENSION.get(f".{extension}")
        claimed = kind if kind is not None and kind.name in self.kinds else None

        self.upload.seek(0, io.SEEK_END)
        size = self.size = self.upload.tell()
        if size == 0:
            self.refuse(Refusal.EMPTY, _("Berkas %(name)s kosong. / %(name)s is empty."))
        limit = (
            _limit_for(claimed, self.max_bytes)
            if claimed is not None
            else max_upload_bytes(self.kinds, self.max_bytes)
        )
        if size > limit:
            size_id, size_en = _size_text(size)
            limit_id, limit_en = _size_text(limit)
            self.refuse(
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

        self.head = self.read_at(0, HEAD_BYTES)
        self.tail = self.read_at(max(0, size - TAIL_BYTES), TAIL_BYTES)
        # Whatever the extension, content that can run is refused first, and named.
        if found := _sniff_executable(self.head):
            self.contains(Refusal.EXECUTABLE, found)
        if found := _sniff_markup(self.head):
            self.contains(Refusal.SCRIPT, found)
        self.sniffed = _sniff_content(self.head)
        self._refuse_polyglots()

        if claimed is None:
            allowed = ", ".join(
                ext for name in sorted(self.kinds) for ext in KINDS[name].extensions
            )
            self.refuse(
                Refusal.NOT_ALLOWED,
                _(
                    "Berkas %(name)s tidak diizinkan di sini; jenis yang diizinkan: "
                    "%(allowed)s. / "
                    "%(name)s is not allowed here; allowed types: %(allowed)s."
                ),
                allowed=allowed,
            )
        checks: dict[str, Callable[[Kind], None]] = {
            "pdf": self._check_pdf,
            "image": self._check_image,
            "text": self._check_text,
            "ooxml": self._check_zip,
            "odf": self._check_zip,
            "ole": self._check_ole,
        }
        checks[claimed.family](claimed)
        _scan_for_viruses(self)
        return CheckedUpload(
            kind=claimed.name,
            mime=claimed.mime_type,
            extension=claimed.extensions[0],
            size=size,
            sha256=self._sha256(),
            original_name=self.name,
        )

    def _sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()

    def _refuse_polyglots(self) -> None:
        # A PDF reader finds "%PDF-" anywhere in the first kilobyte: something
        # else in front of it makes the file two things at once.
        offset = self.head.find(b"%PDF-", 0, 1024)
        if offset > 0 and self.head[:offset].strip(_WHITESPACE):
            self.polyglot(_sniff_content(self.head) or "data", "pdf")
        # A zip reader looks for its directory at the end of the file.
        if self.sniffed != "zip" and b"PK\x05\x06" in self.tail:
            self.polyglot(self.sniffed or "data", "zip")
        # A page hidden at either end of a photo or a PDF (JPEG and PDF readers
        # ignore it; a browser that sniffs the bytes would run it). PNG and
        # WebP refuse any trailing data in their own checks.
        if self.sniffed in {"jpeg", "pdf"}:
            for part in (self.head[:4096], self.tail):
                if found := _HIDDEN_MARKUP.search(part):
                    markup = "svg" if found.group(0)[1:4].lower() == b"svg" else "html"
                    self.polyglot(self.sniffed, markup)

    # PDF -----------------------------------------------------------------------------

    def _check_pdf(self, kind: Kind) -> None:
        if self.sniffed != "pdf":
            self.mismatch(kind, self.sniffed)
        if b"%%EOF" not in self.tail.rstrip(_WHITESPACE)[-1024:]:
            self.corrupt("tidak ada penanda akhir %%EOF", "no %%EOF end marker")
        object_streams: set[int] = set()
        for offset, name in _pdf_names(self.chunks()):
            if name == b"ObjStm":
                object_streams.add(offset)
                if len(object_streams) > PDF_MAX_OBJECT_STREAMS:
                    self.bomb("terlalu banyak aliran objek PDF", "too many PDF object streams")
            else:
                self._refuse_pdf_name(name)
        # Dictionaries inside compressed object streams (PDF 1.5+) are invisible
        # to the scan above; inflate them and scan again.
        for offset in sorted(object_streams):
            window = self.read_at(offset, 4096)
            keyword = re.search(rb"\bstream(\r\n|\n|\r)", window)
            if keyword is None:
                continue
            try:
                for _offset, name in _pdf_names(self._inflate(offset + keyword.end())):
                    if name != b"ObjStm":
                        self._refuse_pdf_name(name)
            except zlib.error:
                continue  # not Flate, or damaged: nothing more we can see

    def _refuse_pdf_name(self, name: bytes) -> None:
        if name == b"Encrypt":
            self.encrypted()
        code, found_id, found_en = _PDF_HAZARDS[name]
        self.refuse(
            code,
            _(
                "Berkas %(name)s ditolak karena PDF ini berisi %(found_id)s. / "
                "%(name)s was refused because this PDF contains %(found_en)s."
            ),
            found_id=found_id,
            found_en=found_en,
        )

    def _inflate(self, start: int) -> Iterator[bytes]:
        """Inflate the zlib stream that starts at ``start``, within the budget
        of PDF_MAX_INFLATED bytes for the whole file."""
        inflater = zlib.decompressobj()
        for data in self.chunks(start):
            while data:
                out = inflater.decompress(data, CHUNK_BYTES)
                self.inflated += len(out)
                if self.inflated > PDF_MAX_INFLATED:
                    self.bomb(
                        "aliran terkompresi di dalam PDF terlalu besar",
                        "compressed streams inside the PDF are too large",
                    )
                if out:
                    yield out
                if inflater.eof:
                    return
                data = inflater.unconsumed_tail

    # Images ------------------------------------------------------------------------

    def _check_image(self, kind: Kind) -> None:
        if self.sniffed != kind.name:
            self.mismatch(kind, self.sniffed)
        size = self.size or 0
        if kind.name == "png" and not self.tail.endswith(_PNG_END):
            if b"IEND" in self.tail:
                self.polyglot("png", "data")
            self.corrupt("gambar terpotong", "the image is truncated")
        if kind.name == "webp":
            declared = struct.unpack("<I", self.head[4:8])[0] + 8
            if declared < size - 1:
                self.polyglot("webp", "data")
        pillow_format = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind.name]
        # Phones write several pictures into one JPEG (MPO); the first is the photo.
        accepted_formats = {pillow_format, "MPO"} if kind.name == "jpeg" else {pillow_format}
        try:
            self.upload.seek(0)
            with Image.open(self.upload, formats=[pillow_format]) as image:
                if image.format not in accepted_formats:
                    self.mismatch(kind, None)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    self._image_bomb()
                if kind.name != "jpeg" and getattr(image, "is_animated", False):
                    self.refuse(
                        Refusal.ANIMATED,
                        _(
                            "Berkas %(name)s ditolak: gambar bergerak (animasi) tidak diterima. / "
                            "%(name)s was refused: animated images are not accepted."
                        ),
                    )
                image.verify()
            # verify() leaves the image unusable; decoding every pixel is what
            # finds truncated or malformed data.
            self.upload.seek(0)
            with Image.open(self.upload, formats=[pillow_format]) as image:
                image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            self._image_bomb()
        except Exception:  # Pillow raises many types for broken data
            logger.debug("image refused by Pillow", exc_info=True)
            self.corrupt("gambar tidak dapat dibaca", "the image cannot be decoded")

    def _image_bomb(self) -> NoReturn:
        self.refuse(
            Refusal.IMAGE_BOMB,
            _(
                "Berkas %(name)s ditolak: gambar ini terlalu besar untuk dibuka dengan aman "
                "(lebih dari %(limit)s megapiksel). / "
                "%(name)s was refused: the image is too large to open safely "
                "(more than %(limit)s megapixels)."
            ),
            limit=MAX_IMAGE_PIXELS // 1_000_000,
        )

    # Text ----------------------------------------------------------------------------

    def _check_text(self, kind: Kind) -> None:
        if self.sniffed is not None:
            self.mismatch(kind, self.sniffed)
        for encoding in ("utf-8-sig", "cp1252"):
            if self._decodes_as(encoding):
                return
        self.refuse(
            Refusal.ENCODING,
            _(
                "Berkas %(name)s bukan teks UTF-8 atau Windows-1252 yang sah; simpan sebagai "
                "CSV/teks UTF-8. / "
                "%(name)s is not valid UTF-8 or Windows-1252 text; save it as UTF-8 CSV/text."
            ),
        )

    def _decodes_as(self, encoding: str) -> bool:
        decoder = codecs.getincrementaldecoder(encoding)()
        carry = ""
        try:
            for chunk in self.chunks():
                if b"\x00" in chunk:
                    self._not_text("berisi byte NUL; mungkin UTF-16", "it has NUL bytes; UTF-16?")
                window = carry + decoder.decode(chunk)
                if _TEXT_CONTROL.search(window):
                    self._not_text("berisi karakter kendali biner", "it has binary control bytes")
                if _TEXT_SCRIPT.search(window):
                    self.contains(Refusal.SCRIPT, "markup")
                carry = window[-64:]
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def _not_text(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.ENCODING,
            _(
                "Berkas %(name)s bukan teks biasa (%(reason_id)s); simpan sebagai CSV/teks "
                "UTF-8. / "
                "%(name)s is not plain text (%(reason_en)s); save it as UTF-8 CSV/text."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    # Zip containers: OOXML and ODF -----------------------------------------------------

    def _check_zip(self, kind: Kind) -> None:
        if self.sniffed == "ole":
            # A password-protected DOCX/XLSX/PPTX is an OLE container.
            found = self._ole_kind(self._open_ole())
            self.mismatch(kind, found)
        if self.sniffed != "zip":
            self.mismatch(kind, self.sniffed)
        try:
            with zipfile.ZipFile(self.upload) as archive:
                infos = archive.infolist()
                self._check_zip_structure(archive, infos)
                found = self._zip_kind(archive, infos)
                if found != kind.name:
                    self.mismatch(kind, found)
                self._check_zip_members(archive, infos, kind)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError):
            logger.debug("zip refused", exc_info=True)
            self.corrupt("arsip ZIP di dalamnya rusak", "its ZIP structure is damaged")

    def _check_zip_structure(self, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > ZIP_MAX_MEMBERS:
            self.bomb(f"{len(infos)} berkas di dalamnya", f"{len(infos)} members")
        seen: set[str] = set()
        for info in infos:
            name = info.orig_filename
            if _unsafe_member_name(name):
                self.unsafe_archive(
                    f"nama berkas di dalamnya tidak aman: {name[:80]!r}",
                    f"unsafe member name: {name[:80]!r}",
                )
            folded = name.casefold()
            if folded in seen:
                self.unsafe_archive(
                    f"nama berkas ganda: {name[:80]!r}", f"duplicate member name: {name[:80]!r}"
                )
            seen.add(folded)
            if info.flag_bits & 0x41 or info.compress_type == 99:
                self.encrypted()
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.corrupt("metode kompresi tidak dikenal", "unknown compression method")
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > ZIP_RATIO_MIN_BYTES and ratio > ZIP_MAX_RATIO:
                self.bomb(f"rasio kompresi {ratio}:1", f"compression ratio {ratio}:1")
        total = sum(info.file_size for info in infos)
        if total > ZIP_MAX_UNCOMPRESSED:
            total_id, total_en = _size_text(total)
            self.bomb(f"{total_id} setelah dibuka", f"{total_en} uncompressed")
        # Members whose data overlap (the "non-recursive" zip bomb) or run into
        # the central directory.
        ordered = sorted(infos, key=lambda info: info.header_offset)
        ends = [info.header_offset for info in ordered[1:]] + [archive.start_dir]
        for info, next_start in zip(ordered, ends, strict=True):
            encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
            name_bytes = len(info.orig_filename.encode(encoding, errors="replace"))
            if info.header_offset + 30 + name_bytes + info.compress_size > next_start:
                self.bomb("isi berkas yang saling tumpang-tindih", "overlapping members")

    def _zip_kind(self, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
        """Which kind (or LABELS key) the archive is; refuses macros and programs."""
        names = {info.filename for info in infos}
        lowered = [name.lower() for name in names]
        if infos and infos[0].filename == "mimetype":
            if any(name.startswith(("basic/", "scripts/")) for name in lowered):
                self.macro("makro LibreOffice/StarBasic", "LibreOffice/StarBasic macros")
            manifest = _read_member(archive, "META-INF/manifest.xml", MB)
            if manifest is not None and b"encryption-data" in manifest:
                self.encrypted()
            mimetype = _read_member(archive, "mimetype", 200) or b""
            mime = mimetype.strip().decode("ascii", "replace")
            return next(
                (k.name for k in KINDS.values() if k.family == "odf" and k.mime_type == mime),
                "odf",
            )
        if "[Content_Types].xml" in names:
            overrides, defaults = _content_types(archive)
            every_type = [*overrides.values(), *defaults.values()]
            basenames = {name.rsplit("/", 1)[-1] for name in lowered}
            if basenames & {"vbaproject.bin", "vbadata.xml"}:
                self.macro("proyek VBA", "a VBA project")
            if any(_is_macro_content_type(ct) for ct in every_type):
                self.macro("jenis isi makro", "a macro-enabled content type")
            if any("/activex/" in f"/{name}" for name in lowered):
                self.macro("kontrol ActiveX", "ActiveX controls")
            for name, main_type in _OOXML_MAIN_TYPES.items():
                for part, content_type in overrides.items():
                    if content_type == main_type and part.lstrip("/") in names:
                        return name
            return "ooxml"
        if "META-INF/MANIFEST.MF" in names or any(name.endswith(".class") for name in lowered):
            self.contains(Refusal.EXECUTABLE, "jar")
        if "AndroidManifest.xml" in names or "classes.dex" in names:
            self.contains(Refusal.EXECUTABLE, "apk")
        return "zip"

    def _check_zip_members(
        self, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: Kind
    ) -> None:
        """Read every member through zipfile (it verifies the CRC and stops at
        the declared size) and look at what each one is."""
        for info in infos:
            if info.is_dir():
                continue
            lowered = info.filename.lower()
            basename = lowered.rsplit("/", 1)[-1]
            extension = basename.rpartition(".")[2] if "." in basename else ""
            if extension in _EXECUTABLE_EXTENSIONS:
                self.contains(Refusal.EXECUTABLE, "exe")
            if extension in _MACRO_EXTENSIONS:
                self.macro(
                    f"dokumen makro tersemat: {basename}", f"embedded macro file: {basename}"
                )
            with archive.open(info) as member:
                first = member.read(HEAD_BYTES)
                while member.read(CHUNK_BYTES):
                    pass
            if found := _sniff_executable(first, inside_archive=True):
                self.contains(Refusal.EXECUTABLE, found)
            inner = _sniff_content(first)
            if inner in _ARCHIVES:
                # Office files embed charts and objects as whole documents.
                expected = (
                    kind.family == "ooxml"
                    and "/embeddings/" in lowered
                    and inner == "zip"
                    and extension in {"docx", "xlsx", "pptx"}
                )
                if not expected:
                    self.unsafe_archive(
                        f"arsip bersarang: {info.filename[:80]}",
                        f"nested archive: {info.filename[:80]}",
                    )
                # The embedded document is a zip of its own: the same bomb and
                # name checks one level down (its members are not read).
                try:
                    with archive.open(info) as member, zipfile.ZipFile(member) as embedded:
                        self._check_zip_structure(embedded, embedded.infolist())
                except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
                    self.corrupt(
                        f"dokumen tersemat rusak: {info.filename[:80]}",
                        f"damaged embedded document: {info.filename[:80]}",
                    )

    # Legacy Office (OLE compound files) ------------------------------------------------

    def _open_ole(self) -> _OleFile:
        try:
            return _OleFile(self.read_at, self.size or 0)
        except (_OleError, struct.error):
            logger.debug("OLE refused", exc_info=True)
            self.corrupt("struktur Office lama rusak", "its legacy Office structure is damaged")

    def _ole_kind(self, ole: _OleFile) -> str:
        """Which kind the OLE file is; refuses installers, encryption and macros."""
        if ole.is_installer():
            self.contains(Refusal.EXECUTABLE, "msi")
        names = ole.names()
        if {"encryptioninfo", "encryptedpackage"} & names or "encryptedsummary" in names:
            self.encrypted()
        if names & {"macros", "_vba_project_cur", "vba", "_vba_project"}:
            self.macro("proyek VBA", "a VBA project")
        if "worddocument" in names:
            return "doc"
        if "workbook" in names or "book" in names:
            return "xls"
        if "powerpoint document" in names:
            return "ppt"
        return "ole"

    def _check_ole(self, kind: Kind) -> None:
        if self.sniffed != "ole":
            self.mismatch(kind, self.sniffed)
        ole = self._open_ole()
        found = self._ole_kind(ole)
        if found != kind.name:
            self.mismatch(kind, found)
        try:
            if found == "doc":
                fib = ole.read_stream("WordDocument", 32)
                # FIB: wIdent 0xA5EC, then flags with fEncrypted (0x0100).
                if len(fib) >= 12 and fib[:2] == b"\xec\xa5" and fib[11] & 0x01:
                    self.encrypted()
            elif found == "xls":
                stream = "Workbook" if "workbook" in ole.names() else "Book"
                self._check_biff(ole.read_stream(stream, MB))  # BOUNDSHEETs come early
        except (_OleError, struct.error):
            logger.debug("OLE stream refused", exc_info=True)
            self.corrupt("struktur Office lama rusak", "its legacy Office structure is damaged")

    def _check_biff(self, data: bytes) -> None:
        """Walk the workbook globals: FILEPASS means encrypted; a BOUNDSHEET of
        type macro sheet or VBA module means Excel 4.0 (XLM) or VBA macros."""
        offset = 0
        while offset + 4 <= len(data):
            record, length = struct.unpack_from("<HH", data, offset)
            body = data[offset + 4 : offset + 4 + length]
            if record == 0x002F:  # FILEPASS
                self.encrypted()
            if record == 0x0085 and len(body) >= 6 and body[5] in (0x01, 0x06):  # BOUNDSHEET
                self.macro("lembar makro Excel 4.0 (XLM)", "Excel 4.0 (XLM) macro sheets")
            if record == 0x000A:  # EOF of the globals substream
                return
            offset += 4 + length


_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_TEXT_SCRIPT = re.compile(r"<\s*(script|iframe|svg|object|embed|applet|frameset)\b", re.IGNORECASE)

_OOXML_MAIN_TYPES = {
    "docx": f"{_OOXML}.wordprocessingml.document.main+xml",
    "xlsx": f"{_OOXML}.spreadsheetml.sheet.main+xml",
    "pptx": f"{_OOXML}.presentationml.presentation.main+xml",
}
# Inside an Office file, members with these extensions are programs or macros.
_EXECUTABLE_EXTENSIONS = frozenset(
    {"exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "jar", "apk", "bat", "cmd", "ps1",
     "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "reg", "sh", "so", "dylib"}
)  # fmt: skip
_MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppsm", "ppam"}
)
_ARCHIVES = frozenset({"zip", "rar", "7z", "gzip", "bzip2", "xz", "zstd", "cab"})

_PDF_HAZARDS: dict[bytes, tuple[Refusal, str, str]] = {
    b"JavaScript": (Refusal.SCRIPT, "JavaScript (/JavaScript)", "JavaScript (/JavaScript)"),
    b"JS": (Refusal.SCRIPT, "JavaScript (/JS)", "JavaScript (/JS)"),
    b"XFA": (Refusal.SCRIPT, "formulir XFA (/XFA)", "an XFA form (/XFA)"),
    b"RichMedia": (Refusal.SCRIPT, "media aktif (/RichMedia)", "rich media (/RichMedia)"),
    b"Launch": (
        Refusal.EXECUTABLE,
        "perintah menjalankan program (/Launch)",
        "an action that launches a program (/Launch)",
    ),
    b"EmbeddedFile": (
        Refusal.EMBEDDED_FILE,
        "berkas tersemat (/EmbeddedFile)",
        "an embedded file (/EmbeddedFile)",
    ),
    b"EmbeddedFiles": (
        Refusal.EMBEDDED_FILE,
        "berkas tersemat (/EmbeddedFiles)",
        "embedded files (/EmbeddedFiles)",
    ),
}
_PDF_WATCHED = frozenset({*_PDF_HAZARDS, b"Encrypt", b"ObjStm"})
# PDF names run until whitespace (NUL included) or a delimiter; "#xx" escapes
# any byte, so "/J#61vaScript" is "/JavaScript".
_PDF_NAME_CHAR = rb"[^\s\x00()<>\[\]{}/%]"
_PDF_NAME = re.compile(
    rb"/(JavaScript|JS|XFA|RichMedia|Launch|EmbeddedFiles?|Encrypt|ObjStm)"
    rb"(?!" + _PDF_NAME_CHAR + rb")"
)
_PDF_ESCAPED_NAME = re.compile(
    rb"/(" + _PDF_NAME_CHAR + rb"{0,127}#[0-9A-Fa-f]{2}" + _PDF_NAME_CHAR + rb"{0,127})"
)
_PDF_OVERLAP = 512


def _pdf_names(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """(offset, decoded name) of every watched PDF name in the byte stream,
    including names split across chunks and names written with #xx escapes."""
    offset = 0  # of the window's first byte
    window = b""
    pending = next(chunks, b"")
    while pending:
        following = next(chunks, b"")
        window += pending
        last = not following
        # A name that touches the end of a window may continue in the next
        # chunk; it is found again there, where the overlap repeats it.
        for match in _PDF_NAME.finditer(window):
            if last or match.end() < len(window):
                yield offset + match.start(), match.group(1)
        for match in _PDF_ESCAPED_NAME.finditer(window):
            if last or match.end() < len(window):
                name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), match[1])
                if name in _PDF_WATCHED:
                    yield offset + match.start(), name
        keep = min(len(window), _PDF_OVERLAP)
        offset += len(window) - keep
        window = window[len(window) - keep :]
        pending = following


def _unsafe_member_name(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return True
    return any(part in {"..", "."} for part in name.rstrip("/").split("/"))


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as member:
        data: bytes = member.read(limit + 1)
    if len(data) > limit:
        raise zipfile.BadZipFile(f"{name} is larger than {limit} bytes")
    return data


def _content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """(part name → content type, extension → content type) of an OOXML package."""
    data = _read_member(archive, "[Content_Types].xml", MB) or b""
    try:
        root = SafeXML.fromstring(data)
    except Exception as error:  # defusedxml refuses entities; expat refuses junk
        raise zipfile.BadZipFile("unreadable [Content_Types].xml") from error
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for element in root:
        tag = str(element.tag).rsplit("}", 1)[-1]
        content_type = str(element.get("ContentType", ""))
        if tag == "Override":
            overrides[str(element.get("PartName", ""))] = content_type
        elif tag == "Default":
            defaults[str(element.get("Extension", "")).lower()] = content_type
    return overrides, defaults


def _is_macro_content_type(content_type: str) -> bool:
    lowered = content_type.lower()
    return any(
        marker in lowered for marker in ("macroenabled", "vbaproject", "macrosheet", "activex")
    )


# --- OLE compound files ------------------------------------------------------------------


class _OleError(Exception):
    pass


class _OleFile:
    """Just enough of [MS-CFB] to list the storages and streams of a legacy
    Office file and read the start of one stream. Every chain is bounded by
    the file size and checked for loops."""

    END_OF_CHAIN = 0xFFFFFFFE
    FREE = 0xFFFFFFFF
    MAX_ENTRIES = 100_000

    def __init__(self, read_at: Callable[[int, int], bytes], size: int) -> None:
        self.read_at = read_at
        header = read_at(0, 512)
        if len(header) < 512 or not header.startswith(OLE_MAGIC):
            raise _OleError("no OLE header")
        sector_shift, mini_shift = struct.unpack_from("<HH", header, 30)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise _OleError("bad sector sizes")
        self.sector_size = 1 << sector_shift
        self.mini_size = 64
        self.sector_count = (size + self.sector_size - 1) // self.sector_size
        (fat_count,) = struct.unpack_from("<I", header, 44)
        (first_directory,) = struct.unpack_from("<I", header, 48)
        self.mini_cutoff, self.first_mini_fat = struct.unpack_from("<II", header, 56)
        first_difat, difat_count = struct.unpack_from("<II", header, 68)
        if fat_count > self.sector_count or difat_count > self.sector_count:
            raise _OleError("more FAT sectors than the file holds")
        fat_sectors = list(struct.unpack_from("<109I", header, 76))[: min(fat_count, 109)]
        # Files over ~7 MB list the rest of their FAT sectors in a DIFAT chain.
        number, walked = first_difat, 0
        while len(fat_sectors) < fat_count and number not in (self.END_OF_CHAIN, self.FREE):
            walked += 1
            if walked > difat_count:
                raise _OleError("DIFAT chain longer than declared")
            values = struct.unpack(f"<{self.sector_size // 4}I", self._sector(number))
            fat_sectors.extend(values[:-1])
            number = values[-1]
        if len(fat_sectors) < fat_count:
            raise _OleError("FAT sectors missing")
        self.fat_sectors = fat_sectors[:fat_count]
        self._fat_cache: dict[int, tuple[int, ...]] = {}
        self.entries = self._directory(first_directory)
        if not self.entries or self.entries[0][1] != 5:
            raise _OleError("no root entry")

    def _sector(self, number: int) -> bytes:
        if number >= self.sector_count:
            raise _OleError("sector beyond the end of the file")
        return self.read_at((number + 1) * self.sector_size, self.sector_size).ljust(
            self.sector_size, b"\x00"
        )

    def _fat_next(self, number: int) -> int:
        per = self.sector_size // 4
        index = number // per
        if index >= len(self.fat_sectors):
            raise _OleError("sector not covered by the FAT")
        if index not in self._fat_cache:
            self._fat_cache[index] = struct.unpack(
                f"<{per}I", self._sector(self.fat_sectors[index])
            )
        return int(self._fat_cache[index][number % per])

    def _walk(
        self, start: int, following: Callable[[int], int], limit: int | None = None
    ) -> Iterator[int]:
        """The sector numbers of a chain; at most ``limit`` (default: as many
        sectors as the file has), each at most once."""
        limit = self.sector_count if limit is None else limit
        seen: set[int] = set()
        number = start
        while number not in (self.END_OF_CHAIN, self.FREE):
            if number in seen or len(seen) >= limit:
                raise _OleError("sector chain loops")
            seen.add(number)
            yield number
            number = following(number)

    def _directory(self, start: int) -> list[tuple[str, int, int, int, bytes]]:
        entries: list[tuple[str, int, int, int, bytes]] = []
        for sector in self._walk(start, self._fat_next):
            data = self._sector(sector)
            for offset in range(0, self.sector_size, 128):
                raw = data[offset : offset + 128]
                (name_length,) = struct.unpack_from("<H", raw, 64)
                kind = raw[66]
                start_sector, stream_size = struct.unpack_from("<IQ", raw, 116)
                name = raw[: max(0, min(name_length, 64) - 2)].decode("utf-16-le", "replace")
                entries.append((name, kind, start_sector, stream_size, raw[80:96]))
            if len(entries) > self.MAX_ENTRIES:
                raise _OleError("too many directory entries")
        return entries

    def names(self) -> set[str]:
        """Lower-cased names of every storage and stream."""
        return {name.lower() for name, kind, *_rest in self.entries if kind in (1, 2, 5)}

    def is_installer(self) -> bool:
        """Windows Installer databases, patches and transforms (root CLSID
        {000C108x-0000-0000-C000-000000000046})."""
        clsid = self.entries[0][4]
        return clsid[:2] in (b"\x84\x10", b"\x86\x10", b"\x82\x10") and clsid[2:] == (
            b"\x0c\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"
        )

    def read_stream(self, name: str, limit: int) -> bytes:
        """The first ``limit`` bytes of the stream called ``name``."""
        wanted = name.lower()
        entry = next((e for e in self.entries if e[1] == 2 and e[0].lower() == wanted), None)
        if entry is None:
            raise _OleError(f"no stream {name}")
        _name, _kind, start, full_size, _clsid = entry
        size = min(full_size, limit)
        parts: list[bytes] = []
        have = 0
        if full_size >= self.mini_cutoff:
            for sector in self._walk(start, self._fat_next):
                if have >= size:
                    break
                parts.append(self._sector(sector))
                have += self.sector_size
            return b"".join(parts)[:size]
        # Small streams live in 64-byte sectors inside the root entry's stream.
        container = list(self._walk(self.entries[0][2], self._fat_next))
        mini_fat: list[int] = []
        for sector in self._walk(self.first_mini_fat, self._fat_next):
            mini_fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self._sector(sector)))

        def mini_next(number: int) -> int:
            if number >= len(mini_fat):
                raise _OleError("mini sector not covered by the mini FAT")
            return mini_fat[number]

        for mini in self._walk(start, mini_next, len(mini_fat)):
            if have >= size:
                break
            position = mini * self.mini_size
            index, within = divmod(position, self.sector_size)
            if index >= len(container):
                raise _OleError("mini sector beyond the mini stream")
            parts.append(self._sector(container[index])[within : within + self.mini_size])
            have += self.mini_size
        return b"".join(parts)[:size]


# --- Virus scanning (ClamAV's clamd, INSTREAM) ---------------------------------------------


def _scan_for_viruses(inspection: _Inspection) -> None:
    """Stream the file to clamd when KOTACERDAS_CLAMD is set. Fails closed: a
    scanner that cannot be reached, times out or answers oddly refuses the file."""
    address: str = settings.KOTACERDAS_CLAMD
    if not address:
        return
    try:
        reply = clamd_instream(address, inspection.chunks(), settings.KOTACERDAS_CLAMD_TIMEOUT)
    except (OSError, ValueError):
        logger.exception("virus scanner %s unavailable", address)
        reply = ""
    if reply.endswith("FOUND"):
        signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("virus found in upload %r: %s", inspection.name, signature)
        inspection.refuse(
            Refusal.VIRUS,
            _(
                "Berkas %(name)s mengandung virus atau perangkat jahat (%(signature)s) dan "
                "ditolak. / "
                "%(name)s contains a virus or malware (%(signature)s) and was refused."
            ),
            signature=signature[:100],
        )
    if reply != "stream: OK":
        if reply:
            logger.error("virus scanner %s answered %r", address, reply[:200])
        if settings.KOTACERDAS_CLAMD_FAIL_OPEN:
            logger.error(
                "upload %r accepted without a virus scan (KOTACERDAS_CLAMD_FAIL_OPEN)",
                inspection.name,
            )
            return
        inspection.refuse(
            Refusal.SCANNER_UNAVAILABLE,
            _(
                "Berkas %(name)s belum dapat diterima: pemindai virus tidak tersedia. Coba lagi "
                "nanti atau hubungi admin. / "
                "%(name)s cannot be accepted yet: the virus scanner is unavailable. "
                "Try again later or contact the administrator."
            ),
        )


def clamd_instream(address: str, chunks: Iterator[bytes], timeout: float) -> str:
    """Send ``chunks`` to clamd at ``address`` ("unix:/path" or "tcp:host:port")
    with the INSTREAM command; return its answer, e.g. "stream: OK" or
    "stream: Eicar-Test-Signature FOUND". Raises OSError when clamd cannot be
    reached or does not answer within ``timeout`` seconds."""
    with _clamd_connect(address, timeout) as connection:
        connection.sendall(b"zINSTREAM\x00")
        for chunk in chunks:
            connection.sendall(struct.pack("!L", len(chunk)) + chunk)
        connection.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\x00") and len(reply) < 4096:
            data = connection.recv(4096)
            if not data:
                break
            reply += data
    return reply.rstrip(b"\x00").decode("utf-8", "replace").strip()


def _clamd_connect(address: str, timeout: float) -> socket.socket:
    scheme, _sep, rest = address.partition(":")
    if scheme == "unix":
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(rest)
        except OSError:
            connection.close()
            raise
        return connection
    if scheme == "tcp":
        host, _sep, port = rest.rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    raise OSError(f"KOTACERDAS_CLAMD must be unix:/path or tcp:host:port, not {address!r}")
