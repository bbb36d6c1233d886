"""The menu shows every section a person may use, at a desk (1366×900) and
on a phone (390×844): nothing hidden behind a scrollbar, and a user menu with
the account's pages. A visitor at ``/`` meets the regions' portals."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from tests.browser.second_factor import signed_in_page
from tests.factories import demo_load_on_empty_database

SECTIONS = (
    "Beranda",
    "Masterplan",
    "Rencana aksi",
    "Monitoring",
    "Evaluasi",
    "Registri UMKM",
    "Cara menghitung",
    "Portal publik",
)


@pytest.fixture
def demo(transactional_db):
    demo_load_on_empty_database()


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_the_admin_sees_every_section_and_the_user_menu(browser, live_server, demo, size):
    width, height = size
    page = signed_in_page(browser, live_server, "admin", DEMO_PASSWORD, width=width, height=height)
    try:
        nav = page.get_by_role("navigation", name="Navigasi utama")
        for name in SECTIONS:
            link = nav.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box is not None
            # Inside the window, not scrolled away to the right.
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, name
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0

        menu = page.locator("details.usermenu")
        menu.locator("summary").click()
        for name in ("Ubah kata sandi", "Verifikasi dua langkah", "Token API"):
            expect(menu.get_by_role("link", name=name)).to_be_visible()
        expect(menu.get_by_role("button", name="EN")).to_be_visible()
        menu.get_by_role("button", name="Keluar").click()
        expect(page.locator("input[name=username]")).to_be_visible()
    finally:
        page.context.close()


def test_a_visitor_at_the_root_reaches_a_portal(page, live_server, demo):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Smart City daerah di Indonesia")).to_be_visible()
    page.get_by_role("link", name="Kota Dumai").click()
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text("61,17")
