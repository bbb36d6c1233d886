"""deploy/compose.yaml, checked for what it can promise without Docker (this
machine has no daemon; several nodes are proven in CI with real processes):
every part issue 16 names is there, every variable it gives the application
is one the application reads, and no secret is written in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.core.test_settings import _settings_reads

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Read by a library, not by settings.py: botocore trusts a private CA with it.
LIBRARY_VARIABLES = {"AWS_CA_BUNDLE"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image") == "kotacerdas:latest"
    }


def test_it_has_every_part_of_a_several_node_deployment() -> None:
    services = _compose()["services"]
    apps = _app_services(_compose())
    commands = {name: " ".join(s.get("command") or []) for name, s in apps.items()}
    web = [name for name, command in commands.items() if "serve --no-worker" in command]
    workers = [name for name, command in commands.items() if command.endswith("worker")]
    assert len(web) >= 2 and workers, commands
    images = {service["image"].split(":")[0] for service in services.values()}
    assert {"postgres", "edoburu/pgbouncer", "valkey/valkey", "chrislusf/seaweedfs"} <= images
    assert "clamav/clamav" in images
    # A primary and a replica made by pg_basebackup -R.
    replica = (DEPLOY / "postgres" / "replica-start.sh").read_text(encoding="utf-8")
    assert "pg_basebackup" in replica and " -R " in replica
    assert services["db-replica"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_every_variable_it_sets_is_read_by_the_application() -> None:
    reads = set(_settings_reads())
    for name, service in _app_services(_compose()).items():
        environment = service["environment"]
        assert environment["KOTACERDAS_ENV"] == "production", name
        unknown = set(environment) - reads - LIBRARY_VARIABLES
        assert unknown == set(), f"{name} sets variables nothing reads: {sorted(unknown)}"
        for shared in ("KOTACERDAS_CACHE_URL", "KOTACERDAS_S3_BUCKET", "DATABASE_URL"):
            assert environment.get(shared), f"{name}: several nodes need {shared}"


def test_it_holds_no_secret_and_asks_for_each_one() -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    for secret in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "CACHE_PASSWORD",
        "KOTACERDAS_S3_SECRET_ACCESS_KEY",
    ):
        # Required from the environment file: compose stops with the message.
        assert re.search(rf"\$\{{{secret}:\?", text), secret
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    filled = [
        line
        for line in example.splitlines()
        if re.match(r"(SECRET_KEY|\w*PASSWORD|\w*SECRET\w*)=.", line)
    ]
    assert filled == [], "env.example must leave every secret empty"


def test_the_cache_asks_for_its_password() -> None:
    """Production refuses a cache on another machine without a password
    (settings.py): the compose file gives one to the server and the nodes."""
    compose = _compose()
    assert "--requirepass" in compose["services"]["cache"]["command"]
    for name, service in _app_services(compose).items():
        assert service["environment"]["KOTACERDAS_CACHE_URL"].startswith("redis://:${"), name
