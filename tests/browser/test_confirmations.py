"""Irreversible acts walk their confirmation in a real Chromium: closing a
period shows what is left unreported (the selector's counts) and refuses an
early close without a reason; publishing an evaluation result is one action
whose confirmation says what becomes public and final."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.masterplan.models import Masterplan
from kotacerdas.monitoring import services as monitoring
from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
from kotacerdas.monitoring.selectors import close_consequences
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assign,
    consolidate_all,
    in_assessment,
)
from tests.factories import (
    PASSWORD,
    RegionFactory,
    close_demo_period,
    demo_load_on_empty_database,
    make_user,
)


def _page(browser: Browser) -> Page:
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def early_period(transactional_db) -> ReportingPeriod:
    """Kota Dumai's demo, with Triwulan IV 2026 open (instead of the demo's
    Triwulan IV 2024) and its deadline three weeks away."""
    demo_load_on_empty_database()
    close_demo_period()  # one period open at a time
    masterplan = Masterplan.objects.get(region__code="14.72")
    monitoring.periods_generate(actor=None, masterplan=masterplan, year=2026)
    period = ReportingPeriod.objects.get(masterplan=masterplan, year=2026, number=4)
    monitoring.period_open(actor=None, period=period)
    due = timezone.localdate() + dt.timedelta(days=21)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        opens_on=due - dt.timedelta(days=30), due_on=due
    )
    period.refresh_from_db()
    return period


def test_closing_a_period_early_shows_the_counts_and_needs_a_reason(
    browser, live_server, login, early_period
):
    expected = close_consequences(period=early_period)
    page = _page(browser)
    login(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("monitoring:period_detail", args=[early_period.pk]))
    page.get_by_role("link", name="Tutup dan bekukan angka").click()

    expect(page.get_by_test_id("close-plans")).to_have_text(str(expected.plans))
    expect(page.get_by_test_id("close-unreported")).to_have_text(str(expected.unreported))
    expect(page.get_by_test_id("close-drafts")).to_have_text(str(expected.drafts))
    expect(page.get_by_test_id("close-returned")).to_have_text(str(expected.returned))
    expect(page.get_by_test_id("close-deadline")).to_contain_text("21 hari lagi")
    expect(page.get_by_test_id("irreversible")).to_contain_text(
        f"{expected.not_counted} rencana aksi"
    )

    # Without a reason the early close is refused on the page; nothing closes.
    page.get_by_role("button", name="Tutup dan bekukan angka").click()
    expect(page.locator(".error")).to_contain_text("alasan")
    early_period.refresh_from_db()
    assert early_period.is_open

    page.get_by_label("Alasan menutup sebelum batas laporan").fill(
        "Rapat evaluasi triwulan dimajukan oleh Wali Kota."
    )
    page.get_by_role("button", name="Tutup dan bekukan angka").click()
    expect(page.locator(".msg-success")).to_contain_text("ditutup dan angkanya dibekukan")
    early_period.refresh_from_db()
    assert early_period.is_closed
    assert early_period.close_reason == "Rapat evaluasi triwulan dimajukan oleh Wali Kota."
    assert PeriodSnapshot.objects.filter(period=early_period).count() == 1
    page.get_by_role("link", name="Angka beku").click()
    expect(page.get_by_test_id("close-reason")).to_contain_text("dimajukan oleh Wali Kota")


@pytest.fixture
def scored_cycle(transactional_db):
    region = RegionFactory()
    Membership.objects.create(user=make_user("alice"), region=region, role=Role.ADMIN)
    make_user("operator", is_superuser=True, is_staff=True)
    cycle = in_assessment(region)
    lead = assign(cycle, "ani", lead=True)
    consolidate_all(lead, JAMBI_ITEMS)
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def test_publishing_is_one_action_through_its_confirmation(
    browser, live_server, login, scored_cycle
):
    page = _page(browser)
    login(page, live_server, "operator", PASSWORD)
    page.goto(live_server.url + reverse("evaluation:cycle_detail", args=[scored_cycle.pk]))
    # No "Jadikan “Diumumkan”" beside the assessor panel's publish link.
    expect(page.get_by_role("button", name="Diumumkan")).to_have_count(0)
    page.get_by_role("link", name="Umumkan hasil").click()

    expect(page.get_by_test_id("publish-items")).to_have_text(str(len(JAMBI_ITEMS)))
    expect(page.get_by_test_id("publish-index")).to_have_text("3,48")
    expect(page.get_by_test_id("irreversible")).to_contain_text("tidak dapat ditarik kembali")
    scored_cycle.refresh_from_db()
    assert scored_cycle.state == "scored"

    page.get_by_role("button", name="Umumkan hasil").click()
    expect(page.locator(".msg-success")).to_contain_text("Hasil evaluasi diumumkan")
    expect(page.get_by_test_id("index")).to_have_text("3,48")
    scored_cycle.refresh_from_db()
    assert scored_cycle.state == "published"
