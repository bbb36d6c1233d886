"""Public reads: only what the portal publishes (the latest closed period's
snapshot), with filters and pagination, and nothing personal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kotacerdas.masterplan.services import action_plan_status_correct
from kotacerdas.portal.selectors import public_search, published_snapshot
from tests.api.helpers import Api
from tests.monitoring_fixtures import period
from tests.permissions.rows_umkm_registry import NIK, make_business

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def test_it_lists_regions_and_the_plan_without_login(world):
    api = Api()
    assert api.get("/regions").json() == [{"code": world.region.code, "name": world.region.name}]
    region = api.get(f"/regions/{world.region.code}").json()
    assert region["masterplan"]["title"] == world.masterplan.title
    assert region["snapshot"] is None
    assert region["action_plans"] is None
    pillars = api.get(f"/regions/{world.region.code}/pillars").json()
    assert len(pillars) == 6


def test_it_shows_the_status_of_the_snapshot_not_the_live_one(world, admin_user):
    period(world, state="closed", number=2)  # snapshot: nothing started
    action_plan_status_correct(
        actor=admin_user, action_plan=world.plan_a, status="selesai", reason="Berita acara."
    )
    api = Api()
    plans = api.get(f"/regions/{world.region.code}/action-plans").json()
    assert {p["status"] for p in plans["items"]} == {"belum_dimulai"}
    assert (
        api.get(f"/regions/{world.region.code}/action-plans", status="selesai").json()["items"]
        == []
    )
    figures = api.get(f"/regions/{world.region.code}/figures").json()
    assert len(figures) == 1
    assert figures[0]["action_plans"] == {"numerator": 0, "denominator": 2, "percent": "0.00"}
    assert figures[0]["snapshot"]["period"] == "Triwulan II 2024"


def test_it_pages_and_filters_programmes(world):
    api = Api()
    page = api.get(f"/regions/{world.region.code}/programmes", page_size=1).json()
    assert page["count"] == 1
    assert page["has_next"] is False
    assert page["items"][0]["code"] == world.programme.code
    assert api.get(f"/regions/{world.region.code}/programmes", q="tidak-ada").json()["items"] == []
    bad = api.get(f"/regions/{world.region.code}/programmes", pillar="bukan")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "pillar"


def test_the_programme_filter_finds_what_the_portal_search_finds(world):
    period(world, state="closed", number=2)
    query = " ".join(reversed(world.programme.name.upper().split()))
    portal = public_search(
        masterplan=world.masterplan,
        snapshot=published_snapshot(masterplan=world.masterplan),
        query=query,
    )
    found = Api().get(f"/regions/{world.region.code}/programmes", q=query).json()["items"]
    assert (
        [p["code"] for p in found] == [p.code for p in portal.programmes] == [world.programme.code]
    )


def test_registry_figures_are_suppressed_and_impersonal(world):
    make_business(world)
    response = Api().get(f"/regions/{world.region.code}/umkm-statistics")
    assert response.status_code == 200
    assert response.json()["total"] is None  # one business: too few to publish
    assert NIK not in response.content.decode()


def test_the_docs_render_from_our_own_static_files(world, client):
    response = client.get(reverse("apiweb:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/reports/{report_id}/verify" in schema["paths"]


def _queries(api: Api, path: str, **params: object) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, **params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_public_answers_are_cached_until_the_published_data_changes(
    world, django_capture_on_commit_callbacks
):
    api = Api()
    path = f"/regions/{world.region.code}"
    cold, first = _queries(api, path)
    warm, again = _queries(api, path)
    assert again == first
    assert warm < cold  # built once per published data version
    # A closed period publishes a snapshot: the next answer shows it at once.
    with django_capture_on_commit_callbacks(execute=True):
        period(world, state="closed", number=2)
    _, published = _queries(api, path)
    assert published["snapshot"]["period"] == "Triwulan II 2024"
    assert published["action_plans"] == {"numerator": 0, "denominator": 2, "percent": "0.00"}


def test_cached_lists_still_filter_per_request(world):
    period(world, state="closed", number=2)
    api = Api()
    path = f"/regions/{world.region.code}/action-plans"
    assert len(api.get(path).json()["items"]) == 2
    assert api.get(path, status="selesai").json()["items"] == []  # same cached list, filtered
    assert len(api.get(path, status="belum_dimulai").json()["items"]) == 2
    assert api.get(f"/regions/{world.region.code}/programmes", q="tidak-ada").json()["items"] == []
