"""OSS-RBA NIB lists made the way a DPMPTSP downloads them: an XLSX with a
title above the table, and a semicolon CSV with field-name headers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
from kotacerdas.regions.models import Region
from kotacerdas.umkm.oss import services
from kotacerdas.umkm.oss.models import OssImport

XLSX_HEADER = (
    "No",
    "NIB",
    "Tanggal Terbit NIB",
    "Nama Perusahaan",
    "NIK Penanggung Jawab",
    "KBLI",
    "Judul KBLI",
    "Skala Usaha",
    "Tingkat Risiko",
    "Alamat Usaha",
    "Kelurahan",
    "Kecamatan",
)
CSV_HEADER = (
    "nib",
    "tanggal_terbit_oss",
    "nama_perusahaan",
    "nomor_identitas",
    "kbli",
    "judul_kbli",
    "uraian_skala_usaha",
    "uraian_risiko_proyek",
    "alamat_usaha",
    "kelurahan_usaha",
    "kecamatan_usaha",
)

# (nib, name, nik, kbli, address, kelurahan, kecamatan)
Entry = tuple[str, str, str, str, str, str, str]


def write_xlsx(path: Path, entries: Sequence[Entry]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data NIB"
    sheet.append(["DAFTAR NIB PERIZINAN BERUSAHA KOTA DUMAI"])
    sheet.append(["Sumber: OSS-RBA, diunduh DPMPTSP"])
    sheet.append([])
    sheet.append(list(XLSX_HEADER))
    for number, (nib, name, nik, kbli, address, kel, kec) in enumerate(entries, start=1):
        # The NIB as OSS writes it: text; KBLI as a number cell.
        sheet.append(
            [
                number,
                nib,
                "2024-05-12",
                name,
                nik,
                int(kbli) if kbli.isdigit() else kbli,
                "Judul",
                "Usaha Mikro",
                "Rendah",
                address,
                kel,
                kec,
            ]
        )
    book.save(path)
    return path


def write_csv(path: Path, entries: Sequence[Entry]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(CSV_HEADER)
        for nib, name, nik, kbli, address, kel, kec in entries:
            writer.writerow(
                [nib, "12/05/2024", name, nik, kbli, "", "Usaha Mikro", "Rendah", address, kel, kec]
            )
    return path


def upload(path: Path) -> tuple[SimpleUploadedFile, object]:
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return file, validate_upload(file, kinds=SPREADSHEET_KINDS)


def run(region: Region, path: Path, actor: object = None) -> OssImport:
    """Upload ``path`` as the web does and match it; the finished job."""
    file, checked = upload(path)
    job = services.oss_job_create(
        actor=actor,  # type: ignore[arg-type]
        region=region,
        upload=file,
        checked=checked,  # type: ignore[arg-type]
    )
    done = services.oss_job_run(job_id=job.pk, actor=actor)  # type: ignore[arg-type]
    assert done is not None
    return done
