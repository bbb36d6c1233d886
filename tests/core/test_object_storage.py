"""Private files in the bucket of an S3-compatible object store (issue 16,
several nodes), against a real S3-protocol server on loopback (moto's, started
by the ``s3_server`` fixture): evidence uploaded and downloaded through the
access-checked view, an import read by the worker from the bucket, its report
and an export put there, the files of an anonymised person deleted there, a
backup that archives the bucket and a restore that puts it back. Nothing of
it may land in the local private folder, and no temporary copy may be left.
(The export is in test_object_storage_export.py: an export refuses to read
inside a transaction other than the test case's, such as shared_world's.)
"""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kotacerdas.core import backup
from kotacerdas.core.backup import create_backup, restore_private_to_bucket, unpack_verified
from kotacerdas.core.storage import private_file_response, private_names, private_storage
from kotacerdas.monitoring.models import Evidence
from kotacerdas.umkm.imports import services
from kotacerdas.umkm.imports.models import FilesRemoved, ImportJob
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.tasks import anonymise_expired
from tests.conftest import World, s3_bucket_create, s3_client, s3_keys, s3_storage_settings
from tests.monitoring_fixtures import PDF, report
from tests.permissions.rows_umkm_import import upload_job
from tests.umkm.pdp.exporting import body

pytestmark = pytest.mark.usefixtures("shared_world")

State = ImportJob.State
HEADER = b"No,Nama Usaha,Nama Pemilik,NIK,Kelurahan,Alamat,No HP\n"
MAPPING = {"1": "name", "2": "owner_name", "3": "owner_nik", "4": "kelurahan",
           "5": "address", "6": "phone"}  # fmt: skip


def _survey(rows: int, *, refused: int = 0) -> bytes:
    lines = [HEADER]
    for i in range(1, rows + 1):
        lines.append(
            f"{i},Toko Uji {i},Siti,14720141019{i:05d},Purnama,Jl. Uji {i},0812{i:08d}\n".encode()
        )
    for i in range(1, refused + 1):  # an unknown kelurahan: refused, kept in the report
        lines.append(f"{i},Kedai {i},Ani,1472010202{i:06d},Atlantis,Jl. {i},0813{i:08d}\n".encode())
    return b"".join(lines)


def _queued(world: World, content: bytes) -> ImportJob:
    job = upload_job(world, content)
    ImportJob.objects.filter(pk=job.pk).update(state=State.QUEUED, mapping=MAPPING)
    return ImportJob.objects.get(pk=job.pk)


def _local_files(private_dir: Path) -> list[Path]:
    return [p for p in private_dir.rglob("*") if p.is_file()] if private_dir.exists() else []


def _temporary_copies() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("kc-private-*")}


def _object(server: str, bucket: str, key: str) -> bytes:
    return bytes(s3_client(server).get_object(Bucket=bucket, Key=key)["Body"].read())


