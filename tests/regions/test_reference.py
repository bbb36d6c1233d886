"""Kemendagri region reference data (DOMAIN.md §4 and §5)."""

from __future__ import annotations

import pytest

from kotacerdas.regions import reference

# DOMAIN.md §4: Kota Dumai 14.72, 7 kecamatan and 36 kelurahan (no desa).
DUMAI = {
    ("14.72.01", "Dumai Barat"): [
        ("1003", "Pangkalan Sesai"),
        ("1006", "Purnama"),
        ("1008", "Bagan Keladi"),
        ("1009", "Simpang Tetap Darul Ichsan"),
    ],
    ("14.72.02", "Dumai Timur"): [
        ("1002", "Teluk Binjai"),
        ("1003", "Tanjung Palas"),
        ("1004", "Jaya Mukti"),
        ("1006", "Buluh Kasap"),
        ("1009", "Bukit Batrem"),
    ],
    ("14.72.03", "Bukit Kapur"): [
        ("1001", "Bukit Nenas"),
        ("1002", "Bukit Kayu Kapur"),
        ("1003", "Gurun Panjang"),
        ("1004", "Bagan Besar"),
        ("1005", "Kampung Baru"),
        ("1006", "Bagan Besar Timur"),
        ("1007", "Bukit Kapur"),
    ],
    ("14.72.04", "Sungai Sembilan"): [
        ("1001", "Lubuk Gaung"),
        ("1002", "Tanjung Penyembal"),
        ("1003", "Bangsal Aceh"),
        ("1004", "Basilam Baru"),
        ("1005", "Batu Teritip"),
        ("1006", "Sungai Geniot"),
    ],
    ("14.72.05", "Medang Kampai"): [
        ("1001", "Teluk Makmur"),
        ("1002", "Mundam"),
        ("1003", "Guntung"),
        ("1004", "Pelintung"),
    ],
    ("14.72.06", "Dumai Kota"): [
        ("1001", "Laksamana"),
        ("1002", "Rimba Sekampung"),
        ("1003", "Dumai Kota"),
        ("1004", "Bintan"),
        ("1005", "Sukajadi"),
    ],
    ("14.72.07", "Dumai Selatan"): [
        ("1001", "Ratu Sima"),
        ("1002", "Bukit Timah"),
        ("1003", "Mekar Sari"),
        ("1004", "Bukit Datuk"),
        ("1005", "Bumi Ayu"),
    ],
}


def test_it_knows_kota_dumai_in_riau():
    dumai = reference.get_area("14.72")
    riau = reference.province_of("14.72")

    assert dumai == reference.Area("14.72", "Kota Dumai", reference.LEVEL_REGENCY, "kota")
    assert riau is not None
    assert (riau.code, riau.name, riau.level) == ("14", "Riau", reference.LEVEL_PROVINCE)


def test_it_lists_exactly_the_seven_kecamatan_of_dumai():
    kecamatan = reference.kecamatan_of("14.72")

    assert [(k.code, k.name) for k in kecamatan] == list(DUMAI)
    assert {k.level for k in kecamatan} == {reference.LEVEL_DISTRICT}
    assert {k.kind for k in kecamatan} == {"kecamatan"}


def test_it_lists_exactly_the_thirty_six_kelurahan_of_dumai():
    expected = [
        (f"{code}.{suffix}", name)
        for (code, _kecamatan), villages in DUMAI.items()
        for suffix, name in villages
    ]

    kelurahan = reference.kelurahan_of("14.72")

    assert len(expected) == 36
    assert [(k.code, k.name) for k in kelurahan] == expected
    assert {k.level for k in kelurahan} == {reference.LEVEL_VILLAGE}


@pytest.mark.parametrize(("kecamatan", "villages"), list(DUMAI.items()))
def test_it_lists_the_kelurahan_of_each_kecamatan(kecamatan, villages):
    code, _name = kecamatan

    children = reference.children(code)

    assert [(c.code, c.name) for c in children] == [(f"{code}.{s}", n) for s, n in villages]


def test_it_has_only_kelurahan_and_no_desa_in_dumai():
    kelurahan = reference.kelurahan_of("14.72")

    # The first digit of the 4-digit suffix: 1 kelurahan, 2 desa, 3 desa adat.
    assert {k.code.split(".")[3][0] for k in kelurahan} == {"1"}
    assert {k.kind for k in kelurahan} == {"kelurahan"}


def test_it_has_the_38_provinces_and_514_kabupaten_and_kota_of_the_current_decree():
    provinces = reference.children()
    regencies = [r for p in provinces for r in reference.children(p.code)]

    assert len(provinces) == 38
    assert len(regencies) == 514
    assert {p.level for p in provinces} == {reference.LEVEL_PROVINCE}
    assert {r.level for r in regencies} == {reference.LEVEL_REGENCY}


def test_it_numbers_kabupaten_below_71_and_kota_from_71():
    regencies = [r for p in reference.children() for r in reference.children(p.code)]

    for regency in regencies:
        number = int(regency.code.split(".")[1])
        assert (number >= 71) == (regency.kind == "kota"), regency


@pytest.mark.parametrize(
    "code",
    [
        "1473",  # Dumai's BPS code: a different scheme, never accepted
        "1472",  # undotted Kemendagri code
        "14-72",
        "14.7",
        "14.72.1",
        "14.72.01.100",
        "",
        "abc",
        "99",
        "99.99",
        "14.72.99",
    ],
)
def test_it_finds_no_area_for_a_code_that_is_not_a_dotted_kemendagri_code(code):
    assert reference.get_area(code) is None


def test_it_finds_areas_at_every_level_by_exact_code():
    assert reference.get_area("14").level == reference.LEVEL_PROVINCE
    assert reference.get_area("14.72.04").name == "Sungai Sembilan"
    assert reference.get_area("14.72.04.1006").name == "Sungai Geniot"
    assert reference.get_area(" 14.72 ").code == "14.72"


def test_children_are_read_from_lokal_once_per_process(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lokal import wilayah

    reference._children.cache_clear()
    calls: list[str | None] = []
    real = wilayah.list_wilayah

    def counting(code=None):  # type: ignore[no-untyped-def]
        calls.append(code)
        return real(code)

    monkeypatch.setattr(wilayah, "list_wilayah", counting)
    first = reference.kelurahan_of("14.72")
    first.pop()  # a caller changing its list does not change the cache
    second = reference.kelurahan_of("14.72")
    assert len(second) == len(first) + 1 == 36
    assert calls.count("14.72") == 1
    reference._children.cache_clear()
