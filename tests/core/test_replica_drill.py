"""A real PostgreSQL streaming replica serves the portal; a visitor who wrote
reads the primary (issue 16, "several nodes").

The test starts its own primary (``initdb``) and replica (``pg_basebackup
-R``) on free loopback ports, copies the test database's schema into the
primary (``pg_dump``: the migrations already ran there), and runs a node
against the pair in another process (tests/core/replica_probe.py), which
pauses the replica's replay so the two differ. On a PostgreSQL run it fails,
never skips, when the server programs are missing; a SQLite-only run skips
it (no PostgreSQL is expected there)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.servers import postgres_bin_dir, postgres_with_replica

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "kotacerdas"

pytestmark = [
    # End to end with two servers and a process of its own (≈ 45 s): CI's
    # drill step on PostgreSQL, or named on the command line.
    pytest.mark.drill,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the replica drill runs on PostgreSQL runs (DATABASE_URL=postgres://...)",
    ),
]


def _schema_into(url: str) -> None:
    """The test database's tables and migration records into ``url``'s database."""
    bin_dir = postgres_bin_dir()
    s = connection.settings_dict
    where = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432)]
    dump = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
        [
            str(bin_dir / "pg_dump"),
            *where,
            "-U",
            s["USER"] or "postgres",
            "--no-owner",
            "--no-privileges",
            s["NAME"],
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    load = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
        [str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", url],
        input=dump.stdout,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert load.returncode == 0, load.stderr.decode()[-2000:]


@pytest.mark.django_db
def test_the_portal_is_served_by_the_replica_and_a_writer_reads_the_primary(
    tmp_path: Path,
) -> None:
    with postgres_with_replica() as (primary, replica):
        createdb = [str(postgres_bin_dir() / "createdb"), "-h", "127.0.0.1"]
        subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            [*createdb, "-p", str(primary.port), "-U", "postgres", DATABASE],
            check=True,
            timeout=60,
        )
        _schema_into(primary.url(DATABASE))
        env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
        env.update(
            DATABASE_URL=primary.url(DATABASE),
            KOTACERDAS_REPLICA_URL=replica.url(DATABASE),
            KOTACERDAS_DATA_DIR=str(tmp_path),
            KOTACERDAS_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="kotacerdas.settings",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        )
        probe = subprocess.run(
            [sys.executable, "-m", "tests.core.replica_probe"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    assert probe.returncode == 0, probe.stderr[-4000:]
    seen: dict[str, Any] = json.loads(probe.stdout.strip().splitlines()[-1])

    # Caught up, an anonymous visitor's page is read on the replica alone.
    assert seen["caught_up"] == ["Kota Dumai", ["replica"]]
    # The replica paused, the primary renamed: the anonymous page still shows
    # the replica's name, read there.
    assert seen["anonymous_lagging"] == ["Kota Dumai", ["replica"]]
    # A visitor who signs in (a write) is pinned, and reads the primary.
    assert seen["sign_in"] == [302, True]
    assert seen["writer_after_write"] == ["Kota Dumai Lama Diganti", ["default"]]
    assert seen["anonymous_still"] == ["Kota Dumai", ["replica"]]
    # A saved change bumps the portal's version: its page is not built from a
    # replica that has not replayed the change.
    assert seen["anonymous_after_bump"] is True
    # Replay resumed: the replica serves the new name.
    assert seen["anonymous_caught_up"] == ["Kota Dumai Terbaru", ["replica"]]
