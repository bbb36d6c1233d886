"""The worker outlives the database (issue 14, point 3) and says it is alive.

An OperationalError (refused connection, a lock past the busy timeout) around
a poll is an outage: logged once, retried with a growing wait capped at 30 s,
and the job queued meanwhile runs once the database answers again."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from kotacerdas.core import heartbeat, taskworker
from kotacerdas.core.management.commands.worker import Command as WorkerCommand

done: list[str] = []


@task()
def remember(word: str) -> str:
    done.append(word)
    return word


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_an_outage_then_runs_the_queued_job(
    database_tasks, monkeypatch, caplog
) -> None:
    done.clear()
    result = remember.enqueue("halo")
    waits: list[float] = []
    monkeypatch.setattr(taskworker, "sleep", waits.append)
    outage = {"left": 6}
    original = DBTaskResultQuerySet.get_locked

    def flaky(self: DBTaskResultQuerySet) -> Any:
        if outage["left"]:
            outage["left"] -= 1
            raise OperationalError("connection to server failed: Connection refused")
        return original(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", flaky)
    worker = WorkerCommand()._worker(batch=True, interval=0)

    with caplog.at_level(logging.WARNING, logger="kotacerdas.core.taskworker"):
        worker.run()  # batch: returns once the queue is empty

    assert done == ["halo"]
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    # Six failed polls: waits that double from 0.5 s.
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Database unavailable" in m for m in messages) == 1  # once per outage
    assert sum("available again" in m for m in messages) == 1


def test_the_wait_between_retries_is_capped(monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(taskworker, "sleep", waits.append)
    worker = WorkerCommand()._worker(batch=True, interval=0)
    calls = {"n": 0}

    def poll() -> tuple[bool, None]:
        calls["n"] += 1
        if calls["n"] <= 12:
            raise OperationalError("database is locked")
        return True, None

    monkeypatch.setattr(worker, "poll", poll)
    worker.run()

    assert max(waits) == taskworker.BACKOFF_MAX and len(waits) == 12
    assert waits[-1] == taskworker.BACKOFF_MAX


def test_other_errors_are_not_swallowed(monkeypatch) -> None:
    worker = WorkerCommand()._worker(batch=True, interval=0)

    def poll() -> None:
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(worker, "poll", poll)
    with pytest.raises(ValueError, match="a bug"):
        worker.run()


def test_the_heartbeat_says_whether_a_worker_is_alive() -> None:
    assert heartbeat.worker_alive() is False  # never beat
    now = time.time()
    heartbeat.beat(now=now - heartbeat.ALIVE_WITHIN - 1)
    assert heartbeat.worker_alive(now=now) is False
    heartbeat.beat(now=now - 2)
    assert heartbeat.worker_alive(now=now) is True
    beat = heartbeat.last_beat()
    assert beat is not None and set(beat) == {"at", "host", "pid"}  # no personal data


def test_the_heartbeat_thread_beats_until_stopped() -> None:
    pulse = heartbeat.Heartbeat(every=0.05).start()
    try:
        deadline = time.monotonic() + 5
        while not heartbeat.worker_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heartbeat.worker_alive()
    finally:
        pulse.stop()
    assert not pulse._thread.is_alive()


def test_healthz_reports_the_worker_without_failing_the_web(client, db) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": "down"}

    heartbeat.beat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": "alive"}
