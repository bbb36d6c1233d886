"""Two import jobs into one region never run at the same time, whatever the
number of workers: the second waits (QUEUED, its page says for which import,
tried again later) until the first publishes or fails. The lease is taken in
the database, so threads (each its own connection) obey it as processes do;
a lease whose worker died expires with the job's sign of life."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kotacerdas.umkm.imports import services
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.progress import ProgressBeat
from kotacerdas.umkm.models import Business
from tests.conftest import World, persona_create, personas_sign_in, world_build
from tests.factories import RegionFactory
from tests.permissions.rows_umkm_import import upload_job

State = ImportJob.State
HEADER = b"No,Nama Usaha,Nama Pemilik,NIK,NIB,Kelurahan,Alamat\n"
MAPPING = {"1": "name", "2": "owner_name", "3": "owner_nik", "4": "nib", "5": "kelurahan",
           "6": "address"}  # fmt: skip


def _survey(first: int, last: int) -> bytes:
    """Businesses ``first``..``last``: two files with overlapping ranges
    share those businesses (same NIK, name and NIB)."""
    lines = [HEADER]
    for i in range(first, last + 1):
        lines.append(
            f"{i},Toko Lease {i},Siti,14720141019{i:05d},{9120000000000 + i},Purnama,"
            f"Jl. Uji {i}\n".encode()
        )
    return b"".join(lines)


def _queued(world: World, content: bytes) -> ImportJob:
    job = upload_job(world, content)
    ImportJob.objects.filter(pk=job.pk).update(state=State.QUEUED, mapping=MAPPING)
    return ImportJob.objects.get(pk=job.pk)


class _Gate:
    """Stands in for the engine: records which job entered it and holds it
    there until released (then runs the real engine)."""

    def __init__(self) -> None:
        self.entered: list[int] = []
        self.inside = threading.Event()
        self.release = threading.Event()
        self.real = services.run_import

    def __call__(self, **kwargs: Any) -> Any:
        self.entered.append(kwargs["job"].pk)
        self.inside.set()
        assert self.release.wait(timeout=60), "the test never released the import"
        return self.real(**kwargs)


def _in_thread(target: Any, results: dict[int, Any], key: int) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = target()
        except Exception as error:  # reported by the test, not lost in the thread
            results[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_two_imports_of_one_region_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two workers pick up two jobs of one region at the same moment: exactly
    one imports; the other stays QUEUED, waiting for it, and is queued again.
    Before the lease both ran, and both added the businesses the files share."""
    world = world_build()
    first = _queued(world, _survey(1, 8))
    second = _queued(world, _survey(5, 12))  # 5..8 in both files
    gate = _Gate()
    monkeypatch.setattr(services, "run_import", gate)
    start = threading.Barrier(2)
    results: dict[int, Any] = {}

    def worker(job_id: int) -> Any:
        start.wait(timeout=30)
        while True:
            try:
                return services.import_job_run(job_id=job_id)
            except OperationalError as error:
                # The test database only: SQLite in memory with a shared cache
                # answers a read beside another connection's write with "table
                # is locked" at once, where the real (WAL) database lets
                # readers through and makes writers wait the busy timeout.
                if connection.vendor != "sqlite" or "table is locked" not in str(error):
                    raise

    threads = [
        _in_thread(lambda job_id=job.pk: worker(job_id), results, job.pk) for job in (first, second)
    ]
    assert gate.inside.wait(timeout=60)
    # The one that did not enter the engine returns at once, waiting.
    deadline = timezone.now() + dt.timedelta(seconds=60)
    while len(results) < 1 and timezone.now() < deadline:
        threading.Event().wait(0.05)
    assert len(gate.entered) == 1
    runner = gate.entered[0]
    waiter = second.pk if runner == first.pk else first.pk
    assert results == {waiter: {"waiting": True}}
    waiting = ImportJob.objects.get(pk=waiter)
    assert waiting.state == State.QUEUED
    retry = DBTaskResult.objects.get(pk=waiting.task_id)
    assert retry.args_kwargs["kwargs"] == {"job_id": waiter}
    assert retry.run_after > timezone.now()

    gate.release.set()
    for thread in threads:
        thread.join(timeout=120)
    assert ImportJob.objects.get(pk=runner).state == State.DONE
    # The worker tries the waiting job again: now it runs, and the businesses
    # both files hold are already registered, not added twice.
    monkeypatch.setattr(services, "run_import", gate.real)
    services.import_job_run(job_id=waiter)
    done = ImportJob.objects.get(pk=waiter)
    assert (done.state, done.matched_existing, done.waiting_for_id) == (State.DONE, 4, None)
    assert Business.objects.filter(region=world.region, name__startswith="Toko Lease").count() == 12


