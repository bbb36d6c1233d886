"""The citizen's journey on the public portal (issue 6 "Done when"), on a
phone: open the portal → a pillar → a programme → the explanation of a
figure → download the action plans as CSV and read it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kotacerdas.core.models import Role
from tests.conftest import World, member_create
from tests.factories import (
    PASSWORD,
)
from tests.portal.helpers import published_world_build


@pytest.fixture
def published_world(transactional_db: None) -> World:
    return published_world_build()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_citizen_follows_a_figure_to_its_data(phone: Page, live_url, published_world) -> None:
    w = published_world
    problems: list[str] = []
    phone.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    phone.goto(live_url("portal:home", w.region.code))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Kemajuan Smart City")
    expect(phone.get_by_text("Data periode Triwulan III 2024")).to_be_visible()
    expect(phone.get_by_test_id("kpi-action-plans")).to_contain_text("50,00%")
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("link", name="Smart Governance").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Smart Governance")
    phone.get_by_role("link", name="Layanan Publik Digital").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Layanan Publik Digital")
    expect(phone.get_by_role("row", name=w.plan_a.code)).to_contain_text("Berjalan")
    expect(phone.get_by_role("row", name=w.plan_b.code)).to_contain_text("Belum dimulai")

    phone.get_by_role("link", name="Bagaimana status program dihitung").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Implementasi program")
    expect(phone.get_by_test_id("numerator")).to_have_text("1")
    expect(phone.get_by_test_id("denominator")).to_have_text("1")
    expect(phone.get_by_text("Triwulan III 2024")).to_be_visible()

    phone.get_by_role("contentinfo").get_by_role("link", name="Data terbuka").click()
    with phone.expect_download() as download:
        phone.get_by_test_id("download-rencana-aksi-csv").click()
    path = download.value.path()
    text = Path(path).read_bytes().decode("utf-8-sig")
    rows = {row["kode"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[w.plan_a.code]["status"] == "berjalan"
    assert rows[w.plan_a.code]["kegiatan"] == "Aplikasi antrean puskesmas"
    assert rows[w.plan_b.code]["status"] == "belum_dimulai"
    assert problems == []


def test_a_target_edited_after_the_close_stays_off_the_portal(
    browser: Browser, phone: Page, live_server, live_url, login, published_world
) -> None:
    # The team edits an action plan's target in the app after the close; the
    # portal keeps showing what was signed off until the next close.
    w = published_world
    signed_off = w.plan_a.target
    admin = browser.new_context(locale="id-ID").new_page()
    member_create("alice", w, Role.ADMIN)
    login(admin, live_server, "alice", PASSWORD)
    admin.goto(live_url("masterplan:action_plan_edit", w.plan_a.pk))
    admin.locator("textarea[name=target]").fill("Target baru yang belum diverifikasi")
    admin.get_by_role("button", name="Simpan").click()
    expect(admin.get_by_text("Target baru yang belum diverifikasi")).to_be_visible()
    admin.context.close()

    phone.goto(live_url("portal:programme", w.region.code, w.programme.pk))
    row = phone.get_by_role("row", name=w.plan_a.code)
    expect(row).to_contain_text(f"Target: {signed_off}")
    expect(phone.get_by_text("Target baru yang belum diverifikasi")).to_have_count(0)
