"""The OpenAPI schema behind /api/docs/ is built once per process and
language, not on every visit (it follows from the code alone)."""

from __future__ import annotations

import ninja.main
import pytest
from django.utils import translation

from kotacerdas.api.main import api


@pytest.fixture
def builds(monkeypatch):  # type: ignore[no-untyped-def]
    api.__dict__.pop("_built", None)
    counted: list[str] = []
    real = ninja.main.get_schema

    def counting(**kwargs):  # type: ignore[no-untyped-def]
        counted.append(kwargs["path_prefix"])
        return real(**kwargs)

    monkeypatch.setattr(ninja.main, "get_schema", counting)
    yield counted
    api.__dict__.pop("_built", None)


def test_the_schema_is_served_and_built_once(client, builds) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["info"]["title"] == "KotaCerdas API"
    assert len(builds) == 1


def test_each_language_gets_its_own_build(builds) -> None:  # type: ignore[no-untyped-def]
    with translation.override("id"):
        api.get_openapi_schema(path_prefix="/api/v1/")
        api.get_openapi_schema(path_prefix="/api/v1/")
    with translation.override("en"):
        api.get_openapi_schema(path_prefix="/api/v1/")
    assert len(builds) == 2


def test_a_warmed_worker_serves_the_first_visit_without_building(client, builds) -> None:  # type: ignore[no-untyped-def]
    from kotacerdas.api.main import warm_up

    warm_up()
    assert len(builds) == 1
    with translation.override("id"):
        response = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert len(builds) == 1
