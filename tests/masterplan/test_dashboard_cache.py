"""The dashboard's body is cached per live data version, language, day and
role scope (core/caching.py, issue 15): a change shows at once, and no user
sees another role's or language's body."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from kotacerdas.core import caching
from kotacerdas.core.audit import audit_record
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.masterplan.views import _role_scope

pytestmark = pytest.mark.usefixtures("shared_world")


def _url(world) -> str:
    return reverse("masterplan:dashboard", args=[world.region.code])


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_second_request_is_served_from_the_cache(world, personas):
    url = _url(world)
    cold = _queries(personas["admin"], url)
    warm = _queries(personas["admin"], url)
    assert warm < cold
    assert warm <= 6  # session, user, device, roles, region, masterplan


def test_a_status_change_shows_at_once(world, personas, django_capture_on_commit_callbacks):
    url = _url(world)
    assert "0 dari 2 rencana aksi terimplementasi" in _text(personas["admin"].get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = personas["admin"].post(
            reverse("masterplan:action_plan_status", args=[world.plan_a.pk]),
            {"status": "berjalan"},
        )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=world.plan_a.pk).status == "berjalan"
    assert "1 dari 2 rencana aksi terimplementasi" in _text(personas["admin"].get(url))


def test_the_version_moves_only_after_the_commit(world, django_capture_on_commit_callbacks):
    before = caching.data_version(caching.LIVE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ActionPlan.objects.filter(pk=world.plan_a.pk).get().save()
    assert caching.data_version(caching.LIVE) == before  # not inside the transaction
    for callback in callbacks:
        callback()
    assert caching.data_version(caching.LIVE) > before


def test_rows_no_cached_page_shows_leave_the_version(world, admin_user):
    before = caching.data_version(caching.LIVE)
    audit_record(actor=admin_user, action="update", instance=world.plan_a)
    assert caching.data_version(caching.LIVE) == before


def test_roles_do_not_share_a_body(world, personas):
    url = _url(world)
    edit = reverse("masterplan:masterplan_edit", args=[world.region.code])
    assert edit in personas["admin"].get(url).content.decode()  # cached for the admin
    # An agency editor of the same region sees neither the admin's button nor
    # the admin's body; the admin still gets theirs.
    assert edit not in personas["editor_a"].get(url).content.decode()
    assert edit in personas["admin"].get(url).content.decode()


def test_agencies_do_not_share_a_body(editor_a, editor_b, admin_user, rf):
    # The "to do" panel lists one agency's reports: two editors of different
    # agencies get different keys; the same roles get the same key.
    def scope(user) -> str:
        request = rf.get("/")
        request.user = user
        return _role_scope(request)

    assert scope(editor_a) != scope(editor_b)
    assert scope(editor_a) != scope(admin_user)
    assert scope(editor_a) == scope(type(editor_a).objects.get(pk=editor_a.pk))


def test_languages_do_not_share_a_body(world, personas):
    url = _url(world)
    client = personas["admin"]
    assert "rencana aksi terimplementasi" in _text(client.get(url))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        english = _text(client.get(url))
        assert "rencana aksi terimplementasi" not in english
        assert "0 of 2 action plans in implementation" in english
    finally:
        client.post(reverse("set_language"), {"language": "id", "next": "/"})


def test_the_programme_list_shows_a_status_change_at_once(
    world, personas, django_capture_on_commit_callbacks
):
    url = reverse("masterplan:programme_list", args=[world.region.code])
    client = personas["admin"]
    assert "0/2" in _text(client.get(url))
    cold = _queries(client, url)  # cached now
    assert _queries(client, url) <= cold
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("masterplan:action_plan_status", args=[world.plan_a.pk]),
            {"status": "berjalan"},
        )
    assert "1/2" in _text(client.get(url))


def test_a_filtered_programme_list_is_built_for_its_filter(world, personas):
    url = reverse("masterplan:programme_list", args=[world.region.code])
    client = personas["admin"]
    assert world.programme.code in _text(client.get(url))  # the unfiltered list, cached
    assert world.programme.code not in _text(client.get(url, {"q": "tidak-ada-sama-sekali"}))
    assert world.programme.code in _text(client.get(url, HTTP_HX_REQUEST="true"))
