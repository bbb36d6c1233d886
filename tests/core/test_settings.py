"""Settings come from the environment and fail loudly (STYLE.md habit 10).

Most cases execute ``kotacerdas/settings.py`` afresh with ``runpy`` under a
patched environment (fast, and the running test process keeps its own
settings); the start-up refusal and the SQLite connection behaviour are
checked in real subprocesses.

The second half keeps settings and documentation one: every variable
settings.py reads is a row of the table in docs/operations.md (with its type
and default), every ``KOTACERDAS_*`` name the docs mention is read by
settings.py, the environment is read nowhere else, and the code reads its
settings plainly (``settings.NAME``, declared in settings.py).
"""

from __future__ import annotations

import ast
import os
import re
import runpy
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import load_command_class
from django.db import connection

import kotacerdas.settings
from kotacerdas.core.checks import renamed_environment

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
    for name in {*ENV_NAMES, *_settings_reads()}:
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


def _production(environ) -> None:  # type: ignore[no-untyped-def]
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("SECRET_KEY", GOOD_SECRET)
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id")


def test_it_sends_mail_over_smtp_in_production_and_prints_it_in_development(environ):
    assert load_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    _production(environ)
    assert load_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize("backend", ["console", "locmem", "filebased"])
def test_it_refuses_a_mail_backend_that_does_not_send_in_production(environ, backend):
    """Issue 14: password-reset links were written to stdout in production."""
    _production(environ)
    environ.setenv("EMAIL_BACKEND", f"django.core.mail.backends.{backend}.EmailBackend")

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_EMAIL_ALLOW_UNSENT"):
        load_settings()

    environ.setenv("KOTACERDAS_EMAIL_ALLOW_UNSENT", "true")
    assert load_settings()["EMAIL_BACKEND"].endswith(f".{backend}.EmailBackend")


