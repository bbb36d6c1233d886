"""The national systems through the API (issue 20): the SIINas summary of a
region and the OSS-RBA NIB list imports with each row's match status, read
by registry officers and the smart city team, masked like the registry API,
denied to everyone else."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.national.services import siinas_target_set
from kotacerdas.umkm.oss.models import OssRow
from kotacerdas.umkm.oss.services import oss_row_decide
from tests.api.helpers import Api, token_for
from tests.factories import RegionFactory, make_user
from tests.permissions.rows_umkm_registry import ADDRESS, NIK, make_business
from tests.umkm.oss.files import run, write_csv

pytestmark = pytest.mark.django_db


def _sentra(world, units: int = 5) -> None:
    for number in range(units):
        make_business(
            world,
            name=f"Ikan Asin Sesai {number}",
            owner_nik="",
            phone="",
            kbli_code="10213",
            kelurahan_code="14.72.01.1003",
        )


def test_the_siinas_summary_counts_ikm_the_target_and_the_sentra(world, officer):
    _sentra(world)
    make_business(world, name="Warung Kopi", owner_nik="", phone="", kbli_code="56303")
    year = timezone.localtime(timezone.now(), world.region.tzinfo).year
    siinas_target_set(actor=None, region=world.region, year=year, target=20)
    api = Api(token_for(officer, "read"))

    body = api.get(f"/regions/{world.region.code}/siinas").json()

    assert (body["year"], body["ikm_total"], body["registered"]) == (year, 5, 5)
    assert (body["target"], body["percent"]) == (20, "25.00")
    assert body["sentra_min_units"] == 5
    assert [(s["kelurahan_code"], s["kbli_code"], s["units"]) for s in body["sentra"]] == [
        ("14.72.01.1003", "10213", 5)
    ]
    assert body["sentra"][0]["kelurahan"] == "Pangkalan Sesai"
    # Another year: no target entered, nothing registered in it.
    other = api.get(f"/regions/{world.region.code}/siinas", year=year - 1).json()
    assert (other["target"], other["percent"], other["registered"]) == (None, None, 0)
    assert other["ikm_total"] == 5
    assert api.get(f"/regions/{world.region.code}/siinas", year=1999).status_code == 422


def test_four_ikm_are_not_a_sentra(world, admin_user):
    _sentra(world, units=4)

    body = Api(token_for(admin_user)).get(f"/regions/{world.region.code}/siinas").json()

    assert body["sentra"] == [] and body["ikm_total"] == 4 and body["target"] is None


def _job(world, tmp_path):  # type: ignore[no-untyped-def]
    shop = make_business(world, name="Toko Sinar Harapan", address="Jl. Sudirman No. 12")
    nib_list = write_csv(
        tmp_path / "nib.csv",
        [
            ("1234567890123", "SINAR HARAPAN JAYA", "", "47190", "Jl. Sudirman 12", "", ""),
            ("2234567890123", "Bengkel Baru", NIK, "45201", ADDRESS, "Purnama", "Dumai Barat"),
            ("22345", "Nib Pendek", "", "", "", "", ""),
        ],
    )
    return shop, run(world.region, nib_list)


def test_an_officer_reads_a_nib_lists_rows_with_their_match_status_masked(world, officer, tmp_path):
    shop, job = _job(world, tmp_path)
    api = Api(token_for(officer, "read"))

    jobs = api.get(f"/regions/{world.region.code}/oss-imports").json()
    assert [j["id"] for j in jobs["items"]] == [job.pk]
    assert (jobs["items"][0]["rows"], jobs["items"][0]["to_review"]) == (3, 1)
    assert jobs["items"][0]["state"] == "done"

    page = api.get(f"/oss-imports/{job.pk}/rows")
    assert page.status_code == 200
    rows = {r["nib"]: r for r in page.json()["items"]}
    review = rows["1234567890123"]
    assert (review["outcome"], review["rule"], review["business_id"]) == (
        "review",
        "name_address",
        shop.pk,
    )
    assert review["open"] is True and review["decision"] == ""
    unmatched = rows["2234567890123"]
    assert unmatched["outcome"] == "unmatched"
    # The owner's NIK masked, the address never sent.
    assert unmatched["owner_nik"] == NIK[:6] + "*" * 10
    assert NIK not in page.content.decode() and "address" not in unmatched
    assert ADDRESS not in page.content.decode()
    rejected = next(r for r in page.json()["items"] if r["outcome"] == "rejected")
    assert rejected["problems"][0]["code"] == "nib_invalid"

    waiting = api.get(f"/oss-imports/{job.pk}/rows", outcome="review").json()["items"]
    assert [r["nib"] for r in waiting] == ["1234567890123"]
    oss_row_decide(actor=officer, row=OssRow.objects.get(nib="1234567890123"), accept=True)
    still_open = api.get(f"/oss-imports/{job.pk}/rows", open="true").json()["items"]
    assert [r["nib"] for r in still_open] == ["2234567890123"]
    decided = api.get(f"/oss-imports/{job.pk}/rows", open="false").json()["items"]
    accepted = next(r for r in decided if r["nib"] == "1234567890123")
    assert accepted["decision"] == "accepted" and accepted["decided_at"]


def test_the_rows_come_in_pages(world, officer, tmp_path):
    _shop, job = _job(world, tmp_path)
    api = Api(token_for(officer))

    first = api.get(f"/oss-imports/{job.pk}/rows", page_size=2).json()
    second = api.get(f"/oss-imports/{job.pk}/rows", page_size=2, page=2).json()

    assert (len(first["items"]), first["has_next"], first["count"]) == (2, True, None)
    assert (len(second["items"]), second["has_next"]) == (1, False)
    numbers = [r["row_number"] for r in first["items"] + second["items"]]
    assert numbers == sorted(numbers)


def test_other_members_are_refused_and_other_regions_not_found(world, officer, editor_a, tmp_path):
    _shop, job = _job(world, tmp_path)
    code = world.region.code
    editor = Api(token_for(editor_a))
    assert editor.get(f"/regions/{code}/siinas").status_code == 403
    assert editor.get(f"/regions/{code}/oss-imports").status_code == 403
    assert editor.get(f"/oss-imports/{job.pk}/rows").status_code == 403
    anonymous = Api()
    assert anonymous.get(f"/regions/{code}/siinas").status_code == 401
    assert anonymous.get(f"/oss-imports/{job.pk}/rows").status_code == 401

    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    outsider = make_user("sari")
    Membership.objects.create(user=outsider, region=other, role=Role.REGISTRY_OFFICER)
    api = Api(token_for(outsider))
    assert api.get(f"/regions/{code}/siinas").status_code == 404
    assert api.get(f"/regions/{code}/oss-imports").status_code == 404
    assert api.get(f"/oss-imports/{job.pk}/rows").status_code == 404
    assert api.get(f"/regions/{other.code}/oss-imports").json()["items"] == []


def test_the_schema_documents_the_three_reads_with_their_security_and_no_address(client):
    schema = client.get("/api/v1/openapi.json").json()

    for path in (
        "/api/v1/regions/{code}/siinas",
        "/api/v1/regions/{code}/oss-imports",
        "/api/v1/oss-imports/{job_id}/rows",
    ):
        operations = schema["paths"][path]
        assert set(operations) == {"get"}, path
        assert operations["get"]["security"], path
        assert {"401", "403", "404", "422"} <= set(operations["get"]["responses"]), path
    row = schema["components"]["schemas"]["OssRowOut"]["properties"]
    assert "owner_nik" in row and "address" not in row
