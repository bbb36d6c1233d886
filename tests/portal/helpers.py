"""Portal test helpers: public and private photos on plan_a's report, and
closing the world's period (so the portal has a snapshot)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evidence, ReportingPeriod
from tests.conftest import World
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
)
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


def published_world_build() -> World:
    """A region whose first period is closed with one verified report: two
    agencies, one programme, two action plans (the portal's browser worlds)."""
    region = RegionFactory()
    masterplan = make_masterplan(region)
    agency_a = AgencyFactory(region=region, short_name="Diskominfo", name="Dinas Kominfo")
    agency_b = AgencyFactory(region=region, short_name="Dispar", name="Dinas Pariwisata")
    programme = make_programme(masterplan, lead_agency=agency_a, name="Layanan Publik Digital")
    plan_a = make_action_plan(programme, agency=agency_a, activity="Aplikasi antrean puskesmas")
    plan_b = make_action_plan(programme, agency=agency_b, activity="Kanal pengaduan warga")
    w = World(region, masterplan, agency_a, agency_b, programme, plan_a, plan_b)
    report(w, "verified")
    period(w, "closed")
    return w
