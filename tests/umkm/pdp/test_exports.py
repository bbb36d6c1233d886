"""Registry exports as background jobs (issue 14): the request queues a job,
the worker writes the file reading outside any transaction, under caps, and
the requester alone downloads it, each download recorded, until it expires."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.core.storage import private_storage
from kotacerdas.umkm.models import Business, ExportJob, PersonalDataAccess
from kotacerdas.umkm.pdp import services as pdp
from kotacerdas.umkm.pdp.services import export_job_create, exports_expire, run_export_job
from kotacerdas.umkm.registry import services as registry
from tests.conftest import World, personas_sign_in
from tests.factories import make_user
from tests.permissions.rows_umkm_registry import NIK, make_business
from tests.umkm.pdp.exporting import body, export_request

PURPOSE = "pendataan ulang untuk program bantuan modal"
State = ExportJob.State


def _job(officer: Any, world: World, *, personal: bool = False, **filters: str) -> ExportJob:
    return export_job_create(
        actor=officer,
        region=world.region,
        personal=personal,
        purpose=PURPOSE if personal else "",
        fmt="csv",
        filters=filters,
    )


def _path(job: ExportJob) -> Path:
    return Path(private_storage.path(job.stored_name))


# --- Lifecycle ------------------------------------------------------------------------------


def test_it_queues_on_request_and_the_worker_makes_the_file(
    personas, world, officer, django_capture_on_commit_callbacks
) -> None:
    make_business(world)
    make_business(world, name="Kue Siti", owner_nik="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        response = export_request(personas["officer"], world.region.code, {"fmt": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.state == State.QUEUED and job.created_by == officer and not job.personal
    task = DBTaskResult.objects.get()  # handed to the worker once the request committed
    assert job.task_id == str(task.id) and task.args_kwargs["kwargs"] == {"job_id": job.pk}
    assert AuditEvent.objects.filter(object_id=str(job.pk), action="create").exists()

    assert run_export_job(job) == {"rows": 2, "size": _path_size(job)}
    job.refresh_from_db()
    assert job.state == State.DONE and job.rows_done == job.rows_total == 2
    assert job.size == _path(job).stat().st_size
    assert stat.S_IMODE(_path(job).stat().st_mode) == 0o600
    assert job.expires_at == job.finished_at + dt.timedelta(hours=24)
    assert run_export_job(job) == {}  # delivered twice: made once


def _path_size(job: ExportJob) -> Any:
    class Size:  # compared once the file exists
        def __eq__(self, other: object) -> bool:
            job.refresh_from_db()
            return other == _path(job).stat().st_size

    return Size()


def test_the_page_polls_while_active_and_offers_the_file_when_done(personas, world, officer):
    make_business(world)
    job = _job(officer, world)
    client = personas["officer"]
    page = client.get(reverse("umkm:export_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'http-equiv="refresh"' in page
    assert "Dalam antrean" in page and 'data-testid="export-download"' not in page
    run_export_job(job)
    panel = client.get(reverse("umkm:export_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in panel
    assert 'data-testid="export-download"' in panel and "1 baris" in panel
    listing = client.get(reverse("umkm:business_export", args=[world.region.code]))
    assert f"#{job.pk}" in listing.content.decode()


def test_the_filters_apply_and_are_forgotten_once_the_file_is_made(world, officer) -> None:
    make_business(world)
    make_business(world, name="Bengkel Laut", owner_nik="", kelurahan_code="14.72.05.1002")
    job = _job(officer, world, kecamatan="14.72.05", q=NIK)
    assert job.filters == {"kecamatan": "14.72.05", "q": NIK}
    run_export_job(job)
    job.refresh_from_db()
    assert job.filters == {}  # a search may be a NIK
    assert job.rows_total == 0  # the NIK matches nobody in kecamatan 14.72.05
    for event in AuditEvent.objects.filter(object_id=str(job.pk)):
        assert NIK not in f"{event.before} {event.after}"


def test_a_queued_export_says_when_no_worker_runs(personas, world, officer) -> None:
    import time_machine

    from kotacerdas.core import heartbeat

    job = _job(officer, world)
    page = reverse("umkm:export_progress", args=[job.pk])
    with time_machine.travel(job.created_at + dt.timedelta(seconds=31), tick=False):
        html = personas["officer"].get(page).content.decode()
        assert 'data-testid="no-worker"' in html
        heartbeat.beat()
        html = personas["officer"].get(page).content.decode()
    assert 'data-testid="no-worker"' not in html and "Dalam antrean" in html


def test_a_running_export_without_progress_is_given_up(personas, world, officer) -> None:
    job = _job(officer, world)
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    ExportJob.objects.filter(pk=job.pk).update(
        state=State.RUNNING, started_at=long_ago, progress_at=long_ago
    )
    html = personas["officer"].get(reverse("umkm:export_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == State.FAILED and "tidak ada kemajuan" in job.error
    assert 'data-testid="export-error"' in html


# The database worker closes old connections between tasks, which a test
# wrapped in a transaction does not survive on PostgreSQL: committed data here.
@pytest.mark.django_db(transaction=True)
def test_kotacerdas_worker_makes_the_queued_export(settings) -> None:
    from io import StringIO

    from django.core.management import call_command

    from tests.conftest import persona_create, world_build

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KOTACERDAS_REMINDER_HOUR = settings.KOTACERDAS_ANONYMISE_HOUR = 23
    world = world_build()
    officer = persona_create("officer", world)
    make_business(world)
    job = _job(officer, world, personal=True)  # committed: the task is queued
    assert DBTaskResult.objects.filter(task_path="kotacerdas.umkm.tasks.export_run").exists()
    with time_machine_at(hour=9):
        call_command("worker", "--once", stdout=StringIO(), stderr=StringIO())
    job.refresh_from_db()
    assert job.state == State.DONE and _path(job).exists()
    assert PersonalDataAccess.objects.filter(action="export").count() == 1
    # The removal of its file waits in the queue for the expiry moment.
    removal = DBTaskResult.objects.get(task_path="kotacerdas.umkm.tasks.exports_remove_expired")
    assert removal.status == "READY" and removal.run_after == job.expires_at


def time_machine_at(*, hour: int) -> Any:
    """Today at ``hour`` local time, so that no daily job of the schedule is due."""
    import time_machine

    local = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return time_machine.travel(local, tick=True)


# --- Caps -----------------------------------------------------------------------------------


def _no_files_left() -> list[Path]:
    root = Path(private_storage.location)
    return [p for p in root.rglob("*.csv")] if root.exists() else []


def test_an_export_over_the_row_cap_stops_before_writing(world, officer, settings) -> None:
    settings.KOTACERDAS_EXPORT_MAX_ROWS = 1
    make_business(world)
    make_business(world, name="Kue Siti", owner_nik="", phone="")
    job = _job(officer, world, personal=True)
    assert run_export_job(job) == {}
    job.refresh_from_db()
    assert job.state == State.FAILED and job.stored_name == ""
    assert "lebih dari 1 baris" in job.error
    assert not PersonalDataAccess.objects.exists()  # nothing was disclosed
    assert _no_files_left() == []


def test_an_export_over_the_size_cap_is_cut_and_its_file_removed(world, officer, settings):
    settings.KOTACERDAS_EXPORT_MAX_BYTES = 300
    for index in range(5):
        make_business(world, name=f"Toko Nomor {index}", owner_nik="", phone="")
    job = _job(officer, world)
    assert run_export_job(job) == {}
    job.refresh_from_db()
    assert job.state == State.FAILED and "batas satu ekspor" in job.error
    assert _no_files_left() == []


def test_an_export_past_its_time_cap_is_cut(world, officer, settings, monkeypatch) -> None:
    settings.KOTACERDAS_EXPORT_MAX_SECONDS = 60
    monkeypatch.setattr(pdp, "EXPORT_CHUNK_ROWS", 1)
    for index in range(3):
        make_business(world, name=f"Toko Nomor {index}", owner_nik="", phone="")
    ticks = itertools.count(step=45)  # each look at the clock: 45 s later
    monkeypatch.setattr(pdp.time, "monotonic", lambda: float(next(ticks)))
    job = _job(officer, world)
    assert run_export_job(job) == {}
    job.refresh_from_db()
    assert job.state == State.FAILED and "1 menit" in job.error
    assert _no_files_left() == []


def test_the_cut_message_is_in_english_too(world, officer, settings) -> None:
    from django.utils import translation

    settings.KOTACERDAS_EXPORT_MAX_ROWS = 1
    make_business(world)
    make_business(world, name="Kue Siti", owner_nik="", phone="")
    with translation.override("en"):
        run_export_job(_job(officer, world))
    assert "more than 1 rows" in ExportJob.objects.get().error


# --- Who gets the file, and the record of processing ------------------------------------------


def test_each_download_of_personal_data_is_recorded(personas, world, officer) -> None:
    business = make_business(world)
    job = _job(officer, world, personal=True)
    assert not PersonalDataAccess.objects.exists()  # asking discloses nothing yet
    run_export_job(job)
    made = PersonalDataAccess.objects.get()
    assert made.action == "export" and made.business_ids == [business.pk]
    url = reverse("umkm:export_download", args=[job.pk])
    for _round in range(2):
        response = personas["officer"].get(url)
        assert response.status_code == 200 and NIK in body(response).decode("utf-8-sig")
        assert "no-store" in response["Cache-Control"]
    downloads = PersonalDataAccess.objects.exclude(pk=made.pk)
    assert downloads.count() == 2
    for record in downloads:
        assert record.business_ids == [business.pk] and f"#{job.pk}" in record.purpose


def test_a_download_without_personal_data_is_logged(personas, world, officer, caplog) -> None:
    make_business(world)
    job = _job(officer, world)
    run_export_job(job)
    caplog.set_level(logging.INFO, logger="kotacerdas.umkm.pdp.services")
    personas["officer"].get(reverse("umkm:export_download", args=[job.pk]))
    assert f"export {job.pk} downloaded by user {officer.pk}" in caplog.text
    assert not PersonalDataAccess.objects.exists()


def test_only_the_requester_gets_the_file(personas, world, officer) -> None:
    make_business(world)
    colleague = make_user("yusuf.registri")
    Membership.objects.create(user=colleague, region=world.region, role=Role.REGISTRY_OFFICER)
    job = _job(officer, world, personal=True)
    run_export_job(job)
    other = personas_sign_in({"colleague": colleague})["colleague"]
    for name in ("umkm:export_detail", "umkm:export_download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 403
        assert personas["admin"].get(reverse(name, args=[job.pk])).status_code == 403
    assert PersonalDataAccess.objects.count() == 1  # only the making


def test_a_requester_who_lost_reveal_gets_no_personal_file(personas, world, officer) -> None:
    make_business(world)
    job = _job(officer, world, personal=True)
    run_export_job(job)
    Membership.objects.filter(user=officer, role=Role.REGISTRY_OFFICER).update(role=Role.ADMIN)
    client = personas_sign_in({"officer": officer})["officer"]
    response = client.get(reverse("umkm:export_download", args=[job.pk]))
    assert response.status_code == 403
    assert b"\xef\xbb\xbf" not in body(response)
    queued = _job(officer, world, personal=True)
    assert run_export_job(queued) == {}
    queued.refresh_from_db()
    assert queued.state == State.FAILED and PersonalDataAccess.objects.count() == 1


# --- Expiry ---------------------------------------------------------------------------------


def test_the_file_expires_and_is_deleted(
    personas, world, officer, django_capture_on_commit_callbacks
) -> None:
    make_business(world)
    job = _job(officer, world)
    with django_capture_on_commit_callbacks(execute=True):
        run_export_job(job)
    job.refresh_from_db()
    removal = DBTaskResult.objects.get(task_path="kotacerdas.umkm.tasks.exports_remove_expired")
    assert removal.run_after == job.expires_at  # queued for the moment it expires
    path = _path(job)
    assert exports_expire(now=job.expires_at - dt.timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_expire(now=job.expires_at) == 1
    job.refresh_from_db()
    assert job.state == State.EXPIRED and job.stored_name == "" and not path.exists()
    response = personas["officer"].get(reverse("umkm:export_download", args=[job.pk]))
    assert response.status_code == 302
    page = personas["officer"].get(response["Location"]).content.decode()
    assert "kedaluwarsa" in page


def test_a_file_past_its_time_is_refused_before_the_sweep(personas, world, officer) -> None:
    make_business(world)
    job = _job(officer, world)
    run_export_job(job)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = personas["officer"].get(reverse("umkm:export_download", args=[job.pk]))
    assert response.status_code == 302


def test_the_keep_time_comes_from_settings(world, officer, settings) -> None:
    settings.KOTACERDAS_EXPORT_KEEP_HOURS = 2
    job = _job(officer, world)
    run_export_job(job)
    job.refresh_from_db()
    assert job.expires_at == job.finished_at + dt.timedelta(hours=2)


# --- Writers never wait ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_writer_commits_while_an_export_reads(monkeypatch) -> None:
    """The export reads chunk by chunk outside any transaction: between two
    chunks another connection writes and commits at once. Before issue 14 the
    read ran inside one IMMEDIATE transaction, which held SQLite's write lock
    (the writer waited the busy timeout and failed); on PostgreSQL the check
    that no read runs in a transaction is the same."""
    from tests.conftest import persona_create, world_build

    world = world_build()
    officer = persona_create("officer", world)
    for index in range(6):
        make_business(world, name=f"Toko Nomor {index}", owner_nik="", phone="")
    monkeypatch.setattr(pdp, "EXPORT_CHUNK_ROWS", 2)
    job = _job(officer, world)

    reads_in_transaction: list[bool] = []
    written: list[str] = []

    def writer() -> None:
        try:
            registry.business_create(
                actor=None,
                region=world.region,
                data={"name": "Warung Baru", "kelurahan_code": "14.72.01.1003"},
            )
            written.append("ok")
        except Exception as error:
            written.append(type(error).__name__)
        finally:
            connections.close_all()

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("SELECT") and '"umkm_business"' in sql:
            reads_in_transaction.append(connection.in_atomic_block)
            if len(reads_in_transaction) == 3 and not written:  # between two chunks
                thread = threading.Thread(target=writer)
                thread.start()
                thread.join(timeout=30)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        result = run_export_job(job)
    assert written == ["ok"]
    assert reads_in_transaction and not any(reads_in_transaction)
    assert result["rows"] >= 6
    assert Business.objects.filter(name="Warung Baru").exists()


def test_the_export_refuses_to_read_inside_a_transaction(world, officer) -> None:
    from django.db import transaction

    job = _job(officer, world)
    ExportJob.objects.filter(pk=job.pk).update(state=State.RUNNING)
    job.refresh_from_db()
    with transaction.atomic(), pytest.raises(RuntimeError, match="inside a transaction"):
        pdp._export_write(job, Path(os.devnull))


# --- Settings -------------------------------------------------------------------------------


def test_the_caps_come_from_the_environment(environ) -> None:
    import runpy

    from django.core.exceptions import ImproperlyConfigured

    import kotacerdas.settings

    loaded = runpy.run_path(kotacerdas.settings.__file__)
    assert (loaded["KOTACERDAS_EXPORT_MAX_ROWS"], loaded["KOTACERDAS_EXPORT_KEEP_HOURS"]) == (
        1_000_000,
        24,
    )
    environ.setenv("KOTACERDAS_EXPORT_MAX_ROWS", "5000")
    environ.setenv("KOTACERDAS_EXPORT_MAX_BYTES", "1048576")
    environ.setenv("KOTACERDAS_EXPORT_MAX_SECONDS", "90")
    environ.setenv("KOTACERDAS_EXPORT_KEEP_HOURS", "2")
    loaded = runpy.run_path(kotacerdas.settings.__file__)
    assert [loaded[f"KOTACERDAS_EXPORT_{n}"] for n in ("MAX_ROWS", "MAX_BYTES")] == [5000, 1048576]
    assert [loaded[f"KOTACERDAS_EXPORT_{n}"] for n in ("MAX_SECONDS", "KEEP_HOURS")] == [90, 2]
    environ.setenv("KOTACERDAS_EXPORT_KEEP_HOURS", "0")
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_EXPORT_KEEP_HOURS"):
        runpy.run_path(kotacerdas.settings.__file__)


# --- Personal data in stored filters --------------------------------------------------------


def test_an_export_that_never_starts_drops_its_filters_by_the_daily_sweep(
    world, officer, caplog
) -> None:
    """No worker ran for a whole file lifetime: the job's stored search (a
    NIK here) would stay in the database, and in every backup, for good.
    The daily sweep fails it and drops the filters; nothing logs the NIK."""
    from kotacerdas.umkm.tasks import import_files_expire

    job = _job(officer, world, q=NIK)
    fresh = _job(officer, world, q=NIK)
    old = timezone.now() - dt.timedelta(hours=25)
    ExportJob.objects.filter(pk=job.pk).update(created_at=old)
    with caplog.at_level(logging.DEBUG):
        import_files_expire.call()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.state, job.filters) == (State.FAILED, {})
    assert "belum dimulai dalam 24 jam" in job.error
    assert (fresh.state, fresh.filters) == (State.QUEUED, {"q": NIK})  # still within its time
    assert NIK not in caplog.text
    for event in AuditEvent.objects.filter(object_id=str(job.pk)):
        assert NIK not in f"{event.before} {event.after}"


def test_no_finished_export_keeps_a_search_in_its_filters(world, officer) -> None:
    """Done, failed (cut or refused), given up, expired: none keeps the filters."""
    make_business(world)
    done = _job(officer, world, q=NIK)
    run_export_job(done)
    refused = _job(officer, world, personal=True, q=NIK)
    Membership.objects.filter(user=officer).delete()  # no longer allowed to reveal
    run_export_job(refused)
    exports_expire(now=timezone.now() + dt.timedelta(days=2))
    for job in (done, refused):
        job.refresh_from_db()
        assert job.state in (State.EXPIRED, State.FAILED)
        assert job.filters == {}


def test_the_sweep_does_not_fail_an_old_export_a_worker_started_meanwhile(
    world, officer, monkeypatch
) -> None:
    """Review finding: the sweep reads the never-started jobs without a lock;
    a worker starting one between that read and the failure keeps it."""
    from kotacerdas.umkm.pdp import services as pdp_services

    job = _job(officer, world, q=NIK)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    fail = pdp_services.export_job_fail

    def started_first(**kwargs):  # type: ignore[no-untyped-def]
        ExportJob.objects.filter(pk=kwargs["job"].pk).update(
            state=State.RUNNING, started_at=timezone.now()
        )
        return fail(**kwargs)

    monkeypatch.setattr(pdp_services, "export_job_fail", started_first)
    exports_expire()

    job.refresh_from_db()
    assert (job.state, job.error, job.filters) == (State.RUNNING, "", {"q": NIK})
