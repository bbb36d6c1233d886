"""The action-plan list's unfiltered first page is cached per live data
version, language and role scope (core/caching.py, issue 15), and its
status forms carry the request's own CSRF token, never a cached one."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from kotacerdas.masterplan.models import ActionPlan
from tests.logins import login_verified

pytestmark = pytest.mark.usefixtures("shared_world")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _url(world) -> str:
    return reverse("masterplan:action_plan_list", args=[world.region.code])


def _status_url(plan) -> str:
    return reverse("masterplan:action_plan_status", args=[plan.pk])


def _queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


def test_a_second_request_is_served_from_the_cache(world, personas):
    url = _url(world)
    cold = _queries(personas["admin"], url)
    warm = _queries(personas["admin"], url)
    assert warm < cold
    # The htmx request for the same unfiltered page reads the same entry.
    assert _queries(personas["admin"], url, HTTP_HX_REQUEST="true") == warm


def test_a_status_change_shows_at_once(world, personas, django_capture_on_commit_callbacks):
    url = _url(world)
    client = personas["admin"]
    assert 'value="berjalan" selected' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_status_url(world.plan_a), {"status": "berjalan"})
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=world.plan_a.pk).status == "berjalan"
    assert 'value="berjalan" selected' in client.get(url).content.decode()


def test_a_filtered_list_is_built_for_its_filter(world, personas):
    url = _url(world)
    client = personas["admin"]
    assert world.plan_a.code in client.get(url).content.decode()  # cached now
    filtered = client.get(url, {"q": "tidak-ada-sama-sekali"}).content.decode()
    assert world.plan_a.code not in filtered
    assert world.plan_a.code in client.get(url).content.decode()


def test_roles_and_agencies_do_not_share_a_page(world, personas):
    url = _url(world)
    # The admin sets both plans' statuses; each editor only their agency's.
    admin = personas["admin"].get(url).content.decode()
    assert _status_url(world.plan_a) in admin and _status_url(world.plan_b) in admin
    editor_a = personas["editor_a"].get(url).content.decode()
    assert _status_url(world.plan_a) in editor_a
    assert _status_url(world.plan_b) not in editor_a
    editor_b = personas["editor_b"].get(url).content.decode()
    assert _status_url(world.plan_b) in editor_b
    assert _status_url(world.plan_a) not in editor_b
    assert _status_url(world.plan_b) in personas["admin"].get(url).content.decode()


def test_languages_do_not_share_a_page(world, personas):
    url = _url(world)
    client = personas["admin"]
    assert "Perangkat daerah" in strip_tags(client.get(url).content.decode())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        english = strip_tags(client.get(url).content.decode())
        assert "Perangkat daerah" not in english
        assert "Agency" in english
    finally:
        client.post(reverse("set_language"), {"language": "id", "next": "/"})


def _tokens(client: Client, url: str, **extra) -> list[str]:
    html = client.get(url, **extra).content.decode()
    assert "kc-cached-csrf" not in html
    return TOKEN.findall(html)


def test_the_csrf_token_is_the_requests_own(world, admin_user):
    url = _url(world)
    # Two sessions of the same role scope read the same cached entry; each
    # page carries its own session's secret, and the token works in a POST.
    secrets = []
    for _ in range(2):
        client = login_verified(Client(enforce_csrf_checks=True), admin_user)
        found = _tokens(client, url)
        assert found, "the status forms carry a token"
        secret = client.cookies[settings.CSRF_COOKIE_NAME].value
        assert {_unmask_cipher_token(t) for t in found} == {secret}
        secrets.append(secret)
    assert secrets[0] != secrets[1]
    partial = _tokens(client, url, HTTP_HX_REQUEST="true")
    assert {_unmask_cipher_token(t) for t in partial} == {secrets[1]}
    response = client.post(
        _status_url(world.plan_a), {"status": "berjalan", "csrfmiddlewaretoken": partial[0]}
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=world.plan_a.pk).status == "berjalan"
