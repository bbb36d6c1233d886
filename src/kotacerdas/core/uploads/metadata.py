"""Photos without their metadata: EXIF (GPS position, camera and phone
model, serial numbers, time), XMP, IPTC and comments are removed before a
photo is shown to the public (issue 14: public evidence photos kept their GPS
and device tags). The orientation is kept, as a minimal EXIF block holding
only that tag, so a portrait photo still stands upright.

The pixels are not decoded or re-encoded: the container's segments (JPEG) or
chunks (PNG, WebP) that carry metadata are dropped, everything else is copied
byte for byte. Input that does not parse as its format is returned unchanged
(uploads were checked when they came in; this is not a validator).
"""

from __future__ import annotations

import io
import struct
import zlib

ORIENTATION = 0x0112


def _orientation(data: bytes) -> int:
    from PIL import Image  # imported when a photo is served, not by every process

    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(ORIENTATION, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _tiff_orientation(orientation: int) -> bytes:
    """A little-endian TIFF structure with one IFD entry: Orientation."""
    entry = struct.pack("<HHIHH", ORIENTATION, 3, 1, orientation, 0)
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + b"\x00" * 4


def _jpeg(data: bytes, orientation: int) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    if orientation != 1:
        exif = b"Exif\x00\x00" + _tiff_orientation(orientation)
        out += b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return data  # not a segment boundary: leave the file as it is
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos : pos + 2]
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segment = data[pos : pos + 2 + length]
        pos += 2 + length
        # APP1 (EXIF, XMP), APP3-APP13 (IPTC, Photoshop, makers' data), APP15, COM.
        # Kept: APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour transform).
        if (0xE1 <= marker <= 0xEF and marker not in (0xE2, 0xEE)) or marker == 0xFE:
            continue
        out += segment
    return data


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(data: bytes, orientation: int) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        return data
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"IDAT" and orientation != 1:
            out += _png_chunk(b"eXIf", _tiff_orientation(orientation))
            orientation = 1  # written once, before the first IDAT
        if kind not in _PNG_METADATA:
            out += chunk
        if kind == b"IEND":
            return bytes(out)
    return data


def _webp(data: bytes, orientation: int) -> bytes:
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return data
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        length = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + length]
        pos += 8 + length + (length & 1)
        chunks.append((kind, body))
    kept = [(k, b) for k, b in chunks if k not in (b"EXIF", b"XMP ")]
    if orientation != 1 and any(k == b"VP8X" for k, _ in kept):
        kept.append((b"EXIF", _tiff_orientation(orientation)))
    out = bytearray()
    for kind, body in kept:
        if kind == b"VP8X":
            flags = body[0] & ~0x0C  # EXIF (0x08) and XMP (0x04) flags off
            if any(k == b"EXIF" for k, _ in kept):
                flags |= 0x08
            body = bytes([flags]) + body[1:]
        out += kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")
    return b"RIFF" + struct.pack("<I", len(out) + 4) + b"WEBP" + bytes(out)


def without_metadata(data: bytes, content_type: str) -> bytes:
    """``data`` (a JPEG, PNG or WebP photo) without its metadata, orientation
    kept; other types and unparsable data are returned unchanged."""
    strip = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}.get(content_type)
    if strip is None:
        return data
    return strip(data, _orientation(data))
