"""Permission matrix rows for the UMKM survey import: registry officers and
admins of the region; the region's other members get 403."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.core.storage import private_storage
from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
from kotacerdas.umkm.imports.services import import_job_create
from kotacerdas.umkm.models import ImportJob
from tests.conftest import World
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, region, row

REGISTRY = row(LOGIN, 200, 403, 403, 403, officer=200)

SURVEY_CSV = (
    b"DATA UMKM KOTA DUMAI 2025\n"
    b"\n"
    b"No,Nama Usaha,Nama Pemilik,NIK,Kelurahan,Alamat,No HP\n"
    b"1,Warung Berkah,Siti Aminah,1472014101900001,Purnama,Jl. Sudirman 1,081234567890\n"
    b"2,Toko Jaya,Budi Santoso,1472010202850002,Bagan Keladi,Jl. Pangeran 2,0812-1111-2222\n"
)


def upload_job(w: World, content: bytes = SURVEY_CSV, name: str = "survei.csv") -> ImportJob:
    """A job in state MAPPING whose file is stored like a web upload's."""
    upload = SimpleUploadedFile(name, content)
    checked = validate_upload(upload, kinds=SPREADSHEET_KINDS)
    return import_job_create(actor=None, region=w.region, upload=upload, checked=checked)


def mapping_job(w: World) -> list[object]:
    return [upload_job(w).pk]


def done_job(w: World) -> list[object]:
    job = upload_job(w)
    job.report_name = "ab/ab" + "0" * 30 + ".xlsx"
    path = Path(private_storage.path(job.report_name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK report")
    job.state = ImportJob.State.DONE
    job.save(update_fields=["report_name", "state"])
    return [job.pk]


ROWS: Rows = {
    "umkm:import_list": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    # An empty POST is a form with errors: shown again (200).
    "umkm:import_upload": (region, {}, {"GET": REGISTRY, "POST": REGISTRY}),
    "umkm:import_mapping": (mapping_job, {}, {"GET": REGISTRY, "POST": REGISTRY}),
    "umkm:import_detail": (mapping_job, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:import_progress": (mapping_job, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    # An empty POST is a form with errors: shown again (200).
    "umkm:import_place_alias": (mapping_job, {}, {"GET": REGISTRY, "POST": REGISTRY}),
    # The report holds rejected rows' personal data: officers ("reveal") only.
    "umkm:import_report": (
        done_job,
        {},
        {"GET": row(LOGIN, 403, 403, 403, 403, officer=200), "POST": SAFE_ONLY},
    ),
}
