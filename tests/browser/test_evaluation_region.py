"""The region side of the evaluation in a real Chromium: the smart city team
answers an item (a score off the scale is explained), asks an agency to fill
another; the agency editor finds it, answers it and uploads evidence; the
team submits the self-assessment after the warning about unanswered items."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.evaluation.models import Answer, AnswerEvidence, EvaluationCycle
from tests.evaluation.factories import make_cycle
from tests.factories import PASSWORD, AgencyFactory, RegionFactory, make_user
from tests.monitoring_fixtures import PDF

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture
def setup(transactional_db):
    region = RegionFactory()
    agency = AgencyFactory(region=region, short_name="Diskominfo", name="Dinas Kominfo")
    Membership.objects.create(user=make_user("alice"), region=region, role=Role.ADMIN)
    Membership.objects.create(
        user=make_user("bob"), region=region, role=Role.AGENCY_EDITOR, agency=agency
    )
    return make_cycle(region)


def test_a_self_assessment_is_answered_delegated_and_submitted(
    browser: Browser, page, login, live_server, setup, tmp_path
):
    cycle = setup
    team = page
    login(team, live_server, "alice", PASSWORD)
    team.goto(live_server.url + reverse("evaluation:cycle_detail", args=[cycle.pk]))
    team.get_by_role("link", name="Isi penilaian mandiri").click()
    expect(team.locator(".sa-progress")).to_contain_text("0 dari 15 butir terjawab")
    team.locator("#butir-{} a".format(cycle.instrument.items.get(code="BL-1").pk)).click()
    team.get_by_label("Jawaban").fill("Tim smart city ditetapkan dengan SK Wali Kota.")
    team.get_by_label("Nilai yang diajukan").fill("4,5")
    team.get_by_role("button", name="Simpan jawaban").click()
    expect(team.locator(".form-errors")).to_be_visible()
    expect(team.locator(".field.has-error")).to_contain_text("antara 0 dan 4")
    team.get_by_label("Nilai yang diajukan").fill("3,5")
    team.get_by_role("button", name="Simpan jawaban").click()
    expect(team.locator(".sa-progress")).to_contain_text("1 dari 15 butir terjawab")

    op1 = cycle.instrument.items.get(code="OP-1")
    team.locator(f"#butir-{op1.pk} a").click()
    team.get_by_label("Diisi oleh").select_option(label="Diskominfo")
    team.get_by_role("button", name="Simpan pengisi").click()
    expect(team.locator(".msg-success")).to_contain_text("diisi oleh")

    agency = browser.new_context(locale="id-ID").new_page()
    login(agency, live_server, "bob", PASSWORD)
    agency.goto(live_server.url + reverse("evaluation:contribution_list", args=[cycle.region.code]))
    agency.get_by_role("link", name="Buka").click()
    agency.get_by_label("Jawaban").fill("Aplikasi layanan terpadu sudah berjalan.")
    agency.get_by_label("Nilai yang diajukan").fill("3")
    agency.get_by_role("button", name="Simpan jawaban").click()
    expect(agency.locator(".msg-success")).to_contain_text("OP-1")
    agency.get_by_role("link", name="Buka").click()
    evidence = tmp_path / "sk-aplikasi.pdf"
    evidence.write_bytes(PDF)
    agency.locator("input[name=berkas]").set_input_files(str(evidence))
    agency.get_by_role("button", name="Unggah").click()
    expect(agency.locator(".ev-list")).to_contain_text("sk-aplikasi.pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    agency.screenshot(path=str(ARTIFACTS / "evaluation-region-item.png"), full_page=True)

    team.goto(live_server.url + reverse("evaluation:answer_list", args=[cycle.pk]))
    expect(team.locator(f"#butir-{op1.pk}")).to_contain_text("Diskominfo")
    team.screenshot(path=str(ARTIFACTS / "evaluation-region-answers.png"), full_page=True)
    team.get_by_role("link", name="Ajukan penilaian mandiri").click()
    expect(team.locator(".msg-warn")).to_contain_text("13 butir belum terjawab lengkap")
    team.get_by_role("button", name="Tetap ajukan").click()
    expect(team.locator("h1")).to_contain_text("Penilaian")
    team.screenshot(path=str(ARTIFACTS / "evaluation-region-cycle.png"), full_page=True)

    cycle.refresh_from_db()
    assert cycle.state == EvaluationCycle.State.IN_ASSESSMENT
    assert Answer.objects.get(item=op1).updated_by.username == "bob"
    assert AnswerEvidence.objects.get().original_name == "sk-aplikasi.pdf"
