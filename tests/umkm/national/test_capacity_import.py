"""Production capacity from a survey file (issue 20): header aliases, the
shared number reader, a unit in its own column or after the number."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kotacerdas.umkm.identifiers import Invalid
from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.national.capacity import split_capacity

HEADER = ["No", "Nama Usaha", "Kelurahan", "KBLI", "Kapasitas Produksi", "Satuan"]
ROWS = [
    ["1", "Keripik Nenas Ayu", "Pangkalan Sesai", "10792", "1.500", "kg/bulan"],
    ["2", "Batik Tabir Melayu", "Purnama", "13134", "250 lembar/bulan", ""],
    ["3", "Kue Bangkit Sari", "Pangkalan Sesai", "10792", "2,5", "ton/tahun"],
    ["4", "Tahu Bu Min", "Purnama", "10792", "400-500", "kg/hari"],
    ["5", "Toko Sembako", "Purnama", "47111", "", ""],
]


def _csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        # A clerk's sheet: plain numbers are number cells.
        sheet.append([1500 if cell == "1.500" else cell for cell in row])
    book.save(path)
    return path


@pytest.mark.parametrize("make", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_capacity_columns_import_with_their_units(world, tmp_path, make: Any) -> None:
    survey = make(tmp_path / f"survei-ikm.{make.__name__[1:]}")
    report = tmp_path / "laporan.xlsx"

    result = run_import(
        actor=None, region=world.region, path=survey, filename=survey.name, report_path=report
    )

    assert (result.imported, result.rejected) == (len(ROWS), 0)
    stored = {
        b.name: (b.production_capacity, b.production_capacity_unit)
        for b in Business.objects.filter(region=world.region)
    }
    assert {name: (str(amount), unit) for name, (amount, unit) in stored.items()} == {
        "Keripik Nenas Ayu": ("1500.00", "kg/bulan"),
        "Batik Tabir Melayu": ("250.00", "lembar/bulan"),
        "Kue Bangkit Sari": ("2.50", "ton/tahun"),
        "Tahu Bu Min": ("None", ""),  # a range is not guessed: left empty, with a warning
        "Toko Sembako": ("None", ""),
    }
    warned = list(openpyxl.load_workbook(report)["Peringatan"].iter_rows(values_only=True))[1:]
    assert [(str(row[3]), "rentang" in row[4]) for row in warned if row[3] == "400-500"] == [
        ("400-500", True)
    ]
    assert Business.objects.get(name="Tahu Bu Min").is_ikm


@pytest.mark.parametrize(
    ("written", "amount", "unit"),
    [
        ("1.500", "1500", ""),
        ("2,5", "2.5", ""),
        (1500.0, "1500", ""),
        ("250 lembar/bulan", "250", "lembar/bulan"),
        ("  12  kg ", "12", "kg"),
        ("1,5 juta", "1500000", ""),
    ],
)
def test_a_capacity_cell_is_read_with_its_unit(written: Any, amount: str, unit: str) -> None:
    found, found_unit = split_capacity(written)
    assert (str(found), found_unit) == (amount, unit)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("400-500", "capacity_range"),
        ("2 s.d. 3 ton", "capacity_range"),
        ("2 sampai 3", "capacity_range"),
        ("banyak", "capacity_format"),
        ("500 kg/24 jam", "capacity_format"),
        ("5 " + "x" * 41, "capacity_unit_long"),
    ],
)
def test_a_capacity_that_cannot_be_read_is_refused_with_its_reason(written: str, code: str):
    with pytest.raises(Invalid) as refused:
        split_capacity(written)
    assert refused.value.code == code
