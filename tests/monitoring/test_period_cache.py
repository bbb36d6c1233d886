"""The period list and the unfiltered first page of a period's board are
cached per live data version, language, region's day and role scope
(core/caching.py, issue 15): a write shows at once, the days late follow
the day, no user sees another role's or language's page, and the forms
carry the request's own CSRF token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from kotacerdas.monitoring import services
from tests.logins import login_verified
from tests.monitoring_fixtures import period

pytestmark = pytest.mark.usefixtures("shared_world")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _list_url(world) -> str:
    return reverse("monitoring:period_list", args=[world.region.code])


def _board_url(p) -> str:
    return reverse("monitoring:period_detail", args=[p.pk])


def _plan_url(plan) -> str:
    return reverse("masterplan:action_plan_detail", args=[plan.pk])


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_both_pages_are_served_from_the_cache(world, personas, open_period):
    for url in (_list_url(world), _board_url(open_period)):
        cold = _queries(personas["admin"], url)
        assert _queries(personas["admin"], url) < cold, url


def test_a_period_opened_shows_at_once(world, personas, django_capture_on_commit_callbacks):
    planned = period(world, state="planned", number=2)
    client = personas["admin"]
    url = _list_url(world)
    assert "period-open" not in client.get(url).content.decode()
    assert "Buka pelaporan" in _text(client.get(_board_url(planned)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:period_open", args=[planned.pk]))
    assert response.status_code == 302
    assert "period-open" in client.get(url).content.decode()
    assert "Buka pelaporan" not in _text(client.get(_board_url(planned)))


def test_a_report_shows_on_the_board_at_once(
    world, personas, open_period, django_capture_on_commit_callbacks
):
    url = _board_url(open_period)
    client = personas["admin"]
    assert "Draf (0)" in _text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_save(
            actor=None,
            period=open_period,
            action_plan=world.plan_a,
            status="berjalan",
            physical_progress=40,
        )
    assert "Draf (1)" in _text(client.get(url))


def test_the_days_late_follow_the_day(world, personas, open_period, monkeypatch):
    url = _board_url(open_period)
    client = personas["admin"]
    for late in (3, 5):  # no write between the two days
        day = open_period.due_on + dt.timedelta(days=late)
        monkeypatch.setattr(timezone, "localdate", lambda *args, day=day, **kwargs: day)
        assert f"terlambat {late} hari" in _text(client.get(url))


def test_a_filtered_board_is_built_for_its_filter(world, personas, open_period):
    url = _board_url(open_period)
    client = personas["admin"]
    assert _plan_url(world.plan_a) in client.get(url).content.decode()  # cached now
    assert _plan_url(world.plan_a) not in client.get(url, {"keadaan": "verified"}).content.decode()
    assert _plan_url(world.plan_a) in client.get(url, {"keadaan": "missing"}).content.decode()


def test_roles_and_agencies_do_not_share_a_page(world, personas, open_period):
    url = _board_url(open_period)
    a, b = _plan_url(world.plan_a), _plan_url(world.plan_b)
    admin = personas["admin"].get(url).content.decode()
    assert a in admin and b in admin
    editor_a = personas["editor_a"].get(url).content.decode()
    assert a in editor_a and b not in editor_a
    editor_b = personas["editor_b"].get(url).content.decode()
    assert b in editor_b and a not in editor_b
    # Only the admin may make periods: the form is not in an editor's list.
    generate = reverse("monitoring:period_generate", args=[world.region.code])
    assert generate in personas["admin"].get(_list_url(world)).content.decode()
    assert generate not in personas["editor_a"].get(_list_url(world)).content.decode()
    assert generate in personas["admin"].get(_list_url(world)).content.decode()


def test_languages_do_not_share_a_page(world, personas, open_period):
    client = personas["admin"]
    urls = (_list_url(world), _board_url(open_period))
    assert all("Dibuka" in _text(client.get(url)) for url in urls)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        for url in urls:
            english = _text(client.get(url))
            assert "Dibuka" not in english and "Open" in english, url
    finally:
        client.post(reverse("set_language"), {"language": "id", "next": "/"})


def test_the_csrf_token_is_the_requests_own(world, admin_user, django_capture_on_commit_callbacks):
    planned = period(world, state="planned", number=2)
    urls = (_list_url(world), _board_url(planned))
    secrets = []
    for _ in range(2):  # two sessions of the same role scope, one cached entry
        client = login_verified(Client(enforce_csrf_checks=True), admin_user)
        for url in urls:
            html = client.get(url).content.decode()
            assert "kc-cached-csrf" not in html
            tokens = TOKEN.findall(html)
            assert len(tokens) >= 2, url  # the page's own forms and the sign-out
            secret = client.cookies[settings.CSRF_COOKIE_NAME].value
            assert {_unmask_cipher_token(t) for t in tokens} == {secret}
        secrets.append(secret)
    assert secrets[0] != secrets[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:period_open", args=[planned.pk]),
            {"csrfmiddlewaretoken": tokens[0]},
        )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.is_open
