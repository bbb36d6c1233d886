"""The survey import on the web: upload → column mapping (remembered) →
background task → progress and summary → rejection report."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
import xlwt  # type: ignore[import-untyped]
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
from odf.text import P  # type: ignore[import-untyped]

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.models import Business, ColumnMapping, ImportJob
from tests.factories import RegionFactory, make_user
from tests.logins import login_verified
from tests.permissions.rows_umkm_import import SURVEY_CSV

pytestmark = pytest.mark.usefixtures("shared_world")

State = ImportJob.State
HEADER = ["No", "Nama Usaha", "Nama Pemilik", "NIK", "Kelurahan", "Alamat", "No HP"]
ROWS = [
    [1, "Warung Berkah", "Siti Aminah", "1472014101900001", "Purnama", "Jl. Sudirman 1", "0812345"],
    [2, "Toko Jaya", "Budi Santoso", "1472010202850002", "Bagan Keladi", "Jl. Pangeran 2", "0812"],
]


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Tasks run in the test's own thread as they are enqueued: no worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def client_officer(officer: Any) -> Client:
    return login_verified(Client(), officer)


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls(rows: list[list[Any]]) -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Survei")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods(rows: list[list[Any]]) -> bytes:
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Survei")
    for values in rows:
        tr = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _upload(client: Client, region_code: str, content: bytes, name: str) -> Any:
    return client.post(
        reverse("umkm:import_upload", args=[region_code]),
        {"file": SimpleUploadedFile(name, content)},
    )


def _uploaded_job(
    client: Client, content: bytes = SURVEY_CSV, name: str = "survei.csv"
) -> ImportJob:
    response = _upload(client, "14.72", content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("id")
    assert response["Location"] == reverse("umkm:import_mapping", args=[job.pk])
    return job


def _selected(html: str, column: int) -> str:
    """The value selected in the mapping select of column ``column`` (0-based)."""
    start = html.index(f'name="col_{column}"')
    block = html[start : html.index("</select>", start)]
    marker = block.index(" selected")
    return block[:marker].rsplit('value="', 1)[1].split('"', 1)[0]


def _map(
    client: Client, job: ImportJob, mapping: dict[int, str], columns: int, **extra: str
) -> Any:
    data = {f"col_{i}": mapping.get(i, "") for i in range(columns)}
    data.update(extra)
    return client.post(reverse("umkm:import_mapping", args=[job.pk]), data)


SUGGESTED = {1: "name", 2: "owner_name", 3: "owner_nik", 4: "kelurahan", 5: "address", 6: "phone"}


def test_it_uploads_maps_runs_and_offers_the_report(
    client_officer: Client, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    job = _uploaded_job(client_officer)
    assert job.state == State.MAPPING and job.filename == "survei.csv" and job.file_sha256

    page = client_officer.get(reverse("umkm:import_mapping", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="header-row">baris 3<' in html
    assert _selected(html, 1) == "name" and _selected(html, 4) == "kelurahan"
    assert _selected(html, 0) == ""  # "No" is ignored
    assert "Warung Berkah" in html
    # Personal data in the sample values is masked.
    assert "1472014101900001" not in html and "147201" in html
    assert "Siti Aminah" not in html

    with django_capture_on_commit_callbacks(execute=True):
        response = _map(client_officer, job, SUGGESTED, 7)
    assert response["Location"] == reverse("umkm:import_detail", args=[job.pk])

    job.refresh_from_db()
    assert job.state == State.DONE, job.error
    assert (job.rows, job.imported, job.matched_existing, job.rejected) == (2, 2, 0, 0)
    assert job.sheet and job.header_row == 3 and job.mapping["1"] == "name"
    assert job.task_id
    assert Business.objects.filter(import_job=job).count() == 2
    saved = ColumnMapping.objects.get(region=job.region)
    assert saved.mapping["4"] == "kelurahan"

    detail = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="count-imported">2<' in detail
    assert 'data-testid="count-rows">2<' in detail
    assert "Selesai" in detail
    assert "hx-get" not in detail  # finished: no more polling

    report = client_officer.get(reverse("umkm:import_report", args=[job.pk]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in report["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert "Ditolak" in book.sheetnames


def test_it_lists_rejected_rows_in_the_report(
    client_officer: Client, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    content = SURVEY_CSV + b"3,Kedai Nol,Ani,1472010101900000,Kelurahan Antah,Jl. X,\n"
    job = _uploaded_job(client_officer, content)
    with django_capture_on_commit_callbacks(execute=True):
        _map(client_officer, job, SUGGESTED, 7)
    job.refresh_from_db()
    assert (job.rows, job.imported, job.rejected) == (3, 2, 1)
    report = client_officer.get(reverse("umkm:import_report", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    rejected = list(book["Ditolak"].iter_rows(values_only=True))
    assert len(rejected) == 2
    assert "Kedai Nol" in rejected[1]
    detail = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert "3 = 2 baru + 0 sudah terdaftar + 0 ganda + 1 ditolak" in detail


def test_it_remembers_the_mapping_for_the_same_header(
    client_officer: Client, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    first = _uploaded_job(client_officer)
    chosen = {**SUGGESTED, 6: ""}  # the officer ignores the phone column
    chosen.pop(6)
    with django_capture_on_commit_callbacks(execute=True):
        _map(client_officer, first, chosen, 7)

    other_rows = SURVEY_CSV.replace(b"Warung Berkah", b"Warung Baru").replace(
        b"Toko Jaya", b"Toko Lain"
    )
    second = _uploaded_job(client_officer, other_rows, "survei-2.csv")
    html = client_officer.get(reverse("umkm:import_mapping", args=[second.pk])).content.decode()
    assert _selected(html, 6) == ""  # remembered: ignored, although "No HP" suggests phone
    assert _selected(html, 1) == "name"
    assert "pemetaan yang tersimpan" in html
    assert "berkas ini sudah pernah diimpor" not in html.lower()  # a different file


def test_it_warns_when_the_same_file_is_imported_again_and_adds_nothing(
    client_officer: Client, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    first = _uploaded_job(client_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _map(client_officer, first, SUGGESTED, 7)
    again = _uploaded_job(client_officer)
    html = client_officer.get(reverse("umkm:import_mapping", args=[again.pk])).content.decode()
    assert "Berkas ini sudah pernah diimpor pada" in html
    assert "impor ulang tidak menambah data ganda" in html
    with django_capture_on_commit_callbacks(execute=True):
        _map(client_officer, again, SUGGESTED, 7)
    again.refresh_from_db()
    assert (again.rows, again.imported, again.matched_existing) == (2, 0, 2)
    assert Business.objects.count() == 2


def test_it_refuses_the_same_field_twice(client_officer: Client) -> None:
    job = _uploaded_job(client_officer)
    response = _map(client_officer, job, {**SUGGESTED, 2: "name"}, 7)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Nama usaha dipilih untuk lebih dari satu kolom: 2 “Nama Usaha”, 3 “Nama Pemilik”" in html
    )
    job.refresh_from_db()
    assert job.state == State.MAPPING and not ColumnMapping.objects.exists()


def test_it_requires_the_name_and_kelurahan_columns(client_officer: Client) -> None:
    job = _uploaded_job(client_officer)
    response = _map(client_officer, job, {1: "name"}, 7)
    assert "Kolom untuk Kelurahan/desa (nama atau kode) belum dipilih" in response.content.decode()
    job.refresh_from_db()
    assert job.state == State.MAPPING


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("laporan.pdf", b"%PDF-1.4\n%%EOF\n", "tidak diizinkan"),
        ("survei.xlsx", b"No,Nama Usaha\n1,Warung\n", "bukan lembar kerja Excel (XLSX) yang sah"),
        ("survei.csv", b"", "kosong"),
    ],
)
def test_it_refuses_files_that_are_not_survey_spreadsheets(
    client_officer: Client, name: str, content: bytes, message: str
) -> None:
    response = _upload(client_officer, "14.72", content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_refuses_files_over_the_size_limit(client_officer: Client, settings: Any) -> None:
    settings.KOTACERDAS_UMKM_IMPORT_MAX_BYTES = 100
    response = _upload(client_officer, "14.72", SURVEY_CSV, "survei.csv")
    assert "terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("survei.xlsx", lambda rows: _xlsx({"Survei": rows})),
        ("survei.xls", _xls),
        ("survei.ods", _ods),
    ],
)
def test_it_reads_the_columns_of_every_spreadsheet_kind(
    client_officer: Client, name: str, build: Any
) -> None:
    job = _uploaded_job(client_officer, build([["DATA UMKM 2025"], HEADER, *ROWS]), name)
    html = client_officer.get(reverse("umkm:import_mapping", args=[job.pk])).content.decode()
    assert 'data-testid="header-row">baris 2<' in html
    assert _selected(html, 1) == "name" and "Toko Jaya" in html


def test_it_switches_to_another_sheet(client_officer: Client) -> None:
    content = _xlsx(
        {
            "Catatan": [["Nama Usaha", "Kelurahan"], ["Warung A", "Purnama"]],
            "Survei": [["Judul"], ["Nama UMKM", "Kel/Desa", "Alamat"], ["Toko B", "Purnama", "Jl"]],
        }
    )
    job = _uploaded_job(client_officer, content, "dua-lembar.xlsx")
    url = reverse("umkm:import_mapping", args=[job.pk])
    first = client_officer.get(url).content.decode()
    assert 'name="sheet"' in first and "Warung A" in first
    other = client_officer.get(url, {"sheet": "Survei"}).content.decode()
    assert "Toko B" in other and "Warung A" not in other
    assert 'data-testid="header-row">baris 2<' in other
    # A sheet name the file does not have falls back to the detected sheet.
    assert "Warung A" in client_officer.get(url, {"sheet": "Tidak ada"}).content.decode()


def test_a_sheet_without_a_header_is_explained_and_the_job_stays_open(
    client_officer: Client,
) -> None:
    content = _xlsx(
        {
            "Survei": [["Nama Usaha", "Kelurahan"], ["Warung A", "Purnama"]],
            "Rekap": [["Jumlah", 1]],
        }
    )
    job = _uploaded_job(client_officer, content, "dengan-rekap.xlsx")
    url = reverse("umkm:import_mapping", args=[job.pk])
    html = client_officer.get(url, {"sheet": "Rekap"}).content.decode()
    assert "Judul kolom tidak dikenali" in html and "Warung A" in html
    job.refresh_from_db()
    assert job.state == State.MAPPING


def test_it_fails_the_job_with_the_reason_when_the_file_cannot_be_read(
    client_officer: Client,
) -> None:
    job = _uploaded_job(client_officer, b"a,b,c\n1,2,3\n", "bukan-survei.csv")
    response = client_officer.get(reverse("umkm:import_mapping", args=[job.pk]))
    assert response["Location"] == reverse("umkm:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == State.FAILED and "Judul kolom tidak dikenali" in job.error
    detail = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert "Judul kolom tidak dikenali" in detail and "data registri tidak berubah" in detail
    assert not Business.objects.exists()


def test_it_lists_the_regions_imports(client_officer: Client, officer: Any) -> None:
    job = _uploaded_job(client_officer)
    html = client_officer.get(reverse("umkm:import_list", args=["14.72"])).content.decode()
    assert "survei.csv" in html and reverse("umkm:import_detail", args=[job.pk]) in html
    assert "Menunggu pemetaan kolom" in html


def test_it_hides_other_regions_imports(client_officer: Client, db: None) -> None:
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    stranger = make_user("tono")
    Membership.objects.create(user=stranger, region=other, role=Role.REGISTRY_OFFICER)
    job = _uploaded_job(client_officer)
    client = login_verified(Client(), stranger)
    for name in ("import_detail", "import_mapping", "import_progress", "import_report"):
        assert client.get(reverse(f"umkm:{name}", args=[job.pk])).status_code == 404
    assert client.get(reverse("umkm:import_list", args=["14.72"])).status_code == 404
    assert _upload(client, "14.72", SURVEY_CSV, "survei.csv").status_code == 404
    assert ImportJob.objects.count() == 1


def test_an_agency_editor_may_not_import(client_officer: Client, editor_a: Any) -> None:
    job = _uploaded_job(client_officer)
    client = Client()
    login_verified(client, editor_a)
    assert _upload(client, "14.72", SURVEY_CSV, "survei.csv").status_code == 403
    assert client.get(reverse("umkm:import_mapping", args=[job.pk])).status_code == 403
    assert _map(client, job, SUGGESTED, 7).status_code == 403
    assert client.get(reverse("umkm:import_detail", args=[job.pk])).status_code == 403
    assert ImportJob.objects.count() == 1
    job.refresh_from_db()
    assert job.state == State.MAPPING


def test_an_admin_of_the_region_may_import(admin_user: Any, officer: Any) -> None:
    client = Client()
    login_verified(client, admin_user)
    job = _uploaded_job(client)
    assert job.created_by == admin_user


def _queries(client: Client, url: str) -> int:
    count = 0

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        assert client.get(url).status_code == 200
    return count


def test_the_list_needs_the_same_queries_for_more_imports(client_officer: Client) -> None:
    url = reverse("umkm:import_list", args=["14.72"])
    _uploaded_job(client_officer)
    few = _queries(client_officer, url)
    for n in range(4):
        _uploaded_job(client_officer, SURVEY_CSV + f"{n}\n".encode(), f"survei-{n}.csv")
    assert _queries(client_officer, url) == few
    html = client_officer.get(url).content.decode()
    assert html.count('href="/umkm/impor/') == 5


def test_a_report_that_is_gone_is_not_found(
    client_officer: Client, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    from kotacerdas.core.storage import delete_private

    job = _uploaded_job(client_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _map(client_officer, job, SUGGESTED, 7)
    job.refresh_from_db()
    delete_private(job.report_name)
    assert client_officer.get(reverse("umkm:import_report", args=[job.pk])).status_code == 404


def test_the_report_is_personal_data_for_officers_only_and_each_download_is_recorded(
    client_officer: Client,
    admin_user: Any,
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from kotacerdas.umkm.models import PersonalDataAccess

    content = SURVEY_CSV + b"3,Kedai Nol,Ani,1472010101900000,Kelurahan Antah,Jl. X,\n"
    job = _uploaded_job(client_officer, content)
    with django_capture_on_commit_callbacks(execute=True):
        _map(client_officer, job, SUGGESTED, 7)
    url = reverse("umkm:import_report", args=[job.pk])
    admin = Client()
    login_verified(admin, admin_user)
    before = PersonalDataAccess.objects.filter(action="export").count()
    assert admin.get(url).status_code == 403
    detail = admin.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert url not in detail and "hanya petugas registri" in detail
    assert PersonalDataAccess.objects.filter(action="export").count() == before
    assert client_officer.get(url).status_code == 200
    record = PersonalDataAccess.objects.filter(action="export").latest("id")
    assert f"#{job.pk}" in record.purpose and record.actor_label == "rina"
