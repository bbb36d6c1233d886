"""The region side's pages as the smart city team, agency editors and
assessors use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.evaluation.models import Answer, AnswerEvidence, EvidenceRequest
from kotacerdas.evaluation.self_assessment import services as sa
from tests.evaluation.factories import make_cycle
from tests.evaluation.region_factories import (
    assign,
    evidence_request,
    force_state,
    item,
    verified_file_evidence,
)
from tests.factories import RegionFactory, make_user
from tests.logins import login_verified
from tests.monitoring_fixtures import PDF, pdf_upload


@pytest.fixture
def cycle(world):
    return make_cycle(world.region)


def _url(name: str, *args: object) -> str:
    return reverse(f"evaluation:{name}", args=args)


def test_the_team_answers_an_item_with_a_localised_score(cycle, personas, admin_user):
    bl1 = item(cycle)
    response = personas["admin"].post(
        _url("answer_edit", cycle.pk, bl1.pk), {"text": "SK tim ada.", "claimed_score": "3,25"}
    )
    assert response.status_code == 302
    answer = Answer.objects.get(cycle=cycle, item=bl1)
    assert answer.claimed_score == Decimal("3.25")
    assert answer.updated_by == admin_user
    page = personas["admin"].get(_url("answer_list", cycle.pk)).content.decode()
    assert "1 dari 15 butir terjawab" in page
    assert "SK tim ada." in page
    assert ">3,25</td>" in page


def test_a_score_off_the_scale_is_explained_and_nothing_is_saved(cycle, personas):
    response = personas["admin"].post(
        _url("answer_edit", cycle.pk, item(cycle).pk), {"text": "x", "claimed_score": "4,5"}
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "Nilai harus antara 0 dan 4 (skala instrumen)." in content
    assert "x</textarea>" in content  # nothing typed is lost
    assert not Answer.objects.exists()


def test_an_agency_editor_sees_and_writes_only_the_delegated_items(
    cycle, personas, world, admin_user, editor_a
):
    sa.answer_delegate(actor=admin_user, cycle=cycle, item=item(cycle), agency=world.agency_a)
    page = personas["editor_a"].get(_url("answer_list", cycle.pk)).content.decode()
    assert "BL-1" in page
    assert "OP-1" not in page
    assert (
        personas["editor_a"].get(_url("answer_edit", cycle.pk, item(cycle, "OP-1").pk)).status_code
        == 403
    )
    response = personas["editor_a"].post(
        _url("answer_edit", cycle.pk, item(cycle).pk),
        {"text": "Dari Kominfo", "claimed_score": "3"},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(item=item(cycle))
    assert answer.updated_by == editor_a
    # The team sees who wrote it.
    page = personas["admin"].get(_url("answer_list", cycle.pk)).content.decode()
    assert "Diskominfo" in page
    assert "terakhir bob" in page
    # Delegation is the team's.
    assert (
        personas["editor_a"].post(_url("answer_delegate", cycle.pk, item(cycle).pk), {}).status_code
        == 403
    )


def test_agency_editors_lose_access_when_the_cycle_is_scored(cycle, personas, world, admin_user):
    sa.answer_delegate(actor=admin_user, cycle=cycle, item=item(cycle), agency=world.agency_a)
    force_state(cycle, "scored")
    assert personas["editor_a"].get(_url("answer_list", cycle.pk)).status_code == 403
    assert personas["admin"].get(_url("answer_list", cycle.pk)).status_code == 200


def test_an_assigned_assessor_reads_answers_and_evidence_but_writes_nothing(
    cycle, admin_user, world
):
    evidence = sa.evidence_add_file(
        actor=admin_user, cycle=cycle, item=item(cycle), upload=pdf_upload("sk.pdf")
    )
    outsider = make_user("asesor-kementerian")  # no membership in the region
    assign(cycle, outsider)
    # An assignment obliges the second factor (accounts.policy.mfa_required).
    client = login_verified(Client(), outsider)
    assert client.get(_url("answer_list", cycle.pk)).status_code == 200
    assert client.get(_url("answer_edit", cycle.pk, item(cycle).pk)).status_code == 200
    download = client.get(_url("answer_evidence_download", evidence.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    assert (
        client.post(_url("answer_edit", cycle.pk, item(cycle).pk), {"text": "x"}).status_code == 403
    )
    assert client.post(_url("answer_evidence_delete", evidence.pk)).status_code == 403
    assert client.get(_url("application_list", world.region.code)).status_code == 404
    # Another region's cycle stays invisible.
    other = make_cycle(RegionFactory(code="14.71", name="Kota Pekanbaru"))
    assert client.get(_url("answer_list", other.pk)).status_code == 404


def test_an_unassigned_assessor_of_the_region_sees_no_answer(cycle, personas, admin_user):
    evidence = sa.evidence_add_file(
        actor=admin_user, cycle=cycle, item=item(cycle), upload=pdf_upload()
    )
    assessor = personas["assessor"]
    assert assessor.get(_url("answer_list", cycle.pk)).status_code == 403
    assert assessor.get(_url("answer_evidence_download", evidence.pk)).status_code == 403


def test_other_regions_cycles_and_evidence_are_404(personas, world):
    other = make_cycle(RegionFactory(code="14.71", name="Kota Pekanbaru"))
    evidence = sa.evidence_add_link(
        actor=None, cycle=other, item=item(other), url="https://pekanbaru.go.id"
    )
    for persona in ("admin", "editor_a", "assessor", "officer"):
        client = personas[persona]
        assert client.get(_url("answer_list", other.pk)).status_code == 404
        assert client.get(_url("answer_edit", other.pk, item(other).pk)).status_code == 404
        assert client.get(_url("answer_evidence_download", evidence.pk)).status_code == 404
        assert client.post(_url("answer_evidence_delete", evidence.pk)).status_code == 404
    assert AnswerEvidence.objects.filter(pk=evidence.pk).exists()


def test_an_item_of_another_instrument_is_404(cycle, personas, world):
    other = make_cycle(world.region, year=2026)
    assert personas["admin"].get(_url("answer_edit", cycle.pk, item(other).pk)).status_code == 404


def test_uploading_evidence_in_the_browser(cycle, personas):
    response = personas["admin"].post(
        _url("answer_evidence_upload", cycle.pk, item(cycle).pk),
        {"berkas": pdf_upload("laporan.pdf"), "caption": "Laporan"},
    )
    assert response.status_code == 302
    evidence = AnswerEvidence.objects.get()
    assert (evidence.kind, evidence.original_name, evidence.caption) == (
        "file",
        "laporan.pdf",
        "Laporan",
    )
    page = personas["admin"].get(_url("answer_edit", cycle.pk, item(cycle).pk)).content.decode()
    assert _url("answer_evidence_download", evidence.pk) in page
    assert AuditEvent.objects.filter(content_type__model="answerevidence", action="create").exists()


def test_a_refused_upload_says_why(cycle, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("skrip.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")
    response = personas["admin"].post(
        _url("answer_evidence_upload", cycle.pk, item(cycle).pk), {"berkas": bad}, follow=True
    )
    assert response.status_code == 200
    assert "msg-error" in response.content.decode()
    assert not AnswerEvidence.objects.exists()


def test_picking_verified_progress_evidence(cycle, personas, world):
    verified = verified_file_evidence(world, caption="Foto peluncuran")
    url = _url("answer_evidence_pick", cycle.pk, item(cycle).pk)
    assert "Foto peluncuran" in personas["admin"].get(url, {"q": "peluncuran"}).content.decode()
    assert "Foto peluncuran" not in personas["admin"].get(url, {"q": "tidak-ada"}).content.decode()
    personas["admin"].post(url, {"progress_evidence": verified.pk})
    attached = AnswerEvidence.objects.get()
    assert attached.progress_evidence == verified
    download = personas["admin"].get(_url("answer_evidence_download", attached.pk))
    assert b"".join(download.streaming_content) == PDF


def test_submitting_warns_about_unanswered_items_first(cycle, personas, admin_user):
    sa.answer_save(
        actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=Decimal(3)
    )
    page = personas["admin"].get(_url("self_assessment_submit", cycle.pk)).content.decode()
    assert "14 butir belum terjawab lengkap" in page
    assert "OP-1" in page
    assert "Tetap ajukan" in page
    response = personas["admin"].post(_url("self_assessment_submit", cycle.pk))
    assert response["Location"] == _url("cycle_detail", cycle.pk)
    cycle.refresh_from_db()
    assert cycle.state == "in_assessment"


def test_open_requests_show_on_the_cycle_page_late_ones_marked(cycle, personas, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    late = evidence_request(cycle, "BL-1", due_on=dt.date(2020, 1, 1))
    evidence_request(cycle, "OP-1", due_on=dt.date(2100, 1, 1))
    page = personas["admin"].get(_url("cycle_detail", cycle.pk)).content.decode()
    assert page.count('class="is-late"') == 1
    assert "Lewat batas" in page
    assert _url("evidence_request_respond", late.pk) in page


def test_answering_a_request_in_the_browser(cycle, personas, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    request = evidence_request(cycle)
    response = personas["admin"].post(
        _url("evidence_request_respond", request.pk),
        {"response": "SK terlampir.", "berkas": pdf_upload("sk.pdf"), "url": "", "caption": "SK"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == EvidenceRequest.State.ANSWERED
    assert request.response == "SK terlampir."
    assert AnswerEvidence.objects.get().original_name == "sk.pdf"
    again = personas["admin"].post(_url("evidence_request_respond", request.pk), {"response": "x"})
    assert again.status_code == 422
    assert "sudah dijawab" in again.content.decode()


def test_the_answer_list_needs_the_same_queries_however_many_answers(cycle, personas, admin_user):
    def answer(*codes: str) -> None:
        for code in codes:
            sa.answer_save(
                actor=admin_user,
                cycle=cycle,
                item=item(cycle, code),
                text="x",
                claimed_score=Decimal(2),
            )
            sa.evidence_add_link(
                actor=admin_user, cycle=cycle, item=item(cycle, code), url="https://a.id"
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert personas["admin"].get(_url("answer_list", cycle.pk)).status_code == 200
        return len(queries)

    answer("BL-1")
    few = count()
    answer("BL-2", "OP-1", "OP-2", "OC-1")
    assert count() == few <= 10


def test_agency_members_find_their_delegated_items(cycle, personas, world, admin_user):
    sa.answer_delegate(actor=admin_user, cycle=cycle, item=item(cycle), agency=world.agency_a)
    sa.answer_delegate(
        actor=admin_user, cycle=cycle, item=item(cycle, "OP-1"), agency=world.agency_b
    )
    url = _url("contribution_list", world.region.code)
    page = personas["editor_a"].get(url).content.decode()
    assert _url("answer_edit", cycle.pk, item(cycle).pk) in page
    assert _url("answer_edit", cycle.pk, item(cycle, "OP-1").pk) not in page
    team = personas["admin"].get(url).content.decode()
    assert "Diskominfo" in team
    assert "Dispar" in team
    force_state(cycle, "scored")
    assert "BL-1" not in personas["editor_a"].get(url).content.decode()
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    assert personas["editor_a"].get(_url("contribution_list", other.code)).status_code == 404


def test_agency_members_find_their_delegated_items_in_the_navigation(world, personas):
    link = reverse("evaluation:contribution_list", args=[world.region.code])
    dashboard = reverse("masterplan:dashboard", args=[world.region.code])
    assert link in personas["editor_a"].get(dashboard).content.decode()
    assert link not in personas["officer"].get(dashboard).content.decode()
