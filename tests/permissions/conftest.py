"""The matrix's world, signed-in personas and route objects, built once.

Building the ``world`` and signing five personas in (four of them through
their second factor) costs far more than one case of the matrix, which has
about two thousand cases. So every module here shares one world per module
(tests/conftest.py ``shared_world``, which says why no case can leak into the
next), and the matrix builds each route's objects once (``RouteArgs``):

- a route's objects: the matrix's argument builders (the period, the report,
  the cycle a route is about) run once per route, not once per case, in a
  savepoint kept open over that route's cases; each case's own savepoint
  (``db``) sits inside it, so what a case changes (a report submitted, a plan
  deleted) is rolled back before the next case of the route;
- the uploads folder is the module's (not one per test), so a file a route's
  builder stored is still there for the route's later cases.

The other per-test fixtures of tests/conftest.py (empty cache, default
language, fast password hashing) still run for every test.
tests/permissions/test_isolation.py proves the rollback.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from kotacerdas.core.models import DeploymentRole, Membership, Role
from kotacerdas.regions.models import Region
from tests.conftest import SharedWorld, World, _cookies_copy, personas_sign_in
from tests.factories import (
    AgencyFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
    make_user,
)


@pytest.fixture(scope="module", autouse=True)
def _world_once(shared_world: SharedWorld) -> None:
    """Every module here shares its world (tests/conftest.py ``shared_world``)."""


def outsiders_build() -> dict[str, Any]:
    """The personas of ``matrix.OUTSIDERS``: the admin of a second region
    with data of its own (Kota Pekanbaru, 14.71, a masterplan, an agency, an
    action plan), a province analyst of Riau (14, the world's province), the
    deployment admin and a ministry analyst."""
    pekanbaru = Region.objects.create(code="14.71", name="Kota Pekanbaru")
    agency = AgencyFactory(region=pekanbaru, short_name="Diskominfo", name="Dinas Kominfo")
    programme = make_programme(make_masterplan(pekanbaru), lead_agency=agency)
    make_action_plan(programme, agency=agency)
    riau = Region.objects.create(code="14", name="Provinsi Riau")
    users = {
        "admin_2": make_user("ayu"),
        "province": make_user("pras"),
        "deployment": make_user("dedi"),
        "ministry": make_user("mira"),
    }
    Membership.objects.create(user=users["admin_2"], region=pekanbaru, role=Role.ADMIN)
    Membership.objects.create(user=users["province"], region=riau, role=Role.PROVINCE_ANALYST)
    DeploymentRole.objects.create(
        user=users["deployment"], role=DeploymentRole.Kind.DEPLOYMENT_ADMIN
    )
    DeploymentRole.objects.create(user=users["ministry"], role=DeploymentRole.Kind.MINISTRY_ANALYST)
    return users


class Outsiders:
    """The outsiders' clients, signed in once per module (inside the shared
    world's transaction), and their cookies right after signing in."""

    def __init__(self, clients: dict[str, Client]) -> None:
        self.clients = clients
        self.cookies = {name: _cookies_copy(c.cookies) for name, c in clients.items()}

    def fresh(self) -> dict[str, Client]:
        for name, client in self.clients.items():
            client.cookies = _cookies_copy(self.cookies[name])
        return self.clients


@pytest.fixture(scope="module", autouse=True)
def _outsiders_once(_world_once: None, django_db_blocker: Any) -> Outsiders:
    """Built when the module starts, before any route's or case's savepoint,
    so no rollback of a case takes them away; the shared world's transaction
    rolls them back with the world after the module."""
    with django_db_blocker.unblock():
        assert connection.in_atomic_block and not connection.savepoint_ids
        clients = personas_sign_in(outsiders_build())
    clients.pop("anonymous")
    return Outsiders(clients)


@pytest.fixture
def personas(personas: dict[str, Client], _outsiders_once: Outsiders) -> dict[str, Client]:
    """The world's personas and the outsiders, each with the cookies it had
    right after signing in."""
    return {**personas, **_outsiders_once.fresh()}


class RouteArgs:
    """The URL arguments of the route whose cases are running, built once.

    Building a route's objects (a reporting period opened through the
    services, a report submitted, an evaluation cycle with its instrument)
    costs more than the request a case makes, and the matrix asks for them
    once per method and persona: about a third of the matrix's time went
    into building the same objects again. Cases come grouped by route (their
    order in ``CASES``), so a route's objects are built when its first case
    starts, in a savepoint that stays open until a case of another route
    starts (or the module ends) and is then rolled back. Each case's own
    savepoint (``db``) opens inside it and is rolled back at the case's end,
    so every case of a route starts from the objects as built."""

    def __init__(self, shared_world: SharedWorld, django_db_blocker: Any) -> None:
        self._shared_world = shared_world
        self._blocker = django_db_blocker
        self._route: str | None = None
        self._args: list[Any] = []
        self._savepoint: Any = None
        self.builds = 0

    def args(self, route: str, build: Callable[[World], list[Any]]) -> list[Any]:
        if route == self._route:
            return self._args
        # The case's own savepoint (``db``) must not be open yet: request the
        # route's arguments before ``db`` (or ``world``, ``personas``).
        open_here = 1 if self._savepoint is not None else 0
        assert len(connection.savepoint_ids) == open_here, "route objects built inside a case"
        self.close()
        with self._blocker.unblock():
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()
            try:
                self._args = build(copy.deepcopy(self._shared_world.world))
            except BaseException:
                self.close()
                raise
        self._route = route
        self.builds += 1
        return self._args

    def close(self) -> None:
        """Roll back the objects of the route built last."""
        if self._savepoint is None:
            return
        savepoint, self._savepoint, self._route = self._savepoint, None, None
        with self._blocker.unblock():
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)


@pytest.fixture(scope="module")
def route_args_built(shared_world: SharedWorld, django_db_blocker: Any) -> Iterator[RouteArgs]:
    built = RouteArgs(shared_world, django_db_blocker)
    yield built
    built.close()


@pytest.fixture(scope="module")
def _module_private_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def private_dir(settings, _module_private_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    """One uploads folder for the module (tests/conftest.py gives each test its
    own): a file a route's builder stored (evidence, a photo) must still be
    there for the route's later cases."""
    settings.PRIVATE_FILES_DIR = _module_private_dir
    return _module_private_dir
