"""The database fails under a request: storage full (SQLite's max_page_count)
or the database gone. The visitor gets the clean, bilingual 503 page (no
traceback), /healthz/ says 503, and once the database is back the same
running app answers again, without a restart."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from kotacerdas.core.models import AuditEvent
from tests.conftest import World


def fill_the_disk() -> None:
    """Cap the database at its current size and fill every free page."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE faults_filler (junk BLOB)")
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages + 8}")
        with pytest.raises(OperationalError, match="full"):
            for _ in range(1000):
                cursor.execute("INSERT INTO faults_filler VALUES (randomblob(1000))")


def free_the_disk() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count = 1073741823")
        cursor.execute("DROP TABLE faults_filler")


def assert_clean_503(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Sedang tidak tersedia" in body and "The database is unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_healthz_answers_ok_with_a_working_database(client: Client, db: None) -> None:
    response = client.get("/healthz/")

    assert (response.status_code, response.json()) == (200, {"status": "ok", "worker": "down"})


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's max_page_count; PostgreSQL's outage is in test_server.py",
)
def test_a_full_disk_gives_the_503_page_a_failing_healthz_and_recovers(
    personas: dict[str, Client], world: World, transactional_db: None
) -> None:
    admin = personas["admin"]
    admin.raise_request_exception = False
    url = f"/rencana-aksi/{world.plan_a.pk}/status/"
    statuses = ["berjalan", "belum_dimulai"]
    fill_the_disk()
    try:
        # Writes go on while pages have room left; one of them finds none.
        for attempt in range(200):
            before = AuditEvent.objects.count()
            response = admin.post(url, {"status": statuses[attempt % 2]}, HTTP_HX_REQUEST="true")
            if response.status_code != 200:
                break
        assert_clean_503(response)
        world.plan_a.refresh_from_db()
        assert world.plan_a.status == statuses[(attempt + 1) % 2], "half a write"
        assert AuditEvent.objects.count() == before
        health = admin.get("/healthz/")
        assert (health.status_code, health.json()["database"]) == (503, "full")
    finally:
        free_the_disk()

    response = admin.post(url, {"status": statuses[attempt % 2]}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert admin.get("/healthz/").status_code == 200
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == statuses[attempt % 2]
    assert AuditEvent.objects.count() == before + 1
