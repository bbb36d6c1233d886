"""One error shape for every failure, rate limits with Retry-After, and no
traceback ever."""

from __future__ import annotations

import pytest

from kotacerdas.api import public
from tests.api.helpers import Api, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]

SHAPE = {"detail", "detail_en", "errors"}


def test_a_validation_error_names_the_field(world, editor_a):
    response = Api(token_for(editor_a)).get("/reports", page="nol")
    assert response.status_code == 422
    body = response.json()
    assert set(body) == SHAPE
    assert body["errors"][0]["field"] == "page"
    assert body["detail"].startswith("Data yang dikirim tidak valid")


def test_a_body_that_is_not_json_is_a_400(world, editor_a):
    api = Api(token_for(editor_a))
    response = api.client.post(
        "/api/v1/periods/1/action-plans/1/report",
        "{not json",
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 400
    assert set(response.json()) == SHAPE


def test_not_found_and_unauthenticated_have_the_shape(world):
    for response, status in (
        (Api().get("/regions/99.99"), 404),
        (Api().get("/reports"), 401),
        (Api().get("/reports/1"), 401),
    ):
        assert response.status_code == status
        assert set(response.json()) == SHAPE


def test_it_limits_anonymous_callers(world, settings):
    settings.KOTACERDAS_API_RATE_ANON = "3/min"
    api = Api()
    statuses = [api.get("/regions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/regions")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert set(limited.json()) == SHAPE


def test_it_limits_each_user_on_their_own(world, settings, editor_a, editor_b):
    settings.KOTACERDAS_API_RATE_USER = "2/min"
    first = Api(token_for(editor_a, "read"))
    second_token = Api(token_for(editor_a))  # another token of the same user
    assert [first.get("/me").status_code for _ in range(2)] == [200, 200]
    assert second_token.get("/me").status_code == 429
    assert Api(token_for(editor_b)).get("/me").status_code == 200


def test_a_server_error_shows_no_traceback(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("rahasia internal")

    monkeypatch.setattr(public.portal, "public_overview", broken)
    response = Api().get(f"/regions/{world.region.code}")
    assert response.status_code == 500
    body = response.json()
    assert set(body) == SHAPE
    assert "rahasia" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_english_is_offered_beside_indonesian(world):
    body = Api().get("/regions/99.99").json()
    assert body["detail"] == "Data tidak ditemukan, atau Anda tidak berhak melihatnya."
    assert body["detail_en"]
