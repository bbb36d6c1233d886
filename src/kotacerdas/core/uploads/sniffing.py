"""What a file's first bytes say it is, whatever its name claims: programs,
pages that can run scripts, and the magic numbers of the formats we know or
refuse. ``LABELS`` names each finding in Indonesian and English for the
refusal messages."""

from __future__ import annotations

import re

from kotacerdas.core.uploads.kinds import KINDS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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

WHITESPACE = b" \t\r\n\x0c\x00"


def sniff_executable(head: bytes, *, inside_archive: bool = False) -> str | None:
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


HIDDEN_MARKUP = re.compile(rb"(?i)<(?:script|html[\s>]|svg[\s>]|iframe|!doctype\s+html)")


def sniff_markup(head: bytes) -> str | None:
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


def sniff_content(head: bytes) -> str | None:
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
    if offset > 0 and not head[:offset].strip(WHITESPACE):
        return "pdf"
    return None
