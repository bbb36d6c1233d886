"""A staged import leaves SQLite's write lock to the other writers about half
the time, also when a chunk holds it long because the machine is loaded
(issue 14, point 2: the benchmark found a chunk holding the lock a second
or more at load 15, followed by a pause capped at 0,1 s)."""

from __future__ import annotations

import pytest
from django.db import connection

from kotacerdas.umkm.imports import engine, services
from kotacerdas.umkm.imports.models import ImportJob
from tests.conftest import World
from tests.umkm.imports.test_staging_and_retention import _queued, _survey

HELD_S = 0.8  # what one chunk seems to take: a loaded machine


class SlowClock:
    """``engine.time``: every chunk appears to take HELD_S; pauses are recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        self.now += HELD_S  # read once at a chunk's start and once at its end
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SlowClock:
    fake = SlowClock()
    monkeypatch.setattr(engine, "time", fake)
    monkeypatch.setitem(engine.STAGED_CHUNK_ROWS, connection.vendor, 10)
    monkeypatch.setattr(engine, "STAGED_CHUNK_ROWS_DEFAULT", 10)
    monkeypatch.setattr(engine.pipeline, "BATCH_ROWS", 10)
    return fake


def test_after_each_chunk_the_import_pauses_as_long_as_it_held_the_lock(
    world: World, clock: SlowClock
) -> None:
    job = _queued(world, _survey(40))
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.imported) == (ImportJob.State.DONE, 40)
    share = engine.STAGED_PAUSE_SHARE.get(connection.vendor, 0.0)
    if share:  # SQLite: one lock for every writer
        assert len(clock.pauses) >= 4
        assert all(pause == pytest.approx(HELD_S * share) for pause in clock.pauses), clock.pauses
    else:  # PostgreSQL locks rows: no pause
        assert clock.pauses == []
