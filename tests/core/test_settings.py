"""Settings come from the environment and fail loudly (STYLE.md habit 10).

Most cases execute ``kotacerdas/settings.py`` afresh with ``runpy`` under a
patched environment (fast, and the running test process keeps its own
settings); the start-up refusal and the SQLite connection behaviour are
checked in real subprocesses.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

import kotacerdas.settings

SETTINGS_FILE = kotacerdas.settings.__file__
GOOD_SECRET = "x" * 20 + "y" * 20 + "z" * 10
ENV_NAMES = (
    "KOTACERDAS_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "KOTACERDAS_DEBUG",
    "KOTACERDAS_SQLITE_TIMEOUT",
    "KOTACERDAS_SSL_REDIRECT",
    "CSRF_TRUSTED_ORIGINS",
)


@pytest.fixture
def environ(monkeypatch, tmp_path):
    """A clean environment whose data directory is a temporary one."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KOTACERDAS_DATA_DIR", str(tmp_path))
    return monkeypatch


def load_settings() -> dict[str, Any]:
    return runpy.run_path(SETTINGS_FILE)


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update(
        DJANGO_SETTINGS_MODULE="kotacerdas.settings",
        KOTACERDAS_DATA_DIR=str(tmp_path),
        PYTHONWARNINGS="ignore",
        **extra,
    )
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_production_without_a_secret_key(environ):
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id")

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings()


def test_it_refuses_production_with_a_short_secret_key(environ):
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id")
    environ.setenv("SECRET_KEY", "rahasia")

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings()


def test_it_refuses_production_without_allowed_hosts(environ):
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("SECRET_KEY", GOOD_SECRET)

    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        load_settings()


def test_it_starts_in_production_with_secret_key_and_allowed_hosts(environ):
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("SECRET_KEY", GOOD_SECRET)
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id, www.dumaikota.go.id")

    values = load_settings()

    assert values["PRODUCTION"] is True
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == GOOD_SECRET
    assert values["ALLOWED_HOSTS"] == ["smartcity.dumaikota.go.id", "www.dumaikota.go.id"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0


def test_it_refuses_debug_in_production(environ):
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("SECRET_KEY", GOOD_SECRET)
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id")
    environ.setenv("KOTACERDAS_DEBUG", "true")

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_DEBUG"):
        load_settings()


@pytest.mark.parametrize("value", ["maybe", "ya", "2", "enabled"])
def test_it_refuses_a_boolean_that_is_not_true_or_false(environ, value):
    environ.setenv("KOTACERDAS_DEBUG", value)

    with pytest.raises(ImproperlyConfigured, match=f"KOTACERDAS_DEBUG.*{value}"):
        load_settings()


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("On", True), ("0", False)])
def test_it_reads_booleans_in_development(environ, value, expected):
    environ.setenv("KOTACERDAS_DEBUG", value)

    assert load_settings()["DEBUG"] is expected


def test_it_refuses_a_number_that_is_not_whole(environ):
    environ.setenv("KOTACERDAS_SQLITE_TIMEOUT", "dua puluh")

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_SQLITE_TIMEOUT"):
        load_settings()


def test_it_refuses_an_unknown_environment(environ):
    environ.setenv("KOTACERDAS_ENV", "staging")

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_ENV"):
        load_settings()


def test_it_is_safe_by_default_in_development(environ, tmp_path):
    values = load_settings()

    assert values["PRODUCTION"] is False
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    key_file = tmp_path / "secret_key"
    assert values["SECRET_KEY"] == key_file.read_text().strip()
    assert len(values["SECRET_KEY"]) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_settings()["SECRET_KEY"] == values["SECRET_KEY"]


def test_it_configures_sqlite_for_concurrent_writers_by_default(environ, tmp_path):
    database = load_settings()["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == tmp_path / "kotacerdas.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_it_configures_a_sqlite_database_url_the_same_way(environ, tmp_path):
    environ.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lain.sqlite3'}")

    database = load_settings()["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_it_uses_postgresql_from_database_url(environ):
    environ.setenv("DATABASE_URL", "postgres://kota:sandi@db.internal:5432/kotacerdas")

    database = load_settings()["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "kotacerdas"
    assert database["HOST"] == "db.internal"
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_it_runs_the_suite_on_the_database_named_by_database_url():
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )

    assert connection.vendor == expected


def test_it_stops_a_production_process_that_has_no_secret_key(tmp_path):
    env = clean_env(tmp_path, KOTACERDAS_ENV="production", ALLOWED_HOSTS="contoh.go.id")

    result = run_python("import django; django.setup()", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_starts_a_production_process_without_debug(tmp_path):
    env = clean_env(
        tmp_path,
        KOTACERDAS_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="contoh.go.id",
    )

    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "import sys; sys.stdout.write(f'{settings.DEBUG} {settings.ALLOWED_HOSTS}')",
        env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "False ['contoh.go.id']"


SQLITE_PROBE = """
import sqlite3, sys
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction

with connection.cursor() as cursor:
    for pragma in ("journal_mode", "busy_timeout", "foreign_keys"):
        cursor.execute(f"PRAGMA {pragma}")
        sys.stdout.write(f"{pragma}={cursor.fetchone()[0]}\\n")

other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0, isolation_level=None)
with transaction.atomic():
    # No statement has run in this transaction yet: only BEGIN IMMEDIATE
    # holds the write lock now (a DEFERRED transaction would not).
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        sys.stdout.write("second_writer=started\\n")
    except sqlite3.OperationalError as exc:
        sys.stdout.write(f"second_writer=blocked ({exc})\\n")
"""


def test_it_opens_sqlite_in_wal_mode_with_immediate_transactions(tmp_path):
    result = run_python(SQLITE_PROBE, clean_env(tmp_path))

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "journal_mode=wal" in lines
    assert "busy_timeout=20000" in lines
    assert "foreign_keys=1" in lines
    assert "second_writer=blocked (database is locked)" in lines
    assert (tmp_path / "kotacerdas.sqlite3").exists()
