"""An import job writes its rows in short transactions that stay invisible
until the job publishes them: while it runs, other processes keep writing
(even with a three-second busy timeout, which a whole-import transaction made
them exceed) and every reader sees the registry before or after the whole
import, never half of it. A killed job's invisible rows are cleared."""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.faults.conftest import Victim
from tests.faults.test_kill import write_survey

pytestmark = pytest.mark.faults

ROWS = 40_000


def test_a_running_import_is_invisible_and_blocks_no_writer(victim: Victim) -> None:
    survey = write_survey(victim.data_dir.parent / "survei.csv", ROWS)
    before = victim.json("peek")["visible"]
    job = str(victim.json("queue", str(survey))["job"])

    worker = victim.start("work", job)
    # Writers that give up after three seconds of waiting for the write lock (one
    # transaction for the whole import held it for many more).
    writer = victim.start("write", "0", "3", "60", KOTACERDAS_SQLITE_TIMEOUT="3")
    seen = []
    while worker.poll() is None:
        seen.append(victim.json("peek"))
        time.sleep(0.3)  # each look is a new process: leave the cores to the others
    _out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    written = json.loads(out.strip().splitlines()[-1])

    assert written["errors"] == []
    assert written["done"] == 3 * 60
    after = victim.counts()
    assert after["jobs"][job] == "done"
    # (The duplicate search after the import records its own LOAD event.)
    imported = next(s["imported"] for s in reversed(after["load_summaries"]) if "imported" in s)
    assert imported > 0
    assert after["businesses"] == before + imported
    # Readers saw the old registry or the whole import, nothing between...
    assert {peek["visible"] for peek in seen} <= {before, before + imported}
    # ...also at moments when part of the import was already in the table.
    assert any(before < peek["stored"] and peek["visible"] == before for peek in seen), seen


def test_a_killed_import_job_leaves_no_rows_once_cleared(victim: Victim) -> None:
    survey = write_survey(victim.data_dir.parent / "survei.csv", ROWS)
    before = victim.json("peek")
    job = str(victim.json("queue", str(survey))["job"])

    worker = victim.start("work", job)
    # Kill the worker once some of its rows are in the table.
    while victim.json("peek")["stored"] == before["stored"] and worker.poll() is None:
        time.sleep(0.2)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=60)
    if worker.returncode == 0:
        pytest.fail("the import finished before it could be killed; make ROWS larger")

    assert victim.json("peek")["visible"] == before["visible"]
    assert victim.json("giveup", job)["state"] == "failed"
    assert victim.json("purge")["removed"] > 0
    assert victim.json("peek") == before
    counts = victim.counts()
    # A failed job keeps no file: its upload holds personal data.
    assert counts["referenced"] == []
