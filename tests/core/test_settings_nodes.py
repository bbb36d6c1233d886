"""Settings of a deployment on several nodes (issue 16): a Redis cache by
``KOTACERDAS_CACHE_URL`` (or ``KOTACERDAS_REDIS_URL``), a read replica by
``KOTACERDAS_REPLICA_URL``; one machine keeps its folder cache and one
database. Executed afresh with ``runpy`` (the ``environ`` fixture)."""

from __future__ import annotations

import runpy
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

import kotacerdas.settings

PRIMARY = "postgres://kota:sandi@db.internal:5432/kotacerdas"


def load_settings() -> dict[str, Any]:
    return runpy.run_path(kotacerdas.settings.__file__)


def test_one_machine_keeps_a_folder_cache_and_one_database(environ) -> None:
    loaded = load_settings()
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("FileBasedCache")
    assert set(loaded["DATABASES"]) == {"default"}
    assert loaded["DATABASE_ROUTERS"] == []


@pytest.mark.parametrize("name", ["KOTACERDAS_CACHE_URL", "KOTACERDAS_REDIS_URL"])
def test_a_cache_url_makes_the_cache_redis(environ, name: str) -> None:
    environ.setenv(name, "redis://cache.internal:6379/2")
    cache = load_settings()["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert cache["KEY_PREFIX"] == "kotacerdas"
    assert cache["OPTIONS"]["socket_timeout"] > 0


def test_the_cache_url_wins_over_the_redis_url(environ) -> None:
    environ.setenv("KOTACERDAS_CACHE_URL", "rediss://valkey.internal:6380/0")
    environ.setenv("KOTACERDAS_REDIS_URL", "redis://lain:6379/0")
    assert load_settings()["CACHES"]["default"]["LOCATION"] == "rediss://valkey.internal:6380/0"


def test_a_cache_url_that_is_not_redis_is_refused(environ) -> None:
    environ.setenv("KOTACERDAS_CACHE_URL", "memcached://cache.internal:11211")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_CACHE_URL"):
        load_settings()


def test_a_replica_url_adds_the_replica_and_its_router(environ) -> None:
    environ.setenv("DATABASE_URL", PRIMARY)
    environ.setenv(
        "KOTACERDAS_REPLICA_URL", "postgres://kota:sandi@replica.internal:5432/kotacerdas"
    )
    environ.setenv("KOTACERDAS_REPLICA_PIN_SECONDS", "9")
    loaded = load_settings()
    replica = loaded["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.internal"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert loaded["DATABASE_ROUTERS"] == ["kotacerdas.core.routers.ReplicaRouter"]
    assert loaded["KOTACERDAS_REPLICA_PIN_SECONDS"] == 9


def test_a_replica_of_sqlite_is_refused(environ) -> None:
    environ.setenv("KOTACERDAS_REPLICA_URL", "postgres://kota@replica.internal/kotacerdas")
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL primary"):
        load_settings()


def test_a_replica_that_is_not_postgresql_is_refused(environ) -> None:
    environ.setenv("DATABASE_URL", PRIMARY)
    environ.setenv("KOTACERDAS_REPLICA_URL", "sqlite:////tmp/salinan.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        load_settings()


def test_a_pin_shorter_than_a_second_is_refused(environ) -> None:
    environ.setenv("KOTACERDAS_REPLICA_PIN_SECONDS", "0")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_REPLICA_PIN_SECONDS"):
        load_settings()


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("redis://cache.internal:6379/0", True),
        ("rediss://valkey.internal:6380/0", True),
        ("redis://:rahasia@cache.internal:6379/0", False),
        ("rediss://kotacerdas:rahasia@valkey.internal:6380/0", False),
        ("redis://127.0.0.1:6379/0", False),
        ("unix:///run/redis.sock", False),
    ],
)
def test_production_refuses_a_cache_on_another_machine_without_a_password(
    environ, url: str, refused: bool
) -> None:
    """The cache holds session copies and users' roles: anyone who can
    reach an open one could forge them (security review, issue 16)."""
    from tests.core.test_settings import _production

    _production(environ)
    environ.setenv("KOTACERDAS_CACHE_URL", url)
    if refused:
        with pytest.raises(ImproperlyConfigured, match="password"):
            load_settings()
    else:
        assert load_settings()["CACHES"]["default"]["LOCATION"] == url
