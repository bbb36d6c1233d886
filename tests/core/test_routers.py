"""Reads that tolerate lag go to the replica, everything else to the primary
(issue 16, "several nodes"): the router's rules, and a request through the
whole stack with two database aliases on SQLite (the replica alias a second
connection to the test database). The real PostgreSQL streaming replica is
proved in tests/core/test_replica_drill.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from kotacerdas.core import routers
from kotacerdas.core.routers import (
    PIN_COOKIE,
    REPLICA,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    replica_reads,
)
from kotacerdas.regions.models import Region
from tests.factories import PASSWORD, RegionFactory, make_user

router = ReplicaRouter()


@pytest.fixture
def replica_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def _through_middleware(
    request: HttpRequest, *, marked: bool = False, write: bool = False
) -> tuple[list[str], HttpResponse]:
    """Where ``Region`` and ``User`` reads go inside a view run through the
    middleware (and a ``Region`` read after a write when ``write``); the view
    marked with :func:`replica_reads` when ``marked``."""
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.extend([router.db_for_read(Region), router.db_for_read(get_user_model())])
        if write:
            router.db_for_write(Region)
            seen.append(router.db_for_read(Region))
        return HttpResponse("ok")

    if marked:
        view = replica_reads(view)
    request.resolver_match = resolve(request.path)

    def get_response(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware = ReplicaReadsMiddleware(get_response)
    return seen, middleware(request)


def test_it_reads_and_writes_the_primary_outside_a_request() -> None:
    assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Region) == DEFAULT_DB_ALIAS


def test_it_migrates_only_the_primary() -> None:
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "regions") is True
    assert router.allow_migrate(REPLICA, "regions") is False


def test_it_allows_relations_between_rows_read_on_either() -> None:
    assert router.allow_relation(Region(code="14.72"), Region(code="14.71")) is True


def test_it_is_not_loaded_without_a_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings
    from django.core.exceptions import MiddlewareNotUsed

    # (The module's two-alias fixture adds one to the settings while it lasts.)
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)
    with pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: HttpResponse())


def test_it_sends_a_portal_read_to_the_replica_but_access_data_to_the_primary(
    replica_on: None,
) -> None:
    seen, response = _through_middleware(RequestFactory().get("/publik/14.72/"))
    assert seen == [REPLICA, DEFAULT_DB_ALIAS]  # the region there, the user here
    assert PIN_COOKIE not in response.cookies  # a read pins nobody


def test_it_sends_an_anonymous_api_read_to_the_replica(replica_on: None) -> None:
    seen, _ = _through_middleware(RequestFactory().get("/api/v1/regions"))
    assert seen[0] == REPLICA


def test_a_token_holder_reads_the_primary(replica_on: None) -> None:
    request = RequestFactory().get("/api/v1/regions", HTTP_AUTHORIZATION="Bearer kc_x")
    seen, _ = _through_middleware(request)
    assert seen[0] == DEFAULT_DB_ALIAS


@pytest.mark.parametrize("path", ["/masuk/", "/healthz/"])
def test_a_page_outside_the_namespaces_reads_the_primary(replica_on: None, path: str) -> None:
    seen, _ = _through_middleware(RequestFactory().get(path))
    assert seen[0] == DEFAULT_DB_ALIAS


def test_a_view_may_mark_itself(replica_on: None) -> None:
    seen, _ = _through_middleware(RequestFactory().get("/healthz/"), marked=True)
    assert seen[0] == REPLICA


def test_a_post_reads_the_primary_and_pins_the_visitor(replica_on: None, settings: Any) -> None:
    settings.KOTACERDAS_REPLICA_PIN_SECONDS = 7
    seen, response = _through_middleware(RequestFactory().post("/publik/14.72/"))
    assert seen[0] == DEFAULT_DB_ALIAS
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"]
    assert float(cookie.value) > time.time() + 6


def test_a_write_inside_a_read_sends_the_rest_to_the_primary_and_pins(
    replica_on: None,
) -> None:
    seen, response = _through_middleware(RequestFactory().get("/publik/14.72/"), write=True)
    assert seen == [REPLICA, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS]
    assert PIN_COOKIE in response.cookies


def test_a_pinned_visitor_reads_the_primary_until_the_pin_ends(replica_on: None) -> None:
    request = RequestFactory().get("/publik/14.72/")
    request.COOKIES[PIN_COOKIE] = f"{time.time() + 5:.0f}"
    assert _through_middleware(request)[0][0] == DEFAULT_DB_ALIAS
    request = RequestFactory().get("/publik/14.72/")
    request.COOKIES[PIN_COOKIE] = f"{time.time() - 1:.0f}"  # a stale cookie kept by a client
    assert _through_middleware(request)[0][0] == REPLICA
    request = RequestFactory().get("/publik/14.72/")
    request.COOKIES[PIN_COOKIE] = "rusak"  # unreadable: the safe side
    assert _through_middleware(request)[0][0] == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(replica_on: None) -> None:
    token = routers._current.set(routers.RequestReads(replica=True))
    try:
        # pytest-django's own test transaction: the primary is in a block.
        assert connections[DEFAULT_DB_ALIAS].in_atomic_block
        assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
    finally:
        routers._current.reset(token)


# --- The whole stack with two aliases ------------------------------------------------------


@pytest.fixture(scope="module")
def two_aliases(django_db_setup: None) -> Iterator[None]:
    """A ``replica`` alias beside ``default``: a second connection to the same
    test database (it sees what the test committed), a mirror as
    settings.py declares it (never flushed or migrated by the tests)."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def routed(two_aliases: None, replica_on: None, settings: Any) -> None:
    settings.DATABASE_ROUTERS = ["kotacerdas.core.routers.ReplicaRouter"]


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_portal_reads_the_replica_and_a_signed_in_writer_the_primary(routed: None) -> None:
    RegionFactory(code="14.72", name="Kota Dumai")
    user = make_user("penulis")
    anonymous = Client()

    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = anonymous.get("/publik/14.72/")
    assert response.status_code == 200 and "Kota Dumai" in response.content.decode()
    assert any("regions_region" in q["sql"] for q in on_replica.captured_queries)
    assert not any("regions_region" in q["sql"] for q in on_primary.captured_queries)

    writer = Client()
    # Signing in writes (the session, the last login): the answer pins.
    response = writer.post("/masuk/", {"username": "penulis", "password": PASSWORD})
    assert response.status_code == 302 and PIN_COOKIE in writer.cookies
    assert get_user_model().objects.get(pk=user.pk).last_login is not None
    cache.clear()  # the page is built again, not served from the first request's cache
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = writer.get("/publik/14.72/")
    assert response.status_code == 200
    assert not on_replica.captured_queries
    assert any("regions_region" in q["sql"] for q in on_primary.captured_queries)


def test_a_page_of_a_version_the_replica_has_not_replayed_is_built_on_the_primary(
    replica_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kotacerdas.core import caching

    asked: list[str] = []

    def caught_up(position: str) -> bool:
        asked.append(position)
        return position == "0/10"

    monkeypatch.setattr(routers, "replica_caught_up", caught_up)
    token = routers._current.set(routers.RequestReads(replica=True))
    try:
        # A bump recorded where the primary's WAL stood; the replica is behind it.
        cache.set(f"{caching.PUBLISHED}:wal", "0/20", timeout=None)
        built_on = caching.cached(("uji", 1), lambda: routers.reading_replica())
        assert (built_on, asked) == (False, ["0/20"])
        # Served from the cache: no question asked, nothing built.
        routers._current.get().replica = True  # type: ignore[union-attr]
        assert caching.cached(("uji", 1), lambda: "dibangun lagi") is False
        assert asked == ["0/20"]
        # Caught up: a new page is built on the replica.
        cache.set(f"{caching.PUBLISHED}:wal", "0/10", timeout=None)
        assert caching.cached(("uji", 2), lambda: routers.reading_replica()) is True
    finally:
        routers._current.reset(token)
