"""Security headers on a sample of pages, no-store for signed-in pages, and
the settings behind them (production and the accounts variables)."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

import kotacerdas.settings

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

GOOD_SECRET = "s" * 25 + "t" * 25


def _common(response) -> None:  # type: ignore[no-untyped-def]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp


@pytest.mark.parametrize(
    "url",
    [
        reverse("masterplan:method"),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
    ],
)
def test_public_pages_carry_the_headers_and_may_be_cached(db, url: str) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(url)
    assert response.status_code == 200
    _common(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_login_page_carries_the_headers(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse("login"))
    _common(response)
    assert "no-store" in response["Cache-Control"]  # Django's LoginView: never cached


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("masterplan:dashboard", True),
        ("masterplan:programme_list", True),
        ("umkm:business_list", True),
        ("accounts:mfa", False),
        ("masterplan:method", False),
    ],
)
def test_signed_in_pages_are_never_stored(personas, world, route: str, args: bool) -> None:  # type: ignore[no-untyped-def]
    response = personas["admin"].get(reverse(route, args=[world.region.code] if args else None))
    assert response.status_code == 200
    _common(response)
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_the_otp_step_is_never_stored(editor_a) -> None:  # type: ignore[no-untyped-def]
    from tests.accounts.conftest import sign_in
    from tests.logins import mfa_device

    mfa_device(editor_a)
    client = Client()
    sign_in(client, "bob")
    response = client.get(reverse("accounts:otp"))
    assert response.status_code == 200
    _common(response)
    assert "no-store" in response["Cache-Control"]


def _load() -> dict:  # type: ignore[type-arg]
    return runpy.run_path(kotacerdas.settings.__file__)


def test_production_cookies_and_hsts(environ) -> None:  # type: ignore[no-untyped-def]
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("SECRET_KEY", GOOD_SECRET)
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id")
    values = _load()
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["AUTHENTICATION_BACKENDS"][0] == "kotacerdas.accounts.backends.AxesBackend"
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]


def test_the_accounts_defaults(environ) -> None:  # type: ignore[no-untyped-def]
    values = _load()
    assert values["KOTACERDAS_SESSION_IDLE_MINUTES"] == 30
    assert values["KOTACERDAS_SESSION_MAX_HOURS"] == 12
    assert values["SESSION_COOKIE_AGE"] == 12 * 3600
    assert values["KOTACERDAS_PASSWORD_MAX_AGE_DAYS"] == 0
    assert not any("Composition" in v["NAME"] for v in values["AUTH_PASSWORD_VALIDATORS"])


def test_the_bssn_rules_are_switched_on_by_environment(environ) -> None:  # type: ignore[no-untyped-def]
    environ.setenv("KOTACERDAS_PASSWORD_COMPOSITION", "1")
    environ.setenv("KOTACERDAS_PASSWORD_MAX_AGE_DAYS", "90")
    environ.setenv("KOTACERDAS_LOGIN_FAILURE_LIMIT", "10")
    environ.setenv("KOTACERDAS_LOGIN_COOLOFF_MINUTES", "30")
    values = _load()
    assert any("Composition" in v["NAME"] for v in values["AUTH_PASSWORD_VALIDATORS"])
    assert values["KOTACERDAS_PASSWORD_MAX_AGE_DAYS"] == 90
    assert values["AXES_FAILURE_LIMIT"] == 10
    assert values["AXES_COOLOFF_TIME"].total_seconds() == 30 * 60


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KOTACERDAS_SESSION_IDLE_MINUTES", "0"),
        ("KOTACERDAS_SESSION_MAX_HOURS", "-1"),
        ("KOTACERDAS_PASSWORD_MAX_AGE_DAYS", "-5"),
        ("KOTACERDAS_LOGIN_FAILURE_LIMIT", "0"),
        ("KOTACERDAS_LOGIN_COOLOFF_MINUTES", "0"),
        ("KOTACERDAS_PASSWORD_COMPOSITION", "kadang"),
    ],
)
def test_it_refuses_unsafe_values(environ, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    environ.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        _load()


def test_the_deployment_checklist_is_clean(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' conftest, never in production.
        if not k.startswith("KOTACERDAS_")
        and k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        KOTACERDAS_ENV="production",
        KOTACERDAS_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="smartcity.dumaikota.go.id",
        DJANGO_SETTINGS_MODULE="kotacerdas.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
