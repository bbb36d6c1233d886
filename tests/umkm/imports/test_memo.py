"""Cleaning remembered per distinct cell (issue 20, speed): a row cleaned
with the import's caches gives exactly what it gives without them — the
same stored values, reasons, warnings, skip and fingerprint — on a file
whose repeated values are messy in every way the cleaners know."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from kotacerdas.regions.reference import kecamatan_of, kelurahan_of
from kotacerdas.umkm.imports import rows
from kotacerdas.umkm.imports.places import Places
from kotacerdas.umkm.imports.rows import IMPORTED_FIELDS, RowCleaner
from kotacerdas.umkm.models import KbliCode

MAPPING = dict(
    enumerate(
        (
            *("name", "owner_name", "owner_nik", "nib", "address", "kecamatan", "kelurahan"),
            *("phone", "kbli_code", "kbli_version", "workers", "year_started", "capital"),
            *("annual_sales", "sells_online", "uses_qris", "latitude", "longitude"),
            *("production_capacity", "production_capacity_unit", "npwp"),
        ),
        start=1,
    )
)


def _messy_rows(count: int, seed: int) -> list[list[Any]]:
    """Rows drawing each column from a small pool of good, odd and bad
    values, so that every value repeats (as in a survey) and the caches are
    hit, missed, cleared and given up."""
    rng = random.Random(seed)
    places = [(a.code, a.name) for a in kelurahan_of("14.72")]
    districts = [(a.code, a.name) for a in kecamatan_of("14.72")]
    pools: dict[str, list[Any]] = {
        "name": [
            *("Toko Berkah", "TOKO  berkah.", "Warung\u200b Sari", "Café Ñam", "", "Jumlah"),
            *("Total 12", "Rumah Makan Padang", "UD. Jaya", "  Kedai ", "x" * 300, None, 12.0),
        ],
        "owner_name": ["Siti", "siti ", "Budi\u202e", "", "Dé\u0301wi", 7, "A" * 300],
        "owner_nik": [
            *("1472014101900002", "1472010101900001", "'1472010101900001", "1.47201E+15"),
            *(1472010101900001.0, "147201010190000", "1472010101900000", "", "9999010101900001"),
        ],
        "nib": ["", "1234567890123", "123-4567890123", 1234567890123, "12345", "1.23E+12"],
        "address": ["Jl. Sudirman No. 1", "JL SUDIRMAN NO 1", "", "Jl. Ñ\u200b", "b" * 400, None],
        "phone": [
            *("081234567890", "+62 812-3456-7890", "62812345678", "0062812345678", "812345678"),
            *("12", "abc", "", 81234567890.0, "0812 3456 789x"),
        ],
        "kbli_code": ["47111", "4711", "1071", "10794", "99999", "abc", 47111, 47111.0, ""],
        "kbli_version": ["", "2020", "KBLI 2017", "2017.0", 2020, "1999"],
        "workers": ["3", "3 orang", "tiga", "2-3", "1.500", -1, 4.0, "", "banyak", 10**12],
        "year_started": ["2019", 2019, "1850", "3000", dt.date(2015, 1, 1), "", "th 2010"],
        "capital": ["Rp 1.500.000", "1,5 juta", "2 M", "banyak", "-5", 10**20, "", 250000000],
        "annual_sales": ["250 juta", "Rp 2.000.000.000", "0", "", "x", Decimal("1.5E9")],
        "sells_online": ["ya", "Tidak", "Y", "mungkin", "", 1, True],
        "uses_qris": ["ya", "tidak", "", "?"],
        "latitude": ["1.66", "", "1,665", "200", "abc"],
        "longitude": ["101.45", "", "101,4", "500"],
        "production_capacity": ["500 kg/bulan", "1.000", "", "400-500", "banyak"],
        "production_capacity_unit": ["", "kg", "ton/tahun", "u" * 60],
        "npwp": ["", "012345678901234", "1472010101900001", "12345"],
    }
    out = []
    for number in range(count):
        code, kelurahan = rng.choice(places)
        district_code, district = rng.choice(districts)
        row: list[Any] = [str(number)]
        for field in MAPPING.values():
            if field == "kelurahan":
                row.append(
                    rng.choice(
                        [kelurahan, kelurahan.upper(), code, "Atlantis", "", kelurahan[:-1] + "x"]
                    )
                )
            elif field == "kecamatan":
                row.append(rng.choice([district, f"Kec. {district}", district_code, "", "Mars"]))
            else:
                row.append(rng.choice(pools[field]))
        if rng.random() < 0.05:
            row = row[: rng.randrange(2, len(row))]  # a short row
        out.append(row)
    return out


def _outcome(cleaner: RowCleaner, cells: list[Any]) -> tuple[Any, ...]:
    cleaned = cleaner.clean(cells)
    values = cleaned.values
    stored = None
    if values is not None:
        stored = (
            tuple(getattr(values, f) for f in IMPORTED_FIELDS),
            cleaner.fingerprint(values),
        )
    return stored, cleaned.reasons, cleaned.warnings, cleaned.skipped


@pytest.mark.parametrize(("seed", "limit", "trial"), [(1, 50_000, 2_000), (2, 7, 40)])
def test_remembered_cleaning_gives_what_cleaning_every_cell_gives(
    db: None, monkeypatch: pytest.MonkeyPatch, seed: int, limit: int, trial: int
) -> None:
    # Small limits: caches filled and cleared, free-text columns given up.
    monkeypatch.setattr(rows, "_CACHE_LIMIT", limit)
    monkeypatch.setattr(rows, "_TRIAL_ROWS", trial)
    KbliCode.objects.forget()
    KbliCode.objects.create(version="2020", code="47111", title="Eceran", category="G")
    messy = _messy_rows(3_000, seed)
    this_year = 2026

    def cleaner(memo: bool) -> RowCleaner:
        return RowCleaner(places=Places("14.72"), mapping=MAPPING, this_year=this_year, memo=memo)

    remembering, plain = cleaner(True), cleaner(False)
    outcomes = [_outcome(remembering, cells) for cells in messy]

    assert outcomes == [_outcome(plain, cells) for cells in messy]
    # The file is messy enough to mean something: every outcome occurs.
    assert sum(o[0] is not None for o in outcomes) > 50
    assert sum(bool(o[1]) for o in outcomes) > 100
    assert sum(bool(o[2]) for o in outcomes) > 100
    assert any(o[3] is not None for o in outcomes)
    # ...and the caches were used (given up only for the free text when it
    # hardly repeats).
    assert remembering._kbli_cache and remembering._places
    assert all(memo is not None for *_column, memo in remembering._texts)
    assert not plain._kbli_cache and not plain._places
    KbliCode.objects.forget()
