"""The registry in a real Chromium: an officer registers a business, sees it
masked in the list, reveals the NIK with a purpose, and finds the reveal in
the record of processing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from tests.factories import PASSWORD, RegionFactory, make_user

NIK = "1472015507900123"


@pytest.fixture
def officer_rina(transactional_db):  # type: ignore[no-untyped-def]
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    return region


def test_an_officer_registers_reveals_and_sees_the_record(
    page, live_server, live_url, login, officer_rina
) -> None:
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_url("umkm:business_list", "14.72"))
    page.get_by_role("link", name="Daftarkan usaha", exact=True).click()
    page.fill("input[name=name]", "Toko Berkah Jaya")
    page.fill("input[name=owner_name]", "Siti Aminah")
    page.fill("input[name=owner_nik]", NIK)
    page.select_option("select[name=kelurahan_code]", "14.72.01.1003")
    page.fill("input[name=phone]", "0812-3456-7891")
    page.fill("input[name=annual_sales]", "1,5 juta")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".msg-success")).to_contain_text("Usaha didaftarkan")
    expect(page.get_by_test_id("masked-nik")).to_have_text("147201**********")

    page.goto(live_url("umkm:business_list", "14.72"))
    row = page.locator("tr", has=page.get_by_role("link", name="Toko Berkah Jaya"))
    expect(row).to_contain_text("147201**********")
    expect(page.locator("main")).not_to_contain_text(NIK)

    row.get_by_role("link", name="Toko Berkah Jaya").click()
    page.fill("input[name=purpose]", "verifikasi lapangan atas permintaan pemilik")
    page.get_by_role("button", name="Buka data pribadi").click()
    expect(page.get_by_test_id("full-nik")).to_have_text(NIK)

    page.get_by_role("link", name="Tutup dan kembali").click()
    page.locator(".crumbs").get_by_role("link", name="Registri UMKM").click()
    page.get_by_role("link", name="Catatan pemrosesan").click()
    log = page.get_by_test_id("access-log")
    expect(log).to_contain_text("rina")
    expect(log).to_contain_text("membuka data pribadi")
    expect(log).to_contain_text("verifikasi lapangan atas permintaan pemilik")
    expect(log).not_to_contain_text(NIK)
