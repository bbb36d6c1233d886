"""What a signed-in read costs besides its page (issue 15): no session write
on a request that changes nothing, the session read from the cache, the
region and current masterplan kept per live data version, the user's
memberships kept per roles version (and never past a change), the
navigation rendered once per role scope, region, page and language."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.accounts import middleware
from kotacerdas.core.access import roles_of
from kotacerdas.core.models import Membership, Role
from kotacerdas.regions.models import Region
from tests.conftest import member_create, world_build
from tests.factories import RegionFactory, make_user
from tests.logins import login_verified


def _dashboard(world: Any) -> str:
    return reverse("masterplan:dashboard", args=[world.region.code])


def _queries(client: Any, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _verified(user: Any) -> Any:
    return login_verified(Client(), user)


@pytest.mark.django_db
def test_a_cached_page_costs_the_user_and_device_rows_and_the_roles_only(world, admin_user) -> None:
    client = _verified(admin_user)
    url = _dashboard(world)
    client.get(url)
    queries = _queries(client, url)
    # Inside the test's transaction the memberships are read, not kept
    # (test below); the session, the region and the masterplan come from the
    # cache, the page's body too.
    assert len(queries) <= 3
    assert not [q for q in queries if "django_session" in q]
    # (The roles' one query joins the region for a province analyst's code.)
    assert not [
        q
        for q in queries
        if ("regions_region" in q and "core_membership" not in q) or "masterplan_" in q
    ]


@pytest.mark.django_db
def test_the_session_row_is_not_rewritten_within_a_minute(world, admin_user, monkeypatch) -> None:
    client = _verified(admin_user)
    url = _dashboard(world)
    start = middleware.now()
    monkeypatch.setattr(middleware, "now", lambda: start)
    client.get(url)
    key = client.session.session_key
    written = Session.objects.get(session_key=key).session_data
    monkeypatch.setattr(middleware, "now", lambda: start + middleware.SEEN_RESOLUTION - 1)
    writes = [q for q in _queries(client, url) if "django_session" in q]
    assert writes == []
    assert Session.objects.get(session_key=key).session_data == written
    # A minute later the last-seen time is written once.
    monkeypatch.setattr(middleware, "now", lambda: start + middleware.SEEN_RESOLUTION)
    writes = [q for q in _queries(client, url) if "django_session" in q]
    assert writes and Session.objects.get(session_key=key).session_data != written


@pytest.mark.django_db
def test_a_region_renamed_shows_at_once(world, admin_user) -> None:
    client = _verified(admin_user)
    url = _dashboard(world)
    client.get(url)
    region = Region.objects.get(pk=world.region.pk)
    region.name = "Kota Dumai Baru"
    with TestCase.captureOnCommitCallbacks(execute=True):
        region.save(update_fields=["name"])
    assert "Kota Dumai Baru" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_region_kept_for_one_user_is_no_way_in_for_another(world, admin_user) -> None:
    _verified(admin_user).get(_dashboard(world))  # the region row kept
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    stranger = make_user("zaki")
    Membership.objects.create(user=stranger, region=other, role=Role.ADMIN)
    assert _verified(stranger).get(_dashboard(world)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_memberships_are_kept_until_they_change() -> None:
    """Committed for real (no test transaction): the roles are kept between
    requests, and a membership removed ends the access at its commit."""
    world = world_build()
    user = member_create("alice", world, Role.ADMIN)
    client = _verified(user)
    url = _dashboard(world)
    client.get(url)
    assert not [q for q in _queries(client, url) if "core_membership" in q]
    Membership.objects.filter(user=user).delete()  # autocommit: bumped at once
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_memberships_read_inside_a_transaction_are_not_kept() -> None:
    world = world_build()
    user = member_create("alice", world, Role.ADMIN)
    with transaction.atomic():
        Membership.objects.create(user=user, region=world.region, role=Role.ASSESSOR)
        assert world.region.pk in roles_of(user).assessor_regions
        transaction.set_rollback(True)
    user = type(user).objects.get(pk=user.pk)  # a new request's user
    # Rolled back: what the transaction read was not kept for anyone.
    assert world.region.pk not in roles_of(user).assessor_regions


@pytest.mark.django_db
def test_the_navigation_is_per_role_scope_and_page(world, admin_user, editor_a) -> None:
    url = _dashboard(world)
    evaluation = reverse("evaluation:cycle_list", args=[world.region.code])
    admin = _verified(admin_user)
    assert evaluation in admin.get(url).content.decode()
    # The editor's navigation is their own, not the admin's kept one.
    assert evaluation not in _verified(editor_a).get(url).content.decode()
    # The current page is marked in the kept navigation of each page.
    programmes = reverse("masterplan:programme_list", args=[world.region.code])
    body = admin.get(programmes).content.decode()
    assert f'href="{programmes}" aria-current="page"' in body
    assert f'href="{url}" aria-current="page"' not in body
    assert f'href="{url}" aria-current="page"' in admin.get(url).content.decode()
