"""The SIDT-KUMKM export (issue 20): the ministry's layout on the registry's
background export, full and changes-since, as a personal-data export (reveal
permission, purpose, record of processing). Files are parsed back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
from django.urls import reverse
from django.utils import timezone

from kotacerdas.regions.reference import get_area
from kotacerdas.umkm.duplicates.services import business_merge, candidates_find
from kotacerdas.umkm.models import Business, DuplicateCandidate, ExportJob, PersonalDataAccess
from kotacerdas.umkm.national import sidt
from kotacerdas.umkm.pdp.services import run_export_job
from kotacerdas.umkm.registry import services as registry
from tests.permissions.rows_umkm_registry import NIK, make_business
from tests.umkm.pdp.exporting import body

PURPOSE = "pemutakhiran SIDT-KUMKM triwulan IV"


def _request(client: Any, code: str, **data: Any) -> Any:
    return client.post(reverse("umkm:sidt_export", args=[code]), {"purpose": PURPOSE, **data})


def _export(client: Any, code: str, **data: Any) -> tuple[ExportJob, bytes]:
    response = _request(client, code, **data)
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:export_detail", args=[job.pk])
    run_export_job(job)
    download = client.get(reverse("umkm:export_download", args=[job.pk]))
    assert download.status_code == 200
    job.refresh_from_db()
    return job, body(download)


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    header = next(reader)
    assert tuple(header) == sidt.HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def _xlsx_rows(content: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0]) == sidt.HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_full_export_writes_every_verified_business_in_the_ministrys_layout(
    personas, world, officer
) -> None:
    kept = make_business(world, nib="9120001234567", kbli_code="10792")
    other = make_business(world, name="Bengkel Laut", owner_nik="", phone="", kbli_code="45201")
    registry.business_create(
        actor=None,
        region=world.region,
        data={"name": "Menunggu Verifikasi", "kelurahan_code": "14.72.01.1003"},
        verification=Business.Verification.PENDING,
    )

    job, content = _export(personas["officer"], world.region.code, fmt="csv")

    rows = {row["id_usaha_daerah"]: row for row in _csv_rows(content)}
    assert set(rows) == {str(kept.pk), str(other.pk)}  # the pending one is not the region's yet
    row = rows[str(kept.pk)]
    kelurahan = kept.kelurahan_code
    assert (row["kode_provinsi"], row["kode_kabupaten_kota"]) == ("14", "14.72")
    assert (row["kode_kecamatan"], row["kode_kelurahan_desa"]) == (kelurahan[:8], kelurahan)
    area = get_area(kelurahan)
    assert area is not None and row["nama_kelurahan_desa"] == area.name
    assert row["nama_kabupaten_kota"] == get_area("14.72").name  # type: ignore[union-attr]
    assert (row["nik_pemilik"], row["nib"], row["kbli"]) == (NIK, "9120001234567", "10792")
    assert row["skala_usaha"] == kept.size_class and row["skala_usaha"] in ("mikro", "kecil")
    assert (row["ikm"], rows[str(other.pk)]["ikm"]) == ("ya", "tidak")
    assert row["jenis_perubahan"] == "" and row["status_usaha"] == "active"
    assert job.filename.startswith("sidt-kumkm-14.72-") and job.filename.endswith(".csv")
    # A personal-data export: recorded with every business when made and downloaded.
    records = PersonalDataAccess.objects.filter(action="export").order_by("pk")
    assert [sorted(r.business_ids) for r in records] == [sorted([kept.pk, other.pk])] * 2
    assert records[0].purpose == PURPOSE


def test_the_xlsx_file_holds_the_same_rows(personas, world, officer) -> None:
    business = make_business(world, nib="9120001234567")
    _job, content = _export(personas["officer"], world.region.code, fmt="xlsx")
    (row,) = _xlsx_rows(content)
    assert row["id_usaha_daerah"] == business.pk
    assert (row["nik_pemilik"], row["nib"]) == (NIK, "9120001234567")
    assert row["kode_kelurahan_desa"] == business.kelurahan_code
    assert row["modal_usaha"] == business.capital


def _age(*businesses: Business, days: int) -> None:
    moment = timezone.now() - dt.timedelta(days=days)
    Business.objects.filter(pk__in=[b.pk for b in businesses]).update(
        created_at=moment, updated_at=moment
    )


def test_the_changes_since_export_lists_new_changed_and_merged_businesses(
    personas, world, officer
) -> None:
    untouched = make_business(world, name="Sudah Lama", owner_nik="", phone="")
    changed = make_business(world, name="Akan Diubah", owner_nik="", phone="")
    first = make_business(world, name="Kedai Kopi Dua", owner_nik="", phone="")
    second = make_business(world, name="KEDAI KOPI DUA", owner_nik="", phone="")
    _age(untouched, changed, first, second, days=30)
    registry.business_update(actor=None, business=changed, data={"workers": 9})
    candidates_find(actor=None, region=world.region)
    candidate = DuplicateCandidate.objects.get(first__in=[first, second])
    business_merge(actor=officer, candidate=candidate, survivor=first)
    new = make_business(world, name="Baru Buka", owner_nik="", phone="")
    since = timezone.localdate() - dt.timedelta(days=7)

    job, content = _export(personas["officer"], world.region.code, fmt="csv", since=str(since))

    # The survivor, which took over nothing, did not change; the one merged away did.
    kinds = {row["nama_usaha"]: row["jenis_perubahan"] for row in _csv_rows(content)}
    assert kinds == {
        "Akan Diubah": sidt.CHANGED,
        "Baru Buka": sidt.NEW,
        "KEDAI KOPI DUA": sidt.MERGED,
    }
    merged = next(r for r in _csv_rows(content) if r["jenis_perubahan"] == sidt.MERGED)
    assert merged["digabung_ke"] == str(first.pk)
    assert job.since is not None and job.filename.startswith(
        f"sidt-kumkm-perubahan-{since:%Y%m%d}-14.72-"
    )
    assert str(new.pk) in content.decode("utf-8-sig")


def test_the_changes_since_export_lists_an_import_published_after_since(
    personas, world, officer
) -> None:
    """A staged import stamps its rows when it starts and publishes them when
    it ends: an import started before ``since`` and published after it is a
    change of that period."""
    from kotacerdas.umkm.imports.models import ImportJob

    started = timezone.now() - dt.timedelta(days=30)
    job = ImportJob.objects.create(
        region=world.region,
        filename="survei.xlsx",
        state=ImportJob.State.DONE,
        started_at=started,
        finished_at=timezone.now() - dt.timedelta(days=1),
    )
    published = make_business(world, name="Dari Impor", owner_nik="", phone="")
    older = make_business(world, name="Impor Lama", owner_nik="", phone="")
    old_job = ImportJob.objects.create(
        region=world.region,
        filename="lama.xlsx",
        state=ImportJob.State.DONE,
        started_at=started,
        finished_at=started,
    )
    Business.objects.filter(pk=published.pk).update(import_job=job)
    Business.objects.filter(pk=older.pk).update(import_job=old_job)
    _age(published, older, days=30)
    since = timezone.localdate() - dt.timedelta(days=7)

    _job, content = _export(personas["officer"], world.region.code, fmt="csv", since=str(since))

    assert [row["nama_usaha"] for row in _csv_rows(content)] == ["Dari Impor"]


def test_a_merged_away_line_carries_no_personal_data(personas, world, officer) -> None:
    first = make_business(world, name="Kedai Kopi Dua")
    second = make_business(world, name="KEDAI KOPI DUA", owner_nik="")
    _age(first, second, days=30)
    candidates_find(actor=None, region=world.region)
    candidate = DuplicateCandidate.objects.get(first__in=[first, second])
    business_merge(actor=officer, candidate=candidate, survivor=first)
    since = timezone.localdate() - dt.timedelta(days=7)

    _job, content = _export(personas["officer"], world.region.code, fmt="csv", since=str(since))

    (merged,) = [r for r in _csv_rows(content) if r["jenis_perubahan"] == sidt.MERGED]
    assert merged["nama_usaha"] == "KEDAI KOPI DUA" and merged["digabung_ke"] == str(first.pk)
    for column in sidt.PERSONAL:
        assert merged[column] == "", column
    assert second.owner_name and second.phone and second.address and second.annual_sales


def test_the_full_export_leaves_merged_away_records_out(personas, world, officer) -> None:
    first = make_business(world, name="Kedai Kopi Dua", owner_nik="", phone="")
    second = make_business(world, name="KEDAI KOPI DUA", owner_nik="", phone="")
    candidates_find(actor=None, region=world.region)
    candidate = DuplicateCandidate.objects.get(first__in=[first, second])
    business_merge(actor=officer, candidate=candidate, survivor=second)
    _job, content = _export(personas["officer"], world.region.code, fmt="csv")
    assert [row["id_usaha_daerah"] for row in _csv_rows(content)] == [str(second.pk)]


def test_only_who_may_reveal_personal_data_may_ask_for_it(personas, world) -> None:
    make_business(world)
    for persona in ("admin", "editor_a", "assessor"):
        assert _request(personas[persona], world.region.code, fmt="csv").status_code == 403
    assert not ExportJob.objects.exists()


def test_bad_input_is_explained_and_queues_nothing(personas, world) -> None:
    client = personas["officer"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for data, message in (
        ({"purpose": ""}, "tuliskan tujuannya"),
        ({"purpose": "singkat"}, "minimal 10 huruf"),
        ({"since": "31-31-2026"}, "Tanggal tidak dikenali"),
        ({"since": str(tomorrow)}, "tidak boleh di masa depan"),
        ({"since": "0001-01-01"}, "paling awal 2000-01-01"),
        ({"since": "1999-12-31"}, "paling awal 2000-01-01"),
        ({"fmt": "pdf"}, "pdf"),
    ):
        response = client.post(
            reverse("umkm:sidt_export", args=[world.region.code]),
            {"fmt": "csv", "purpose": PURPOSE, **data},
            follow=True,
        )
        assert message in response.content.decode(), data
    assert not ExportJob.objects.exists()


def test_the_export_page_offers_the_sidt_export_to_officers_only(personas, world) -> None:
    url = reverse("umkm:business_export", args=[world.region.code])
    assert 'data-testid="sidt-export"' in personas["officer"].get(url).content.decode()
    assert 'data-testid="sidt-export"' not in personas["admin"].get(url).content.decode()
