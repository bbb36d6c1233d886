"""The views of core itself: the health check and the error page."""

from __future__ import annotations

from django.urls import reverse

from kotacerdas.core.views import server_error


def test_healthz_reports_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.json() == {"status": "ok", "worker": "down"}  # no worker in tests


def test_the_error_page_shows_no_traceback(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Terjadi gangguan" in response.content and b"Traceback" not in response.content
