"""Trend charts and the action plan's progress panel in Chromium: drawn, the
same figures as their tables, nothing overflowing a phone or a 1366 px
screen (screenshots in the CI artefacts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from kotacerdas.core.models import Role
from tests.browser.conftest import ARTIFACTS_DIR
from tests.conftest import World, member_create, world_build
from tests.factories import PASSWORD
from tests.trend_fixtures import three_closed_periods


@pytest.fixture
def trend_world(transactional_db: None) -> World:
    w = world_build()
    three_closed_periods(w)
    return w


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"trends_{name}.png"), full_page=True)


def test_a_citizen_reads_the_trend_on_a_phone(phone: Page, live_url, trend_world) -> None:
    w = trend_world
    phone.goto(live_url("portal:home", w.region.code))
    chart = phone.get_by_role("img", name="Tren keseluruhan per periode yang ditutup")
    expect(chart).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "portal_home_phone")
    phone.get_by_test_id("trend-more").click()
    expect(phone.get_by_test_id("trend-agencies")).to_be_visible()
    phone.get_by_text("Lihat angka dalam tabel").click()
    expect(phone.get_by_test_id("chart-table")).to_contain_text("50,00%")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "portal_trend_phone")


def test_the_team_sees_trends_and_a_plans_progress(
    browser: Browser, live_url, login, live_server, trend_world
) -> None:
    w = trend_world
    member_create("tim", w, Role.ADMIN)
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "tim", PASSWORD)
        page.goto(live_url("masterplan:dashboard", w.region.code))
        panel = page.get_by_test_id("trend-panel")
        expect(
            panel.get_by_role("img", name="Tren keseluruhan per periode yang ditutup")
        ).to_be_visible()
        expect(panel.get_by_test_id("trend-pillars")).to_contain_text("100,00%")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        _shot(page, "dashboard_1366")
        page.goto(live_url("masterplan:action_plan_detail", w.plan_a.pk))
        progress = page.get_by_test_id("plan-progress")
        expect(progress).to_contain_text("Triwulan II 2024")
        expect(progress.get_by_test_id("last-update")).to_contain_text("WIB")
        _shot(page, "action_plan_1366")
    finally:
        context.close()
