"""The OSS-RBA NIB list in a real Chromium, on a phone: the registry officer
uploads the list as downloaded, reads the counts, reviews the uncertain pair
with the keyboard and accepts it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.oss.models import OssImport
from tests.browser.a11y import assert_accessible
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_duplicates import make_business
from tests.umkm.oss.files import write_xlsx


@pytest.fixture
def rina(transactional_db: None) -> Any:
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    return user


def test_an_officer_uploads_the_nib_list_and_accepts_a_pair(
    page, live_server, login, rina, tmp_path
):
    region = RegionFactory()
    shop = make_business(region, name="Toko Sinar Harapan", address="Jl. Sudirman No. 12")
    nib_list = write_xlsx(
        tmp_path / "daftar-nib-oss.xlsx",
        [
            ("1234567890123", "SINAR HARAPAN JAYA", "", "47190", "Jl. Sudirman 12", "", ""),
            ("2234567890123", "Bengkel Baru", "", "45201", "Jl. Ombak 3", "Purnama", ""),
        ],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_server.url + reverse("umkm:oss_list", args=[region.code]))
    page.get_by_role("link", name="Unggah daftar NIB").click()
    page.set_input_files("input[type=file]", str(nib_list))
    page.get_by_role("button", name="Unggah dan cocokkan").click()

    expect(page.get_by_test_id("oss-state")).to_have_text("Selesai")
    expect(page.get_by_test_id("count-rows")).to_have_text("2")
    expect(page.get_by_test_id("count-to_review")).to_have_text("1")
    expect(page.get_by_test_id("count-unmatched")).to_have_text("1")
    page.get_by_role("link", name="Tinjau pasangan").first.click()

    pair = page.get_by_test_id("oss-pair")
    expect(pair).to_have_count(1)
    expect(pair.get_by_test_id("oss-name")).to_have_text("SINAR HARAPAN JAYA")
    expect(pair.get_by_test_id("registry-name")).to_have_text("Toko Sinar Harapan")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "OSS review on a phone")
    # The first card's "Terima" has the focus: Enter decides.
    expect(pair.get_by_role("button", name="Terima")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".msg-success")).to_contain_text("Baris 5 diterima")
    expect(page.get_by_test_id("oss-review-empty")).to_be_visible()
    shop.refresh_from_db()
    assert shop.nib == "1234567890123"
    assert Business.objects.filter(nib="2234567890123").count() == 0


def test_on_a_phone_an_unmatched_row_is_registered_from_its_page(
    page, live_server, live_url, login, rina, tmp_path
):
    region = RegionFactory()
    nib_list = write_xlsx(
        tmp_path / "daftar-nib-oss.xlsx",
        [("2234567890123", "Bengkel Baru", "", "45201", "Jl. Ombak 3", "Purnama", "")],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_url("umkm:oss_upload", region.code))
    page.set_input_files("input[type=file]", str(nib_list))
    page.get_by_role("button", name="Unggah dan cocokkan").click()
    expect(page.get_by_test_id("count-unmatched")).to_have_text("1")
    assert_accessible(page, "OSS NIB list job page on a phone")
    page.goto(live_url("umkm:oss_unmatched", OssImport.objects.get().pk))

    row = page.get_by_test_id("oss-unmatched")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Bengkel Baru")
    assert_accessible(page, "OSS unmatched rows on a phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row.get_by_role("button", name="Daftarkan sebagai usaha baru").click()

    expect(page.get_by_test_id("oss-unmatched")).to_have_count(0)
    created = Business.objects.get(nib="2234567890123")
    assert (created.name, created.kelurahan_code) == ("Bengkel Baru", "14.72.01.1006")
