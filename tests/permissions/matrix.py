"""Building blocks of the permission matrix (see test_permissions.py).

Each area of the product keeps its rows in its own module
(``rows_<area>.py``) as ``ROWS``; test_permissions.py merges them and fails
when a route has no row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import World

PERSONAS = ("anonymous", "admin", "editor_a", "editor_b", "assessor", "officer")
LOGIN = 302  # anonymous users are sent to the login page

Args = Callable[[World], list[Any]]
# route name: (url args, extra POST data, {method: {persona: status}})
Rows = dict[str, tuple[Args, dict[str, str], dict[str, dict[str, int]]]]


def none(w: World) -> list[Any]:
    return []


def region(w: World) -> list[Any]:
    return [w.region.code]


def programme(w: World) -> list[Any]:
    return [w.programme.pk]


def plan_a(w: World) -> list[Any]:
    return [w.plan_a.pk]


def row(
    anonymous: int,
    admin: int,
    editor_a: int,
    editor_b: int,
    assessor: int,
    officer: int | None = None,
) -> dict[str, int]:
    """Expected status per persona. The registry officer, like the assessor,
    holds a region-wide role without an agency: outside the UMKM registry the
    two are treated alike, so ``officer`` defaults to the assessor's status."""
    officer = assessor if officer is None else officer
    values = (anonymous, admin, editor_a, editor_b, assessor, officer)
    return dict(zip(PERSONAS, values, strict=True))


READ = row(LOGIN, 200, 200, 200, 200)
ADMIN_ONLY = row(LOGIN, 200, 403, 403, 403)
SAFE_ONLY = row(LOGIN, 405, 405, 405, 405)
PUBLIC_SAFE_ONLY = row(405, 405, 405, 405, 405)
