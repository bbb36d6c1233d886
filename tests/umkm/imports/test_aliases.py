"""Former names and officers' names for kelurahan (issue 20): "treat X as Y
from now on" from an import's page, audited, read by later imports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.imports.aliases import PlaceAlias
from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.models import Business
from tests.logins import login_verified
from tests.permissions.rows_umkm_import import upload_job

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def client_officer(officer: Any) -> Client:
    return login_verified(Client(), officer)


def _survey(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["No", "Nama Usaha", "Kecamatan", "Kelurahan"])
        writer.writerow(["1", "Warung Pasar Lama", "Dumai Kota", "Pasar Lama"])
        writer.writerow(["2", "Toko Lama", "", "Kampung Nelayan"])
    return path


def _import(world: Any, path: Path, report: Path) -> Any:
    return run_import(
        actor=None, region=world.region, path=path, filename=path.name, report_path=report
    )


def test_an_officer_sets_a_name_and_the_next_import_reads_it(
    world, officer, client_officer, tmp_path
) -> None:
    survey = _survey(tmp_path / "survei.csv")
    first = _import(world, survey, tmp_path / "a.xlsx")
    assert (first.imported, first.rejected) == (0, 2)

    job = upload_job(world)
    url = reverse("umkm:import_place_alias", args=[job.pk])
    page = client_officer.get(url, {"teks": "Pasar Lama"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Pasar Lama"' in html
    assert 'value="14.72.06.1003"' in html and "Dumai Kota (14.72.06)" in html

    response = client_officer.post(url, {"text": "Pasar  Lama", "kelurahan_code": "14.72.06.1003"})
    assert response.status_code == 302
    alias = PlaceAlias.objects.get()
    assert (alias.text, alias.text_key, alias.kelurahan_code, alias.kind) == (
        "Pasar Lama",
        "PASAR LAMA",
        "14.72.06.1003",
        PlaceAlias.Kind.OFFICER,
    )
    assert alias.created_by == officer
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE,
        content_type=ContentType.objects.get_for_model(PlaceAlias),
        object_id=str(alias.pk),
    )
    assert event.actor == officer and event.region_code == world.region.code
    assert event.after["kelurahan_code"] == "14.72.06.1003"

    report = tmp_path / "b.xlsx"
    second = _import(world, survey, report)
    assert (second.imported, second.rejected, second.warnings) == (1, 1, 1)
    assert Business.objects.get().kelurahan_code == "14.72.06.1003"
    warned = list(openpyxl.load_workbook(report)["Peringatan"].iter_rows(values_only=True))
    assert "Dumai Kota (14.72.06.1003)" in warned[1][4] and "petugas" in warned[1][4]
    assert "set by an officer" in warned[1][5]


def test_a_former_name_is_read_with_its_own_rule(world, tmp_path) -> None:
    PlaceAlias.objects.create(
        region=world.region,
        text="Kampung Nelayan",
        text_key="KAMPUNG NELAYAN",
        kelurahan_code="14.72.02.1002",
        kind=PlaceAlias.Kind.FORMER,
    )
    report = tmp_path / "r.xlsx"
    result = _import(world, _survey(tmp_path / "s.csv"), report)
    assert (result.imported, result.rejected) == (1, 1)
    warned = list(openpyxl.load_workbook(report)["Peringatan"].iter_rows(values_only=True))
    assert "nama lama" in warned[1][4] and "former name" in warned[1][5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "Purnama", "kelurahan_code": "14.72.06.1003"}, "sudah nama resmi"),
        ({"text": "Pasar Lama", "kelurahan_code": "31.71.01.1001"}, "kelurahan_code"),
        ({"text": "  ", "kelurahan_code": "14.72.06.1003"}, "text"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_saved(world, client_officer, data, message) -> None:
    job = upload_job(world)
    response = client_officer.post(reverse("umkm:import_place_alias", args=[job.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode() or message in response.context["form"].errors
    assert not PlaceAlias.objects.exists()
    assert not AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(PlaceAlias)
    ).exists()


def test_a_name_already_set_is_refused(world, client_officer) -> None:
    PlaceAlias.objects.create(
        region=world.region,
        text="Pasar Lama",
        text_key="PASAR LAMA",
        kelurahan_code="14.72.06.1003",
    )
    job = upload_job(world)
    response = client_officer.post(
        reverse("umkm:import_place_alias", args=[job.pk]),
        {"text": "PASAR LAMA", "kelurahan_code": "14.72.06.1001"},
    )
    assert response.status_code == 200
    assert "sudah ditetapkan" in response.content.decode()
    assert PlaceAlias.objects.get().kelurahan_code == "14.72.06.1003"


def test_the_import_page_links_to_the_form(world, client_officer) -> None:
    job = upload_job(world)
    html = client_officer.get(reverse("umkm:import_detail", args=[job.pk])).content.decode()
    assert reverse("umkm:import_place_alias", args=[job.pk]) in html
