"""Shared fixtures. Personas follow STYLE.md: admin (smart city team), editor_a
(OPD editor of agency A), editor_b (OPD editor of agency B), assessor,
officer (UMKM registry officer) and anonymous; ``world`` builds one region
with a masterplan, two agencies, a programme and one action plan per agency."""

from __future__ import annotations

import copy
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import translation

from kotacerdas.accounts.policy import mfa_required
from kotacerdas.core.models import Membership, Role
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from kotacerdas.regions.models import Region
from tests.factories import (
    FAST_PASSWORD_HASHERS,
    AgencyFactory,
    RegionFactory,
    demo_loaded_once,
    make_action_plan,
    make_masterplan,
    make_programme,
    make_user,
)
from tests.logins import login_verified

pytest_plugins = ["tests.logscan"]  # no NIK, phone, password or token in any log line

# Variables settings.py reads besides KOTACERDAS_* and EMAIL_* (see ``environ``).
SETTINGS_ENV_NAMES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drills (marker ``drill``) and first-day walks (marker ``walk``) run with
    ``-m drill`` / ``-m walk`` (CI's own steps) or when their file or test is
    named on the command line, not in the default run."""
    markexpr = config.getoption("markexpr") or ""
    own_step = [m for m in ("drill", "walk") if m not in markexpr]
    if not own_step:
        return
    named = {Path(arg.split("::")[0]).resolve() for arg in config.args}
    kept, deselected = [], []
    for item in items:
        apart = any(item.get_closest_marker(m) for m in own_step) and item.path not in named
        (deselected if apart else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@dataclass
class World:
    region: Region
    masterplan: Masterplan
    agency_a: Agency
    agency_b: Agency
    programme: Programme
    plan_a: ActionPlan
    plan_b: ActionPlan


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True, scope="session")
def _session_settings() -> Iterator[None]:
    # What the per-test fixtures below set, for the module fixtures that run
    # before them (the demo, the permission matrix's world): the file cache
    # under var/ would be shared by every run and every xdist worker.
    with override_settings(CACHES=LOCAL_CACHE, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # PBKDF2's deliberate slowness protects real accounts, not test personas.
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    # Every test starts in the product's default language: a request or a test
    # that switched to English must not leak into the next test on this thread.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache(settings):  # type: ignore[no-untyped-def]
    # In memory, and empty for every test: cached tallies (UMKM statistics) of
    # one test must not answer another's.
    settings.CACHES = LOCAL_CACHE
    cache.clear()
    yield
    cache.clear()


_private_dirs = itertools.count(1)


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """Uploaded files go to a folder of the test's own, never into the real
    var/private. The folder is only named (storing a file makes it): most
    tests store none, and making and removing a tmp_path for each of some
    3,600 tests costs more than many of them."""
    parent = tmp_path_factory.getbasetemp() / "private"
    parent.mkdir(exist_ok=True)
    settings.PRIVATE_FILES_DIR = parent / str(next(_private_dirs))
    return Path(settings.PRIVATE_FILES_DIR)


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A clean environment for executing settings.py afresh (``runpy``): no
    KOTACERDAS_* variable nor any other the settings read, and a temporary
    data directory. Set what a test needs on the returned monkeypatch."""
    for name in list(os.environ):
        if name.startswith(("KOTACERDAS_", "EMAIL_")) or name in SETTINGS_ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KOTACERDAS_DATA_DIR", str(tmp_path))
    return monkeypatch


@pytest.fixture(scope="module")
def dumai(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The Kota Dumai demo (what ``demo_load`` returned), loaded once for the
    module that asks for it and rolled back after that module; each test still
    runs in its own savepoint (tests/factories.py, ``demo_loaded_once``)."""
    with demo_loaded_once(django_db_blocker) as result:
        yield result


def world_build() -> World:
    """The region, masterplan, two agencies, programme and action plans of ``world``."""
    region = RegionFactory()
    masterplan = make_masterplan(region)
    agency_a = AgencyFactory(region=region, short_name="Diskominfo", name="Dinas Kominfo")
    agency_b = AgencyFactory(region=region, short_name="Dispar", name="Dinas Pariwisata")
    programme = make_programme(masterplan, lead_agency=agency_a)
    plan_a = make_action_plan(programme, agency=agency_a)
    plan_b = make_action_plan(programme, agency=agency_b)
    return World(region, masterplan, agency_a, agency_b, programme, plan_a, plan_b)


def member_create(username: str, world: World, role: str, agency: Agency | None = None) -> Any:
    user = make_user(username)
    Membership.objects.create(user=user, region=world.region, role=role, agency=agency)
    return user


# persona: (username, role, agency of the world or None)
PERSONA_MEMBERS: dict[str, tuple[str, str, str | None]] = {
    "admin": ("alice", Role.ADMIN, None),
    "editor_a": ("bob", Role.AGENCY_EDITOR, "agency_a"),
    "editor_b": ("charlie", Role.AGENCY_EDITOR, "agency_b"),
    "assessor": ("dewi", Role.ASSESSOR, None),
    "officer": ("rina", Role.REGISTRY_OFFICER, None),
}


def persona_create(persona: str, world: World) -> Any:
    username, role, agency = PERSONA_MEMBERS[persona]
    return member_create(username, world, role, getattr(world, agency) if agency else None)


def personas_sign_in(users: dict[str, Any]) -> dict[str, Client]:
    """A client per persona in ``users``, signed in, plus ``anonymous``. Users
    who must use MFA get an authenticator device and a session verified by it
    (tests/logins.py); the others are signed in without one."""
    clients = {"anonymous": Client()}
    for name, user in users.items():
        client = Client()
        if mfa_required(user):
            login_verified(client, user)
        else:
            client.force_login(user)
        clients[name] = client
    return clients


@dataclass
class SharedWorld:
    """What a module that opts in builds once (``shared_world``): the world,
    the personas' users (by persona name) and clients (plus ``anonymous``),
    and each client's cookies right after signing in."""

    world: World
    user_ids: dict[str, int]
    clients: dict[str, Client]
    cookies: dict[str, SimpleCookie]


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[SharedWorld]:
    """The ``world`` and the signed-in ``personas``, built once for a module
    that opts in with ``pytestmark = pytest.mark.usefixtures("shared_world")``.

    Building the world and signing five personas in (four through their
    second factor) costs more than most tests that use them. A module that
    opts in builds them once, inside a transaction rolled back after the
    module (as ``dumai`` does with the demo); ``world``, ``personas``,
    ``admin_user`` ... then hand each test the module's. No test can leak
    into the next:

    - the database: each test runs in its own savepoint (``db``), rolled back
      at its end, including the sessions, OTP devices and login attempts;
    - the clients: each test gets them with the cookies they had right after
      signing in (a test may sign out or switch the language);
    - the objects: ``world`` gives each test fresh copies of the world's
      objects as the database holds them, so an object a test changed in
      memory is not the next test's.

    Every persona of a shared world has signed in (four with an authenticator
    device), even in a test that asks only for ``admin_user``: a module whose
    tests need a persona without a device or a session must not opt in.
    tests/permissions/test_isolation.py proves the rollback."""
    # Fast password hashing and the cache in memory come from _session_settings.
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, (
            "shared_world set up inside a test's transaction: a fixture that needs db "
            "ran before it (request shared_world through pytestmark usefixtures)"
        )
        with transaction.atomic():
            world = world_build()
            users = {persona: persona_create(persona, world) for persona in PERSONA_MEMBERS}
            clients = personas_sign_in(users)
            yield SharedWorld(
                world=_fetched(world),
                user_ids={persona: user.pk for persona, user in users.items()},
                clients=clients,
                cookies={name: _cookies_copy(client.cookies) for name, client in clients.items()},
            )
            transaction.set_rollback(True)


def _cookies_copy(cookies: SimpleCookie) -> SimpleCookie:
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


@pytest.fixture(autouse=True)
def _shared_world_only_in_a_savepoint(request: pytest.FixtureRequest) -> None:
    # A test of a shared-world module that commits (transactional_db, a live
    # server) would empty the database under the module's world.
    if "shared_world" not in request.fixturenames:
        return
    marker = request.node.get_closest_marker("django_db")
    commits = {"transactional_db", "live_server"} & set(request.fixturenames)
    if commits or (marker is not None and marker.kwargs.get("transaction")):
        pytest.fail(
            "shared_world is for tests in a savepoint: leave this test's module out of it",
            pytrace=False,
        )


def _shared(request: pytest.FixtureRequest) -> SharedWorld | None:
    if "shared_world" not in request.fixturenames:
        return None
    shared: SharedWorld = request.getfixturevalue("shared_world")
    return shared


@pytest.fixture
def world(request: pytest.FixtureRequest, db: None) -> World:
    """A world of the test's own, or (``shared_world``) copies of the module's
    objects as the database held them when built, and holds them again at
    the start of every test."""
    shared = _shared(request)
    return copy.deepcopy(shared.world) if shared else world_build()


def _persona_user(request: pytest.FixtureRequest, persona: str, world: World) -> Any:
    shared = _shared(request)
    if shared:
        return get_user_model().objects.get(pk=shared.user_ids[persona])
    return persona_create(persona, world)


@pytest.fixture
def admin_user(request: pytest.FixtureRequest, world: World) -> Any:
    return _persona_user(request, "admin", world)


@pytest.fixture
def editor_a(request: pytest.FixtureRequest, world: World) -> Any:
    return _persona_user(request, "editor_a", world)


@pytest.fixture
def editor_b(request: pytest.FixtureRequest, world: World) -> Any:
    return _persona_user(request, "editor_b", world)


@pytest.fixture
def assessor(request: pytest.FixtureRequest, world: World) -> Any:
    return _persona_user(request, "assessor", world)


@pytest.fixture
def officer(request: pytest.FixtureRequest, world: World) -> Any:
    """A registry officer of the cooperatives & UMKM agency (UMKM registry)."""
    return _persona_user(request, "officer", world)


# persona: the fixture that gives its user
PERSONA_FIXTURES = {
    "admin": "admin_user",
    "editor_a": "editor_a",
    "editor_b": "editor_b",
    "assessor": "assessor",
    "officer": "officer",
}


@pytest.fixture
def personas(request: pytest.FixtureRequest, world: World) -> dict[str, Client]:
    """A signed-in client per persona, plus ``anonymous`` (personas_sign_in);
    with ``shared_world``, the module's clients, their cookies as right after
    signing in."""
    shared = _shared(request)
    if shared:
        for name, client in shared.clients.items():
            client.cookies = _cookies_copy(shared.cookies[name])
        return shared.clients
    users = {persona: request.getfixturevalue(name) for persona, name in PERSONA_FIXTURES.items()}
    return personas_sign_in(users)


# --- An S3-protocol server on loopback (issue 16: private files in a bucket) ---

S3_TEST_KEY_ID = "kotacerdas-test"
S3_TEST_SECRET = "kotacerdas-test-secret"
S3_TEST_REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server in a thread of this process, on a free loopback port:
    a real HTTP server speaking the S3 protocol (signatures, multipart,
    listing), nothing on the network. Its URL. moto missing is an error, not
    a skip (it is a dev dependency)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server._server.server_port  # port 0: the one the system chose
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_TEST_KEY_ID,
        aws_secret_access_key=S3_TEST_SECRET,
        region_name=S3_TEST_REGION,
    )


def s3_bucket_create(endpoint: str) -> str:
    """A new empty bucket on the test server; its name."""
    name = f"kotacerdas-{next(_buckets)}-{os.getpid()}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def s3_storage_settings(endpoint: str, bucket: str) -> dict[str, Any]:
    """settings.STORAGES["private"] for ``bucket``, as settings.py builds it."""
    return {
        "BACKEND": "kotacerdas.core.objectstorage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": S3_TEST_REGION,
            "addressing_style": "path",
            "location": "",
            "signature_version": "s3v4",
            "access_key": S3_TEST_KEY_ID,
            "secret_key": S3_TEST_SECRET,
        },
    }


_buckets = itertools.count(1)


@pytest.fixture
def s3_private(settings, s3_server: str) -> str:  # type: ignore[no-untyped-def]
    """Private files of this test in a bucket of their own on the test
    server (settings.STORAGES["private"]); the bucket's name."""
    bucket = s3_bucket_create(s3_server)
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(s3_server, bucket)}
    return bucket


def s3_keys(endpoint: str, bucket: str) -> list[str]:
    """Every object key in ``bucket``, sorted."""
    answer = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))
