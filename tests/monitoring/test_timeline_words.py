"""The timeline of an action plan in words, in both languages: report states
and plan statuses by their labels, the system as an actor by name, dates with
the month in the reader's language (issue 21, point 9)."""

from __future__ import annotations

import calendar

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from kotacerdas.core.formatting import MONTHS_ID
from kotacerdas.core.models import AuditEvent
from kotacerdas.monitoring import services
from tests.monitoring_fixtures import period

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def _walk(world, admin_user, editor_a):
    p = period(world)
    r = services.report_save(actor=None, period=p, action_plan=world.plan_a, status="berjalan")
    services.report_submit(actor=editor_a, report=r)
    services.report_verify(actor=admin_user, report=r)
    return AuditEvent.objects.order_by("-occurred_at", "-id").first()


def test_the_timeline_speaks_indonesian_in_words(world, personas, admin_user, editor_a):
    _walk(world, admin_user, editor_a)
    html = _text(personas["admin"].get(reverse("monitoring:timeline", args=[world.plan_a.pk])))
    assert "Keadaan laporan: Diajukan → Terverifikasi" in html
    assert "Status: Belum dimulai → Berjalan" in html
    assert "oleh Sistem" in html
    for code in ("submitted", "verified", "belum_dimulai", "berjalan →", "oleh sistem"):
        assert code not in html


def test_the_timeline_speaks_english_with_english_dates(world, personas, admin_user, editor_a):
    last = _walk(world, admin_user, editor_a)
    client = personas["admin"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = _text(client.get(reverse("monitoring:timeline", args=[world.plan_a.pk])))
    assert "Submitted → Verified" in html
    assert "Not started → Running" in html
    assert "System" in html and "sistem" not in html
    day = timezone.localtime(last.occurred_at, world.region.tzinfo).date()
    assert f"{day.day} {calendar.month_name[day.month]} {day.year}" in html
    assert (
        MONTHS_ID[day.month - 1] not in html
        or MONTHS_ID[day.month - 1] == calendar.month_name[day.month]
    )
