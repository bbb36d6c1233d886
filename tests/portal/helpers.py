"""Portal test helpers: public and private photos on plan_a's report, and
closing the world's period (so the portal has a snapshot)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evidence, ReportingPeriod
from tests.conftest import World
from tests.monitoring_fixtures import period, report


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def add_photo(w: World, *, public: bool, caption: str = "Peluncuran layanan") -> Evidence:
    draft = report(w)
    return services.evidence_add_file(
        actor=None, report=draft, upload=png_upload(), caption=caption, is_public=public
    )


def close(w: World) -> ReportingPeriod:
    return period(w, "closed")
