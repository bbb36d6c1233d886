"""The UMKM registry through the API: officers add businesses through the
registry form's checks and service; reads are masked like the registry list."""

from __future__ import annotations

import pytest

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.models import Business
from tests.api.helpers import Api, token_for
from tests.factories import RegionFactory, make_user
from tests.permissions.rows_umkm_registry import ADDRESS, NIK, PHONE, make_business

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]

NEW = {
    "name": "Kedai Kopi Laut",
    "owner_name": "Rahmat Hidayat",
    "owner_nik": NIK,
    "phone": PHONE,
    "address": ADDRESS,
    "kelurahan_code": "14.72.01.1003",
    "kbli_code": "56301",
    "workers": 2,
    "annual_sales": "Rp 150.000.000",
    "sells_online": True,
}


def test_an_officer_adds_a_business_and_reads_it_masked(world, officer):
    api = Api(token_for(officer))
    created = api.post(f"/regions/{world.region.code}/businesses", NEW)
    assert created.status_code == 201, created.content
    body = created.json()
    business = Business.objects.get(pk=body["id"])
    assert business.owner_nik == NIK
    assert business.annual_sales == 150_000_000
    assert business.source == "officer"
    listed = api.get(f"/regions/{world.region.code}/businesses", q="kopi laut")
    text = created.content.decode() + listed.content.decode()
    assert listed.json()["items"][0]["id"] == business.pk
    assert body["owner_nik"] == business.masked_nik
    for secret in (NIK, "81234567891", ADDRESS, "Rahmat", "150000000"):
        assert secret not in text
    one = api.get(f"/businesses/{business.pk}")
    assert one.status_code == 200
    assert NIK not in one.content.decode()


def test_it_names_the_fields_the_registry_form_refuses(world, officer):
    api = Api(token_for(officer))
    response = api.post(
        f"/regions/{world.region.code}/businesses",
        {**NEW, "kelurahan_code": "31.71.01.1001", "annual_sales": "banyak"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"kelurahan_code", "annual_sales"}
    bad_nik = api.post(f"/regions/{world.region.code}/businesses", {**NEW, "owner_nik": "123"})
    assert bad_nik.status_code == 422
    assert [e["field"] for e in bad_nik.json()["errors"]] == ["owner_nik"]
    assert not Business.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("editor_a", 403), ("assessor", 403)])
def test_members_without_the_registry_role_may_not_add(world, request, persona, status):
    user = request.getfixturevalue(persona)
    response = Api(token_for(user)).post(f"/regions/{world.region.code}/businesses", NEW)
    assert response.status_code == status
    assert Business.objects.count() == 0


def test_a_read_token_cannot_add_a_business(world, officer):
    response = Api(token_for(officer, "read")).post(f"/regions/{world.region.code}/businesses", NEW)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "read_only_token"


def test_other_regions_are_not_found(world, officer):
    """Cross-region isolation: another region's registry and businesses are
    404, as if they did not exist."""
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    stranger = make_business(other, name="Toko Seberang", kelurahan_code="14.71.01.1002")
    api = Api(token_for(officer))
    assert api.get(f"/regions/{other.code}/businesses").status_code == 404
    assert api.post(f"/regions/{other.code}/businesses", NEW).status_code == 404
    assert api.get(f"/businesses/{stranger.pk}").status_code == 404
    body = api.get(f"/businesses/{stranger.pk}").json()
    assert set(body) == {"detail", "detail_en", "errors"}


def test_an_officer_of_the_other_region_sees_only_theirs(world, officer):
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    mine = make_business(world)
    outsider = make_user("sari")
    Membership.objects.create(user=outsider, region=other, role=Role.REGISTRY_OFFICER)
    api = Api(token_for(outsider))
    assert api.get(f"/businesses/{mine.pk}").status_code == 404
    assert api.get(f"/regions/{world.region.code}/businesses").status_code == 404
    assert api.get(f"/regions/{other.code}/businesses").json()["items"] == []


def test_a_business_name_is_stored_without_invisible_characters(world, officer) -> None:
    """Issue 14: an RTL override or a zero-width space made a name look like
    another and defeated exact matching; the API stores the clean name."""
    api = Api(token_for(officer))
    spoofed = {**NEW, "name": "Kedai\u200b Kopi \u202eLaut\u202c", "owner_name": "Rahmat\ufeff"}

    created = api.post(f"/regions/{world.region.code}/businesses", spoofed)

    assert created.status_code == 201
    business = Business.objects.get()
    assert (business.name, business.owner_name) == ("Kedai Kopi Laut", "Rahmat")
    assert business.name_key == "KOPI LAUT"  # the prefix KEDAI goes, as for any name