@pytest.mark.django_db(transaction=True)
def test_a_job_waits_for_the_running_import_and_its_page_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = world_build()
    first = _queued(world, _survey(1, 4))
    second = _queued(world, _survey(3, 6))
    gate = _Gate()
    monkeypatch.setattr(services, "run_import", gate)
    results: dict[int, Any] = {}
    thread = _in_thread(lambda: services.import_job_run(job_id=first.pk), results, first.pk)
    try:
        assert gate.inside.wait(timeout=60)
        assert services.import_job_run(job_id=second.pk) == {"waiting": True}
        second.refresh_from_db()
        assert (second.state, second.waiting_for_id) == (State.QUEUED, first.pk)
        officer = persona_create("officer", world)
        page = personas_sign_in({"officer": officer})["officer"].get(
            reverse("umkm:import_detail", args=[second.pk])
        )
        text = page.content.decode()
        assert "menunggu impor lain di wilayah ini selesai" in text
        assert f"impor #{first.pk}" in text
        assert Business.objects.filter(name__startswith="Toko Lease").count() == 0
    finally:
        gate.release.set()
        thread.join(timeout=120)
    assert results[first.pk]["imported"] == 4


@pytest.mark.django_db(transaction=True)
def test_a_job_of_another_region_does_not_wait() -> None:
    world = world_build()
    running = _queued(world, _survey(1, 3))
    ImportJob.objects.filter(pk=running.pk).update(
        state=State.RUNNING, started_at=timezone.now(), region=RegionFactory(code="14.71")
    )
    ProgressBeat(running.pk).write(0, 3)
    elsewhere = _queued(world, _survey(1, 3))
    result = services.import_job_run(job_id=elsewhere.pk)
    assert "waiting" not in result and result["rows"] == 3
    elsewhere.refresh_from_db()
    assert (elsewhere.state, elsewhere.waiting_for_id) == (State.DONE, None)


@pytest.mark.django_db(transaction=True)
def test_the_lease_of_a_dead_worker_expires() -> None:
    """The running job shows no sign of life for longer than STALL_AFTER (its
    worker was killed): the next claim gives it up (FAILED, its rows
    cleared) and runs."""
    world = world_build()
    dead = _queued(world, _survey(1, 3))
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=dead.pk).update(state=State.RUNNING, started_at=long_ago)
    job = _queued(world, _survey(1, 3))
    result = services.import_job_run(job_id=job.pk)
    assert result["imported"] == 3
    assert ImportJob.objects.get(pk=dead.pk).state == State.FAILED
    assert ImportJob.objects.get(pk=job.pk).state == State.DONE


@pytest.mark.django_db(transaction=True)
def test_a_dead_workers_invisible_rows_are_cleared_before_the_next_job_imports_the_same_nibs() -> (
    None
):
    """Review finding: the dead job, given up by the claim, is FAILED but its
    invisible rows (the same NIBs as the new file) are still in the table.
    The new job must not insert over them (the unique NIB refused it: a
    "system error"); the claim clears them first, then imports."""
    world = world_build()
    dead = _queued(world, _survey(1, 3))
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=dead.pk).update(
        state=State.RUNNING, started_at=long_ago, staging=True
    )
    Business.all_rows.bulk_create(
        Business(region=world.region, name=f"Toko Lease {i}", nib=str(9120000000000 + i),
                 import_job=dead)
        for i in range(1, 4)
    )  # fmt: skip
    job = _queued(world, _survey(1, 3))

    result = services.import_job_run(job_id=job.pk)

    assert result.get("imported") == 3, ImportJob.objects.get(pk=job.pk).error
    assert ImportJob.objects.get(pk=dead.pk).state == State.FAILED
    assert Business.all_rows.filter(import_job=dead).count() == 0
    assert Business.objects.filter(import_job=job).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_whose_rows_are_not_yet_cleared_holds_the_region() -> None:
    """Should the clearing fail, the failed job still holding invisible rows
    is the region's holder: the new job waits (and clears again at its
    next try) instead of running into the unique NIB."""
    world = world_build()
    failed = _queued(world, _survey(1, 3))
    ImportJob.objects.filter(pk=failed.pk).update(state=State.FAILED, staging=True)
    Business.all_rows.bulk_create(
        Business(region=world.region, name=f"Toko Lease {i}", nib=str(9120000000000 + i),
                 import_job=failed)
        for i in range(1, 4)
    )  # fmt: skip
    job = _queued(world, _survey(1, 3))

    def broken(*, job_id: int) -> int:
        raise OperationalError("disk I/O error")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "staged_rows_purge", broken)
        assert services.import_job_run(job_id=job.pk) == {"waiting": True}
    job.refresh_from_db()
    assert (job.state, job.waiting_for_id) == (State.QUEUED, failed.pk)
    # Next try: the rows are cleared and the job runs.
    assert services.import_job_run(job_id=job.pk)["imported"] == 3
    assert Business.all_rows.filter(import_job=failed).count() == 0
