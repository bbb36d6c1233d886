"""The rows of an import still writing are invisible, but they are held: a
person saving a NIB only such a row holds is not refused (the entry wins and
the import counts that row as already registered), and the subject report
shows a person's rows in such an import."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from kotacerdas.umkm.imports import engine, services
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.models import Business, PersonalDataAccess
from kotacerdas.umkm.pdp.services import subject_report
from kotacerdas.umkm.registry import services as registry
from tests.conftest import World
from tests.permissions.rows_umkm_import import upload_job
from tests.permissions.rows_umkm_registry import NIK, make_business

State = ImportJob.State
HEADER = b"No,Nama Usaha,Nama Pemilik,NIK,NIB,Kelurahan,Alamat\n"
MAPPING = {"1": "name", "2": "owner_name", "3": "owner_nik", "4": "nib", "5": "kelurahan",
           "6": "address"}  # fmt: skip


def _nib(i: int) -> str:
    return str(9120000000000 + i)


def _survey(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(1, rows + 1):
        lines.append(
            f"{i},Toko Staging {i},Siti,14720141019{i:05d},{_nib(i)},Purnama,Jl. Uji {i}\n".encode()
        )
    return b"".join(lines)


def _queued(world: World, rows: int) -> ImportJob:
    job = upload_job(world, _survey(rows))
    ImportJob.objects.filter(pk=job.pk).update(state=State.QUEUED, mapping=MAPPING)
    return ImportJob.objects.get(pk=job.pk)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engine.STAGED_CHUNK_ROWS, connection.vendor, 10)
    monkeypatch.setattr(engine, "STAGED_CHUNK_ROWS_DEFAULT", 10)
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(engine.pipeline, "BATCH_ROWS", 10)


def _during_import(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Run ``action`` once, while the import has written rows and has more to write."""
    calls: list[int] = []
    original = services.ProgressBeat.write

    def hook(self: Any, done: int, total: int | None) -> None:
        calls.append(done)
        if len(calls) == 2:  # the first chunk is written, the rest to come
            action()
        original(self, done, total)

    monkeypatch.setattr(services.ProgressBeat, "write", hook)


def test_a_nib_held_only_by_an_import_still_writing_goes_to_the_person_saving_it(
    world: World, small_chunks: None, monkeypatch: pytest.MonkeyPatch, personas: Any
) -> None:
    job = _queued(world, 40)
    saved: list[Business] = []

    def officer_saves_nib_of_row_one() -> None:
        assert Business.all_rows.filter(import_job=job, nib=_nib(1)).exists()  # written, hidden
        saved.append(
            registry.business_create(
                actor=None,
                region=world.region,
                data={"name": "Toko Manual", "kelurahan_code": "14.72.01.1003", "nib": _nib(1)},
            )
        )

    _during_import(monkeypatch, officer_saves_nib_of_row_one)
    services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert saved and saved[0].nib == _nib(1)
    assert (job.state, job.imported, job.matched_existing, job.displaced) == (State.DONE, 39, 1, 1)
    assert job.rows == job.imported + job.matched_existing + job.duplicates_in_file + job.rejected
    holders = Business.objects.filter(region=world.region, nib=_nib(1))
    assert [b.name for b in holders] == ["Toko Manual"]
    assert Business.objects.filter(import_job=job).count() == 39
    page = personas["officer"].get(reverse("umkm:import_detail", args=[job.pk]))
    assert "didaftarkan petugas atau pemilik usaha secara manual" in page.content.decode()


def test_an_edit_to_a_nib_held_by_an_import_still_writing_is_saved_too(
    world: World, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = make_business(world, name="Toko Lama", owner_nik="", phone="")
    job = _queued(world, 30)

    def edit() -> None:
        registry.business_update(actor=None, business=existing, data={"nib": _nib(2)})

    _during_import(monkeypatch, edit)
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    existing.refresh_from_db()
    assert existing.nib == _nib(2)
    assert (job.imported, job.matched_existing) == (29, 1)


def test_a_nib_of_a_published_import_is_still_refused_with_its_message(world: World) -> None:
    from django.core.exceptions import ValidationError

    job = _queued(world, 3)
    services.import_job_run(job_id=job.pk)
    with pytest.raises(ValidationError, match="NIB ini sudah terdaftar"):
        registry.business_create(
            actor=None,
            region=world.region,
            data={"name": "Toko Manual", "kelurahan_code": "14.72.01.1003", "nib": _nib(1)},
        )
    assert Business.objects.filter(nib=_nib(1)).count() == 1


def _staged_business(world: World) -> tuple[ImportJob, Business]:
    """A business of the person (NIK) written by an import that is still running."""
    job = upload_job(world, _survey(1))
    ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, staging=True)
    business = make_business(world, name="Toko Dalam Impor", phone="081234567890")
    Business.all_rows.filter(pk=business.pk).update(import_job=job, source=Business.Source.IMPORT)
    return job, business


def test_the_subject_report_shows_the_persons_rows_in_an_import_still_writing(
    world: World, officer: Any
) -> None:
    job, business = _staged_business(world)
    assert not Business.objects.filter(pk=business.pk).exists()  # invisible to readers

    report = subject_report(actor=officer, region=world.region, nik=NIK, purpose="Permintaan")

    assert [b.pk for b in report.staged] == [business.pk]
    assert report.businesses == []
    rows = report.rows()[1]
    assert [f"data_impor_{job.pk}", business.pk, "", "", "owner_nik", NIK] in rows
    record = PersonalDataAccess.objects.get(action="subject_report")
    assert record.business_ids == [business.pk]


def test_the_subject_report_page_shows_the_import_in_progress(world: World, personas: Any) -> None:
    job, _business = _staged_business(world)
    response = personas["officer"].post(
        reverse("umkm:subject_report", args=[world.region.code]),
        {"nik": NIK, "purpose": "permintaan pemilik data tanggal 1", "fmt": "html"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Data dalam impor yang sedang berjalan" in body
    assert "Toko Dalam Impor" in body and f"#{job.pk}" in body


def test_a_nib_saved_by_hand_before_the_import_writes_it_does_not_fail_the_import(
    world: World, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order: the person saves the NIB of row 30 while the import
    has written rows 1–10 only (it read the region's keys at its start, so
    it does not know). Before, the chunk holding row 30 broke the unique NIB
    and the whole import failed; now that row gives way like the other order."""
    job = _queued(world, 40)

    def officer_saves_nib_of_row_thirty() -> None:
        assert not Business.all_rows.filter(nib=_nib(30)).exists()  # not written yet
        registry.business_create(
            actor=None,
            region=world.region,
            data={"name": "Toko Manual", "kelurahan_code": "14.72.01.1003", "nib": _nib(30)},
        )

    _during_import(monkeypatch, officer_saves_nib_of_row_thirty)
    services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.imported, job.matched_existing, job.displaced) == (State.DONE, 39, 1, 1)
    assert [b.name for b in Business.objects.filter(nib=_nib(30))] == ["Toko Manual"]
    assert Business.objects.filter(import_job=job).count() == 39
    # The rows of the chunk that held row 30 are all there but that one.
    assert Business.objects.filter(import_job=job, nib=_nib(29)).exists()
    assert Business.objects.filter(import_job=job, nib=_nib(31)).exists()
