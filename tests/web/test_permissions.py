"""The permission matrix: every route × method × persona → expected status.

Deny by default: a route that is not in the matrix fails
``test_it_covers_every_route``, so a new page cannot ship without a decision
about who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import World

PERSONAS = ("anonymous", "admin", "editor_a", "editor_b", "assessor")
LOGIN = 302  # anonymous users are sent to the login page

Args = Callable[[World], list[Any]]


def _none(w: World) -> list[Any]:
    return []


def _region(w: World) -> list[Any]:
    return [w.region.code]


def _programme(w: World) -> list[Any]:
    return [w.programme.pk]


def _plan_a(w: World) -> list[Any]:
    return [w.plan_a.pk]


def _row(anonymous: int, admin: int, editor_a: int, editor_b: int, assessor: int) -> dict[str, int]:
    return dict(zip(PERSONAS, (anonymous, admin, editor_a, editor_b, assessor), strict=True))


READ = _row(LOGIN, 200, 200, 200, 200)
ADMIN_ONLY = _row(LOGIN, 200, 403, 403, 403)
SAFE_ONLY = _row(LOGIN, 405, 405, 405, 405)
PUBLIC_SAFE_ONLY = _row(405, 405, 405, 405, 405)

# route name: (url args, extra POST data, {method: {persona: status}})
MATRIX: dict[str, tuple[Args, dict[str, str], dict[str, dict[str, int]]]] = {
    "home": (_none, {}, {"GET": _row(302, 302, 302, 302, 302), "POST": PUBLIC_SAFE_ONLY}),
    "login": (
        _none,
        {},
        {"GET": _row(200, 200, 200, 200, 200), "POST": _row(200, 200, 200, 200, 200)},
    ),
    "logout": (
        _none,
        {},
        {"GET": _row(405, 405, 405, 405, 405), "POST": _row(302, 302, 302, 302, 302)},
    ),
    "set_language": (
        _none,
        {"language": "en"},
        {"GET": _row(302, 302, 302, 302, 302), "POST": _row(302, 302, 302, 302, 302)},
    ),
    "healthz": (_none, {}, {"GET": _row(200, 200, 200, 200, 200), "POST": PUBLIC_SAFE_ONLY}),
    "masterplan:method": (
        _none,
        {},
        {"GET": _row(200, 200, 200, 200, 200), "POST": PUBLIC_SAFE_ONLY},
    ),
    "masterplan:dashboard": (_region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:masterplan_edit": (_region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:explain": (
        lambda w: [w.region.code, "action_plans", "overall"],
        {},
        {"GET": READ, "POST": SAFE_ONLY},
    ),
    "masterplan:programme_list": (_region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:programme_create": (_region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:action_plan_list": (_region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:programme_detail": (_programme, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:programme_edit": (_programme, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    # The programme still has action plans: the admin sees why it cannot go.
    "masterplan:programme_delete": (_programme, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:action_plan_create": (_programme, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:action_plan_detail": (_plan_a, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:action_plan_edit": (
        _plan_a,
        {},
        {"GET": _row(LOGIN, 200, 200, 403, 403), "POST": _row(LOGIN, 200, 200, 403, 403)},
    ),
    "masterplan:action_plan_status": (
        _plan_a,
        {"status": "berjalan"},
        {"GET": SAFE_ONLY, "POST": _row(LOGIN, 302, 302, 403, 403)},
    ),
    "masterplan:action_plan_delete": (
        _plan_a,
        {},
        {"GET": ADMIN_ONLY, "POST": _row(LOGIN, 302, 403, 403, 403)},
    ),
    "masterplan:history": (
        lambda w: ["program", w.programme.pk],
        {},
        {"GET": READ, "POST": SAFE_ONLY},
    ),
}


def _route_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django admin: staff only, tested in test_admin_is_staff_only
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _route_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_it_covers_every_route():
    missing = _route_names() - set(MATRIX)
    assert not missing, f"Routes without a permission decision: {sorted(missing)}"
    stale = set(MATRIX) - _route_names()
    assert not stale, f"Matrix rows for routes that no longer exist: {sorted(stale)}"


CASES = [
    (route, method, persona)
    for route, (_args, _data, methods) in MATRIX.items()
    for method, expected in methods.items()
    for persona in expected
]


@pytest.mark.parametrize(("route", "method", "persona"), CASES)
def test_it_enforces_the_matrix(route: str, method: str, persona: str, world: World, personas):
    args, data, methods = MATRIX[route]
    url = reverse(route, args=args(world))
    client = personas[persona]
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == methods[method][persona], (
        f"{method} {url} as {persona}: {response.status_code}"
    )


def test_it_sends_anonymous_users_to_the_login_page(world, personas):
    response = personas["anonymous"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    assert response["Location"].startswith(reverse("login"))


def test_it_hides_other_regions(world, personas, db):
    from tests.factories import RegionFactory

    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    for persona in ("admin", "editor_a", "assessor"):
        response = personas[persona].get(reverse("masterplan:dashboard", args=[other.code]))
        assert response.status_code == 404


def test_admin_is_staff_only(world, personas):
    for persona in PERSONAS:
        response = personas[persona].get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_it_requires_a_csrf_token_for_writes(world, editor_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    response = client.post(
        reverse("masterplan:action_plan_status", args=[world.plan_a.pk]), {"status": "selesai"}
    )
    assert response.status_code == 403
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "belum_dimulai"
