"""The layout of the export to KemenKopUKM's single UMKM database
(SIDT-KUMKM, Sistem Informasi Data Tunggal Koperasi dan UMKM).

The ministry publishes no field dictionary of its upload (docs/registry.md,
*SIDT-KUMKM*): the columns below are the registry's fields under the names of
the PL-KUMKM questionnaire's blocks (identity of the business and its owner,
location with Kemendagri codes, business characteristics), one column per
fact, codes and names of the areas side by side, so a clerk can map them onto
whatever template the ministry hands out. The file is written by the
registry's background export (:func:`kotacerdas.umkm.pdp.services.run_export_job`):
it holds NIK, owner, address and phone, so it is a personal-data export with
its permission, purpose and record of processing.

Which businesses: verified ones of the region (pending and rejected
self-registrations are not the region's data yet). The full export leaves
merged-away records out; a changes-since export lists every business whose
record changed since the moment given — created (``baru``), changed
(``diubah``) or merged into another one (``digabung``, with the id it was
merged into, so the receiver drops it) — closed ones included with their
status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models

from kotacerdas.regions.reference import get_area
from kotacerdas.umkm.access import businesses_for
from kotacerdas.umkm.pdp.models import ExportJob
from kotacerdas.umkm.registry.models import Business

NEW, CHANGED, MERGED = "baru", "diubah", "digabung"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ya" if value else "tidak")


def _area_name(code: str) -> str:
    area = get_area(code) if code else None
    return area.name if area is not None else ""


Cell = Callable[[Business], Any]

# (column, cell of a business); the order is the file's. The region's part of
# a kelurahan code (PP.KK.CC.DDDD) gives the province, kab/kota and kecamatan.
COLUMNS: tuple[tuple[str, Cell], ...] = (
    ("id_usaha_daerah", lambda b: b.pk),
    ("nama_usaha", lambda b: b.name),
    ("nib", lambda b: b.nib),
    ("nama_pemilik", lambda b: b.owner_name),
    ("nik_pemilik", lambda b: b.owner_nik),
    ("npwp", lambda b: b.npwp),
    ("telepon", lambda b: b.phone),
    ("alamat_usaha", lambda b: b.address),
    ("kode_provinsi", lambda b: b.kelurahan_code[:2]),
    ("nama_provinsi", lambda b: _area_name(b.kelurahan_code[:2])),
    ("kode_kabupaten_kota", lambda b: b.kelurahan_code[:5]),
    ("nama_kabupaten_kota", lambda b: _area_name(b.kelurahan_code[:5])),
    ("kode_kecamatan", lambda b: b.kelurahan_code[:8]),
    ("nama_kecamatan", lambda b: _area_name(b.kelurahan_code[:8])),
    ("kode_kelurahan_desa", lambda b: b.kelurahan_code),
    ("nama_kelurahan_desa", lambda b: _area_name(b.kelurahan_code)),
    ("lintang", lambda b: b.latitude),
    ("bujur", lambda b: b.longitude),
    ("kbli", lambda b: b.kbli_code),
    ("versi_kbli", lambda b: b.kbli_version if b.kbli_code else ""),
    ("kategori_kbli", lambda b: b.kbli_category),
    ("skala_usaha", lambda b: b.size_class),
    ("dasar_skala_usaha", lambda b: b.size_basis),
    ("tenaga_kerja", lambda b: b.workers),
    ("tahun_mulai_usaha", lambda b: b.year_started),
    ("modal_usaha", lambda b: b.capital),
    ("omzet_tahunan", lambda b: b.annual_sales),
    ("nomor_sertifikat_halal", lambda b: b.halal_number),
    ("nomor_pirt", lambda b: b.pirt_number),
    ("penjualan_daring", lambda b: _yes_no(b.sells_online)),
    ("pembayaran_qris", lambda b: _yes_no(b.uses_qris)),
    ("ikm", lambda b: _yes_no(b.is_ikm)),
    ("kelas_ikm", lambda b: b.ikm_class),
    ("kapasitas_produksi", lambda b: b.production_capacity),
    ("satuan_kapasitas_produksi", lambda b: b.production_capacity_unit),
    ("status_usaha", lambda b: b.status),
)
# Blank in the line of a record merged away: the ministry needs only that it
# went (and into which), not the person's data a second time.
PERSONAL = frozenset(
    {"nama_pemilik", "nik_pemilik", "npwp", "telepon", "alamat_usaha", "omzet_tahunan"}
)
# Added after the business's own columns: what changed, and when.
TRAILER = ("jenis_perubahan", "digabung_ke", "tanggal_terdaftar", "tanggal_diubah")
HEADER = (*(name for name, _cell in COLUMNS), *TRAILER)


def sidt_businesses(job: ExportJob) -> models.QuerySet[Business]:
    """The businesses the SIDT-KUMKM export of ``job`` writes, with its
    requester's rights as they are now (the file holds personal data)."""
    businesses = businesses_for(job.created_by, "reveal").filter(
        region=job.region, verification=Business.Verification.VERIFIED
    )
    if job.since is None:
        return businesses.filter(merged_into__isnull=True)
    # A staged import stamps its rows when it starts and publishes them when
    # it finishes: rows published since ``since`` are changes too, however
    # long before the import started.
    return businesses.filter(
        models.Q(updated_at__gte=job.since) | models.Q(import_job__finished_at__gte=job.since)
    )


def change_kind(business: Business, since: dt.datetime | None) -> str:
    """What happened to ``business`` since ``since`` (empty in a full export)."""
    if since is None:
        return ""
    if business.merged_into_id is not None:
        return MERGED
    return NEW if business.created_at >= since else CHANGED


def sidt_row(business: Business, *, since: dt.datetime | None, zone: dt.tzinfo) -> list[Any]:
    """One line of the file, in the order of :data:`HEADER`."""
    merged = business.merged_into_id is not None
    return [
        *("" if merged and name in PERSONAL else cell(business) for name, cell in COLUMNS),
        change_kind(business, since),
        business.merged_into_id or "",
        business.created_at.astimezone(zone).isoformat(timespec="seconds"),
        business.updated_at.astimezone(zone).isoformat(timespec="seconds"),
    ]
