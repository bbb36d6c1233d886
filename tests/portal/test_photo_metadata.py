"""Public evidence photos go out without GPS and device tags, orientation
kept (issue 14, point 12): stored copies too, since the metadata is removed
when the portal serves the photo."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kotacerdas.core.storage import open_private
from kotacerdas.core.uploads.metadata import without_metadata
from kotacerdas.monitoring import services
from tests.monitoring_fixtures import report
from tests.portal.helpers import close

pytestmark = pytest.mark.django_db

MAKE, MODEL, ORIENTATION, GPS = 0x010F, 0x0110, 0x0112, 0x8825


def _photo(fmt: str, orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "PonselMerek"
    exif[MODEL] = "Seri Rahasia 9"
    exif[GPS] = {1: "N", 2: (1.0, 40.0, 12.5), 3: "E", 4: (101.0, 26.0, 48.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (20, 120, 200)).save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def _tags(data: bytes) -> tuple[dict[int, object], dict[int, object], tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        exif = image.getexif()
        return dict(exif), dict(exif.get_ifd(GPS)), image.size


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_it_removes_gps_and_device_tags_and_keeps_orientation(fmt: str, mime: str) -> None:
    original = _photo(fmt)
    assert b"PonselMerek" in original

    cleaned = without_metadata(original, mime)

    tags, gps, size = _tags(cleaned)
    assert tags == {ORIENTATION: 6}
    assert gps == {}
    assert size == (64, 32)
    assert b"PonselMerek" not in cleaned and b"Seri Rahasia" not in cleaned


def test_a_photo_without_orientation_gets_no_exif_at_all() -> None:
    cleaned = without_metadata(_photo("JPEG", orientation=1), "image/jpeg")
    assert _tags(cleaned)[0] == {}


def test_the_portal_serves_a_public_photo_without_its_metadata(world) -> None:
    draft = report(world)
    upload = SimpleUploadedFile("lokasi.jpg", _photo("JPEG"), content_type="image/jpeg")
    evidence = services.evidence_add_file(
        actor=None, report=draft, upload=upload, caption="Lokasi", is_public=True
    )
    report(world, "verified")
    close(world)  # a photo is public once a close has chosen it (decisions §36)
    with open_private(evidence.file_name) as stored:
        assert b"PonselMerek" in stored.read()  # the agency's own copy is untouched

    response = Client().get(reverse("portal:photo", args=[world.region.code, evidence.pk]))

    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert b"PonselMerek" not in served
    tags, gps, _size = _tags(served)
    assert tags == {ORIENTATION: 6} and gps == {}
