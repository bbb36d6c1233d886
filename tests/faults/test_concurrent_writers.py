"""Several processes, each with several threads, write through the services
into one SQLite file at once: every write succeeds (no "database is locked":
WAL, IMMEDIATE transactions and the busy timeout in settings.py make writers
queue) and every write has its audit event."""

from __future__ import annotations

import json

import pytest

from tests.faults.conftest import Victim

pytestmark = pytest.mark.faults

PROCESSES, THREADS, TIMES = 4, 3, 20


def test_concurrent_writers_never_see_database_is_locked(victim: Victim) -> None:
    before = victim.counts()
    writers = [
        victim.start("write", str(index), str(THREADS), str(TIMES)) for index in range(PROCESSES)
    ]
    results = []
    for process in writers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "locked" not in err
        results.append(json.loads(out.strip().splitlines()[-1]))

    errors = [error for result in results for error in result["errors"]]
    assert errors == []
    assert sum(result["done"] for result in results) == PROCESSES * THREADS * TIMES
    after = victim.counts()
    assert after["audit"] == before["audit"] + PROCESSES * THREADS * TIMES
    assert after["integrity"] == ["ok"]
