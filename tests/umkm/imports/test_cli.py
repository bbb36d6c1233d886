"""``kotacerdas umkm import``: the real command, its JSON and its exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from kotacerdas.cli import main
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.progress import ProgressBeat, read_progress
from kotacerdas.umkm.models import Business, KbliCode, PersonalDataAccess
from tests.umkm.imports.test_engine import ROWS, write_csv

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture(autouse=True)
def _kbli_cache() -> Iterator[None]:
    KbliCode.objects.forget()
    yield
    KbliCode.objects.forget()


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "survei.csv", ROWS)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("umkm", "import", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_summary_as_json(world, survey, tmp_path) -> None:
    report = tmp_path / "ditolak.xlsx"

    output = _run(str(survey), "--region", "14.72", "--json", "--quiet", "--report", str(report))

    summary = json.loads(output)
    assert summary == {
        "rows": 7,
        "imported": 3,
        "matched_existing": 0,
        "duplicates_in_file": 1,
        "rejected": 3,
        "warnings": 1,  # "Pangkalan Sesei" read by its spelling (issue 20)
        "skipped": 0,
        "report": str(report),
        "places": {"fuzzy": 1},
        "mode": "exclusive",
    }
    assert summary["rows"] == sum(
        summary[k]
        for k in ("imported", "matched_existing", "duplicates_in_file", "rejected", "skipped")
    )
    assert openpyxl.load_workbook(report)["Ditolak"].max_row == 4


def test_a_second_run_imports_nothing_and_names_the_actor(world, survey, officer) -> None:
    _run(str(survey), "--region", "14.72", "--quiet")
    summary = json.loads(_run(str(survey), "--region", "14.72", "--json", "--actor", "rina"))

    assert (summary["imported"], summary["matched_existing"]) == (0, 4)
    assert Business.objects.count() == 3
    assert PersonalDataAccess.objects.filter(actor=officer).count() == 1


def test_it_prints_a_bilingual_summary_without_json(world, survey) -> None:
    output = _run(str(survey), "--region", "14.72", "--quiet")

    assert "diimpor / imported 3" in output and "ditolak / rejected 3" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hilang.csv", "--region", "14.72"], "tidak ada"),
        (["survei.csv", "--region", "99.99"], "Wilayah 99.99"),
        (["survei.csv", "--region", "14.72", "--actor", "siapa"], "Pengguna siapa"),
        (["survei.csv", "--region", "14.72", "--sheet", "Data"], "lembar yang ada: survei"),
        (["catatan.csv", "--region", "14.72"], "Judul kolom tidak dikenali"),
        (["palsu.xlsx", "--region", "14.72"], "XLSX"),
    ],
)
def test_it_fails_with_a_clear_message_when_the_file_cannot_be_read(
    world, survey, tmp_path, monkeypatch, args, message
) -> None:
    (tmp_path / "catatan.csv").write_text("Catatan rapat\nTidak ada tabel di sini\n")
    (tmp_path / "palsu.xlsx").write_text("Nama Usaha,Kelurahan\n")
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert Business.objects.count() == 0


def test_the_console_script_exits_0_on_rejections_and_1_when_unreadable(
    world, survey, tmp_path, capsys, monkeypatch
) -> None:
    # Django closes every connection after a command run from argv; the test's
    # transaction lives on that connection.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    main(["umkm", "import", str(survey), "--region", "14.72", "--json", "--quiet"])
    assert json.loads(capsys.readouterr().out)["rejected"] == 3

    (tmp_path / "kosong.csv").write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        main(["umkm", "import", str(tmp_path / "kosong.csv"), "--region", "14.72"])
    assert exit_.value.code == 1
    assert "kosong" in capsys.readouterr().err


# --- Modes: exclusive (one transaction) and staged (an import job here) ----------------------


def _run_both(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("umkm", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_says_the_exclusive_mode_blocks_writers(world, survey) -> None:
    _out, err = _run_both(str(survey), "--region", "14.72", "--quiet")
    assert "Mode eksklusif" in err and "penyimpanan lain menunggu" in err
    assert "Exclusive mode" in err
    assert not ImportJob.objects.exists()  # no job: one transaction


def test_staged_runs_an_import_job_in_this_process(world, survey, officer) -> None:
    out, err = _run_both(
        str(survey), "--region", "14.72", "--staged", "--json", "--quiet", "--actor", "rina"
    )
    summary = json.loads(out)
    assert "Mode bertahap" in err and "Staged mode" in err
    job = ImportJob.objects.get()
    assert (summary["mode"], summary["job"]) == ("staged", job.pk)
    assert (job.state, job.staging, job.created_by) == (ImportJob.State.DONE, False, officer)
    assert (job.imported, job.rejected) == (summary["imported"], summary["rejected"]) == (3, 3)
    assert Business.objects.filter(import_job=job).count() == 3
    # The same counts as the exclusive path, which it matches row for row.
    again = json.loads(_run(str(survey), "--region", "14.72", "--json", "--quiet"))
    assert (again["imported"], again["matched_existing"]) == (0, 4)


def test_staged_refuses_an_unreadable_file_and_leaves_the_job_failed(world, tmp_path) -> None:
    (tmp_path / "catatan.csv").write_text("Catatan rapat\nTidak ada tabel di sini\n")
    with pytest.raises(CommandError, match="Judul kolom tidak dikenali"):
        _run(str(tmp_path / "catatan.csv"), "--region", "14.72", "--staged")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and "Judul kolom" in job.error
    assert Business.all_rows.count() == 0


def test_staged_waits_for_the_running_import_of_its_region(world, survey, monkeypatch) -> None:
    from kotacerdas.umkm.imports import services

    running = ImportJob.objects.create(
        region=world.region, filename="besar.xlsx", state=ImportJob.State.RUNNING
    )
    ProgressBeat(running.pk).write(0, None)  # alive
    polls: list[int] = []

    def sleep(seconds: float) -> None:  # the other import ends after two polls
        if seconds != services.REGION_BUSY_POLL:
            return  # the staged engine's pause between chunks
        polls.append(1)
        if len(polls) == 2:
            ImportJob.objects.filter(pk=running.pk).update(state=ImportJob.State.DONE)

    monkeypatch.setattr(services.time, "sleep", sleep)
    out, err = _run_both(str(survey), "--region", "14.72", "--staged", "--quiet")
    assert f"Menunggu impor lain di wilayah ini selesai: impor #{running.pk} (besar.xlsx)" in err
    assert err.count("Menunggu impor lain") == 1  # said once, not at every poll
    assert len(polls) == 2
    assert "diimpor / imported 3" in out


def test_exclusive_refuses_while_an_import_of_its_region_runs(world, survey) -> None:
    running = ImportJob.objects.create(
        region=world.region, filename="besar.xlsx", state=ImportJob.State.RUNNING
    )
    with pytest.raises(CommandError, match=f"Impor #{running.pk} \\(besar.xlsx\\) sedang berjalan"):
        _run(str(survey), "--region", "14.72", "--quiet")
    assert Business.objects.count() == 0


def test_exclusive_refuses_an_import_job_that_claimed_the_region_while_it_read_the_file(
    world, survey, monkeypatch
) -> None:
    """The command's check is before the file is opened; the region lock only
    at the transaction: a job claiming the region in between is seen under
    the lock, with the same message, and nothing is written."""
    from kotacerdas.umkm.imports import engine

    opened = engine.open_book
    claimed: list[ImportJob] = []

    def claimed_meanwhile(path: Path, *, filename: str):  # type: ignore[no-untyped-def]
        claimed.append(
            ImportJob.objects.create(
                region=world.region, filename="besar.xlsx", state=ImportJob.State.RUNNING
            )
        )
        return opened(path, filename=filename)

    monkeypatch.setattr(engine, "open_book", claimed_meanwhile)
    before = Business.all_rows.count()
    with pytest.raises(CommandError) as refused:
        _run(str(survey), "--region", "14.72", "--quiet")
    assert f"Impor #{claimed[0].pk} (besar.xlsx) sedang berjalan di wilayah 14.72" in str(
        refused.value
    )
    assert "is running in region 14.72" in str(refused.value)
    assert Business.all_rows.count() == before


# --- A staged command that waited and was stopped (issue 14, point 2) ------------------------


def _finished_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: no process has this pid now
    return process.pid


def _waiting(world, owner: str) -> ImportJob:
    return ImportJob.objects.create(
        region=world.region, filename="survei.csv", state=ImportJob.State.QUEUED, task_id=owner
    )


def test_staged_names_its_process_on_its_job(world, survey) -> None:
    from kotacerdas.umkm.imports import services

    _run_both(str(survey), "--region", "14.72", "--staged", "--quiet")
    assert ImportJob.objects.get().task_id == services.cli_owner()


def test_a_waiting_command_line_job_whose_process_is_gone_is_failed_by_its_page(
    world, django_capture_on_commit_callbacks
) -> None:
    from kotacerdas.umkm.imports import services

    job = _waiting(world, services.cli_owner(_finished_pid()))
    ProgressBeat(job.pk).write(0, None)  # a fresh sign of life does not keep a dead pid alive
    with django_capture_on_commit_callbacks(execute=True):
        settled = services.give_up_if_stalled(job)
    assert settled.state == ImportJob.State.FAILED
    assert "baris perintah berhenti sebelum dimulai" in settled.error
    assert read_progress(job.pk) is None
    assert services.import_jobs_abandoned_fail() == 0  # settled once


def test_a_waiting_command_line_job_of_a_live_process_keeps_waiting(world) -> None:
    from kotacerdas.umkm.imports import services

    job = _waiting(world, services.cli_owner())  # this process
    ProgressBeat(job.pk).write(0, None)
    assert services.give_up_if_stalled(job).state == ImportJob.State.QUEUED
    elsewhere = _waiting(world, "cli:4242@another-host")
    ProgressBeat(elsewhere.pk).write(0, None)
    assert services.import_jobs_abandoned_fail() == 0
    assert ImportJob.objects.filter(state=ImportJob.State.QUEUED).count() == 2


def test_a_command_line_job_without_a_sign_of_life_is_failed_by_the_daily_sweep(world) -> None:
    """Another host's process (its pid means nothing here), or a pid reused on
    this one: the sign of life it rewrites every poll decides."""
    import time_machine
    from django.utils import timezone

    from kotacerdas.core.jobs import STALL_AFTER
    from kotacerdas.umkm.imports import services

    elsewhere = _waiting(world, "cli:4242@another-host")
    reused = _waiting(world, services.cli_owner())  # alive, but it stopped beating
    for job in (elsewhere, reused):
        ProgressBeat(job.pk).write(0, None)
    web = ImportJob.objects.create(
        region=world.region, filename="web.csv", state=ImportJob.State.QUEUED, task_id="abc"
    )
    with time_machine.travel(timezone.now() + STALL_AFTER * 2):
        assert services.import_files_expire()["abandoned"] == 2
    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert states == {
        elsewhere.pk: ImportJob.State.FAILED,
        reused.pk: ImportJob.State.FAILED,
        web.pk: ImportJob.State.QUEUED,  # a worker's job: the worker runs it
    }


def test_a_job_of_another_container_with_this_host_name_is_not_judged_by_its_pid(world) -> None:
    """Two containers given one host name see different processes: a pid that
    is gone here may be alive there, so only the sign of life decides."""
    import socket

    from kotacerdas.umkm.imports import services

    assert services.cli_owner(1) != f"cli:1@{socket.gethostname()}"  # the namespace is named
    twin = _waiting(world, f"cli:{_finished_pid()}@1.{socket.gethostname()}")
    ProgressBeat(twin.pk).write(0, None)
    assert services.import_jobs_abandoned_fail() == 0
    assert services.give_up_if_stalled(twin).state == ImportJob.State.QUEUED
