"""The SIINas page in a real Chromium on a phone (issue 20): the region admin
reads the sentra IKM and enters the year's target; the count toward it
shows as a percentage, nothing scrolls sideways, and the page passes
axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.national.models import SiinasTarget
from tests.browser.a11y import assert_accessible
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_registry import make_business


@pytest.fixture
def lina(transactional_db: None) -> Any:
    region = RegionFactory()
    user = make_user("lina")
    Membership.objects.create(user=user, region=region, role=Role.ADMIN)
    for number in range(5):
        make_business(
            region,
            name=f"Ikan Asin Sesai {number}",
            owner_nik="",
            phone="",
            kbli_code="10213",
            production_capacity=1500,
            production_capacity_unit="kg/bulan",
        )
    return region


def test_on_a_phone_the_admin_reads_the_sentra_and_sets_the_target(
    browser: Browser, live_server, live_url, login, lina
) -> None:
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, "lina", PASSWORD)
        page.goto(live_url("umkm:siinas", "14.72"))

        sentra = page.get_by_test_id("sentra-ikm")
        expect(sentra).to_contain_text("Pangkalan Sesai")
        expect(sentra).to_contain_text("10213")
        expect(page.get_by_test_id("siinas-registered")).to_have_text("5")
        expect(page.get_by_test_id("siinas-target")).to_contain_text("target belum diisi")

        page.fill("input[name=target]", "20")
        page.get_by_role("button", name="Simpan target").click()

        expect(page.locator(".msg-success")).to_contain_text("disimpan")
        expect(page.get_by_test_id("siinas-target-value")).to_have_text("20")
        expect(page.get_by_test_id("siinas-target")).to_contain_text("25")
        year = timezone.localtime(timezone.now(), lina.tzinfo).year
        assert SiinasTarget.objects.get(region=lina, year=year).target == 20
        assert_accessible(page, "SIINas page on a phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    finally:
        context.close()
