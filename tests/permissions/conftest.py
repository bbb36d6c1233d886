"""The matrix's world and signed-in personas, built once per module.

Building the ``world`` and signing five personas in (four of them through
their second factor) costs far more than one case of the matrix, which has
about two thousand cases. So a module builds them once, inside a
transaction rolled back after the module (the Kota Dumai demo fixtures do
the same, tests/factories.py ``demo_loaded_once``), and every test here
gets them through the fixtures of tests/conftest.py's names (``world``,
``personas``, ``admin_user`` ...), overridden below. No case can leak into
the next:

- the database: each test runs in its own savepoint (pytest-django's ``db``),
  rolled back at its end: rows a POST or an argument builder of the rows
  added, changed or deleted come back as built, including the signed-in
  sessions, the OTP devices and the login attempts django-axes records;
- the clients: each test gets its personas' clients with the cookies they
  had right after signing in (a case may sign out or switch the language);
- the objects: ``world`` gives each test its own copies of the world's
  objects, so an object a case changed in memory is not the next case's.

The per-test fixtures of tests/conftest.py (empty cache, private files
folder, default language, fast password hashing) still run for every test.
tests/permissions/test_isolation.py proves the rollback.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, fields
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from tests.conftest import PERSONA_MEMBERS, World, persona_create, personas_sign_in, world_build


@dataclass
class SignedIn:
    """What a module builds once: the world, the personas' users (by persona
    name) and clients (plus ``anonymous``), and each client's cookies right
    after signing in."""

    world: World
    user_ids: dict[str, int]
    clients: dict[str, Client]
    cookies: dict[str, SimpleCookie]


@pytest.fixture(scope="module")
def signed_in(django_db_setup: None, django_db_blocker: Any) -> Iterator[SignedIn]:
    # Fast password hashing and the cache in memory come from tests/conftest.py
    # (_session_settings), as for the tests.
    with django_db_blocker.unblock(), transaction.atomic():
        world = world_build()
        users = {persona: persona_create(persona, world) for persona in PERSONA_MEMBERS}
        clients = personas_sign_in(users)
        yield SignedIn(
            world=_fetched(world),
            user_ids={persona: user.pk for persona, user in users.items()},
            clients=clients,
            cookies={name: _copy(client.cookies) for name, client in clients.items()},
        )
        transaction.set_rollback(True)


def _copy(cookies: SimpleCookie) -> SimpleCookie:
    copied = SimpleCookie()
    for key, morsel in cookies.items():
        copied[key] = morsel.copy()
    return copied


def _fetched(world: World) -> World:
    """The world's objects as the database holds them."""
    return World(
        **{
            f.name: type(obj)._default_manager.get(pk=obj.pk)
            for f in fields(World)
            for obj in [getattr(world, f.name)]
        }
    )


@pytest.fixture
def world(signed_in: SignedIn, db: None) -> World:
    """The module's world: copies of its objects as the database held them
    when built (and holds them again at the start of every test)."""
    return copy.deepcopy(signed_in.world)


@pytest.fixture
def personas(signed_in: SignedIn, db: None) -> dict[str, Client]:
    """The module's signed-in clients, their cookies as right after signing in."""
    for name, client in signed_in.clients.items():
        client.cookies = _copy(signed_in.cookies[name])
    return signed_in.clients


def _user(signed_in: SignedIn, persona: str) -> Any:
    return get_user_model().objects.get(pk=signed_in.user_ids[persona])


@pytest.fixture
def admin_user(signed_in: SignedIn, db: None) -> Any:
    return _user(signed_in, "admin")


@pytest.fixture
def editor_a(signed_in: SignedIn, db: None) -> Any:
    return _user(signed_in, "editor_a")


@pytest.fixture
def editor_b(signed_in: SignedIn, db: None) -> Any:
    return _user(signed_in, "editor_b")


@pytest.fixture
def assessor(signed_in: SignedIn, db: None) -> Any:
    return _user(signed_in, "assessor")


@pytest.fixture
def officer(signed_in: SignedIn, db: None) -> Any:
    return _user(signed_in, "officer")
