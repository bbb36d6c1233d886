"""PDF: the header and end marker, and every name that makes a PDF act
(JavaScript, XFA forms, launch actions, embedded files, encryption), also
when written with #xx escapes or hidden inside compressed object streams."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from django.utils.translation import gettext as _

from kotacerdas.core.uploads.inspection import CHUNK_BYTES, Inspection
from kotacerdas.core.uploads.kinds import MB, Kind, Refusal
from kotacerdas.core.uploads.sniffing import WHITESPACE

# PDF object streams are inflated to look inside them, within these budgets.
PDF_MAX_OBJECT_STREAMS = 5_000
PDF_MAX_INFLATED = 256 * MB

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


def check_pdf(inspection: Inspection, kind: Kind) -> None:
    """A PDF with its end marker and none of the names that make it act."""
    if inspection.sniffed != "pdf":
        inspection.mismatch(kind, inspection.sniffed)
    if b"%%EOF" not in inspection.tail.rstrip(WHITESPACE)[-1024:]:
        inspection.corrupt("tidak ada penanda akhir %%EOF", "no %%EOF end marker")
    object_streams: set[int] = set()
    for offset, name in _pdf_names(inspection.chunks()):
        if name == b"ObjStm":
            object_streams.add(offset)
            if len(object_streams) > PDF_MAX_OBJECT_STREAMS:
                inspection.bomb("terlalu banyak aliran objek PDF", "too many PDF object streams")
        else:
            _refuse_name(inspection, name)
    # Dictionaries inside compressed object streams (PDF 1.5+) are invisible
    # to the scan above; inflate them and scan again.
    for offset in sorted(object_streams):
        window = inspection.read_at(offset, 4096)
        keyword = re.search(rb"\bstream(\r\n|\n|\r)", window)
        if keyword is None:
            continue
        try:
            for _offset, name in _pdf_names(_inflate(inspection, offset + keyword.end())):
                if name != b"ObjStm":
                    _refuse_name(inspection, name)
        except zlib.error:
            continue  # not Flate, or damaged: nothing more we can see


def _refuse_name(inspection: Inspection, name: bytes) -> None:
    if name == b"Encrypt":
        inspection.encrypted()
    code, found_id, found_en = _PDF_HAZARDS[name]
    inspection.refuse(
        code,
        _(
            "Berkas %(name)s ditolak karena PDF ini berisi %(found_id)s. / "
            "%(name)s was refused because this PDF contains %(found_en)s."
        ),
        found_id=found_id,
        found_en=found_en,
    )


def _inflate(inspection: Inspection, start: int) -> Iterator[bytes]:
    """Inflate the zlib stream that starts at ``start``, within the budget
    of PDF_MAX_INFLATED bytes for the whole file."""
    inflater = zlib.decompressobj()
    for data in inspection.chunks(start):
        while data:
            out = inflater.decompress(data, CHUNK_BYTES)
            inspection.inflated += len(out)
            if inspection.inflated > PDF_MAX_INFLATED:
                inspection.bomb(
                    "aliran terkompresi di dalam PDF terlalu besar",
                    "compressed streams inside the PDF are too large",
                )
            if out:
                yield out
            if inflater.eof:
                return
            data = inflater.unconsumed_tail
