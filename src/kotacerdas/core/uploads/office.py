"""Office files that are zip containers (OOXML: DOCX, XLSX, PPTX; ODF: ODT,
ODS, ODP): zip bombs and unsafe member names are refused before anything is
decompressed, then the package must be the claimed kind, without macros,
ActiveX, programs or nested archives, and every member is read through
zipfile (which stops at the declared size and verifies the CRC)."""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
import zlib

from defusedxml import ElementTree as SafeXML  # type: ignore[import-untyped]

from kotacerdas.core.uploads.inspection import CHUNK_BYTES, HEAD_BYTES, Inspection
from kotacerdas.core.uploads.kinds import KINDS, MB, OOXML_MIME, Kind, Refusal, size_text
from kotacerdas.core.uploads.ole import ole_kind, open_ole
from kotacerdas.core.uploads.sniffing import sniff_content, sniff_executable

logger = logging.getLogger("kotacerdas.core.uploads")  # one logger for every check

# Zip containers (OOXML, ODF). Declared sizes are checked before anything is
# decompressed; every member is then read through zipfile, which stops at the
# declared size and verifies the CRC, so a lying header cannot inflate further.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_UNCOMPRESSED = 1024 * MB
ZIP_MAX_RATIO = 200
# Small members compress extremely well (empty sheets, repeated styles); the
# ratio limit applies to members larger than this.
ZIP_RATIO_MIN_BYTES = 1 * MB

_OOXML_MAIN_TYPES = {
    "docx": f"{OOXML_MIME}.wordprocessingml.document.main+xml",
    "xlsx": f"{OOXML_MIME}.spreadsheetml.sheet.main+xml",
    "pptx": f"{OOXML_MIME}.presentationml.presentation.main+xml",
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


def check_zip(inspection: Inspection, kind: Kind) -> None:
    """An OOXML or ODF package of the claimed kind, safe to open."""
    if inspection.sniffed == "ole":
        # A password-protected DOCX/XLSX/PPTX is an OLE container.
        found = ole_kind(inspection, open_ole(inspection))
        inspection.mismatch(kind, found)
    if inspection.sniffed != "zip":
        inspection.mismatch(kind, inspection.sniffed)
    try:
        with zipfile.ZipFile(inspection.upload) as archive:
            infos = archive.infolist()
            _check_zip_structure(inspection, archive, infos)
            found = _zip_kind(inspection, archive, infos)
            if found != kind.name:
                inspection.mismatch(kind, found)
            _check_zip_members(inspection, archive, infos, kind)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError):
        logger.debug("zip refused", exc_info=True)
        inspection.corrupt("arsip ZIP di dalamnya rusak", "its ZIP structure is damaged")


def _check_zip_structure(
    inspection: Inspection, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> None:
    """Bombs, unsafe or duplicate names, encryption and overlapping members,
    from the central directory alone (nothing is decompressed)."""
    if len(infos) > ZIP_MAX_MEMBERS:
        inspection.bomb(f"{len(infos)} berkas di dalamnya", f"{len(infos)} members")
    seen: set[str] = set()
    for info in infos:
        name = info.orig_filename
        if _unsafe_member_name(name):
            inspection.unsafe_archive(
                f"nama berkas di dalamnya tidak aman: {name[:80]!r}",
                f"unsafe member name: {name[:80]!r}",
            )
        folded = name.casefold()
        if folded in seen:
            inspection.unsafe_archive(
                f"nama berkas ganda: {name[:80]!r}", f"duplicate member name: {name[:80]!r}"
            )
        seen.add(folded)
        if info.flag_bits & 0x41 or info.compress_type == 99:
            inspection.encrypted()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            inspection.corrupt("metode kompresi tidak dikenal", "unknown compression method")
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_BYTES and ratio > ZIP_MAX_RATIO:
            inspection.bomb(f"rasio kompresi {ratio}:1", f"compression ratio {ratio}:1")
    total = sum(info.file_size for info in infos)
    if total > ZIP_MAX_UNCOMPRESSED:
        total_id, total_en = size_text(total)
        inspection.bomb(f"{total_id} setelah dibuka", f"{total_en} uncompressed")
    # Members whose data overlap (the "non-recursive" zip bomb) or run into
    # the central directory.
    ordered = sorted(infos, key=lambda info: info.header_offset)
    ends = [info.header_offset for info in ordered[1:]] + [archive.start_dir]
    for info, next_start in zip(ordered, ends, strict=True):
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        name_bytes = len(info.orig_filename.encode(encoding, errors="replace"))
        if info.header_offset + 30 + name_bytes + info.compress_size > next_start:
            inspection.bomb("isi berkas yang saling tumpang-tindih", "overlapping members")


def _zip_kind(
    inspection: Inspection, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> str:
    """Which kind (or LABELS key) the archive is; refuses macros and programs."""
    names = {info.filename for info in infos}
    lowered = [name.lower() for name in names]
    if infos and infos[0].filename == "mimetype":
        if any(name.startswith(("basic/", "scripts/")) for name in lowered):
            inspection.macro("makro LibreOffice/StarBasic", "LibreOffice/StarBasic macros")
        manifest = _read_member(archive, "META-INF/manifest.xml", MB)
        if manifest is not None and b"encryption-data" in manifest:
            inspection.encrypted()
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
            inspection.macro("proyek VBA", "a VBA project")
        if any(_is_macro_content_type(ct) for ct in every_type):
            inspection.macro("jenis isi makro", "a macro-enabled content type")
        if any("/activex/" in f"/{name}" for name in lowered):
            inspection.macro("kontrol ActiveX", "ActiveX controls")
        for name, main_type in _OOXML_MAIN_TYPES.items():
            for part, content_type in overrides.items():
                if content_type == main_type and part.lstrip("/") in names:
                    return name
        return "ooxml"
    if "META-INF/MANIFEST.MF" in names or any(name.endswith(".class") for name in lowered):
        inspection.contains(Refusal.EXECUTABLE, "jar")
    if "AndroidManifest.xml" in names or "classes.dex" in names:
        inspection.contains(Refusal.EXECUTABLE, "apk")
    return "zip"


def _check_zip_members(
    inspection: Inspection, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: Kind
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
            inspection.contains(Refusal.EXECUTABLE, "exe")
        if extension in _MACRO_EXTENSIONS:
            inspection.macro(
                f"dokumen makro tersemat: {basename}", f"embedded macro file: {basename}"
            )
        with archive.open(info) as member:
            first = member.read(HEAD_BYTES)
            while member.read(CHUNK_BYTES):
                pass
        if found := sniff_executable(first, inside_archive=True):
            inspection.contains(Refusal.EXECUTABLE, found)
        inner = sniff_content(first)
        if inner in _ARCHIVES:
            # Office files embed charts and objects as whole documents.
            expected = (
                kind.family == "ooxml"
                and "/embeddings/" in lowered
                and inner == "zip"
                and extension in {"docx", "xlsx", "pptx"}
            )
            if not expected:
                inspection.unsafe_archive(
                    f"arsip bersarang: {info.filename[:80]}",
                    f"nested archive: {info.filename[:80]}",
                )
            # The embedded document is a zip of its own: the same bomb and
            # name checks one level down (its members are not read).
            try:
                with archive.open(info) as member, zipfile.ZipFile(member) as embedded:
                    _check_zip_structure(inspection, embedded, embedded.infolist())
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
                inspection.corrupt(
                    f"dokumen tersemat rusak: {info.filename[:80]}",
                    f"damaged embedded document: {info.filename[:80]}",
                )


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
