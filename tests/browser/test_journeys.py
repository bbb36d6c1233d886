"""What a person does in a real Chromium: sign in, read the Dumai figures,
change an action plan's status and watch the figures follow."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.core.formatting import percent_id
from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.masterplan.models import ActionPlan, Masterplan
from kotacerdas.masterplan.selectors import masterplan_figures
from tests.browser.second_factor import pass_second_factor
from tests.factories import demo_load_on_empty_database


@pytest.fixture
def dumai(transactional_db):
    demo_load_on_empty_database()
    return Masterplan.objects.get(region__code="14.72")


def test_the_dashboard_shows_the_dumai_figures(page, live_server, login, dumai):
    login(page, live_server, "admin", DEMO_PASSWORD)

    assert page.url == live_server.url + reverse("masterplan:dashboard", args=["14.72"])
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text("61,17%")
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text("63 dari 103")
    expect(page.get_by_test_id("kpi-programmes")).to_contain_text("84,31%")
    expect(page.get_by_test_id("kpi-programmes")).to_contain_text("43 dari 51")
    expect(page.get_by_test_id("kpi-quick-wins")).to_contain_text("6")
    expect(page.locator("#quick-wins .qw")).to_have_count(6)
    expect(page.locator("#quick-wins")).to_contain_text("DIGILOKA")


def test_a_wrong_password_is_refused_in_indonesian(page, live_url, dumai):
    page.goto(live_url("login"))
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "bukan-kata-sandinya")
    page.click("button[type=submit].btn-primary")

    expect(page.locator(".form-errors")).to_contain_text("kata sandi")
    assert page.url.startswith(live_url("login"))


def test_the_team_changes_a_status_and_the_figures_follow(page, live_server, login, dumai):
    # The demo city runs the monitoring cycle (it has reporting periods), so
    # agencies' statuses come from verified reports (tests/browser/
    # test_monitoring.py); the smart city team changes one only by a
    # correction with a reason (tests/browser/test_status_correction.py).
    plan = (
        ActionPlan.objects.filter(agency__short_name="Diskop UKM", status="belum_dimulai")
        .order_by("code")
        .first()
    )
    assert plan is not None
    login(page, live_server, "admin", DEMO_PASSWORD)

    page.goto(live_server.url + reverse("masterplan:action_plan_detail", args=[plan.pk]))
    page.get_by_test_id("correct-status").click()
    page.select_option("select[name=status]", "berjalan")
    page.fill("textarea[name=reason]", "Kontrak ditandatangani; laporan OPD menyusul.")
    page.get_by_role("button", name="Koreksi status").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Berjalan")

    expected = masterplan_figures(masterplan=dumai).overall
    assert expected.action_plans.numerator == 64  # one more in implementation than the demo's 63
    page.goto(live_server.url + reverse("masterplan:dashboard", args=["14.72"]))
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text(
        percent_id(expected.action_plans.percent)
    )
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text("64 dari 103")


def test_an_editor_cannot_edit_another_agencys_plan(page, live_server, login, dumai):
    other = ActionPlan.objects.exclude(agency__short_name="Diskop UKM").order_by("code").first()
    login(page, live_server, "opd.diskopukm", DEMO_PASSWORD)

    page.goto(live_server.url + reverse("masterplan:action_plan_detail", args=[other.pk]))
    expect(page.locator(f"#status-{other.pk} select")).to_have_count(0)
    response = page.goto(live_server.url + reverse("masterplan:action_plan_edit", args=[other.pk]))
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Akses ditolak")


def test_a_figure_explains_itself(page, live_server, login, dumai):
    login(page, live_server, "asesor", DEMO_PASSWORD)

    page.get_by_test_id("kpi-programmes").click()
    expect(page.get_by_test_id("numerator")).to_have_text("43")
    expect(page.get_by_test_id("denominator")).to_have_text("51")
    expect(page.locator(".explain")).to_contain_text("0,843137… → 84,31%")


def test_searching_the_masterplan_updates_the_results_in_place(page, live_server, login, dumai):
    login(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("masterplan:programme_list", args=["14.72"]))
    # 51 programmes in pages of 25 (issue 15: no list page over 150 KB).
    expect(page.get_by_test_id("result-count")).to_have_text("51 program · menampilkan 1–25")

    page.fill("input[name=q]", "DIGILOKA")
    expect(page.get_by_test_id("result-count")).to_have_text("1 program")
    expect(page.locator("#results")).to_contain_text("DIGILOKA")
    assert re.search(r"q=DIGILOKA", page.url)  # the filtered view has its own URL


def test_the_dashboard_fits_a_phone(browser, live_server, dumai):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].btn-primary")
    pass_second_factor(page, "admin")
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text("61,17%")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
