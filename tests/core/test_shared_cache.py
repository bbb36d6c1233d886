"""Several nodes share one cache (issue 16): with ``KOTACERDAS_CACHE_URL``
naming a Redis, what one process counts or writes, another sees. A real
redis-server is started on a free loopback port (tests/servers.py; .ci/run
installs it); each node is a separate process (tests/core/cache_probe.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from tests.servers import redis_server

ROOT = Path(__file__).resolve().parents[2]

# Real processes (≈ 30 s): CI's drill step, or named on the command line. No
# database is used (DATABASE_URL is removed for the nodes): once, on SQLite.
pytestmark = [pytest.mark.drill, pytest.mark.one_database]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def node_env(redis_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of two nodes of one deployment: the same Redis, the
    same secret key; a data folder each would have is one here (the key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.update(
        KOTACERDAS_CACHE_URL=redis_url,
        KOTACERDAS_DATA_DIR=str(tmp_path),
        KOTACERDAS_LOG_LEVEL="WARNING",
        SECRET_KEY="uji-" + "k" * 48,
        DJANGO_SETTINGS_MODULE="kotacerdas.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - this interpreter, our module
        [sys.executable, "-m", "tests.core.cache_probe", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen[str]) -> Any:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _node(env: dict[str, str], *args: str) -> list[Any]:
    return list(_result(_start(env, *args)))


def test_it_uses_redis_when_a_cache_url_is_set(redis_url: str, settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("kotacerdas:uji", 41)
    assert cache.incr("kotacerdas:uji") == 42


def test_a_rate_limit_is_counted_once_across_two_nodes(node_env: dict[str, str]) -> None:
    limit, times = 50, 40
    start = f"{time.time() + 3:.3f}"  # both processes start counting at the same moment
    scope = f"uji{time.time_ns()}"
    nodes = [_start(node_env, "hits", scope, str(limit), str(times), start) for _ in range(2)]
    passed = [_result(node)[0] for node in nodes]
    # Every hit was counted once, on one counter: exactly the limit passed in
    # all, however the two interleaved (Redis INCR is atomic).
    assert sum(passed) == limit
    assert all(0 < count <= times for count in passed)


def test_progress_data_versions_and_the_heartbeat_of_one_node_are_seen_on_another(
    node_env: dict[str, str],
) -> None:
    job = "77"
    first = _node(node_env, "progress-read", job, "+", "version", "+", "alive", "+",
                  "progress-write", job, "12500", "40000", "+", "bump", "+", "beat")  # fmt: skip
    progress, version, alive = first[:3]
    assert progress is None and alive is False
    assert first[4] == version + 1
    # Another process (another node) sees what the first one wrote.
    second = _node(node_env, "progress-read", job, "+", "version", "+", "alive", "+",
                   "progress-remove", job)  # fmt: skip
    assert second[:3] == [[12500, 40000], version + 1, True]
    assert _node(node_env, "progress-read", job) == [None]


def test_a_restore_forgets_only_this_installations_keys(redis_url: str) -> None:
    """Two installations on one Redis, apart by KOTACERDAS_CACHE_PREFIX: the
    restore of one empties its own cache (cached pages, kept roles, session
    copies) and leaves the other's; Django's clear() would FLUSHDB both."""
    from django.test import override_settings

    from kotacerdas.core.caching import cache_forget_all

    def redis(prefix: str) -> dict[str, Any]:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url, "KEY_PREFIX": prefix}  # fmt: skip

    other = RedisCache(redis_url, {"KEY_PREFIX": "kabupaten"})
    other.set("portal:data-version", 7, None)
    with override_settings(CACHES={"default": redis("kota")}):
        own = caches["default"]
        own.set_many({f"page-{n}": n for n in range(1500)})
        own.set("portal:data-version", 3, None)

        assert cache_forget_all() == 1501
        assert own.get("portal:data-version") is None
        assert own.get("page-7") is None
    assert other.get("portal:data-version") == 7


def test_a_local_cache_is_cleared_whole(tmp_path: Path) -> None:
    from django.test import override_settings

    from kotacerdas.core.caching import cache_forget_all

    folder = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
              "LOCATION": str(tmp_path / "cache")}  # fmt: skip
    with override_settings(CACHES={"default": folder}):
        caches["default"].set("page", 1)
        assert cache_forget_all() is None
        assert caches["default"].get("page") is None
