"""A whole evaluation cycle in a real Chromium, as the issue's "done when"
asks: the region's smart city team answers items and submits its
self-assessment (the region side's pages); two external assessors declare no
conflict of interest and score every item with a justification; the lead
assessor sees the spread, saves the consolidated scores (the proposed means),
writes the summary and marks the cycle scored; the ministry's operator
publishes; the result page shows the right index (Kota Jambi 2024's
dimension scores → 3,475 → 3,48)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.models import (
    AssessorScore,
    ConsolidatedScore,
    EvaluationCycle,
    ResultRevision,
)
from tests.evaluation.assessment_factories import JAMBI_ITEMS
from tests.evaluation.factories import make_cycle
from tests.factories import PASSWORD, RegionFactory, make_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"

# Two assessors whose means are JAMBI_ITEMS: they differ on OP-2 (3,0 / 3,4 →
# 3,2, spread 0,4) and on OC-1 (3 / 4 → 3,5, spread 1: flagged).
ANI = dict(JAMBI_ITEMS, **{"OP-2": "3.00", "OC-1": "3.00"})
BUDI = dict(JAMBI_ITEMS, **{"OP-2": "3.40", "OC-1": "4.00"})


@pytest.fixture
def cycle(transactional_db: None) -> EvaluationCycle:
    region = RegionFactory()
    Membership.objects.create(user=make_user("alice"), region=region, role=Role.ADMIN)
    make_user("operator", is_superuser=True, is_staff=True)
    cycle = make_cycle(region)
    # The ministry's operator assigns two assessors (the assessor role, no
    # other role in the region); the assignment pages are covered in
    # test_assessor_views.
    for name, lead in (("ani", True), ("budi", False)):
        assessor = make_user(name)
        Membership.objects.create(user=assessor, region=region, role=Role.ASSESSOR)
        assessment.assignment_create(actor=None, cycle=cycle, assessor=assessor, is_lead=lead)
    return cycle


def _page(browser: Browser) -> Page:
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def _score_everything(page: Page, cycle: EvaluationCycle, scores: dict[str, str]) -> None:
    pks = dict(cycle.instrument.items.values_list("code", "pk"))
    for code, value in scores.items():
        page.locator(f"#score-{pks[code]}").fill(value.replace(".", ","))
        page.locator(f"#justification-{pks[code]}").fill(f"{code}: sesuai bukti dukung.")
    page.get_by_role("button", name="Simpan nilai").click()
    expect(page.locator(".msg-success")).to_contain_text("15 nilai disimpan")


def test_a_cycle_runs_end_to_end_from_self_assessment_to_the_published_index(
    browser: Browser, live_server: Any, login: Callable[..., None], cycle: EvaluationCycle
) -> None:
    detail = live_server.url + reverse("evaluation:cycle_detail", args=[cycle.pk])
    bl1 = cycle.instrument.items.get(code="BL-1")

    # The region's team answers an item and submits its self-assessment.
    team = _page(browser)
    login(team, live_server, "alice", PASSWORD)
    team.goto(detail)
    team.get_by_role("link", name="Isi penilaian mandiri").click()
    team.locator(f"#butir-{bl1.pk} a").click()
    team.get_by_label("Jawaban").fill("Capaian naik; rekap perubahan terlampir.")
    team.get_by_label("Nilai yang diajukan").fill("3,9")
    team.get_by_role("button", name="Simpan jawaban").click()
    team.get_by_role("link", name="Ajukan penilaian mandiri").click()
    team.get_by_role("button", name="Tetap ajukan").click()
    expect(team.locator("h1")).to_contain_text("Penilaian")

    # Two assessors: "Penugasan saya", the declaration, then every item.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name, scores in (("ani", ANI), ("budi", BUDI)):
        page = _page(browser)
        login(page, live_server, name, PASSWORD)
        page.goto(live_server.url + reverse("evaluation:my_assignments"))
        page.get_by_role("link", name="Nilai butir").click()
        expect(page.locator("h1")).to_contain_text("Pernyataan benturan kepentingan")
        page.get_by_label("Tidak ada").check()
        page.get_by_role("button", name="Simpan pernyataan").click()
        expect(page.locator(f"#butir-{bl1.code}")).to_contain_text("Capaian naik")
        _score_everything(page, cycle, scores)
        if name == "budi":
            page.screenshot(path=str(ARTIFACTS / "evaluation-cycle-assess.png"), full_page=True)
        pages[name] = page
    assert AssessorScore.objects.count() == 30

    # The lead: the spread, the consolidated scores (the proposals), the summary.
    lead = pages["ani"]
    lead.goto(detail)
    lead.get_by_role("link", name="Sebaran dan konsolidasi").click()
    expect(lead.locator("#butir-OC-1")).to_contain_text("sebaran besar")
    expect(lead.locator("#butir-OP-2")).not_to_contain_text("sebaran besar")
    lead.get_by_role("button", name="Simpan nilai konsolidasi").click()
    expect(lead.locator(".msg-success")).to_contain_text("15 nilai konsolidasi disimpan")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lead.screenshot(path=str(ARTIFACTS / "evaluation-cycle-consolidate.png"), full_page=True)
    lead.goto(detail)
    lead.get_by_role("link", name="Catatan dan rekomendasi").click()
    lead.get_by_label("Catatan asesor").fill("Bukti dukung lengkap dan mutakhir.")
    lead.get_by_label("Rekomendasi").fill("Perluas integrasi layanan.")
    lead.get_by_role("button", name="Simpan").click()
    lead.get_by_role("button", name="Tandai sudah dinilai").click()
    expect(lead.locator(".msg-success")).to_contain_text("sudah dinilai")

    # The ministry's operator publishes; the index explains itself.
    ministry = _page(browser)
    login(ministry, live_server, "operator", PASSWORD)
    ministry.goto(detail)
    ministry.get_by_role("link", name="Umumkan hasil").click()
    expect(ministry.get_by_test_id("publish-index")).to_have_text("3,48")
    ministry.get_by_role("button", name="Umumkan hasil").click()
    expect(ministry.locator("[data-testid=index]")).to_have_text("3,48")
    expect(ministry.locator(".formula")).to_contain_text("3,475")
    ministry.screenshot(path=str(ARTIFACTS / "evaluation-cycle-result.png"), full_page=True)

    # The region's team sees the same published result.
    team.goto(detail)
    expect(team.locator("#penilaian-asesor")).to_contain_text("Revisi 1")
    team.get_by_role("link", name="Hasil dan penjelasannya").click()
    expect(team.locator("[data-testid=index]")).to_have_text("3,48")

    cycle.refresh_from_db()
    assert cycle.state == EvaluationCycle.State.PUBLISHED
    assert ConsolidatedScore.objects.get(cycle=cycle, item__code="OC-1").score == Decimal("3.5")
    assert ResultRevision.objects.get(cycle=cycle).result["index"]["exact"] == "3.475"
