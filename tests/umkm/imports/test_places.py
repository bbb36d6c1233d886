"""Places as people write them (issue 20): official names, codes, the short
form without a generic first word, former names and officers' aliases, each
match reporting its rule; an ambiguous value names its candidates."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.imports.places import (
    RULE_ALIAS,
    RULE_CODE,
    RULE_FORMER,
    RULE_FUZZY,
    RULE_OFFICIAL,
    RULE_SHORT,
    Match,
    Places,
    Unresolved,
    short_form,
)
from kotacerdas.umkm.models import Business


@pytest.fixture(scope="module")
def places() -> Places:
    return Places("14.72")


@pytest.mark.parametrize(
    ("kelurahan", "kecamatan", "code", "rule"),
    [
        ("Purnama", "", "14.72.01.1006", RULE_OFFICIAL),
        ("Purnama", "Kec. Dumai Barat", "14.72.01.1006", RULE_OFFICIAL),
        ("Purnama", "Kecamatan Dumai Barat", "14.72.01.1006", RULE_OFFICIAL),
        ("Purnama", "14.72.01", "14.72.01.1006", RULE_OFFICIAL),
        ("Purnama", "147201", "14.72.01.1006", RULE_OFFICIAL),
        ("14.72.01.1006", "Dumai Barat", "14.72.01.1006", RULE_CODE),
        ("Nenas", "Bukit Kapur", "14.72.03.1001", RULE_SHORT),
        ("NENAS", "", "14.72.03.1001", RULE_SHORT),
        ("Palas", "Dumai Timur", "14.72.02.1003", RULE_SHORT),
        ("Geniot", "Sei Sembilan", "14.72.04.1006", RULE_SHORT),
        ("Kayu Kapur", "Bukit Kapur", "14.72.03.1002", RULE_SHORT),
        ("Pangkalan Sesei", "", "14.72.01.1003", RULE_FUZZY),
    ],
)
def test_it_reports_the_rule_that_recognised_the_place(
    places, kelurahan, kecamatan, code, rule
) -> None:
    assert places.match(kelurahan, kecamatan) == Match(code, rule)
    assert places.resolve(kelurahan, kecamatan) == code


def test_a_short_form_is_never_taken_from_an_official_name() -> None:
    # "Kapur" is short for Bukit Kapur; "Bukit Kapur" itself stays official,
    # and a short form equal to another kelurahan's official name is no short form.
    assert short_form("BUKIT KAPUR") == "KAPUR"
    assert short_form("PURNAMA") is None
    assert short_form("BUKIT") is None
    places = Places("14.72")
    assert places.match("Bukit Kapur", "Bukit Kapur") == Match("14.72.03.1007", RULE_OFFICIAL)


def test_an_ambiguous_place_names_both_candidates(places) -> None:
    found = places.match("Bagan Besar T", "")
    assert isinstance(found, Unresolved)
    assert found.code == "kelurahan_ambiguous"
    assert set(found.candidates) == {"14.72.03.1004", "14.72.03.1006"}
    assert "Bagan Besar Timur (14.72.03.1006)" in places.describe(found.candidates)


def test_a_short_form_is_refused_when_two_kelurahan_of_the_kecamatan_share_it(monkeypatch) -> None:
    from kotacerdas.regions.reference import Area
    from kotacerdas.umkm.imports import places as module

    kecamatan = [Area("99.71.01", "Pantai", 3, "kecamatan")]
    kelurahan = [
        Area("99.71.01.1001", "Bukit Indah", 4, "kelurahan"),
        Area("99.71.01.1002", "Tanjung Indah", 4, "kelurahan"),
        Area("99.71.01.1003", "Sungai Mas", 4, "kelurahan"),
    ]
    monkeypatch.setattr(module, "kecamatan_of", lambda code: kecamatan)
    monkeypatch.setattr(module, "kelurahan_of", lambda code: kelurahan)
    places = Places("99.71")

    found = places.match("Indah", "Pantai")
    assert isinstance(found, Unresolved) and found.code == "kelurahan_ambiguous"
    assert set(found.candidates) == {"99.71.01.1001", "99.71.01.1002"}
    assert places.match("Mas", "Pantai") == Match("99.71.01.1003", RULE_SHORT)


def test_aliases_are_matched_with_their_rule_and_an_official_name_wins() -> None:
    places = Places(
        "14.72",
        aliases=[
            ("Dumai Lama", "14.72.06.1003", RULE_FORMER),
            ("Kampung Nelayan", "14.72.02.1002", RULE_ALIAS),
            ("Purnama", "14.72.06.1001", RULE_ALIAS),  # an official name: ignored
            ("Di Luar", "31.71.01.1001", RULE_ALIAS),  # outside the region: ignored
        ],
    )
    assert places.match("DUMAI LAMA", "") == Match("14.72.06.1003", RULE_FORMER)
    assert places.match("Kp. Nelayan", "Dumai Timur") == Match("14.72.02.1002", RULE_ALIAS)
    assert places.match("Purnama", "") == Match("14.72.01.1006", RULE_OFFICIAL)
    unresolved = places.match("Kampung Nelayan", "Dumai Barat")
    assert isinstance(unresolved, Unresolved) and unresolved.code == "kelurahan_other_kecamatan"
    assert isinstance(places.match("Di Luar", ""), Unresolved)


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["No", "Nama Usaha", "Kecamatan", "Kelurahan"])
        writer.writerows(rows)
    return path


def test_a_survey_with_short_names_imports_and_the_report_says_how_each_was_read(
    world, tmp_path
) -> None:
    path = _csv(
        tmp_path / "kec.csv",
        [
            ["1", "Warung Nenas", "Kec. Bukit Kapur", "Nenas"],
            ["2", "Toko Palas", "14.72.02", "Palas"],
            ["3", "Kedai Purnama", "Kecamatan Dumai Barat", "Purnama"],
            ["4", "Usaha Bagan", "", "Bagan Besar T"],
        ],
    )
    report = tmp_path / "r.xlsx"

    result = run_import(
        actor=None, region=world.region, path=path, filename=path.name, report_path=report
    )

    assert (result.imported, result.rejected, result.warnings) == (3, 1, 2)
    codes = dict(Business.objects.values_list("name", "kelurahan_code"))
    assert codes == {
        "Warung Nenas": "14.72.03.1001",
        "Toko Palas": "14.72.02.1003",
        "Kedai Purnama": "14.72.01.1006",
    }
    book = openpyxl.load_workbook(report)
    warned = list(book["Peringatan"].iter_rows(values_only=True))[1:]
    assert [row[1] for row in warned] == [2, 3]
    assert "Bukit Nenas (14.72.03.1001)" in warned[0][4] and "nama pendek" in warned[0][4]
    assert "short name" in warned[0][5]
    rejected = list(book["Ditolak"].iter_rows(values_only=True))[1:]
    assert "Bagan Besar (14.72.03.1004)" in rejected[0][2]
    assert "Bagan Besar Timur (14.72.03.1006)" in rejected[0][3]


def test_an_xlsx_survey_with_short_names_imports(world, tmp_path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nama Usaha", "Kecamatan", "Kelurahan"])
    sheet.append(["Warung Geniot", "Sungai Sembilan", "Geniot"])
    sheet.append(["Toko Batrem", "Dumai Timur", "Batrem"])
    path = tmp_path / "survei.xlsx"
    book.save(path)

    result = run_import(actor=None, region=world.region, path=path, filename=path.name)

    assert (result.imported, result.rejected, result.warnings) == (2, 0, 2)
    assert set(Business.objects.values_list("kelurahan_code", flat=True)) == {
        "14.72.04.1006",
        "14.72.02.1009",
    }
