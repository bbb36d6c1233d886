"""The permission matrix: every route × method × persona → expected status.

Deny by default: a route that is not in the matrix fails
``test_it_covers_every_route``, so a new page cannot ship without a decision
about who may use it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

import tests.permissions
from tests.logins import login_verified
from tests.permissions.conftest import RouteArgs
from tests.permissions.matrix import OUTSIDERS, PERSONAS, Rows, with_outsiders


def _takes_arguments(route: str) -> bool:
    """Whether the route's address names a region or an object."""
    try:
        reverse(route)
    except NoReverseMatch:
        return True
    return False


def _all_rows() -> Rows:
    merged: Rows = {}
    for module in pkgutil.iter_modules(tests.permissions.__path__):
        if module.name.startswith("rows_"):
            rows: Rows = importlib.import_module(f"tests.permissions.{module.name}").ROWS
            overlap = set(rows) & set(merged)
            assert not overlap, f"Routes in two row files: {sorted(overlap)}"
            merged.update(rows)
    # Every persona of another region, a province or the ministry gets a
    # decision on every route: the row's, else the default (matrix.py).
    return {
        route: (
            args,
            data,
            {
                method: with_outsiders(by, has_args=_takes_arguments(route))
                for method, by in methods.items()
            },
        )
        for route, (args, data, methods) in merged.items()
    }


MATRIX = _all_rows()


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


@pytest.fixture
def route_args(route: str, route_args_built: RouteArgs) -> list[Any]:
    """The URL arguments of ``route``, built once for all its cases (conftest.py)."""
    return route_args_built.args(route, MATRIX[route][0])


@pytest.mark.parametrize(("route", "method", "persona"), CASES)
def test_it_enforces_the_matrix(route: str, method: str, persona: str, route_args, personas):
    _args, data, methods = MATRIX[route]
    url = reverse(route, args=route_args)
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
    for persona in (*PERSONAS, *OUTSIDERS):
        response = personas[persona].get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_it_requires_a_csrf_token_for_writes(world, editor_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login_verified(client, editor_a)
    response = client.post(
        reverse("masterplan:action_plan_status", args=[world.plan_a.pk]), {"status": "selesai"}
    )
    assert response.status_code == 403
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "belum_dimulai"
