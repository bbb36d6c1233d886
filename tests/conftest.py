"""Shared fixtures. Personas follow STYLE.md: admin (smart city team), editor_a
(OPD editor of agency A), editor_b (OPD editor of agency B), assessor,
officer (UMKM registry officer) and anonymous; ``world`` builds one region
with a masterplan, two agencies, a programme and one action plan per agency."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from kotacerdas.accounts.policy import mfa_required
from kotacerdas.core.models import Membership, Role
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from kotacerdas.regions.models import Region
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
    make_user,
)
from tests.logins import login_verified

pytest_plugins = ["tests.logscan"]  # no NIK, phone, password or token in any log line


@dataclass
class World:
    region: Region
    masterplan: Masterplan
    agency_a: Agency
    agency_b: Agency
    programme: Programme
    plan_a: ActionPlan
    plan_b: ActionPlan


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # PBKDF2's deliberate slowness protects real accounts, not test personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Uploaded evidence goes to a per-test folder, never into the real var/private.
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


@pytest.fixture
def world(db: None) -> World:
    region = RegionFactory()
    masterplan = make_masterplan(region)
    agency_a = AgencyFactory(region=region, short_name="Diskominfo", name="Dinas Kominfo")
    agency_b = AgencyFactory(region=region, short_name="Dispar", name="Dinas Pariwisata")
    programme = make_programme(masterplan, lead_agency=agency_a)
    plan_a = make_action_plan(programme, agency=agency_a)
    plan_b = make_action_plan(programme, agency=agency_b)
    return World(region, masterplan, agency_a, agency_b, programme, plan_a, plan_b)


def _member(username: str, world: World, role: str, agency: Agency | None = None):  # type: ignore[no-untyped-def]
    user = make_user(username)
    Membership.objects.create(user=user, region=world.region, role=role, agency=agency)
    return user


@pytest.fixture
def admin_user(world: World):  # type: ignore[no-untyped-def]
    return _member("alice", world, Role.ADMIN)


@pytest.fixture
def editor_a(world: World):  # type: ignore[no-untyped-def]
    return _member("bob", world, Role.AGENCY_EDITOR, world.agency_a)


@pytest.fixture
def editor_b(world: World):  # type: ignore[no-untyped-def]
    return _member("charlie", world, Role.AGENCY_EDITOR, world.agency_b)


@pytest.fixture
def assessor(world: World):  # type: ignore[no-untyped-def]
    return _member("dewi", world, Role.ASSESSOR)


@pytest.fixture
def officer(world: World):  # type: ignore[no-untyped-def]
    """A registry officer of the cooperatives & UMKM agency (UMKM registry)."""
    return _member("rina", world, Role.REGISTRY_OFFICER)


@pytest.fixture
def personas(world: World, admin_user, editor_a, editor_b, assessor, officer) -> dict[str, Client]:  # type: ignore[no-untyped-def]
    """A logged-in client per persona, plus ``anonymous``. Personas who must use
    MFA have an authenticator device and a session verified by it
    (tests/logins.py); the registry officer, for whom it is optional, has none."""
    clients = {"anonymous": Client()}
    for name, user in (
        ("admin", admin_user),
        ("editor_a", editor_a),
        ("editor_b", editor_b),
        ("assessor", assessor),
        ("officer", officer),
    ):
        client = Client()
        if mfa_required(user):
            login_verified(client, user)
        else:  # MFA is optional for the registry officer, who has not enrolled
            client.force_login(user)
        clients[name] = client
    return clients
