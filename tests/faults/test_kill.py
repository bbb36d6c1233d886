"""A SIGKILL at a random point of an import or a period close leaves the
database as it was or with the whole change, never half of it, and no
orphaned file in the data folder.

The points are drawn from a seeded random: ``KOTACERDAS_FAULT_SEED=N`` replays
a run; every assertion message names the seed."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import Victim

SEED = int(os.environ.get("KOTACERDAS_FAULT_SEED") or random.SystemRandom().randrange(1_000_000))
HEADER = ["No", "NAMA USAHA", "Nama Pemilik", "NIK", "Kelurahan", "No. HP", "KBLI", "Omzet"]

pytestmark = pytest.mark.faults


def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}-{name}")


def write_survey(path: Path, rows: int) -> Path:
    """``rows`` businesses over Dumai's kelurahan; every 50th row is refused
    (unknown kelurahan), so the rejection report has content."""
    from kotacerdas.regions.reference import kelurahan_of

    places = [area.name for area in kelurahan_of("14.72")]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for i in range(1, rows + 1):
            writer.writerow(
                [
                    i,
                    f"Toko Uji {i}",
                    "Siti",
                    f"147201410190{i % 9999 + 1:04d}",
                    "Atlantis" if i % 50 == 0 else places[i % len(places)],
                    f"0812{i:08d}",
                    "47111",
                    f"{(i % 900 + 10)} juta",
                ]
            )
    return path


def assert_import_atomic(
    victim: Victim, before: dict[str, Any], rows: int, why: str, *, same_audit: bool = True
) -> bool:
    """The registry is untouched or holds the whole import; True when complete."""
    after = victim.counts()
    assert after["integrity"] == ["ok"], why
    assert after["business_indexes"] == before["business_indexes"], why
    new_loads = after["load_summaries"][len(before["load_summaries"]) :]
    assert [summary["rows"] for summary in new_loads] == [rows] * len(new_loads), why
    imported = sum(summary["imported"] for summary in new_loads)
    assert after["businesses"] == before["businesses"] + imported, (
        f"businesses and committed imports disagree (half an import?); {why}"
    )
    if not new_loads and same_audit:
        assert after["audit"] == before["audit"], why
    return bool(new_loads)


def assert_report(report: Path, victim: Victim, complete: bool, why: str) -> None:
    """The rejection report exists exactly when the import committed; no
    partial report or temporary file is left in the data folder."""
    assert report.exists() == complete, why
    leftovers = [
        name for name in victim.files() if name != str(report.relative_to(victim.data_dir))
    ]
    assert leftovers == [], why


def test_an_import_killed_at_a_random_statement_is_all_or_nothing(victim: Victim) -> None:
    rows = 300
    survey = write_survey(victim.data_dir.parent / "survei.csv", rows)
    report = victim.data_dir / "laporan" / "ditolak.xlsx"
    rng = rng_for("import-statement")
    before = victim.counts()
    outcomes = []
    complete = False
    # A first import runs 9 SQL statements, a repeated one 8 (all matched):
    # points 1 to 10 include a run that is not killed at all.
    for attempt in range(6):
        at, when = rng.randint(1, 10), rng.choice(["before", "after"])
        why = f"seed {SEED}, attempt {attempt}: SIGKILL {when} SQL statement {at}"
        rc, _out, err = victim.run(
            "import", str(survey), str(report), FAULT_KILL_AT=str(at), FAULT_KILL_WHEN=when
        )
        assert rc in (0, -signal.SIGKILL), f"{why}: exit {rc}\n{err}"
        complete = assert_import_atomic(victim, before, rows, why) or complete
        assert_report(report, victim, complete, why)
        outcomes.append((at, when, rc))
        if complete and any(rc == -signal.SIGKILL for _at, _when, rc in outcomes):
            break
    if not complete:
        rc, _out, err = victim.run("import", str(survey), str(report))
        assert rc == 0, err
        assert assert_import_atomic(victim, before, rows, f"seed {SEED}: clean run {outcomes}")
        assert report.exists()
    assert any(rc == -signal.SIGKILL for _at, _when, rc in outcomes), (
        f"seed {SEED}: no attempt was killed {outcomes}"
    )


def test_a_large_import_killed_after_a_random_delay_is_all_or_nothing(victim: Victim) -> None:
    # Large enough for the parallel reader and, on SQLite, for the bulk load
    # that drops and rebuilds the table's indexes inside the transaction.
    rows = 25_000
    survey = write_survey(victim.data_dir.parent / "survei-besar.csv", rows)
    report = victim.data_dir / "laporan" / "ditolak.xlsx"
    rng = rng_for("import-delay")
    before = victim.counts()
    delays = []
    for attempt in range(3):
        delay = rng.uniform(0.5, 4.0)
        why = f"seed {SEED}, attempt {attempt}: SIGKILL after {delay:.2f} s"
        process = victim.start("import", str(survey), str(report))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        try:
            _out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # Its output pipes are still open: a child of the killed import
            # (the parallel reader) lives on without its parent.
            pytest.fail(f"{why}: a process of the killed import outlived it")
        assert process.returncode in (0, -signal.SIGKILL), f"{why}: exit {process.returncode}"
        complete = assert_import_atomic(victim, before, rows, why)
        assert_report(report, victim, complete, why)
        delays.append((round(delay, 2), process.returncode))
        if complete:
            return
    # Killed every time: a clean run still imports the whole file.
    rc, _out, err = victim.run("import", str(survey), str(report))
    assert rc == 0, f"seed {SEED}, after kills {delays}: {err}"
    assert assert_import_atomic(victim, before, rows, f"seed {SEED}: clean run after {delays}")


@pytest.mark.parametrize("case", range(2))
def test_a_period_close_killed_at_a_random_statement_is_all_or_nothing(
    victim: Victim, case: int
) -> None:
    period = str(victim.seeded["period"])
    rng = rng_for(f"close-{case}")
    at, when = rng.randint(1, 36), rng.choice(["before", "after"])
    why = f"seed {SEED}, case {case}: SIGKILL {when} SQL statement {at}"
    before = victim.counts()
    assert before["periods"][period] == "open", why

    rc, _out, err = victim.run("close", period, FAULT_KILL_AT=str(at), FAULT_KILL_WHEN=when)

    assert rc in (0, -signal.SIGKILL), f"{why}: exit {rc}\n{err}"
    after = victim.counts()
    assert after["integrity"] == ["ok"], why
    if after["periods"][period] == "open":
        assert (after["snapshots"], after["audit"]) == (before["snapshots"], before["audit"]), why
        # Nothing was left locked or half-done: the close succeeds now.
        rc, _out, err = victim.run("close", period)
        assert rc == 0, f"{why}: {err}"
        after = victim.counts()
    assert after["periods"][period] == "closed", why
    assert after["snapshots"] == before["snapshots"] + 1, why
    # One audit event for the period's state, one for the snapshot.
    assert after["audit"] == before["audit"] + 2, why
    assert victim.files() == [], why


def private_files(victim: Victim) -> list[str]:
    root = victim.data_dir / "private"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("case", range(2))
def test_a_web_import_whose_worker_is_killed_leaves_no_orphaned_file(
    victim: Victim, case: int
) -> None:
    rows = 300
    survey = write_survey(victim.data_dir.parent / "survei.csv", rows)
    before = victim.counts()
    job = str(victim.json("queue", str(survey))["job"])
    rng = rng_for(f"worker-{case}")
    # The task runs about 23 SQL statements: claim (1-2), the import (to
    # about 11), finish, then the duplicate search and the statistics. Case
    # 1 kills the worker inside the import, case 0 anywhere.
    at = rng.randint(1, 24) if case == 0 else rng.randint(3, 10)
    when = rng.choice(["before", "after"])
    why = f"seed {SEED}, case {case}: worker SIGKILL {when} SQL statement {at}"

    rc, _out, err = victim.run("work", job, FAULT_KILL_AT=str(at), FAULT_KILL_WHEN=when)
    assert rc in (0, -signal.SIGKILL), f"{why}: exit {rc}\n{err}"
    state = victim.counts()["jobs"][job]
    if state == "running":
        # Ten minutes later a page shows the job and settles it.
        state = victim.json("giveup", job)["state"]
    elif state == "queued":
        # Killed before it claimed the job: the queue still holds it.
        rc, _out, err = victim.run("work", job)
        assert rc == 0, f"{why}: {err}"
        state = victim.counts()["jobs"][job]

    after = victim.counts()
    assert state in ("done", "failed"), why
    # (The upload, the mapping and the give-up have their own audit events.)
    complete = assert_import_atomic(victim, before, rows, why, same_audit=False)
    assert complete == (state == "done"), why
    # Every file in private storage belongs to a job: the upload, and the
    # report of a finished import; no progress file, no half report.
    assert private_files(victim) == after["referenced"], why
