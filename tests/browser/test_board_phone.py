"""An agency editor on a phone (390×844), issue 21 point 6: the reporting
board's row action ("Laporkan") is reachable without scrolling sideways, and
the dashboard says what needs doing first."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ReportingPeriod
from kotacerdas.monitoring.selectors import period_plans
from tests.browser.second_factor import signed_in_page
from tests.factories import close_demo_period, demo_load_on_empty_database

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_period(transactional_db) -> ReportingPeriod:
    """The demo with a reporting period of 2026 opened by the team."""
    demo_load_on_empty_database()
    close_demo_period()  # one period open at a time
    plan = ActionPlan.objects.filter(agency__short_name="Diskop UKM").first()
    assert plan is not None
    masterplan = plan.masterplan
    periods = services.periods_generate(actor=None, masterplan=masterplan, year=2026)
    return services.period_open(actor=None, period=periods[-1])


def _phone_page(browser, live_server, username: str):
    return signed_in_page(
        browser, live_server, username, DEMO_PASSWORD, width=PHONE["width"], height=PHONE["height"]
    )


def test_an_editor_on_a_phone_reaches_laporkan_without_scrolling_sideways(
    browser, live_server, open_period
):
    page = _phone_page(browser, live_server, "opd.diskopukm")
    page.goto(live_server.url + reverse("monitoring:period_detail", args=[open_period.pk]))
    button = page.get_by_role("link", name="Laporkan").first
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None
    width = page.evaluate("() => window.innerWidth")
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width, (box, width)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    button.click()
    expect(page.locator("select[name=status]")).to_be_visible()
    assert page.evaluate("() => window.scrollX") == 0


def test_the_board_lists_only_what_the_period_asks_about(browser, live_server, open_period):
    page = _phone_page(browser, live_server, "opd.diskopukm")
    page.goto(live_server.url + reverse("monitoring:period_detail", args=[open_period.pk]))
    asked = period_plans(
        period=open_period, plans=ActionPlan.objects.filter(agency__short_name="Diskop UKM")
    )
    finished_earlier = ActionPlan.objects.filter(
        agency__short_name="Diskop UKM", year__lt=2026, status__in=["selesai", "dibatalkan"]
    ).first()
    rows = page.locator("table.board-table tbody tr")
    expect(rows).to_have_count(asked.count())
    if finished_earlier is not None:
        expect(page.get_by_role("link", name=finished_earlier.code, exact=True)).to_have_count(0)


def test_the_dashboard_says_what_needs_doing_on_a_phone(browser, live_server, open_period):
    page = _phone_page(browser, live_server, "opd.diskopukm")
    region = open_period.masterplan.region
    page.goto(live_server.url + reverse("masterplan:dashboard", args=[region.code]))
    todo = page.get_by_test_id("agency-todo")
    expect(todo).to_be_visible()
    expect(todo.get_by_test_id("todo-due")).to_contain_text(open_period.label)
    first = todo.get_by_test_id("todo-missing").get_by_role("link").first
    box = first.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"]
    first.click()
    expect(page.locator("select[name=status]")).to_be_visible()
