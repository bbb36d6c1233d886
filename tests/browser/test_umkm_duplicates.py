"""Duplicate review on a phone in a real Chromium: the officer filters the
queue, compares a pair side by side, merges it keeping the second business,
and undoes the merge from the list of merges."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.models import Business, DuplicateCandidate
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_duplicates import NIK, OTHER_KELURAHAN, make_business, make_pair


@pytest.fixture
def rina(transactional_db: None) -> Any:
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    return user


def test_an_officer_merges_a_pair_on_a_phone_and_undoes_it(page, live_server, login, rina):
    region = RegionFactory()
    pair = make_pair(region)
    a = make_business(region, name="Bengkel Las Maju", kelurahan_code=OTHER_KELURAHAN)
    b = make_business(region, name="Bengkel Las Maju Motor", kelurahan_code=OTHER_KELURAHAN)
    # The search after each new business may have found this pair already
    # (as a name likeness); the test wants it as a phone match.
    DuplicateCandidate.objects.update_or_create(
        region=region, first=a, second=b, defaults={"kind": "phone"}
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_server.url + reverse("umkm:duplicate_list", args=[region.code]))

    expect(page.get_by_test_id("open-count")).to_have_text("2 pasangan menunggu keputusan")
    page.get_by_label("Dasar").select_option("fuzzy")  # htmx swaps the results
    expect(page.get_by_test_id("candidate")).to_have_count(1)
    expect(page.get_by_test_id("candidate")).to_contain_text("TK Sinar Harapn")
    page.get_by_role("link", name="Tinjau").click()

    comparison = page.get_by_test_id("comparison")
    expect(comparison).to_contain_text("147201**********")
    assert NIK not in page.content()
    # The page fits the phone's width: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("TK Sinar Harapn").check()
    page.get_by_role("button", name="Gabungkan").click()
    # The confirmation names both businesses before anything is merged.
    expect(page.get_by_test_id("merge-survivor")).to_have_text("TK Sinar Harapn")
    expect(page.get_by_test_id("merge-merged")).to_have_text("Toko Sinar Harapan")
    assert Business.objects.get(pk=pair.first_id).merged_into_id is None
    page.get_by_role("button", name="Gabungkan").click()

    expect(page.locator(".msg-success")).to_contain_text("digabung ke TK Sinar Harapn")
    assert Business.objects.get(pk=pair.first_id).merged_into_id == pair.second_id
    page.get_by_role("link", name="Penggabungan yang sudah dilakukan").click()
    page.get_by_role("button", name="Batalkan penggabungan").click()
    expect(page.locator(".msg-success")).to_contain_text("keduanya kembali seperti semula")
    assert Business.objects.get(pk=pair.first_id).merged_into_id is None
