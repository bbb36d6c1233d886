"""The monitoring cycle in a real Chromium: the team opens a period, an
agency reports, the team verifies, and the official figure moves."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.masterplan.models import ActionPlan
from tests.browser.second_factor import signed_in_page
from tests.factories import close_demo_period, demo_load_on_empty_database


@pytest.fixture
def dumai(transactional_db):
    """The demo with its open period (Triwulan IV 2024) closed, so the walk
    creates and opens a period of its own."""
    demo_load_on_empty_database()
    close_demo_period()


def _signed_in(browser: Browser, live_server, username: str):
    return signed_in_page(browser, live_server, username, DEMO_PASSWORD)


def test_a_report_travels_from_agency_to_verified_figure(browser, live_server, dumai):
    plan = (
        ActionPlan.objects.filter(agency__short_name="Diskop UKM", status="belum_dimulai")
        .order_by("code")
        .first()
    )
    admin = _signed_in(browser, live_server, "admin")
    admin.get_by_role("link", name="Monitoring").click()
    admin.get_by_role("button", name="Buat periode tahun ini").click()
    expect(admin.locator(".msg-success")).to_contain_text("periode pelaporan dibuat")
    admin.get_by_role("link", name="Triwulan IV 2026").click()
    admin.get_by_role("button", name="Buka pelaporan").click()
    expect(admin.locator("h1")).to_contain_text("Dibuka")
    board_url = admin.url

    editor = _signed_in(browser, live_server, "opd.diskopukm")
    editor.goto(board_url)
    row = editor.locator("tr", has=editor.get_by_role("link", name=plan.code))
    row.get_by_role("link", name="Laporkan").click()
    editor.select_option("select[name=status]", "berjalan")
    editor.fill("input[name=physical_progress]", "30")
    editor.fill("textarea[name=narrative]", "Pendataan UMKM di 12 kelurahan sudah dimulai.")
    editor.get_by_role("button", name="Simpan draf").click()
    expect(editor.get_by_test_id("report-state")).to_have_text("Draf")
    editor.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(editor.get_by_test_id("report-state")).to_have_text("Diajukan")
    report_url = editor.url

    admin.goto(live_server.url + reverse("masterplan:dashboard", args=["14.72"]))
    expect(admin.get_by_test_id("verified-vs-reported")).to_contain_text("61,17%")
    expect(admin.get_by_test_id("verified-vs-reported")).to_contain_text("62,14%")  # 64/103
    expect(admin.get_by_test_id("kpi-action-plans")).to_contain_text("63 dari 103")
    admin.goto(report_url)
    admin.get_by_role("button", name="Verifikasi").click()
    expect(admin.get_by_test_id("report-state")).to_have_text("Terverifikasi")
    admin.goto(live_server.url + reverse("masterplan:dashboard", args=["14.72"]))
    expect(admin.get_by_test_id("kpi-action-plans")).to_contain_text("64 dari 103")
