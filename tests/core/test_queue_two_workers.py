"""Two workers, on two nodes, share the database task queue without running
a task twice (issue 16): each claims the next ready task with
``SELECT … FOR UPDATE SKIP LOCKED`` (django_tasks_db's ``get_locked``, called
by kotacerdas.core.taskworker) and marks it RUNNING in the same transaction,
so the other skips the locked row instead of waiting for it or taking it
too. Two real ``kotacerdas worker`` processes drain one queue here.

PostgreSQL only: SQLite has no row locks (its workers take the whole
database's write lock to claim, one machine anyway)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.core.queue_tasks import take_a_while

ROOT = Path(__file__).resolve().parents[2]
TASKS = 40
TASK_PATH = "tests.core.queue_tasks.take_a_while"

pytestmark = [
    # Two real worker processes (≈ 35 s): CI's drill step on PostgreSQL.
    pytest.mark.drill,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="row locks (SKIP LOCKED) are PostgreSQL's: run with DATABASE_URL=postgres://...",
    ),
]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(tmp_path: Path, name: str) -> tuple[subprocess.Popen[str], threading.Event]:
    """A ``kotacerdas worker`` process and an event set once it polls the queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.update(
        DATABASE_URL=_database_url(),
        KOTACERDAS_DATA_DIR=str(tmp_path / name),
        KOTACERDAS_LOG_LEVEL="INFO",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "kotacerdas.cli", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    polling = threading.Event()

    def watch() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if "Starting worker" in line:
                polling.set()

    threading.Thread(target=watch, daemon=True).start()
    return process, polling


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_run_each_task_once(tmp_path: Path, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    workers = [_worker(tmp_path, name) for name in ("node-a", "node-b")]
    try:
        for _process, polling in workers:
            assert polling.wait(120), "a worker did not start polling"
        for number in range(TASKS):
            take_a_while.enqueue(number)
        deadline = time.monotonic() + 180
        mine = DBTaskResult.objects.filter(task_path=TASK_PATH)
        while mine.filter(status=TaskResultStatus.SUCCESSFUL).count() < TASKS:
            assert time.monotonic() < deadline, list(mine.values_list("status", flat=True))
            assert all(process.poll() is None for process, _ in workers)
            time.sleep(0.2)
    finally:
        for process, _ in workers:
            os.killpg(process.pid, signal.SIGTERM)
        for process, _ in workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    results = list(mine)
    assert len(results) == TASKS
    # Each task claimed by exactly one worker, once, and run once.
    assert all(len(result.worker_ids) == 1 for result in results)
    assert sorted(result.return_value["number"] for result in results) == list(range(TASKS))
    # Both workers took part: the queue was shared, not drained by one.
    by_worker = Counter(result.worker_ids[0] for result in results)
    assert len(by_worker) == 2, by_worker
    assert len({result.return_value["pid"] for result in results}) == 2