def test_check_deploy_fails_with_a_console_mail_backend_and_says_why(tmp_path):
    env = clean_env(
        tmp_path,
        KOTACERDAS_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="contoh.go.id",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    env.pop("KOTACERDAS_EMAIL_ALLOW_UNSENT", None)

    result = run_python("from kotacerdas.cli import main; main(['check', '--deploy'])", env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend" in result.stderr
    assert "KOTACERDAS_EMAIL_ALLOW_UNSENT=true" in result.stderr


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


# --- The settings this release adds or renamed ----------------------------------------------


def test_it_reads_the_number_of_proxies_under_its_neutral_name(environ):
    environ.setenv("KOTACERDAS_NUM_PROXIES", "1")

    values = load_settings()

    assert values["KOTACERDAS_NUM_PROXIES"] == 1
    assert values["NINJA_NUM_PROXIES"] == 1  # the API's rate limits count by the same number
    assert values["KOTACERDAS_DEPRECATED_IN_USE"] == []


def test_it_still_reads_the_old_name_of_the_number_of_proxies(environ):
    environ.setenv("KOTACERDAS_API_NUM_PROXIES", "2")

    values = load_settings()

    assert values["KOTACERDAS_NUM_PROXIES"] == 2
    assert values["NINJA_NUM_PROXIES"] == 2
    assert values["KOTACERDAS_DEPRECATED_IN_USE"] == ["KOTACERDAS_API_NUM_PROXIES"]


def test_it_accepts_both_names_of_the_number_of_proxies_when_they_agree(environ):
    environ.setenv("KOTACERDAS_NUM_PROXIES", "1")
    environ.setenv("KOTACERDAS_API_NUM_PROXIES", "1")

    assert load_settings()["KOTACERDAS_NUM_PROXIES"] == 1


@pytest.mark.parametrize(
    ("new", "old", "message"),
    [
        ("1", "2", "KOTACERDAS_NUM_PROXIES='1' and its deprecated name"),
        ("", "satu", "KOTACERDAS_API_NUM_PROXIES must be a whole number"),
        ("-1", "", "KOTACERDAS_NUM_PROXIES must be 0"),
    ],
)
def test_it_refuses_a_number_of_proxies_that_is_wrong_or_ambiguous(environ, new, old, message):
    environ.setenv("KOTACERDAS_NUM_PROXIES", new)
    environ.setenv("KOTACERDAS_API_NUM_PROXIES", old)

    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        load_settings()


def test_it_warns_while_a_renamed_variable_is_set_under_its_old_name(settings):
    settings.KOTACERDAS_DEPRECATED_IN_USE = ["KOTACERDAS_API_NUM_PROXIES"]

    (warning,) = renamed_environment(None)

    assert warning.id == "kotacerdas.W001"
    assert "KOTACERDAS_API_NUM_PROXIES" in warning.msg
    assert "KOTACERDAS_NUM_PROXIES" in warning.msg

    settings.KOTACERDAS_DEPRECATED_IN_USE = []
    assert renamed_environment(None) == []


def test_it_reads_the_umkm_import_limit_it_documents(environ):
    assert load_settings()["KOTACERDAS_UMKM_IMPORT_MAX_BYTES"] == 200 * 1024 * 1024

    environ.setenv("KOTACERDAS_UMKM_IMPORT_MAX_BYTES", "1048576")
    assert load_settings()["KOTACERDAS_UMKM_IMPORT_MAX_BYTES"] == 1024 * 1024

    environ.setenv("KOTACERDAS_UMKM_IMPORT_MAX_BYTES", "0")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_UMKM_IMPORT_MAX_BYTES"):
        load_settings()


def test_it_reads_the_evaluation_spread_flag_exactly(environ):
    assert load_settings()["EVALUATION_SPREAD_FLAG"] == Decimal("1")

    environ.setenv("KOTACERDAS_EVALUATION_SPREAD_FLAG", "0.5")
    assert load_settings()["EVALUATION_SPREAD_FLAG"] == Decimal("0.5")


@pytest.mark.parametrize("value", ["satu", "-1", "NaN", "Infinity", "0,5"])
def test_it_refuses_a_spread_flag_that_is_not_a_number_of_points(environ, value):
    environ.setenv("KOTACERDAS_EVALUATION_SPREAD_FLAG", value)

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_EVALUATION_SPREAD_FLAG"):
        load_settings()


def test_it_licenses_open_data_cc_by_unless_the_operator_sets_another(environ):
    assert load_settings()["KOTACERDAS_OPEN_DATA_LICENCE"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/deed.id",
    }

    environ.setenv("KOTACERDAS_OPEN_DATA_LICENCE_NAME", "ODbL 1.0")
    environ.setenv("KOTACERDAS_OPEN_DATA_LICENCE_URL", "https://opendatacommons.org/licenses/odbl/")
    assert load_settings()["KOTACERDAS_OPEN_DATA_LICENCE"] == {
        "name": "ODbL 1.0",
        "url": "https://opendatacommons.org/licenses/odbl/",
    }


@pytest.mark.parametrize(
    ("name", "url"),
    [("ODbL 1.0", ""), ("", "https://opendatacommons.org/licenses/odbl/"), ("ODbL", "odbl.org")],
)
def test_it_refuses_half_a_licence(environ, name, url):
    environ.setenv("KOTACERDAS_OPEN_DATA_LICENCE_NAME", name)
    environ.setenv("KOTACERDAS_OPEN_DATA_LICENCE_URL", url)

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_OPEN_DATA_LICENCE"):
        load_settings()


def test_it_reads_the_web_server_defaults(environ):
    values = load_settings()
    assert (
        values["KOTACERDAS_BIND"],
        values["KOTACERDAS_WORKERS"],
        values["KOTACERDAS_THREADS"],
        values["KOTACERDAS_TIMEOUT"],
    ) == ("127.0.0.1:8000", 2, 4, 60)

    environ.setenv("KOTACERDAS_BIND", "unix:/run/kotacerdas.sock")
    environ.setenv("KOTACERDAS_WORKERS", "5")
    environ.setenv("KOTACERDAS_THREADS", "1")
    environ.setenv("KOTACERDAS_TIMEOUT", "120")
    values = load_settings()
    assert (
        values["KOTACERDAS_BIND"],
        values["KOTACERDAS_WORKERS"],
        values["KOTACERDAS_THREADS"],
        values["KOTACERDAS_TIMEOUT"],
    ) == ("unix:/run/kotacerdas.sock", 5, 1, 120)

    environ.setenv("KOTACERDAS_WORKERS", "dua")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_WORKERS"):
        load_settings()


def test_the_serve_command_takes_its_defaults_from_the_settings(settings):
    settings.KOTACERDAS_BIND = "0.0.0.0:9000"
    settings.KOTACERDAS_WORKERS = 3
    settings.KOTACERDAS_THREADS = 1
    settings.KOTACERDAS_TIMEOUT = 90

    command = load_command_class("kotacerdas.core", "serve")
    options = command.create_parser("kotacerdas", "serve").parse_args([])

    assert (options.bind, options.workers, options.threads, options.timeout) == (
        "0.0.0.0:9000",
        3,
        1,
        90,
    )


def test_it_reads_the_log_level_in_any_case_and_refuses_unknown_levels(environ):
    environ.setenv("KOTACERDAS_LOG_LEVEL", "warning")
    values = load_settings()
    assert values["KOTACERDAS_LOG_LEVEL"] == "WARNING"
    assert values["LOGGING"]["root"]["level"] == "WARNING"

    environ.setenv("KOTACERDAS_LOG_LEVEL", "cerewet")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_LOG_LEVEL"):
        load_settings()


# --- Settings and their documentation are one -------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kotacerdas"
OPERATIONS = ROOT / "docs" / "operations.md"
HELPER_TYPES = {
    "env_str": "str",
    "env_int": "int",
    "env_bool": "bool",
    "env_list": "list",
    "env_decimal": "decimal",
}
KOTACERDAS_NAME = re.compile(r"\bKOTACERDAS_[A-Z0-9_]*[A-Z0-9]\b")
TABLE_HEADER = "| variabel / variable | tipe / type | bawaan / default | arti / meaning |"

# KOTACERDAS_* names the docs may mention although settings.py does not read
# them. Each says where it is read instead, and a test below checks that it is
# read there and nowhere in the application.
NOT_READ_BY_SETTINGS = {
    "KOTACERDAS_CI_TEST_TIMEOUT": "CI only: the time limit of a test run, read by .ci/run",
    "KOTACERDAS_FAULTS": "tests only: runs the fault tests, read by tests/faults/conftest.py",
    "KOTACERDAS_FAULT_SEED": (
        "tests only: replays the kill points, read by tests/faults/test_kill.py"
    ),
    "KOTACERDAS_CHROMIUM": (
        "tests only: the browser of the browser tests, read by tests/browser/conftest.py "
        "and scripts/ensure-chromium"
    ),
    "KOTACERDAS_UV_SPEC": "developer tool: the uv release scripts/uv bootstraps",
}
# Names that are no longer read; the docs name them so that the operator of an
# older installation learns what replaced them.
RETIRED = {
    "KOTACERDAS_SESSION_AGE": (
        "replaced by KOTACERDAS_SESSION_MAX_HOURS and KOTACERDAS_SESSION_IDLE_MINUTES "
        "(decisions.md §28)"
    ),
}


def _literal(node: ast.expr | None) -> Any:
    """The value of a default written as a literal (``200 * 1024``,
    ``Decimal("1")``, ``["*"]``), or None when it is computed."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List):
        items = [_literal(item) for item in node.elts]
        return None if None in items else items
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = _literal(node.left), _literal(node.right)
        return left * right if isinstance(left, int) and isinstance(right, int) else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Decimal"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
    ):
        return Decimal(node.args[0].value)
    return None


def _settings_reads() -> dict[str, tuple[str, Any]]:
    """Every environment variable settings.py reads: name → (type, default).
    A deprecated old name (``old_name=``) has the type of its new name and no
    default of its own."""
    reads: dict[str, tuple[str, Any]] = {}
    tree = ast.parse(Path(SETTINGS_FILE).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in HELPER_TYPES
        ):
            continue
        kind = HELPER_TYPES[node.func.id]
        name = node.args[0]
        assert isinstance(name, ast.Constant), f"settings.py line {node.lineno}: name a variable"
        default = node.args[1] if len(node.args) > 1 else None
        for keyword in node.keywords:
            if keyword.arg == "default":
                default = keyword.value
            elif keyword.arg == "old_name":
                assert isinstance(keyword.value, ast.Constant)
                reads[keyword.value.value] = (kind, None)
        reads[name.value] = (kind, _literal(default))
    return reads


def _documented() -> dict[str, tuple[str, str]]:
    """The configuration table of docs/operations.md: name → (type, default)."""
    lines = OPERATIONS.read_text(encoding="utf-8").splitlines()
    assert lines.count(TABLE_HEADER) == 1, f"one configuration table in {OPERATIONS.name}"
    start = lines.index(TABLE_HEADER) + 2
    rows: dict[str, tuple[str, str]] = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 4, f"four cells per row: {line}"
        name, kind, default = (cell.strip() for cell in cells[:3])
        assert re.fullmatch(r"`[A-Z][A-Z0-9_]*`", name), f"one variable per row: {line}"
        assert name.strip("`") not in rows, f"{name} is listed twice"
        rows[name.strip("`")] = (kind.strip("`"), default)
    return rows


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def test_it_documents_every_variable_it_reads_with_its_type_and_default() -> None:
    reads, documented = _settings_reads(), _documented()

    assert sorted(set(reads) - set(documented)) == [], (
        "settings.py reads these variables, docs/operations.md does not list them"
    )
    assert sorted(set(documented) - set(reads)) == [], (
        "docs/operations.md lists these variables, settings.py does not read them"
    )
    for name, (kind, default) in reads.items():
        documented_kind, documented_default = documented[name]
        assert documented_kind == kind, f"{name} is read as {kind}, documented as {documented_kind}"
        if default not in (None, ""):
            assert documented_default.startswith(f"`{_shown(default)}`"), (
                f"{name} defaults to {_shown(default)!r}, documented as {documented_default!r}"
            )


def test_it_reads_every_kotacerdas_variable_the_docs_name() -> None:
    reads = _settings_reads()
    mentioned: dict[str, set[str]] = {}
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for name in KOTACERDAS_NAME.findall(path.read_text(encoding="utf-8")):
            mentioned.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())

    unread = {
        name: sorted(paths)
        for name, paths in mentioned.items()
        if name not in reads and name not in NOT_READ_BY_SETTINGS and name not in RETIRED
    }
    assert unread == {}, "the docs name variables that settings.py does not read"


def test_the_variables_settings_does_not_read_are_read_only_outside_the_application() -> None:
    reads = _settings_reads()
    application = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    outside = "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for folder in ("tests", "scripts", ".ci")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix in {"", ".py", ".sh"}
    )
    for name in NOT_READ_BY_SETTINGS:
        assert name not in reads, f"{name} is read by settings.py: drop it from the list"
        assert not re.search(rf"\b{name}\b", application), f"{name} is read by the application"
        assert re.search(rf"\b{name}\b", outside), f"{name} is read nowhere: drop it from the docs"
    for name in RETIRED:
        assert name not in reads and not re.search(rf"\b{name}\b", application), name


def _environment_reads(tree: ast.Module) -> list[str]:
    """Where a module reads the environment by name (``os.environ.get("X")``,
    ``os.environ["X"]``, ``os.getenv``, ``"X" in os.environ``, the env_*
    helpers); writing it (``os.environ.setdefault``) and passing it whole to a
    child process are not reads."""

    def is_environ(node: ast.expr) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in HELPER_TYPES or name == "getenv":
                found.append(f"line {node.lineno}: {name}()")
            elif isinstance(func, ast.Attribute) and is_environ(func.value) and name == "get":
                found.append(f"line {node.lineno}: os.environ.get()")
        elif isinstance(node, ast.Subscript) and is_environ(node.value):
            if isinstance(node.ctx, ast.Load):
                found.append(f"line {node.lineno}: os.environ[...]")
        elif isinstance(node, ast.Compare) and any(is_environ(c) for c in node.comparators):
            found.append(f"line {node.lineno}: ... in os.environ")
        elif isinstance(node, ast.ImportFrom) and node.module == "kotacerdas.env":
            found.append(f"line {node.lineno}: imports kotacerdas.env")
    return found


def test_it_reads_the_environment_only_in_settings() -> None:
    readers = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name in {"settings.py", "env.py"} and path.parent == SRC:
            continue
        found = _environment_reads(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            readers[path.relative_to(SRC).as_posix()] = found
    assert readers == {}, (
        "read the environment in settings.py (a typed, documented setting) and "
        "django.conf.settings here"
    )


def _settings_module_names(tree: ast.Module) -> set[str]:
    """Names under which a module imported ``django.conf.settings``."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.conf"
        for alias in node.names
        if alias.name == "settings"
    }


def _settings_reads_in_code() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(setting → modules reading ``settings.NAME``, setting → modules reading
    it through ``getattr``/``hasattr`` with a constant name)."""
    plain: dict[str, set[str]] = {}
    indirect: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or (path.parent == SRC and path.name == "settings.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _settings_module_names(tree)
        if not names:
            continue
        module = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in names
                and node.attr.isupper()
            ):
                plain.setdefault(node.attr, set()).add(module)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"getattr", "hasattr"}
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in names
                and isinstance(node.args[1], ast.Constant)
            ):
                indirect.setdefault(node.args[1].value, set()).add(module)
    return plain, indirect


def test_the_code_reads_only_settings_that_are_declared() -> None:
    plain, _indirect = _settings_reads_in_code()
    declared = {name for name in vars(kotacerdas.settings) if name.isupper()}
    django_defaults = {name for name in vars(global_settings) if name.isupper()}

    undeclared = {
        name: sorted(modules)
        for name, modules in plain.items()
        if name not in declared | django_defaults
    }
    assert undeclared == {}, "declare these settings in settings.py"


def test_the_code_reads_settings_plainly() -> None:
    _plain, indirect = _settings_reads_in_code()
    unexpected = {name: sorted(modules) for name, modules in indirect.items()}
    assert unexpected == {}, (
        "read settings.NAME (declared with its default in settings.py), not getattr(settings, ...)"
    )
