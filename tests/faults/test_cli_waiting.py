"""A staged command-line import that waits for another import of its region
and is stopped while it waits never leaves a job QUEUED for ever (issue 14,
point 2): SIGINT, SIGTERM and SIGHUP go through the command's clean-up (the
job FAILED at once); after SIGKILL, which nothing can catch, the job names
its process (``cli:PID@HOST``), and the next page that shows it (or the daily
sweep) finds the process gone and marks it failed."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from tests.faults.conftest import Victim
from tests.faults.test_kill import write_survey

pytestmark = pytest.mark.faults

WAIT_LIMIT_S = 120.0


def _waiting_job(victim: Victim, process: subprocess.Popen[str], held: str) -> str:
    """The job of the staged command once it waits (QUEUED beside the holder)."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        jobs = victim.counts()["jobs"]
        queued = [pk for pk, state in jobs.items() if pk != held and state == "queued"]
        if queued:
            return queued[0]
        time.sleep(0.5)
    raise AssertionError("the staged import never queued its job")


def _progress(victim: Victim) -> list[str]:
    """The jobs whose progress entry (their sign of life) is in the shared cache."""
    return list(victim.json("progress"))


@pytest.mark.parametrize(
    "number", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["SIGTERM", "SIGINT", "SIGHUP"]
)
def test_a_waiting_staged_import_stopped_by_a_signal_fails_its_job(
    victim: Victim, number: signal.Signals
) -> None:
    survey = write_survey(victim.data_dir.parent / "survei.csv", 20)
    held = str(victim.json("hold")["job"])
    process = victim.start("staged", str(survey))
    job = _waiting_job(victim, process, held)
    time.sleep(1)  # inside its wait between two polls, or a poll itself
    process.send_signal(number)
    _out, err = process.communicate(timeout=60)

    assert process.returncode != 0
    assert "Traceback" not in err or number == signal.SIGINT, err
    jobs = victim.counts()["jobs"]
    assert jobs[job] == "failed", (jobs, err)
    assert jobs[held] == "running"  # the other import is not disturbed
    # Its sign of life is gone with it; the holder's stays.
    assert _progress(victim) == [held]


def test_a_waiting_staged_import_killed_is_failed_by_the_next_page(victim: Victim) -> None:
    survey = write_survey(victim.data_dir.parent / "survei.csv", 20)
    held = str(victim.json("hold")["job"])
    process = victim.start("staged", str(survey))
    job = _waiting_job(victim, process, held)
    assert victim.json("settle")[job] == "queued"  # alive: left waiting

    process.kill()
    process.communicate(timeout=60)  # reaped: no zombie holds its pid
    assert victim.counts()["jobs"][job] == "queued"  # what the defect left for ever

    settled = victim.json("settle")
    assert settled[job] == "failed"
    assert settled[held] == "running"
    assert _progress(victim) == [held]
