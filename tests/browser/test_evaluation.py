"""Evaluation, phase 1, in a real Chromium: the ministry's operator sets the
weights of a new instrument version and activates it; the region's smart
city team opens a cycle with it and starts the assessment, on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.models import EvaluationCycle, Instrument
from tests.browser.second_factor import signed_in_page
from tests.factories import PASSWORD, RegionFactory, make_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture
def setup(transactional_db):
    region = RegionFactory()
    make_user("operator", is_superuser=True, is_staff=True)
    Membership.objects.create(user=make_user("alice"), region=region, role=Role.ADMIN)
    return region


def _signed_in(browser: Browser, live_server, username: str, *, phone: bool = False):
    size = {"width": 390, "height": 844} if phone else {}
    return signed_in_page(browser, live_server, username, PASSWORD, **size)


def test_an_instrument_is_activated_and_a_cycle_opened_with_it(browser, live_server, setup):
    draft = services.instrument_create(actor=None, kind="evaluation", year=2025)

    operator = _signed_in(browser, live_server, "operator")
    operator.goto(live_server.url + reverse("evaluation:instrument_detail", args=[draft.pk]))
    operator.get_by_role("link", name="Ubah bobot").click()
    operator.get_by_label("Impact (Dampak) (%)").fill("30")
    operator.get_by_role("button", name="Simpan").click()
    expect(operator.locator(".form-errors")).to_contain_text("bukan 110%")
    operator.get_by_label("Quick Win (%)").fill("10")
    operator.get_by_role("button", name="Simpan").click()
    expect(operator.locator(".msg-success")).to_contain_text("Bobot dimensi disimpan")
    operator.get_by_role("button", name="Aktifkan").click()
    expect(operator.locator("h1")).to_contain_text("Aktif")

    team = _signed_in(browser, live_server, "alice", phone=True)
    team.goto(live_server.url + reverse("evaluation:cycle_list", args=[setup.code]))
    team.get_by_role("link", name="Siklus baru").click()
    team.get_by_label("Tahun").fill("2025")
    team.locator("select[name=stage]").select_option("tahap_2")
    team.get_by_label("Tanggal wawancara").fill("2025-11-04")
    team.get_by_label("Batas bukti dukung").fill("2025-11-05")
    team.get_by_role("button", name="Simpan").click()
    expect(team.locator("h1")).to_contain_text("Evaluasi 2025 · Tahap II")
    expect(team.locator(".facts")).to_contain_text("4 November 2025")
    expect(team.locator("tr", has_text="Impact (Dampak)")).to_contain_text("30%")
    team.get_by_role("button", name="Jadikan “Penilaian”").click()
    expect(team.locator("h1")).to_contain_text("Penilaian")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    team.screenshot(path=str(ARTIFACTS / "evaluation-cycle-phone.png"), full_page=True)

    cycle = EvaluationCycle.objects.get(region=setup)
    assert cycle.state == "in_assessment"
    assert cycle.instrument == Instrument.objects.get(state="active")
