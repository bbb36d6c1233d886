"""The duplicate review pages: the queue with its filters, the side-by-side
comparison with personal data masked, merging, keeping apart and undoing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.core.models import Membership, Role
from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.umkm.duplicates import services as merging
from kotacerdas.umkm.models import Business, BusinessMerge, DuplicateCandidate
from tests.factories import RegionFactory, make_user
from tests.logins import login_verified
from tests.permissions.rows_umkm_duplicates import NIK, OTHER_KELURAHAN, make_business, make_pair

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

State = DuplicateCandidate.State


@pytest.fixture
def client_of(officer) -> Client:  # type: ignore[no-untyped-def]
    return login_verified(Client(), officer)


@pytest.fixture
def pair(world) -> DuplicateCandidate:  # type: ignore[no-untyped-def]
    return make_pair(world.region)


def test_the_queue_lists_open_pairs_with_their_count(client_of, pair, world):
    response = client_of.get(reverse("umkm:duplicate_list", args=[world.region.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Toko Sinar Harapan" in page and "TK Sinar Harapn" in page
    assert "1 pasangan menunggu keputusan" in page
    assert reverse("umkm:duplicate_detail", args=[pair.pk]) in page
    assert "Pangkalan Sesai" in page


def test_the_queue_filters_by_kind_and_kelurahan(client_of, pair, world):
    url = reverse("umkm:duplicate_list", args=[world.region.code])
    a = make_business(world.region, name="Bengkel A", kelurahan_code=OTHER_KELURAHAN)
    b = make_business(world.region, name="Bengkel B", kelurahan_code=OTHER_KELURAHAN)
    DuplicateCandidate.objects.create(region=world.region, first=a, second=b, kind="phone")
    by_kind = client_of.get(url, {"kind": "phone"}).content.decode()
    assert "Bengkel A" in by_kind and "Toko Sinar Harapan" not in by_kind
    by_place = client_of.get(url, {"kelurahan": OTHER_KELURAHAN}).content.decode()
    assert "Bengkel A" in by_place and "Toko Sinar Harapan" not in by_place
    partial = client_of.get(url, {"kind": "fuzzy"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Toko Sinar Harapan" in partial and "<html" not in partial


def test_the_queue_hides_pairs_whose_business_is_merged_away(client_of, pair, world):
    Business.objects.filter(pk=pair.second_id).update(merged_into=pair.first_id)
    page = client_of.get(reverse("umkm:duplicate_list", args=[world.region.code])).content
    assert b"0 pasangan menunggu keputusan" in page


def test_the_queue_runs_the_same_queries_for_one_pair_or_many(client_of, pair, world):
    url = reverse("umkm:duplicate_list", args=[world.region.code])
    with CaptureQueriesContext(connection) as one:
        client_of.get(url)
    for i in range(5):
        a = make_business(world.region, name=f"Usaha {i} A")
        b = make_business(world.region, name=f"Usaha {i} B")
        DuplicateCandidate.objects.create(region=world.region, first=a, second=b, kind="phone")
    with CaptureQueriesContext(connection) as many:
        client_of.get(url)
    assert len(many) == len(one)


def test_the_detail_shows_both_side_by_side_with_personal_data_masked(client_of, pair):
    response = client_of.get(reverse("umkm:duplicate_detail", args=[pair.pk]))
    page = response.content.decode()
    assert "147201**********" in page
    assert NIK not in page
    assert "Siti Aminah" not in page and "Sudirman" not in page and "50000000" not in page
    assert "6281234567891" not in page and "6281*******91" in page
    assert 'class="dup-diff"' in page  # the names differ
    assert "Nama dan alamat mirip" in page and "91" in page
    assert 'value="first"' in page and 'value="second"' in page


def test_an_officer_merges_from_the_detail_page_through_the_confirmation(client_of, pair, world):
    url = reverse("umkm:duplicate_merge", args=[pair.pk])
    confirmation = client_of.get(url, {"survivor": "second"})
    assert confirmation.status_code == 200
    lines = {c.testid: c.count for c in confirmation.context["confirmation"].consequences}
    assert lines["merge-survivor"] == "TK Sinar Harapn"
    assert lines["merge-merged"] == "Toko Sinar Harapan"
    # The survivor takes the other's owner, NIK, phone, workers, capital...
    assert "NIK pemilik" in lines["merge-filled"]
    # ...and keeps its own name: the other's name no longer counts.
    assert "nama usaha" in lines["merge-set-aside"]
    assert "NIK pemilik" not in lines["merge-set-aside"]
    page = confirmation.content.decode()
    assert NIK not in page and "Tidak dapat dibatalkan" in page
    # A POST without the confirmation's field merges nothing.
    assert client_of.post(url, {"survivor": "second"}).status_code == 200
    assert Business.objects.get(pk=pair.first_id).merged_into_id is None
    response = client_of.post(url, {"survivor": "second", CONFIRM_FIELD: "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:duplicate_list", args=[world.region.code])
    merged = Business.objects.get(pk=pair.first_id)
    assert merged.merged_into_id == pair.second_id
    after = client_of.get(reverse("umkm:duplicate_detail", args=[pair.pk])).content.decode()
    assert (
        "Digabung" in after
        and reverse("umkm:merge_undo", args=[BusinessMerge.objects.get().pk]) in after
    )


def test_merging_needs_a_choice(client_of, pair):
    response = client_of.post(reverse("umkm:duplicate_merge", args=[pair.pk]), {}, follow=True)
    assert "Pilih usaha yang dipertahankan" in response.content.decode()
    pair.refresh_from_db()
    assert pair.state == State.OPEN


def test_a_refused_decision_shows_the_reason(client_of, pair, officer):
    merging.candidate_keep_apart(actor=officer, candidate=pair)
    response = client_of.post(
        reverse("umkm:duplicate_merge", args=[pair.pk]),
        {"survivor": "first", CONFIRM_FIELD: "1"},
        follow=True,
    )
    assert "sudah diputuskan" in response.content.decode()


def test_an_officer_keeps_a_pair_apart(client_of, pair):
    response = client_of.post(reverse("umkm:duplicate_keep_apart", args=[pair.pk]))
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.state == State.DISTINCT


def test_an_admin_undoes_a_merge_from_the_list_of_merges(personas, pair, world):
    merge = merging.business_merge(actor=None, candidate=pair, survivor=pair.first)
    client = personas["admin"]
    listing = client.get(reverse("umkm:merge_list", args=[world.region.code])).content.decode()
    assert "TK Sinar Harapn" in listing and reverse("umkm:merge_undo", args=[merge.pk]) in listing
    response = client.post(reverse("umkm:merge_undo", args=[merge.pk]), follow=True)
    assert "dibatalkan" in response.content.decode()
    assert Business.objects.get(pk=pair.second_id).merged_into_id is None
    pair.refresh_from_db()
    assert pair.state == State.OPEN


def test_officers_of_another_region_get_not_found(pair, db):
    elsewhere = RegionFactory(code="14.71", name="Kota Pekanbaru")
    stranger = make_user("yudi")
    Membership.objects.create(user=stranger, region=elsewhere, role=Role.REGISTRY_OFFICER)
    client = login_verified(Client(), stranger)
    assert client.get(reverse("umkm:duplicate_detail", args=[pair.pk])).status_code == 404
    assert client.get(reverse("umkm:duplicate_list", args=["14.72"])).status_code == 404
    response = client.post(reverse("umkm:duplicate_merge", args=[pair.pk]), {"survivor": "first"})
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.state == State.OPEN
