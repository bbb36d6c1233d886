"""Import jobs publish their rows all at once after writing them in short
transactions; the files they store (uploads and rejection reports, full of
NIKs and phone numbers) expire, go at once when the job fails, go when a
person in them is anonymised, are listed in the subject report, and backups
say that they hold them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from kotacerdas.core.backup import live_description, personal_data_manifest
from kotacerdas.core.storage import private_storage
from kotacerdas.umkm.imports import engine, services
from kotacerdas.umkm.imports.models import FilesRemoved, ImportJob
from kotacerdas.umkm.imports.selectors import subject_import_jobs
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.tasks import anonymise_expired
from tests.conftest import World
from tests.permissions.rows_umkm_import import upload_job

pytestmark = pytest.mark.usefixtures("shared_world")

State = ImportJob.State
HEADER = b"No,Nama Usaha,Nama Pemilik,NIK,Kelurahan,Alamat,No HP\n"


def _survey(rows: int, *, refused: int = 0) -> bytes:
    lines = [HEADER]
    for i in range(1, rows + 1):
        lines.append(
            f"{i},Toko Uji {i},Siti,14720141019{i:05d},Purnama,Jl. Uji {i},0812{i:08d}\n".encode()
        )
    for i in range(1, refused + 1):
        # An unknown kelurahan: refused, and kept in the rejection report.
        lines.append(f"{i},Kedai {i},Ani,1472010202{i:06d},Atlantis,Jl. {i},0813{i:08d}\n".encode())
    return b"".join(lines)


def _queued(world: World, content: bytes) -> ImportJob:
    job = upload_job(world, content)
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.QUEUED,
        mapping={"1": "name", "2": "owner_name", "3": "owner_nik", "4": "kelurahan",
                 "5": "address", "6": "phone"},
    )  # fmt: skip
    return ImportJob.objects.get(pk=job.pk)


def _files(job: ImportJob) -> list[str]:
    job.refresh_from_db()
    return [name for name in (job.stored_name, job.report_name) if name]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engine.STAGED_CHUNK_ROWS, connection.vendor, 10)
    monkeypatch.setattr(engine, "STAGED_CHUNK_ROWS_DEFAULT", 10)
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(engine.pipeline, "BATCH_ROWS", 10)


def test_an_import_jobs_rows_are_invisible_until_it_publishes_them(
    world: World, small_chunks: None
) -> None:
    before = Business.objects.count()
    job = _queued(world, _survey(60))
    seen: list[tuple[int, int]] = []
    original = services.ProgressBeat.write

    def watch(self: Any, done: int, total: int | None) -> None:
        seen.append((Business.objects.count(), Business.all_rows.count()))
        original(self, done, total)

    services.ProgressBeat.write = watch  # type: ignore[method-assign]
    try:
        services.import_job_run(job_id=job.pk)
    finally:
        services.ProgressBeat.write = original  # type: ignore[method-assign]

    job.refresh_from_db()
    assert (job.state, job.imported, job.staging) == (State.DONE, 60, False)
    assert Business.objects.count() == before + 60
    # Mid-import, rows were in the table but no reader saw them.
    assert any(stored > before for _visible, stored in seen)
    assert {visible for visible, _stored in seen} == {before}


def test_a_job_given_up_while_its_slow_worker_writes_is_never_published(
    world: World, small_chunks: None
) -> None:
    """A page gives the job up (no progress for long) while its worker is
    only slow: the worker's next chunk or its publish sees the job FAILED,
    writes nothing more, publishes nothing, and its rows go (review read)."""
    before = Business.objects.count()
    job = _queued(world, _survey(60))
    original = services.ProgressBeat.write
    calls: list[int] = []

    def give_up_midway(self: Any, done: int, total: int | None) -> None:
        calls.append(done)
        if len(calls) == 2:  # rows already written, more to come
            ImportJob.objects.filter(pk=job.pk).update(state=State.FAILED)
        original(self, done, total)

    services.ProgressBeat.write = give_up_midway  # type: ignore[method-assign]
    try:
        services.import_job_run(job_id=job.pk)
    except engine.ImportGivenUp:
        pass
    finally:
        services.ProgressBeat.write = original  # type: ignore[method-assign]

    job.refresh_from_db()
    assert job.state == State.FAILED and not job.staging
    assert Business.all_rows.filter(import_job=job).count() == 0
    assert Business.objects.count() == before


def test_a_failed_import_job_leaves_no_row_and_no_file(
    world: World,
    small_chunks: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    before = Business.all_rows.count()
    job = _queued(world, _survey(60, refused=3))
    calls = [0]
    original = engine._Inserter.flush

    def failing(self: Any) -> None:
        calls[0] += 1
        if calls[0] == 4:
            raise RuntimeError("disk full")
        original(self)

    monkeypatch.setattr(engine._Inserter, "flush", failing)
    stored = _files(job)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_job_run(job_id=job.pk) == {}

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert Business.all_rows.count() == before
    assert _files(job) == []
    assert job.files_removed_reason == FilesRemoved.FAILED
    assert not any(private_storage.exists(name) for name in stored)


def test_leftovers_of_a_dead_worker_are_cleared(world: World) -> None:
    job = _queued(world, _survey(5))
    ImportJob.objects.filter(pk=job.pk).update(state=State.FAILED, staging=True)
    Business.all_rows.bulk_create(
        Business(region=world.region, name=f"Sisa {i}", import_job=job) for i in range(3)
    )
    before = Business.objects.count()

    assert services.import_leftovers_purge() == 3

    assert Business.all_rows.filter(import_job=job).count() == 0
    assert Business.objects.count() == before


def test_a_published_jobs_rows_are_never_purged(world: World) -> None:
    job = _queued(world, _survey(5))
    services.import_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(state=State.FAILED)

    assert services.import_leftovers_purge() == 0
    assert Business.objects.filter(import_job=job).count() == 5


def test_stored_files_expire_after_the_retention_days(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS = 30
    job = _queued(world, _survey(4, refused=2))
    services.import_job_run(job_id=job.pk)
    stored = _files(job)
    assert len(stored) == 2  # the upload and its rejection report

    with time_machine.travel(timezone.now() + dt.timedelta(days=29)):
        assert services.import_files_expire()["expired"] == 0
    assert _files(job) == stored
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=31)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.import_files_expire()["expired"] == 1

    assert _files(job) == []
    assert job.files_removed_reason == FilesRemoved.EXPIRED
    assert not any(private_storage.exists(name) for name in stored)
    # The summary stays; the page says why the report is gone.
    assert job.imported == 4


def test_the_page_says_why_the_report_is_gone(
    world: World, settings: Any, officer: Any, client: Any
) -> None:
    from django.urls import reverse

    from tests.logins import login_verified

    job = _queued(world, _survey(2, refused=1))
    services.import_job_run(job_id=job.pk)
    services.import_files_remove(job_id=job.pk, reason=FilesRemoved.EXPIRED)

    page = login_verified(client, officer).get(reverse("umkm:import_detail", args=[job.pk]))

    html = page.content.decode()
    assert 'data-testid="report-link"' not in html
    assert 'data-testid="report-removed"' in html
    assert str(FilesRemoved.EXPIRED.label) in html


def test_a_never_mapped_upload_expires_and_its_job_fails(world: World) -> None:
    job = upload_job(world, _survey(2))
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        services.import_files_expire()
    job.refresh_from_db()
    assert (job.state, job.stored_name) == (State.FAILED, "")
    assert job.error


def _closed_long_ago(business: Business) -> None:
    Business.objects.filter(pk=business.pk).update(
        status=Business.Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=6 * 366)
    )


def test_anonymisation_deletes_the_files_that_hold_the_person(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    first = _queued(world, _survey(3))
    services.import_job_run(job_id=first.pk)
    # A later file that mentions the same person (matched, not imported),
    # and one that does not.
    again = _queued(world, _survey(1))
    services.import_job_run(job_id=again.pk)
    other = _queued(world, _survey(0, refused=2))
    services.import_job_run(job_id=other.pk)
    person = Business.objects.get(import_job=first, source_row=2)
    _closed_long_ago(person)
    assert [
        entry.job.pk for entry in subject_import_jobs(region=world.region, nik=person.owner_nik)
    ] == [first.pk, again.pk]

    stored = _files(first) + _files(again)
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_expired.call(day="2026-12-07")

    assert not any(private_storage.exists(name) for name in stored)
    for job in (first, again):
        assert _files(job) == []
        assert job.files_removed_reason == FilesRemoved.ANONYMISED
    assert _files(other) != []


def test_anonymising_from_the_web_deletes_the_files_that_hold_the_person_too(
    world: World, officer: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The officer's "Anonimkan" page runs the same end of retention as the
    daily task: the stored files go first, while the NIK can still find them."""
    from django.urls import reverse

    from kotacerdas.core.pages import CONFIRM_FIELD
    from tests.logins import login_verified

    first = _queued(world, _survey(3))
    services.import_job_run(job_id=first.pk)
    person = Business.objects.get(import_job=first, source_row=2)
    _closed_long_ago(person)
    stored = _files(first)
    assert stored

    signed_in = login_verified(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("umkm:anonymise", args=[world.region.code]), {CONFIRM_FIELD: "1"}
        )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None
    first.refresh_from_db()
    assert first.files_removed_reason == FilesRemoved.ANONYMISED
    assert not any(private_storage.exists(name) for name in stored)


