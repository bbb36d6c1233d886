"""Header names and place names as surveys write them."""

from __future__ import annotations

import pytest

from kotacerdas.umkm.imports.headers import field_for, find_header, suggest_mapping
from kotacerdas.umkm.imports.places import Places, Unresolved


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nama Usaha", "name"),
        ("NAMA USAHA", "name"),
        ("nama_usaha", "name"),
        ("Nama UMKM", "name"),
        (" Nama Usaha (wajib) ", "name"),
        ("NIK", "owner_nik"),
        ("No. KTP", "owner_nik"),
        ("No HP/WA", "phone"),
        ("Telp/HP", "phone"),
        ("Omzet (Rp/tahun)", "annual_sales"),
        ("Omset per Tahun 2023", "annual_sales"),
        ("Modal Usaha (Rp)", "capital"),
        ("Desa/Kelurahan", "kelurahan"),
        ("Kel.", "kelurahan"),
        ("KECAMATAN", "kecamatan"),
        ("Jml TK", "workers"),
        ("Tahun Berdiri", "year_started"),
        ("Kode KBLI", "kbli_code"),
        ("No. Sertifikat Halal", "halal_number"),
        ("No P-IRT", "pirt_number"),
        ("Jualan Online", "sells_online"),
        ("QRIS", "uses_qris"),
        ("No", None),
        ("Keterangan", None),
        ("Usaha Pokok", None),
    ],
)
def test_it_maps_the_usual_header_names(header, field) -> None:
    assert field_for(header) == field


def test_each_field_is_taken_by_its_leftmost_column() -> None:
    assert suggest_mapping(["Nama Usaha", "NIK", "Nama UMKM", "Kelurahan"]) == {
        0: "name",
        1: "owner_nik",
        3: "kelurahan",
    }


def test_the_header_is_the_row_naming_most_fields_below_the_titles() -> None:
    rows = [
        ["DATA UMKM KECAMATAN DUMAI BARAT"],
        ["Nama usaha diisi lengkap", ""],
        [],
        ["No", "Nama Usaha", "Pemilik", "Kelurahan"],
        ["1", "Toko A", "Ani", "Purnama"],
    ]
    assert find_header(rows) == 3
    assert find_header([["Tidak", "ada"], ["judul", "kolom"]]) is None


@pytest.fixture(scope="module")
def places() -> Places:
    return Places("14.72")


@pytest.mark.parametrize(
    ("kelurahan", "kecamatan", "code"),
    [
        ("Pangkalan Sesai", "", "14.72.01.1003"),
        ("PANGKALAN SESAI", "dumai barat", "14.72.01.1003"),
        ("Kel. Pangkalan Sesai", "Kec. Dumai Barat", "14.72.01.1003"),
        ("Pangkalan Sesei", "", "14.72.01.1003"),
        ("14.72.01.1003", "", "14.72.01.1003"),
        ("1472011003", "14.72.01", "14.72.01.1003"),
        ("Bukit Kapur", "Bukit Kapur", "14.72.03.1007"),
        ("Bagan Besar", "", "14.72.03.1004"),  # exact, though Bagan Besar Timur exists
        ("Sungai Geniot", "Sei Sembilan", "14.72.04.1006"),
    ],
)
def test_it_resolves_kelurahan_names_and_codes(places, kelurahan, kecamatan, code) -> None:
    assert places.resolve(kelurahan, kecamatan) == code


@pytest.mark.parametrize(
    ("kelurahan", "kecamatan", "reason"),
    [
        ("", "", "kelurahan_missing"),
        ("Atlantis", "", "kelurahan_unknown"),
        ("Purnama", "Dumai Timur", "kelurahan_other_kecamatan"),
        ("14.72.01.1003", "Dumai Kota", "kelurahan_other_kecamatan"),
        ("31.71.01.1001", "", "kelurahan_unknown"),  # Jakarta, not this region
        ("Purnama", "Kecamatan Antah", "kecamatan_unknown"),
        ("Bagan Besar T", "", "kelurahan_ambiguous"),  # Bagan Besar, or Bagan Besar Timur?
    ],
)
def test_it_refuses_places_it_cannot_be_sure_of(places, kelurahan, kecamatan, reason) -> None:
    found = places.resolve(kelurahan, kecamatan)
    assert isinstance(found, Unresolved)
    assert found.code == reason
    assert found.value == kelurahan or reason.startswith("kecamatan")
