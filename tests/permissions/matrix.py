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
# Personas from outside the world's region (conftest.py ``outsiders_build``):
# the admin of a second region (Kota Pekanbaru, 14.71), a province analyst of
# Riau (14, the world's own province), the deployment admin and a ministry
# analyst. None may see the world's non-public data; each row states what
# they get, or takes the default of ``outsider_default``.
OUTSIDERS = ("admin_2", "province", "deployment", "ministry")
REGION_PERSONAS = ("admin", "editor_a", "editor_b", "assessor", "officer")
LOGIN = 302  # anonymous users are sent to the login page
UNAUTHORISED = 401  # the API's answer to a request without credentials

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
    **outsiders: int,
) -> dict[str, int]:
    """Expected status per persona. The registry officer, like the assessor,
    holds a region-wide role without an agency: outside the UMKM registry the
    two are treated alike, so ``officer`` defaults to the assessor's status.
    ``outsiders`` (``admin_2=200`` ...) states what a persona of ``OUTSIDERS``
    gets where it is not ``outsider_default``."""
    officer = assessor if officer is None else officer
    values = (anonymous, admin, editor_a, editor_b, assessor, officer)
    unknown = set(outsiders) - set(OUTSIDERS)
    assert not unknown, f"Not an outsider persona: {sorted(unknown)}"
    return dict(zip(PERSONAS, values, strict=True)) | outsiders


def also(expected: dict[str, int], **outsiders: int) -> dict[str, int]:
    """``expected`` with what some outsiders get instead of the default."""
    return row(*(expected[p] for p in PERSONAS), **outsiders)


def every_outsider(status: int) -> dict[str, int]:
    """``row(..., **every_outsider(403))``: the same status for each outsider."""
    return dict.fromkeys(OUTSIDERS, status)


def outsider_default(expected: dict[str, int], *, has_args: bool) -> int:
    """What a persona without a role in the world's region gets where its row
    says nothing: what anonymous gets on a page without sign-in (public
    pages, password reset: anonymous is neither sent to the login page nor
    told 401); 405 where every member gets 405; on a page without URL
    arguments (one's own MFA page, the API's own lists), what every member
    gets when they all get the same, else 403; on a page about
    the region or one of its objects, 404, the answer for another region's
    data (no existence leak)."""
    if expected["anonymous"] not in (LOGIN, UNAUTHORISED):
        return expected["anonymous"]
    members = {expected[p] for p in REGION_PERSONAS}
    if members == {405}:
        return 405
    if not has_args:
        return members.pop() if len(members) == 1 else 403
    return 404


def with_outsiders(expected: dict[str, int], *, has_args: bool) -> dict[str, int]:
    default = outsider_default(expected, has_args=has_args)
    return {p: expected.get(p, default) for p in (*PERSONAS, *OUTSIDERS)}


READ = row(LOGIN, 200, 200, 200, 200)
ADMIN_ONLY = row(LOGIN, 200, 403, 403, 403)
SAFE_ONLY = row(LOGIN, 405, 405, 405, 405)
PUBLIC_SAFE_ONLY = row(405, 405, 405, 405, 405)