def test_the_subject_report_lists_the_jobs_whose_files_hold_the_person(world: World) -> None:
    job = _queued(world, _survey(0, refused=2))
    services.import_job_run(job_id=job.pk)
    # Refused rows are not in the registry, but the report holds them.
    held = subject_import_jobs(region=world.region, nik="1472010202000001")
    assert [(entry.job.pk, entry.files_mention_them) for entry in held] == [(job.pk, True)]
    assert subject_import_jobs(region=world.region, nik="1472010202999999") == []


def test_the_subject_report_shows_the_import_files(world: World, officer: Any) -> None:
    from kotacerdas.umkm.pdp.services import subject_report

    job = _queued(world, _survey(2))
    services.import_job_run(job_id=job.pk)
    nik = Business.objects.filter(import_job=job).order_by("source_row")[0].owner_nik

    report = subject_report(actor=officer, region=world.region, nik=nik, purpose="Permintaan")

    assert [held.job.pk for held in report.import_jobs] == [job.pk]
    assert report.import_jobs[0].expires_at is not None
    file_rows = [row for row in report.rows()[1] if row[0] == "berkas_impor"]
    assert [(row[4], row[5]) for row in file_rows] == [(job.filename, f"impor #{job.pk}")]


def test_a_backup_manifest_says_what_personal_data_it_holds(world: World) -> None:
    job = _queued(world, _survey(3, refused=1))
    services.import_job_run(job_id=job.pk)
    row_counts, _migrations = live_description()
    files = {f"private/{name}": {} for name in _files(job)} | {"private/ab/bukti.pdf": {}}

    personal = personal_data_manifest(row_counts, files)

    assert personal["contains"] is True
    assert personal["tables"]["umkm_business"]["rows"] == Business.all_rows.count()
    assert "owner_nik" in personal["tables"]["umkm_business"]["columns"]
    assert personal["private_files"] == {
        "other": 1,
        "umkm_import_rejection_report": 1,
        "umkm_import_upload": 1,
    }


def test_removing_a_report_removes_its_half_written_sheets_too(db, settings, tmp_path) -> None:
    """The report's sheets stream to part files beside it (issue 20); they
    hold NIKs, so a given-up job's clean-up removes them with the report."""
    from pathlib import Path

    from kotacerdas.umkm.imports.report import RejectionReport

    name = services._new_report_name()
    path = Path(private_storage.path(name))
    report = RejectionReport(path, headers=["NIK"], parts_beside=True)
    report.reject("Data", 2, [("name_missing", "", "name")], ["1472010101900001"])
    parts = list(path.parent.glob(f".{path.name}.sheet*.partial"))
    assert len(parts) == 3

    services._delete_report(name)

    assert not any(part.exists() for part in parts)
