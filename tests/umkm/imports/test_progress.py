"""The background import task and its progress on the web: the progress entry,
the htmx-polled panel, stalled workers, failures that change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotacerdas.umkm import tasks
from kotacerdas.umkm.imports import progress as import_progress
from kotacerdas.umkm.imports import services
from kotacerdas.umkm.imports.models import mapping_to_json
from kotacerdas.umkm.imports.progress import ProgressBeat, progress_key, read_progress
from kotacerdas.umkm.imports.reading import ImportFileError
from kotacerdas.umkm.imports.selectors import import_place_rules, import_warnings
from kotacerdas.umkm.models import Business, ImportJob
from tests.conftest import World
from tests.logins import login_verified
from tests.permissions.rows_umkm_import import SURVEY_CSV, upload_job

pytestmark = pytest.mark.usefixtures("shared_world")

State = ImportJob.State
MAPPING = {1: "name", 2: "owner_name", 3: "owner_nik", 4: "kelurahan", 5: "address", 6: "phone"}


@pytest.fixture
def client_officer(officer: Any) -> Client:
    return login_verified(Client(), officer)


def _queued(world: World, content: bytes = SURVEY_CSV) -> ImportJob:
    job = upload_job(world, content)
    job.mapping = mapping_to_json(MAPPING)
    job.state = State.QUEUED
    job.rows_total = 2
    job.save()
    return job


def _running(world: World, *, started: dt.datetime | None = None) -> ImportJob:
    job = _queued(world)
    job.state = State.RUNNING
    job.started_at = started or timezone.now()
    job.rows_total = 40_000
    job.save()
    return job


def _write_progress(job: ImportJob, done: int, total: int | None, at: dt.datetime) -> None:
    cache.set(progress_key(job.pk), {"done": done, "total": total, "at": at.isoformat()})


def test_the_progress_entry_is_replaced_whole_and_throttled(world: World) -> None:
    ticks = iter([0.0, 0.1, 0.7])
    progress = ProgressBeat(7, interval=0.5, clock=lambda: next(ticks))
    progress(5_000, 20_000)
    progress(10_000, 20_000)  # 0.1 s later: skipped
    assert read_progress(7)[:2] == (5_000, 20_000)  # type: ignore[index]
    progress(15_000, 20_000)
    assert read_progress(7)[:2] == (15_000, 20_000)  # type: ignore[index]
    progress.remove()
    assert read_progress(7) is None


def test_it_shows_the_progress_of_a_running_import(world: World, client_officer: Client) -> None:
    job = _running(world)
    _write_progress(job, 12_500, 40_000, timezone.now())
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert '<progress max="40000" value="12500">' in html
    assert "12.500 dari ±40.000 baris" in html
    assert f'hx-get="{reverse("umkm:import_progress", args=[job.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Muat ulang" in html  # without JavaScript


def test_the_polled_panel_stops_polling_when_the_import_is_done(
    world: World, client_officer: Client
) -> None:
    job = _running(world)
    url = reverse("umkm:import_progress", args=[job.pk])
    running = client_officer.get(url).content.decode()
    assert "<html" not in running and "hx-get" in running
    job.state = State.DONE
    job.rows = job.imported = 2
    job.save()
    done = client_officer.get(url).content.decode()
    assert "hx-get" not in done and "hx-trigger" not in done
    assert 'data-testid="count-imported">2<' in done


def test_a_running_import_without_progress_for_ten_minutes_is_shown_as_failed(
    world: World, client_officer: Client
) -> None:
    job = _running(world, started=timezone.now() - dt.timedelta(minutes=30))
    _write_progress(job, 5_000, 40_000, timezone.now() - dt.timedelta(minutes=11))
    html = client_officer.get(reverse("umkm:import_progress", args=[job.pk])).content.decode()
    assert "Gagal" in html and "tidak ada kemajuan sejak" in html
    assert "hx-get" not in html
    job.refresh_from_db()
    assert job.state == State.FAILED and job.finished_at is not None


def test_recent_progress_keeps_the_import_running(world: World, client_officer: Client) -> None:
    job = _running(world, started=timezone.now() - dt.timedelta(minutes=30))
    _write_progress(job, 5_000, 40_000, timezone.now() - dt.timedelta(minutes=2))
    client_officer.get(reverse("umkm:import_progress", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == State.RUNNING


def test_a_long_wait_in_the_queue_points_at_the_worker(
    world: World, client_officer: Client
) -> None:
    job = _queued(world)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert "kotacerdas worker" in html and "Dalam antrean" in html


def test_the_task_imports_and_reports_progress_while_it_runs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kotacerdas.umkm.imports.engine.PROGRESS_EVERY", 1)
    seen: list[tuple[int, int | None]] = []
    write = ProgressBeat.write

    def spy(self: ProgressBeat, done: int, total: int | None) -> None:
        write(self, done, total)
        found = read_progress(self.job_id)
        assert found is not None
        seen.append(found[:2])

    monkeypatch.setattr(ProgressBeat, "write", spy)
    monkeypatch.setattr(import_progress, "PROGRESS_INTERVAL", 0)
    job = _queued(world)
    summary = tasks.import_run.call(job_id=job.pk)
    assert summary["imported"] == 2
    done = [count for count, _total in seen]
    # Started at 0, written again by the engine's callback while it ran.
    assert done[0] == 0 and done[-1] == 2 and done == sorted(done) and len(done) >= 2
    assert read_progress(job.pk) is None  # removed once the job row says DONE
    job.refresh_from_db()
    assert job.state == State.DONE and job.started_at and job.finished_at
    assert job.report_name


def test_the_task_runs_a_job_once(world: World) -> None:
    job = _queued(world)
    assert tasks.import_run.call(job_id=job.pk)["imported"] == 2
    assert tasks.import_run.call(job_id=job.pk) == {}
    assert Business.objects.count() == 2


def test_the_task_looks_for_duplicates_among_the_new_businesses(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(services, "candidates_find", lambda **kwargs: calls.append(kwargs))
    job = _queued(world)
    tasks.import_run.call(job_id=job.pk)
    assert len(calls) == 1
    assert calls[0]["region"] == world.region
    assert sorted(calls[0]["business_ids"]) == sorted(
        Business.objects.filter(import_job=job).values_list("id", flat=True)
    )


def test_an_engine_error_fails_the_job_and_changes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, client_officer: Client
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "run_import", broken)
    job = _queued(world)
    assert tasks.import_run.call(job_id=job.pk) == {}
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "kesalahan sistem" in job.error and "disk full" not in job.error
    assert not Business.objects.exists()
    assert read_progress(job.pk) is None
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert "data registri tidak berubah" in html


def test_an_unreadable_file_fails_the_job_with_its_reason(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(**kwargs: Any) -> None:
        raise ImportFileError("Berkas rusak: baris 3 terpotong.")

    monkeypatch.setattr(services, "run_import", unreadable)
    job = _queued(world)
    tasks.import_run.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (State.FAILED, "Berkas rusak: baris 3 terpotong.")


def test_it_counts_warnings(world: World, client_officer: Client) -> None:
    unknown_prefix = SURVEY_CSV.replace(b"1472014101900001", b"9999014101900001")
    job = _queued(world, unknown_prefix)
    tasks.import_run.call(job_id=job.pk)
    assert import_warnings(job) == 1
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="count-warnings">1<' in html


def test_the_page_counts_skipped_rows_in_the_sum(world: World, client_officer: Client) -> None:
    with_total = SURVEY_CSV + b",JUMLAH,,,,,\n,,,,,Dumai 12 Mei 2025,\n"
    job = _queued(world, with_total)
    tasks.import_run.call(job_id=job.pk)
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="count-skipped">1<' in html
    assert 'data-testid="count-rejected">1<' in html  # a place and a date needs its comma
    assert "+ 1 dilewati" in html


def test_saving_the_mapping_queues_the_task_for_the_worker(
    world: World, client_officer: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    job = upload_job(world)
    data = {f"col_{i}": MAPPING.get(i, "") for i in range(7)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_officer.post(reverse("umkm:import_mapping", args=[job.pk]), data)
    assert len(callbacks) == 1  # enqueued only once the mapping is committed
    job.refresh_from_db()
    queued = DBTaskResult.objects.get()
    assert job.state == State.QUEUED and job.task_id == str(queued.id)
    assert queued.task_path == "kotacerdas.umkm.tasks.import_run"
    assert queued.args_kwargs["kwargs"] == {"job_id": job.pk}
    assert not Business.objects.exists()  # the worker has not run it yet


def test_the_list_shows_a_stalled_import_as_failed(world: World, client_officer: Client) -> None:
    job = _running(world, started=timezone.now() - dt.timedelta(minutes=15))
    html = client_officer.get(reverse("umkm:import_list", args=["14.72"])).content.decode()
    assert "Gagal" in html and "Berjalan" not in html
    job.refresh_from_db()
    assert job.state == State.FAILED


def test_progress_past_the_estimate_shows_only_the_rows_done(
    world: World, client_officer: Client
) -> None:
    job = _running(world)
    _write_progress(job, 41_000, 40_000, timezone.now())
    html = client_officer.get(reverse("umkm:import_progress", args=[job.pk])).content.decode()
    assert "41.000 baris diproses" in html and "dari" not in html.split("progress-text")[1][:60]


def test_a_stalled_job_whose_import_had_committed_is_done(
    world: World, client_officer: Client
) -> None:
    from django.db import transaction

    from kotacerdas.core.audit import audit_record
    from kotacerdas.core.models import AuditEvent

    job = _running(world, started=timezone.now() - dt.timedelta(minutes=30))
    # The engine committed (counts and its audit event), then the worker died.
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(rows=2, imported=2)
        audit_record(
            actor=None,
            action=AuditEvent.Action.LOAD,
            instance=job,
            after={"rows": 2, "imported": 2, "warnings": 0},
        )
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == State.DONE and not job.error
    assert 'data-testid="count-imported">2<' in html


def test_a_queued_import_says_plainly_after_30_s_that_no_worker_runs(
    world: World, client_officer: Client
) -> None:
    import time_machine

    from kotacerdas.core import heartbeat

    job = _queued(world)
    queued_at = ImportJob.objects.get(pk=job.pk).created_at
    page = reverse("umkm:import_progress", args=[job.pk])

    with time_machine.travel(queued_at + dt.timedelta(seconds=20), tick=False):
        html = client_officer.get(page).content.decode()
    assert 'data-testid="no-worker"' not in html  # a worker may just not have polled yet

    with time_machine.travel(queued_at + dt.timedelta(seconds=31), tick=False):
        html = client_officer.get(page).content.decode()
        assert 'data-testid="no-worker"' in html
        assert "Pekerja latar belakang tidak berjalan" in html
        client_officer.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = client_officer.get(page).content.decode()
        assert "The background worker is not running" in english
        client_officer.post(reverse("set_language"), {"language": "id", "next": "/"})

        heartbeat.beat()  # a live worker: the job simply waits its turn
        html = client_officer.get(page).content.decode()
    assert 'data-testid="no-worker"' not in html and "Dalam antrean" in html


def test_it_counts_the_places_read_by_each_rule(world: World, client_officer: Client) -> None:
    """Issue 20: the summary says how many kelurahan were read by a short
    name (or a former name, an officer's name, a similar spelling)."""
    short = SURVEY_CSV.replace(b",Purnama,", b",Keladi,")  # Bagan Keladi, short name
    job = _queued(world, short)
    tasks.import_run.call(job_id=job.pk)
    assert import_place_rules(job) == {"short": 1}
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert "Kelurahan dibaca dari nama pendek" in html
    assert 'data-testid="place-rule"' in html
