"""Photos (JPEG, PNG, WebP): the content must be the claimed format, not
too many pixels to decode safely, not animated, nothing after the image's
end, and every pixel decodable."""

from __future__ import annotations

import logging
import struct
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotacerdas.core.uploads.inspection import Inspection
from kotacerdas.core.uploads.kinds import Kind, Refusal

logger = logging.getLogger("kotacerdas.core.uploads")  # one logger for every check

# Images: Pillow's own guard (MAX_IMAGE_PIXELS, ~89 MP) is a process-wide
# global; this lower limit is checked per file before any pixel is decoded.
MAX_IMAGE_PIXELS = 40_000_000

_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def check_image(inspection: Inspection, kind: Kind) -> None:
    """A still photo of the claimed format that decodes within the pixel limit."""
    if inspection.sniffed != kind.name:
        inspection.mismatch(kind, inspection.sniffed)
    size = inspection.size or 0
    if kind.name == "png" and not inspection.tail.endswith(_PNG_END):
        if b"IEND" in inspection.tail:
            inspection.polyglot("png", "data")
        inspection.corrupt("gambar terpotong", "the image is truncated")
    if kind.name == "webp":
        declared = struct.unpack("<I", inspection.head[4:8])[0] + 8
        if declared < size - 1:
            inspection.polyglot("webp", "data")
    from PIL import Image  # here, not at the top: Pillow costs every process ~0.2 s to import

    pillow_format = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind.name]
    # Phones write several pictures into one JPEG (MPO); the first is the photo.
    accepted_formats = {pillow_format, "MPO"} if kind.name == "jpeg" else {pillow_format}
    try:
        inspection.upload.seek(0)
        with Image.open(inspection.upload, formats=[pillow_format]) as image:
            if image.format not in accepted_formats:
                inspection.mismatch(kind, None)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                _image_bomb(inspection)
            if kind.name != "jpeg" and getattr(image, "is_animated", False):
                inspection.refuse(
                    Refusal.ANIMATED,
                    _(
                        "Berkas %(name)s ditolak: gambar bergerak (animasi) tidak diterima. / "
                        "%(name)s was refused: animated images are not accepted."
                    ),
                )
            image.verify()
        # verify() leaves the image unusable; decoding every pixel is what
        # finds truncated or malformed data.
        inspection.upload.seek(0)
        with Image.open(inspection.upload, formats=[pillow_format]) as image:
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _image_bomb(inspection)
    except Exception:  # Pillow raises many types for broken data
        logger.debug("image refused by Pillow", exc_info=True)
        inspection.corrupt("gambar tidak dapat dibaca", "the image cannot be decoded")


def _image_bomb(inspection: Inspection) -> NoReturn:
    inspection.refuse(
        Refusal.IMAGE_BOMB,
        _(
            "Berkas %(name)s ditolak: gambar ini terlalu besar untuk dibuka dengan aman "
            "(lebih dari %(limit)s megapiksel). / "
            "%(name)s was refused: the image is too large to open safely "
            "(more than %(limit)s megapixels)."
        ),
        limit=MAX_IMAGE_PIXELS // 1_000_000,
    )
