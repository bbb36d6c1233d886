"""The whole-masterplan workbook in a real Chromium: export the Dumai
masterplan, change a target and a status offline, import it, check the
preview, apply. Dumai runs reporting periods, so the target is taken and the
status is kept (a status changes only by a verified report or a correction),
and the official figure does not move."""

from __future__ import annotations

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.masterplan.exchange.workbook import SHEET_ACTION_PLANS
from kotacerdas.masterplan.models import ActionPlan
from tests.factories import demo_load_on_empty_database


@pytest.fixture
def dumai(transactional_db):
    demo_load_on_empty_database()


def test_an_admin_round_trips_the_masterplan_through_excel(
    page, live_server, login, dumai, tmp_path
):
    plan = ActionPlan.objects.filter(status="belum_dimulai").order_by("code").first()
    login(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("masterplan:programme_list", args=["14.72"]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ekspor Excel").click()
    exported = tmp_path / "dumai.xlsx"
    download_info.value.save_as(exported)

    book = openpyxl.load_workbook(exported)
    sheet = book[SHEET_ACTION_PLANS]
    headers = [cell.value for cell in sheet[1]]
    code_col, status_col = headers.index("kode") + 1, headers.index("status") + 1
    target_col = headers.index("target") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, code_col).value == plan.code)
    sheet.cell(row, status_col).value = "berjalan"
    sheet.cell(row, target_col).value = "Target baru dari Excel"
    book.save(exported)

    page.get_by_role("link", name="Impor Excel").click()
    page.set_input_files("input[type=file]", str(exported))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("h1")).to_have_text("Pratinjau impor")
    expect(page.locator("main")).to_contain_text(plan.code)
    expect(page.locator("main")).to_contain_text("Status yang tidak diubah")
    page.get_by_role("button", name="Terapkan impor").click()

    page.goto(live_server.url + reverse("masterplan:dashboard", args=["14.72"]))
    expect(page.get_by_test_id("kpi-action-plans")).to_contain_text("63 dari 103")
    plan.refresh_from_db()
    assert (plan.target, plan.status) == ("Target baru dari Excel", "belum_dimulai")
