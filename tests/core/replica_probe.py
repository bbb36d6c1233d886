"""The process of the replica drill: ``python -m tests.core.replica_probe``.

It runs with ``DATABASE_URL`` (a primary) and ``KOTACERDAS_REPLICA_URL`` (its
streaming replica) from its environment, as a node of a deployment would,
and answers requests with Django's test client. It stops the replica's
replay to make the two databases differ, then looks at what each kind of
request sees; prints one JSON object of observations for the test
(tests/core/test_replica_drill.py) to judge.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

REGION = "14.72"
USERNAME = "penulis"


def _replica_sql(sql: str) -> Any:
    from django.db import connections

    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _caught_up() -> None:
    """Wait until the replica has replayed everything the primary wrote."""
    from django.db import connections

    from kotacerdas.core.routers import replica_caught_up

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        position = cursor.fetchone()[0]
    deadline = time.monotonic() + 60
    while not replica_caught_up(position):
        assert time.monotonic() < deadline, "the replica did not catch up in 60 s"
        time.sleep(0.1)


def _client() -> Any:
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")  # an allowed host of development settings


def _portal(client: Any) -> tuple[str, list[str]]:
    """The region's name on its portal page, built afresh, and the database
    aliases the page's region query ran on."""
    from django.core.cache import cache
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from kotacerdas.regions.models import Region

    cache.clear()
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(f"/publik/{REGION}/")
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    names = sorted(
        {r.name for r in Region.objects.using("default").all()}
        | {r.name for r in Region.objects.using("replica").all()},
        key=len,
        reverse=True,
    )
    shown = next((name for name in names if name in html), "")
    aliases = [
        alias
        for alias, queries in (("replica", replica), ("default", primary))
        if any("regions_region" in q["sql"] for q in queries.captured_queries)
    ]
    return shown, aliases


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from kotacerdas.core.routers import PIN_COOKIE
    from kotacerdas.regions.models import Region

    seen: dict[str, Any] = {}
    region = Region.objects.create(code=REGION, name="Kota Dumai")
    password = "kata-sandi-probe-yang-panjang"
    get_user_model().objects.create_user(USERNAME, password=password)
    _caught_up()
    seen["caught_up"] = _portal(_client())

    # The replica stops replaying: from now on it lags behind the primary.
    _replica_sql("SELECT pg_wal_replay_pause()")
    # A change the portal's cache is not told of (QuerySet.update sends no
    # signal): only the database the page reads decides what it shows.
    Region.objects.filter(pk=region.pk).update(name="Kota Dumai Lama Diganti")
    seen["anonymous_lagging"] = _portal(_client())

    writer = _client()
    response = writer.post("/masuk/", {"username": USERNAME, "password": password})
    seen["sign_in"] = [response.status_code, PIN_COOKIE in writer.cookies]
    seen["writer_after_write"] = _portal(writer)
    seen["anonymous_still"] = _portal(_client())

    # A change the cache is told of (a save: the data version is bumped with
    # the primary's WAL position): a page of the new version is not built on
    # a replica that has not replayed it.
    region.name = "Kota Dumai Terbaru"
    region.save()
    anonymous = _client()
    cache_key_page = anonymous.get(f"/publik/{REGION}/").content.decode()
    seen["anonymous_after_bump"] = "Kota Dumai Terbaru" in cache_key_page

    _replica_sql("SELECT pg_wal_replay_resume()")
    _caught_up()
    cache.clear()
    seen["anonymous_caught_up"] = _portal(_client())
    sys.stdout.write(json.dumps(seen) + "\n")


if __name__ == "__main__":
    main()
