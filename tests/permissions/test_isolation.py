"""The matrix's cases share one world and one set of signed-in clients per
module (conftest.py). These two tests run in this order, in one process (make
test hands a whole file to one pytest-xdist worker, ``--dist loadfile``): the
first changes everything a case can change, the second finds the world and the
sessions as they were built. The last three do the same for a route's
objects, which the matrix builds once for all the route's cases."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.masterplan.models import ActionPlan, Programme
from tests.conftest import World
from tests.factories import make_action_plan
from tests.permissions.conftest import RouteArgs

RENAMED = "Diubah di memori saja"
_first_ran: list[str] = []


def _dashboard(world: World) -> str:
    return reverse("masterplan:dashboard", args=[world.region.code])


def test_it_lets_a_case_change_the_world_and_the_sessions(world: World, personas):
    admin = personas["admin"]
    # A row the next case needs is deleted.
    delete = reverse("masterplan:action_plan_delete", args=[world.plan_a.pk])
    assert admin.post(delete).status_code == 302
    assert not ActionPlan.objects.filter(pk=world.plan_a.pk).exists()
    # The admin's interface switches to English (a cookie of the client).
    assert admin.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert "Action plan achievement" in admin.get(_dashboard(world)).content.decode()
    # editor_a signs out: the session row goes, the cookie is emptied.
    assert personas["editor_a"].post(reverse("logout")).status_code == 302
    assert personas["editor_a"].get(_dashboard(world)).status_code == 302
    # The assessor loses the second factor her session was verified with.
    TOTPDevice.objects.filter(user__username="dewi").delete()
    assert personas["assessor"].get(_dashboard(world)).status_code == 302
    # A failed sign-in is recorded by django-axes.
    personas["anonymous"].post(reverse("login"), {"username": "alice", "password": "salah"})
    assert AccessAttempt.objects.filter(username="alice").exists()
    # An object is changed in memory only, and the cache holds a value.
    world.programme.name = RENAMED
    cache.set("dari-kasus-sebelumnya", 1)
    _first_ran.append("yes")


def test_it_gives_the_next_case_the_world_and_the_sessions_as_built(world: World, personas):
    assert _first_ran == ["yes"], "runs right after the test above, in the same process"
    assert ActionPlan.objects.filter(pk=world.plan_a.pk).exists()
    page = personas["admin"].get(_dashboard(world))
    assert page.status_code == 200
    assert "Capaian rencana aksi" in page.content.decode()
    assert personas["editor_a"].get(_dashboard(world)).status_code == 200
    assert personas["assessor"].get(_dashboard(world)).status_code == 200
    assert not AccessAttempt.objects.exists()
    assert world.programme.name != RENAMED
    assert world.programme.name == Programme.objects.get(pk=world.programme.pk).name
    assert cache.get("dari-kasus-sebelumnya") is None


# The matrix builds a route's objects once for all its cases (conftest.py
# ``RouteArgs``): the next three tests run in this order, as a route's cases do.
_built_plans: list[int] = []


def _new_plan(world: World) -> list[object]:
    plan = make_action_plan(world.programme, agency=world.agency_b)
    _built_plans.append(plan.pk)
    return [plan.pk]


@pytest.fixture
def plan_route(route_args_built: RouteArgs) -> list[object]:
    return route_args_built.args("plan-route", _new_plan)


@pytest.fixture
def other_route(route_args_built: RouteArgs) -> list[object]:
    return route_args_built.args("other-route", lambda world: [])


def test_a_routes_first_case_may_delete_the_routes_object(plan_route, personas):
    delete = reverse("masterplan:action_plan_delete", args=plan_route)
    assert personas["admin"].post(delete).status_code == 302
    assert not ActionPlan.objects.filter(pk=plan_route[0]).exists()


def test_the_routes_next_case_finds_the_object_as_built(plan_route, personas):
    assert _built_plans == plan_route, "built once, for the route's first case"
    assert ActionPlan.objects.filter(pk=plan_route[0]).exists()


def test_the_next_route_finds_the_last_routes_objects_rolled_back(other_route, db):
    assert _built_plans
    assert not ActionPlan.objects.filter(pk__in=_built_plans).exists()