def test_evidence_goes_to_the_bucket_and_out_only_through_the_checked_view(
    world: World, personas: dict[str, Any], s3_private: str, s3_server: str, private_dir: Path
) -> None:
    r = report(world)
    response = personas["editor_a"].post(
        reverse("monitoring:evidence_upload", args=[r.pk]),
        {"file": SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()

    assert s3_keys(s3_server, s3_private) == [evidence.file_name]
    assert _object(s3_server, s3_private, evidence.file_name) == PDF
    assert _local_files(private_dir) == []
    url = reverse("monitoring:evidence_download", args=[evidence.pk])
    download = personas["assessor"].get(url)
    assert download.status_code == 200
    assert body(download) == PDF
    assert download["Content-Length"] == str(len(PDF))
    assert download["Cache-Control"] == "private, no-store"
    assert personas["editor_b"].get(url).status_code == 404
    assert personas["anonymous"].get(url).status_code == 302


def test_objects_have_no_grant_beyond_the_owner_and_no_url(
    world: World, personas: dict[str, Any], s3_private: str, s3_server: str
) -> None:
    r = report(world)
    personas["editor_a"].post(
        reverse("monitoring:evidence_upload", args=[r.pk]),
        {"file": SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf")},
    )
    name = Evidence.objects.get().file_name

    acl = s3_client(s3_server).get_object_acl(Bucket=s3_private, Key=name)
    owner = acl["Owner"]["ID"]
    assert [grant["Grantee"].get("ID") for grant in acl["Grants"]] == [owner]
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(name)


def test_a_file_gone_from_the_bucket_is_a_404_not_an_error(
    world: World, personas: dict[str, Any], s3_private: str, s3_server: str
) -> None:
    r = report(world)
    personas["editor_a"].post(
        reverse("monitoring:evidence_upload", args=[r.pk]),
        {"file": SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf")},
    )
    evidence = Evidence.objects.get()
    s3_client(s3_server).delete_object(Bucket=s3_private, Key=evidence.file_name)

    with pytest.raises(FileNotFoundError):
        private_file_response(
            evidence.file_name, download_name="bukti.pdf", content_type="application/pdf"
        )


def test_an_import_uploaded_to_the_bucket_is_mapped_and_run_by_the_worker_from_it(
    world: World,
    personas: dict[str, Any],
    s3_private: str,
    s3_server: str,
    private_dir: Path,
) -> None:
    copies = _temporary_copies()
    job = upload_job(world, _survey(4, refused=2))
    assert s3_keys(s3_server, s3_private) == [job.stored_name]

    # The mapping page reads the file's header from the bucket.
    page = personas["officer"].get(reverse("umkm:import_mapping", args=[job.pk]))
    assert page.status_code == 200
    assert "Nama Usaha" in page.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(state=State.QUEUED, mapping=MAPPING)
    summary = services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.imported, job.rejected) == (State.DONE, 4, 2), job.error
    assert summary["imported"] == 4
    assert Business.objects.filter(import_job=job).count() == 4
    assert job.report_name
    assert s3_keys(s3_server, s3_private) == sorted([job.stored_name, job.report_name])
    assert _object(s3_server, s3_private, job.report_name).startswith(b"PK")
    # The report goes out through its checked view, straight from the bucket.
    download = personas["officer"].get(reverse("umkm:import_report", args=[job.pk]))
    assert download.status_code == 200
    assert body(download) == _object(s3_server, s3_private, job.report_name)
    # Nothing on this node's disk: no private file, no temporary copy left.
    assert _local_files(private_dir) == []
    assert _temporary_copies() == copies


def test_an_import_whose_file_is_gone_from_the_bucket_fails_with_its_reason(
    world: World, s3_private: str, s3_server: str
) -> None:
    job = _queued(world, _survey(2))
    s3_client(s3_server).delete_object(Bucket=s3_private, Key=job.stored_name)

    assert services.import_job_run(job_id=job.pk) == {}

    job.refresh_from_db()
    assert job.state == State.FAILED and str(job.pk) in job.error
    assert Business.objects.filter(import_job=job).count() == 0


def test_anonymisation_deletes_the_persons_import_files_from_the_bucket(
    world: World, s3_private: str, s3_server: str, django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import timezone

    first = _queued(world, _survey(3, refused=1))
    services.import_job_run(job_id=first.pk)
    other = _queued(world, _survey(0, refused=2))
    services.import_job_run(job_id=other.pk)
    first.refresh_from_db()
    other.refresh_from_db()
    held = sorted([first.stored_name, first.report_name])
    kept = sorted([other.stored_name, other.report_name])
    assert s3_keys(s3_server, s3_private) == sorted(held + kept)
    person = Business.objects.get(import_job=first, source_row=2)
    Business.objects.filter(pk=person.pk).update(
        status=Business.Status.CLOSED,
        closed_at=timezone.now() - timezone.timedelta(days=6 * 366),
    )

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_expired.call(day=timezone.localdate().isoformat())

    first.refresh_from_db()
    assert first.files_removed_reason == FilesRemoved.ANONYMISED
    assert s3_keys(s3_server, s3_private) == kept


def _database_dump_stubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database copy is left out here: SQLite cannot copy the test's
    in-memory database from inside the test's own transaction (it waits for
    ever), and copying and restoring the database is the drill's subject
    (tests/core/test_backup_drill.py, through the real command). What is
    real here: the archive, its checksums and the bucket on both ends."""

    def dump(target: Path, alias: str) -> tuple[dict[str, int], dict[str, list[str]]]:
        target.write_bytes(b"basis data")
        return {}, {}

    monkeypatch.setattr(backup, "_dump_sqlite", dump)
    monkeypatch.setattr(backup, "_dump_postgresql", dump)


def test_a_backup_archives_the_bucket_and_a_restore_puts_it_back(
    world: World,
    personas: dict[str, Any],
    s3_private: str,
    s3_server: str,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _database_dump_stubbed(monkeypatch)
    r = report(world)
    for name in ("satu.pdf", "dua.pdf"):
        personas["editor_a"].post(
            reverse("monitoring:evidence_upload", args=[r.pk]),
            {"file": SimpleUploadedFile(name, PDF + name.encode(), content_type="application/pdf")},
        )
    stored = {e.file_name: e.original_name for e in Evidence.objects.all()}
    assert sorted(stored) == s3_keys(s3_server, s3_private)

    result = create_backup(tmp_path / "arsip")

    with tarfile.open(result.path) as archive:
        members = sorted(m.name for m in archive if m.name.startswith("private/"))
    assert members == sorted(f"private/{name}" for name in stored)
    assert result.manifest["personal_data"]["private_files"] == {"other": 2}

    # Restore into another bucket holding a stray object: the bucket ends as
    # the archive was, byte for byte.
    target = s3_bucket_create(s3_server)
    s3_client(s3_server).put_object(Bucket=target, Key="zz/stray.pdf", Body=b"stray")
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(s3_server, target)}
    staging = tmp_path / "staging"
    unpack_verified(result.path, staging)
    restore_private_to_bucket(staging / "private")

    assert sorted(private_names()) == sorted(stored)
    for name, original in stored.items():
        assert _object(s3_server, target, name) == PDF + original.encode()


def test_a_masterplan_workbook_staged_on_one_node_is_confirmed_from_the_bucket(
    world: World, admin_user: Any, s3_private: str, s3_server: str, monkeypatch: Any
) -> None:
    import time

    from kotacerdas.masterplan.exchange import staging

    token = staging.stash(content=b"PK buku", user_id=admin_user.pk, region_code=world.region.code)
    (key,) = s3_keys(s3_server, s3_private)
    assert key.startswith("staged/")

    assert staging.take(token=token, user_id=admin_user.pk, region_code=world.region.code) == (
        b"PK buku"
    )
    assert s3_keys(s3_server, s3_private) == []
    with pytest.raises(staging.StaleUpload):
        staging.take(token=token, user_id=admin_user.pk, region_code=world.region.code)

    staging.stash(content=b"lama", user_id=admin_user.pk, region_code=world.region.code)
    later = time.time() + staging.MAX_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert staging.sweep() == 1
    assert s3_keys(s3_server, s3_private) == []
