"""The OSS-RBA NIB list pages: upload, the job page's counts and reasons,
the review with personal data masked, decisions and registration."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kotacerdas.umkm.models import Business
from kotacerdas.umkm.oss.models import OssImport, OssRow
from tests.logins import login_verified
from tests.permissions.rows_umkm_duplicates import make_business
from tests.umkm.oss.files import write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("shared_world")

NIK = "1472014505900017"
ENTRIES = [
    ("1234567890123", "SINAR HARAPAN JAYA", "", "47190", "Jl. Sudirman 12", "Pangkalan Sesai", ""),
    ("2234567890123", "Keripik Nenas Bu Ani", NIK, "10799", "Jl. Bukit 4", "Kel. Purnama", ""),
    ("12345", "Toko Salah", "", "", "", "", ""),
]


@pytest.fixture
def client_of(officer) -> Client:  # type: ignore[no-untyped-def]
    return login_verified(Client(), officer)


@pytest.fixture
def fuzzy(world) -> Business:  # type: ignore[no-untyped-def]
    return make_business(world.region, name="Toko Sinar Harapan", address="Jl. Sudirman No. 12")


def _upload(client: Client, region_code: str, path: Path) -> OssImport:
    with path.open("rb") as handle:
        response = client.post(
            reverse("umkm:oss_upload", args=[region_code]),
            {"file": SimpleUploadedFile(path.name, handle.read())},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = OssImport.objects.latest("id")
    assert response["Location"] == reverse("umkm:oss_detail", args=[job.pk])
    return job


def test_an_uploaded_list_is_matched_and_its_page_gives_every_count(
    client_of, world, fuzzy, tmp_path
):
    job = _upload(client_of, world.region.code, write_xlsx(tmp_path / "nib.xlsx", ENTRIES))
    page = client_of.get(reverse("umkm:oss_detail", args=[job.pk])).content.decode()
    assert 'data-testid="count-rows">3<' in page
    assert 'data-testid="count-to_review">1<' in page
    assert 'data-testid="count-unmatched">1<' in page
    assert 'data-testid="count-rejected">1<' in page
    # The rejected row's reason, Indonesian and English.
    assert "NIB tidak sah: harus 13 digit angka" in page
    assert "NIB is not 13 digits" in page


def test_the_review_masks_personal_data_and_a_decision_is_recorded(
    client_of, world, fuzzy, tmp_path
):
    job = _upload(client_of, world.region.code, write_csv(tmp_path / "nib.csv", ENTRIES))
    review = client_of.get(reverse("umkm:oss_review", args=[job.pk])).content.decode()
    assert "SINAR HARAPAN JAYA" in review and "Toko Sinar Harapan" in review
    assert "Jl. Sudirman" not in review  # addresses masked
    unmatched = client_of.get(reverse("umkm:oss_unmatched", args=[job.pk])).content.decode()
    assert "147201**********" in unmatched and NIK not in unmatched
    row = OssRow.objects.get(job=job, outcome=OssRow.Outcome.REVIEW)
    response = client_of.post(
        reverse("umkm:oss_decide", args=[row.pk]), {"decision": "accept"}, follow=True
    )
    assert "Baris 2 diterima" in response.content.decode()
    assert Business.objects.get(pk=fuzzy.pk).nib == "1234567890123"
    again = client_of.post(
        reverse("umkm:oss_decide", args=[row.pk]), {"decision": "reject"}, follow=True
    )
    assert "sudah diputuskan" in again.content.decode()
    assert Business.objects.get(pk=fuzzy.pk).nib == "1234567890123"


def test_an_unmatched_row_needs_a_kelurahan_to_be_registered(client_of, world, tmp_path):
    job = _upload(client_of, world.region.code, write_csv(tmp_path / "nib.csv", ENTRIES))
    row = OssRow.objects.get(job=job, nib="2234567890123")
    url = reverse("umkm:oss_register", args=[row.pk])
    refused = client_of.post(url, {f"r{row.pk}-kelurahan_code": ""}, follow=True)
    assert "Pilih kelurahan/desa" in refused.content.decode()
    assert not Business.objects.filter(nib="2234567890123").exists()
    client_of.post(url, {f"r{row.pk}-kelurahan_code": "14.72.01.1006"})
    business = Business.objects.get(nib="2234567890123")
    assert business.kelurahan_code == "14.72.01.1006"


def test_a_file_that_is_not_a_spreadsheet_is_refused_before_anything_is_stored(client_of, world):
    response = client_of.post(
        reverse("umkm:oss_upload", args=[world.region.code]),
        {"file": SimpleUploadedFile("nib.xlsx", b"bukan lembar kerja")},
    )
    assert response.status_code == 200
    assert "Berkas belum dapat diterima" in response.content.decode()
    assert not OssImport.objects.exists()


def test_a_large_list_is_matched_by_the_worker(client_of, world, fuzzy, tmp_path, monkeypatch):
    from kotacerdas.umkm import tasks
    from kotacerdas.umkm.oss import services

    monkeypatch.setattr(services, "INLINE_MAX_BYTES", 10)
    job = _upload(client_of, world.region.code, write_xlsx(tmp_path / "nib.xlsx", ENTRIES))
    job.refresh_from_db()
    assert job.state == OssImport.State.QUEUED
    waiting = client_of.get(reverse("umkm:oss_detail", args=[job.pk])).content.decode()
    assert "sedang dicocokkan" in waiting
    tasks.oss_import_run.call(job_id=job.pk)  # what `kotacerdas worker` does
    job.refresh_from_db()
    assert (job.state, job.rows, job.to_review) == (OssImport.State.DONE, 3, 1)
    assert job.stored_name == ""


def test_an_unreadable_nik_is_a_warning_and_the_row_is_still_matched(client_of, world, tmp_path):
    shop = make_business(world.region, name="Bengkel Las Maju", nib="7234567890123")
    entries = [("7234567890123", "Bengkel Las Maju", "147201450590", "45201", "", "", "")]
    job = _upload(client_of, world.region.code, write_csv(tmp_path / "nib.csv", entries))
    job.refresh_from_db()
    assert (job.matched_nib, job.rejected) == (1, 0)
    page = client_of.get(reverse("umkm:oss_detail", args=[job.pk])).content.decode()
    assert "NIK diabaikan: NIK harus 16 digit; ada 12" in page
    assert "NIK ignored (invalid)" in page
    shop.refresh_from_db()
    assert shop.kbli_code == "45201"


def test_the_review_page_queries_do_not_grow_with_its_pairs(client_of, world, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def review_queries(count: int, offset: int) -> int:
        entries = []
        for i in range(count):
            name = f"Usaha Nomor{offset + i}"
            make_business(world.region, name=f"Toko {name}", address=f"Jl. Melati No. {i + 1}")
            nib = f"{offset + i:013d}"
            entries.append((nib, f"{name} Jaya", "", "", f"Jl. Melati {i + 1}", "", ""))
        job = _upload(
            client_of, world.region.code, write_csv(tmp_path / f"nib{offset}.csv", entries)
        )
        assert OssRow.objects.filter(job=job, outcome=OssRow.Outcome.REVIEW).count() == count
        with CaptureQueriesContext(connection) as queries:
            client_of.get(reverse("umkm:oss_review", args=[job.pk]))
        return len(queries)

    assert review_queries(2, 1000) == review_queries(6, 2000)
