"""The columns of the NIB list a DPMPTSP downloads from OSS-RBA.

No published specification of the download was found (docs/registry.md, "Daftar
NIB OSS-RBA"): these names are those of the "data NIB"/"data perizinan" tables
regions publish from it, written by hand (``NIB``, ``Nama Perusahaan``) or as
field names (``nama_perusahaan``, ``kbli``, ``alamat_usaha``). A header is
compared as :func:`kotacerdas.core.sheets.cells.normalise` writes it
(case, ``_``/``-`` and spacing ignored); a new spelling is one more alias here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kotacerdas.core.sheets.cells import normalise

# field → accepted headers (normalised on use)
ALIASES: dict[str, tuple[str, ...]] = {
    "nib": ("nib", "nomor induk berusaha", "no nib", "nomor nib"),
    "name": (
        "nama perusahaan",
        "nama pelaku usaha",
        "nama usaha",
        "nama badan usaha",
        "nama pu",
        "nama",
    ),
    "owner_nik": (
        "nik",
        "nik pemilik",
        "nik penanggung jawab",
        "nomor identitas",
        "nomor identitas user",
        "no identitas",
        "no ktp",
    ),
    "kbli_code": ("kbli", "kode kbli", "kbli 2020", "kode kbli 2020"),
    "kbli_title": ("judul kbli", "uraian kbli", "nama kbli", "bidang usaha"),
    "scale": ("skala usaha", "uraian skala usaha", "skala"),
    "risk": ("tingkat risiko", "risiko", "uraian risiko proyek", "resiko", "tingkat resiko"),
    "address": ("alamat usaha", "alamat", "alamat perusahaan", "alamat proyek"),
    "kelurahan": (
        "kelurahan",
        "kelurahan usaha",
        "desa",
        "desa/kelurahan",
        "kelurahan/desa",
        "kelurahan proyek",
    ),
    "kecamatan": ("kecamatan", "kecamatan usaha", "kecamatan proyek"),
}
REQUIRED = ("nib", "name")
HEADER_SEARCH_ROWS = 20

_LOOKUP = {normalise(alias): field for field, aliases in ALIASES.items() for alias in aliases}


def field_of(header: Any) -> str | None:
    """The field a header names, or None."""
    return _LOOKUP.get(normalise(str(header or "")))


def columns_of(cells: Sequence[Any]) -> dict[str, int]:
    """field → column index for one row read as a header (first column wins)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = field_of(cell)
        if field is not None and field not in columns:
            columns[field] = index
    return columns


def is_header(cells: Sequence[Any]) -> bool:
    columns = columns_of(cells)
    return all(field in columns for field in REQUIRED)
