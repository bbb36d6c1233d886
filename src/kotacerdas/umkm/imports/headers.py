"""Finding the header row of a survey sheet and mapping its column names to
the fields of a business.

Survey sheets put titles above the table ("DATA UMKM KECAMATAN DUMAI BARAT
2024") and name the same column in many ways ("Nama Usaha", "NAMA USAHA",
"nama_usaha", "Nama UMKM"). Header names are normalised (lower case,
punctuation and the words in :data:`_NOISE` removed) and looked up in
:data:`SYNONYMS`; the header row is the first row among the first
:data:`HEADER_SCAN_ROWS` that names the most fields.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

HEADER_SCAN_ROWS = 30
# A header row names at least this many fields, the business name among them.
MIN_HEADER_FIELDS = 2

# target field → Indonesian label (the mapping screen shows these).
FIELDS: dict[str, Any] = {
    "name": _("Nama usaha"),
    "owner_name": _("Nama pemilik"),
    "owner_nik": _("NIK pemilik"),
    "nib": _("NIB"),
    "npwp": _("NPWP"),
    "kbli_code": _("Kode KBLI"),
    "kbli_version": _("Versi KBLI"),
    "address": _("Alamat"),
    "kecamatan": _("Kecamatan (nama atau kode)"),
    "kelurahan": _("Kelurahan/desa (nama atau kode)"),
    "latitude": _("Lintang"),
    "longitude": _("Bujur"),
    "phone": _("Telepon/HP"),
    "workers": _("Jumlah tenaga kerja"),
    "year_started": _("Tahun mulai usaha"),
    "capital": _("Modal usaha (Rp)"),
    "annual_sales": _("Omzet tahunan (Rp)"),
    "halal_number": _("Nomor sertifikat halal"),
    "pirt_number": _("Nomor P-IRT"),
    "sells_online": _("Berjualan daring"),
    "uses_qris": _("Menerima QRIS"),
    "production_capacity": _("Kapasitas produksi"),
    "production_capacity_unit": _("Satuan kapasitas produksi"),
}

# Normalised header text → field. Headers are compared after normalise_header().
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "nama usaha",
        "nama umkm",
        "nama ikm",
        "nama toko",
        "nama perusahaan",
        "nama tempat usaha",
        "nama badan usaha",
        "nama unit usaha",
        "nama warung",
        "nama kedai",
        "usaha",
        "umkm",
        "nama merek",
        "nama brand",
        "business name",
        "name",
    ),
    "owner_name": (
        "nama pemilik",
        "pemilik",
        "nama pemilik usaha",
        "nama pengusaha",
        "nama pelaku usaha",
        "pelaku usaha",
        "nama penanggung jawab",
        "penanggung jawab",
        "nama lengkap",
        "owner",
        "owner name",
    ),
    "owner_nik": (
        "nik",
        "nik pemilik",
        "no nik",
        "nomor nik",
        "nik ktp",
        "no ktp",
        "nomor ktp",
        "ktp",
        "nomor induk kependudukan",
        "nik pemilik usaha",
    ),
    "nib": ("nib", "no nib", "nomor nib", "nomor induk berusaha", "nib oss"),
    "npwp": ("npwp", "no npwp", "nomor npwp", "npwp pemilik", "npwp usaha"),
    "kbli_code": ("kbli", "kode kbli", "no kbli", "kbli 5 digit", "kode kbli 5 digit"),
    "kbli_version": ("versi kbli", "kbli versi", "tahun kbli"),
    "address": (
        "alamat",
        "alamat usaha",
        "alamat tempat usaha",
        "alamat lengkap",
        "lokasi usaha",
        "jalan",
        "address",
    ),
    "kecamatan": ("kecamatan", "kec", "nama kecamatan", "kode kecamatan", "kecamatan usaha"),
    "kelurahan": (
        "kelurahan",
        "kel",
        "desa",
        "kelurahan desa",
        "desa kelurahan",
        "nama kelurahan",
        "nama desa",
        "kode kelurahan",
        "kode desa",
        "kode wilayah",
        "kelurahan usaha",
    ),
    "latitude": ("lintang", "latitude", "lat", "koordinat lintang"),
    "longitude": ("bujur", "longitude", "long", "lng", "lon", "koordinat bujur"),
    "phone": (
        "telepon",
        "telp",
        "tlp",
        "no telp",
        "no tlp",
        "no telepon",
        "nomor telepon",
        "hp",
        "no hp",
        "nomor hp",
        "no wa",
        "nomor wa",
        "whatsapp",
        "no whatsapp",
        "kontak",
        "no kontak",
        "telepon hp",
        "telp hp",
        "no telp hp",
        "phone",
    ),
    "workers": (
        "tenaga kerja",
        "jumlah tenaga kerja",
        "jml tenaga kerja",
        "tk",
        "jumlah tk",
        "jml tk",
        "jumlah karyawan",
        "karyawan",
        "jumlah pekerja",
        "pekerja",
        "workers",
    ),
    "year_started": (
        "tahun mulai",
        "tahun mulai usaha",
        "tahun berdiri",
        "tahun usaha",
        "mulai usaha",
        "berdiri sejak",
        "tahun",
    ),
    "capital": ("modal", "modal usaha", "aset", "nilai modal", "modal awal", "capital"),
    "annual_sales": (
        "omzet",
        "omset",
        "omzet tahunan",
        "omset tahunan",
        "omzet per tahun",
        "omset per tahun",
        "penjualan tahunan",
        "hasil penjualan",
        "hasil penjualan tahunan",
        "annual sales",
    ),
    "halal_number": (
        "halal",
        "no halal",
        "nomor halal",
        "sertifikat halal",
        "no sertifikat halal",
        "nomor sertifikat halal",
    ),
    "pirt_number": ("pirt", "p irt", "no pirt", "no p irt", "nomor pirt", "nomor p irt"),
    "sells_online": (
        "online",
        "jualan online",
        "berjualan online",
        "penjualan online",
        "daring",
        "berjualan daring",
        "marketplace",
        "e commerce",
        "ecommerce",
        "pemasaran online",
    ),
    "uses_qris": ("qris", "pakai qris", "menggunakan qris", "menerima qris", "pembayaran qris"),
    "production_capacity": (
        "kapasitas",
        "kapasitas produksi",
        "kapasitas produksi per tahun",
        "kapasitas terpasang",
        "jumlah produksi",
        "production capacity",
    ),
    "production_capacity_unit": (
        "satuan",
        "satuan kapasitas",
        "satuan kapasitas produksi",
        "satuan produksi",
        "capacity unit",
    ),
}
SYNONYMS: dict[str, str] = {
    synonym: field for field, synonyms in _SYNONYMS.items() for synonym in synonyms
}

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
# Words that say nothing about the field: units, "number of", "of the business".
# One-word names that still mean their field when words follow ("omzet 2023").
_PREFIX_WORDS = frozenset(
    {
        "omzet",
        "omset",
        "modal",
        "alamat",
        "kbli",
        "nib",
        "npwp",
        "nik",
        "kelurahan",
        "kecamatan",
        "desa",
        "halal",
        "pirt",
        "qris",
        "telepon",
        "hp",
        "whatsapp",
    }
)
_NOISE = frozenset({"rp", "rupiah", "thn", "per", "th", "orang", "digit", "wajib", "opsional"})


def normalise_header(raw: Any) -> str:
    """ "NAMA_USAHA", " Nama Usaha (wajib)" and "nama-usaha" all give
    "nama usaha"; "Omzet (Rp/tahun)" gives "omzet"."""
    if raw is None:
        return ""
    text = str(raw).lower()
    text = _BRACKETS.sub(" ", text)
    words = [w for w in _NOT_WORD.sub(" ", text).split() if w not in _NOISE]
    return " ".join(words)


def field_for(raw: Any) -> str | None:
    """The field a header cell names, or None."""
    key = normalise_header(raw)
    if not key:
        return None
    found = SYNONYMS.get(key)
    if found is not None:
        return found
    # "omzet per tahun 2023", "no hp wa": drop trailing words until a synonym is left.
    words = key.split()
    for end in range(len(words) - 1, 0, -1):
        found = SYNONYMS.get(" ".join(words[:end]))
        if found is not None and (end >= 2 or words[0] in _PREFIX_WORDS):
            return found
    return None


def suggest_mapping(headers: Sequence[Any]) -> dict[int, str]:
    """column index → field, each field at most once (the leftmost column wins)."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = field_for(header)
        if field is not None and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping


def find_header(rows: Sequence[Sequence[Any]]) -> int | None:
    """The 0-based index among ``rows`` of the header row: the row naming the
    most fields (at least MIN_HEADER_FIELDS, the business name among them);
    the first such row on a tie. None when no row qualifies."""
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = suggest_mapping(row)
        if len(mapping) < MIN_HEADER_FIELDS or "name" not in mapping.values():
            continue
        if best is None or len(mapping) > best[1]:
            best = (index, len(mapping))
    return None if best is None else best[0]


def header_signature(headers: Sequence[Any]) -> str:
    """A stable hash of the normalised header names (blank trailing columns
    ignored), to remember a column mapping for sheets that look the same."""
    names = [normalise_header(h) for h in headers]
    while names and not names[-1]:
        names.pop()
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()
