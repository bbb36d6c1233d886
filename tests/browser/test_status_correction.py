"""A status correction in a real Chromium, on the Kota Dumai demo (which runs
reporting periods): no status dropdown, the team corrects through its own
page with a reason, and the mark shows on the action plan, the dashboard and
the explanation of the figure."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.masterplan.models import ActionPlan
from tests.browser.second_factor import signed_in_page
from tests.factories import demo_load_on_empty_database

REASON = "Berita acara serah terima 3 Oktober; laporan OPD menyusul."


@pytest.fixture
def dumai(transactional_db):
    demo_load_on_empty_database()


def _signed_in(browser: Browser, live_server, username: str):
    return signed_in_page(browser, live_server, username, DEMO_PASSWORD)


def test_the_team_corrects_a_status_and_every_figure_says_so(browser, live_server, dumai):
    plan = ActionPlan.objects.filter(status="belum_dimulai").order_by("code").first()
    assert plan is not None
    admin = _signed_in(browser, live_server, "admin")
    dashboard = live_server.url + reverse("masterplan:dashboard", args=["14.72"])
    admin.goto(dashboard)
    expect(admin.get_by_test_id("corrected-count")).to_have_count(0)
    before = admin.get_by_test_id("kpi-action-plans").inner_text()

    admin.goto(live_server.url + reverse("masterplan:action_plan_detail", args=[plan.pk]))
    expect(admin.locator("select[name=status]")).to_have_count(0)  # no auto-saving control
    admin.get_by_test_id("correct-status").click()
    expect(admin.get_by_test_id("correction-consequences")).to_contain_text("angka resmi")
    admin.select_option("select[name=status]", "berjalan")
    admin.get_by_role("button", name="Koreksi status").click()
    expect(admin.locator(".field.has-error .error")).to_have_text("Alasan koreksi wajib diisi.")
    admin.select_option("select[name=status]", "berjalan")
    admin.fill("textarea[name=reason]", REASON)
    admin.get_by_role("button", name="Koreksi status").click()

    mark = f"dikoreksi oleh tim, tanpa laporan: {REASON}"
    expect(admin.get_by_test_id("plan-status")).to_contain_text("Berjalan")
    expect(admin.get_by_test_id("correction-mark")).to_have_text(mark)
    expect(admin.get_by_test_id("corrections")).to_contain_text(REASON)

    admin.goto(dashboard)
    expect(admin.get_by_test_id("corrected-count")).to_contain_text(
        "1 rencana aksi dalam angka ini berstatus hasil koreksi tim, tanpa laporan."
    )
    expect(admin.get_by_test_id("kpi-action-plans")).not_to_have_text(before)
    admin.get_by_test_id("corrected-count").get_by_role("link").click()
    corrected = admin.get_by_test_id("corrected-items")
    expect(corrected).to_contain_text(plan.code)
    expect(corrected).to_contain_text(mark)
