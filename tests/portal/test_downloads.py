from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.portal.datasets import DATASETS
from tests.monitoring_fixtures import period

METADATA_KEYS = {
    "title",
    "producer",
    "period",
    "date",
    "licence",
    "reference_codes",
    "columns",
}


def _download(code: str, dataset: str, fmt: str):  # type: ignore[no-untyped-def]
    response = Client().get(reverse("portal:download", args=[code, dataset, fmt]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_format_parses_and_carries_metadata(published, dataset):
    code = published.region.code
    columns = [c.name for c in DATASETS[dataset].columns]

    raw = _download(code, dataset, "csv")
    assert raw["Content-Type"].startswith("text/csv")
    assert raw.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.content.decode("utf-8-sig"))))
    header = raw.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == columns

    payload = json.loads(_download(code, dataset, "json").content)
    assert set(payload["metadata"]) >= METADATA_KEYS
    assert payload["metadata"]["reference_codes"]["region"] == code
    assert [c["name"] for c in payload["metadata"]["columns"]] == columns
    assert len(payload["data"]) == len(rows)

    workbook = load_workbook(io.BytesIO(_download(code, dataset, "xlsx").content))
    assert workbook.sheetnames == ["metadata", "data"]
    data = list(workbook["data"].iter_rows(values_only=True))
    assert list(data[0]) == columns
    assert len(data) - 1 == len(rows)
    meta = {row[0]: row[1] for row in workbook["metadata"].iter_rows(values_only=True) if row[0]}
    assert meta["licence.name"] == "CC BY 4.0"
    assert meta["region.code"] == code


def test_the_action_plans_carry_the_snapshot_status(published):
    raw = _download(published.region.code, "rencana-aksi", "csv").content.decode("utf-8-sig")
    rows = {row["kode"]: row for row in csv.DictReader(io.StringIO(raw))}
    assert rows[published.plan_a.code]["status"] == "berjalan"
    assert rows[published.plan_b.code]["status"] == "belum_dimulai"
    assert rows[published.plan_a.code]["periode"] == "Triwulan III 2024"


def test_the_figures_per_period_match_the_snapshot(published):
    payload = json.loads(_download(published.region.code, "capaian-periode", "json").content)
    overall = [r for r in payload["data"] if r["lingkup"] == "overall"]
    assert len(overall) == 1
    assert overall[0]["rencana_aksi_terimplementasi"] == 1
    assert overall[0]["rencana_aksi_dihitung"] == 2
    assert overall[0]["capaian_rencana_aksi_persen"] == "50.00"
    assert len(payload["data"]) == 7  # overall + six pillars


def test_registry_aggregates_suppress_small_cells(published):
    payload = json.loads(_download(published.region.code, "umkm-agregat", "json").content)
    assert payload["data"], "the kecamatan of the region are listed"
    assert all(row["jumlah_usaha"] is None for row in payload["data"])  # no businesses: all hidden
    assert all(row["disembunyikan"] == "ya" for row in payload["data"])
    kecamatan = [r for r in payload["data"] if r["tabel"] == "kecamatan"]
    assert all(r["kode"].startswith(published.region.code) for r in kecamatan if r["kode"] != "?")


def test_csv_text_never_becomes_a_formula(published):
    published.programme.name = "=HYPERLINK(1)"
    published.programme.save(update_fields=["name"])
    period(published, "closed", number=4)  # the portal publishes the name from the next close
    raw = _download(published.region.code, "program", "csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in raw
