"""Anonymising from the registry goes through a confirmation that names the
businesses past retention and the personal data cleared for good; only its
own POST clears, and the officer's act is recorded like the daily run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.umkm.models import Business, PersonalDataAccess
from kotacerdas.umkm.pdp.selectors import anonymisation_preview
from kotacerdas.umkm.registry import services
from tests.permissions.rows_umkm_registry import NIK, make_business

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def _closed(world, years_ago: float, **data) -> Business:
    business = make_business(world, **data)
    services.business_set_status(actor=None, business=business, status="closed")
    Business.objects.filter(pk=business.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=365.25 * years_ago)
    )
    business.refresh_from_db()
    return business


def test_the_preview_counts_only_what_is_past_retention(world):
    old = _closed(world, 6, name="Warung Lama")
    _closed(world, 1, name="Toko Baru Tutup")
    preview = anonymisation_preview(region=world.region, now=timezone.now())
    assert preview.count == 1 and [b.pk for b in preview.shown] == [old.pk]
    assert preview.retention_years == 5


def test_the_page_names_the_businesses_and_a_plain_post_clears_nothing(world, personas):
    old = _closed(world, 6, name="Warung Lama")
    client = personas["officer"]
    url = reverse("umkm:anonymise", args=[world.region.code])
    page = client.get(url)
    assert page.status_code == 200
    lines = {c.testid: c.count for c in page.context["confirmation"].consequences}
    assert lines["anonymise-count"] == 1
    assert "Warung Lama" in lines["anonymise-businesses"]
    assert "NIK pemilik" in lines["anonymise-fields"]
    assert NIK not in page.content.decode()
    assert client.post(url).status_code == 200
    old.refresh_from_db()
    assert old.owner_nik == NIK and old.anonymised_at is None
    response = client.post(url, {CONFIRM_FIELD: "1"})
    assert response["Location"] == reverse("umkm:access_log", args=[world.region.code])
    old.refresh_from_db()
    assert old.owner_nik == "" and old.anonymised_at is not None
    record = PersonalDataAccess.objects.get(action="anonymise")
    assert record.business_ids == [old.pk] and record.actor is not None
