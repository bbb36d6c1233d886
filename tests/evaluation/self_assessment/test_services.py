"""The region's self-assessment: answers on the instrument's scale, agencies
asked to contribute, evidence, evidence requests, and when each may change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.core.models import AuditEvent
from kotacerdas.core.storage import private_files_dir
from kotacerdas.evaluation.models import Answer, AnswerEvidence, EvidenceRequest
from kotacerdas.evaluation.self_assessment import services as sa
from kotacerdas.evaluation.self_assessment.selectors import answer_progress, self_assessment
from tests.evaluation.factories import make_cycle
from tests.evaluation.region_factories import (
    evidence_request,
    force_state,
    item,
    verified_file_evidence,
)
from tests.factories import AgencyFactory, RegionFactory
from tests.monitoring_fixtures import link_evidence, pdf_upload

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def cycle(world):
    return make_cycle(world.region)


def _events(model: str, action: str) -> int:
    return AuditEvent.objects.filter(content_type__model=model, action=action).count()


def test_it_saves_an_answer_and_audits_it(cycle, admin_user):
    answer = sa.answer_save(
        actor=admin_user,
        cycle=cycle,
        item=item(cycle),
        text="Sudah ada masterplan.",
        claimed_score=Decimal("3.5"),
    )
    assert answer.claimed_score == Decimal("3.5")
    assert answer.updated_by == admin_user
    assert _events("answer", "create") == 1
    assert _events("answer", "update") == 1
    sa.answer_save(actor=admin_user, cycle=cycle, item=item(cycle), text="Ubah", claimed_score=None)
    event = AuditEvent.objects.filter(content_type__model="answer").order_by("-id").first()
    assert event.before["claimed_score"] == "3.5"
    assert event.after["claimed_score"] is None
    assert Answer.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("4.5", "Nilai harus antara 0 dan 4 (skala instrumen)."),
        ("-1", "Nilai harus antara 0 dan 4 (skala instrumen)."),
        ("3.125", "Nilai paling banyak 2 angka di belakang koma."),
    ],
)
def test_it_refuses_scores_off_the_scale(cycle, admin_user, value, message):
    with pytest.raises(ValidationError) as error:
        sa.answer_save(
            actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=Decimal(value)
        )
    assert error.value.message_dict == {"claimed_score": [message]}
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="answer").exists()


def test_it_accepts_trailing_zeros_and_the_bounds(cycle, admin_user):
    for value in ("0", "4", "3.100"):
        sa.answer_save(
            actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=Decimal(value)
        )
    assert Answer.objects.get().claimed_score == Decimal("3.1")


def test_it_refuses_an_item_of_another_instrument(cycle, admin_user, world):
    other = make_cycle(world.region, year=2026)
    with pytest.raises(ValidationError, match="bukan dari instrumen siklus"):
        sa.answer_save(
            actor=admin_user, cycle=cycle, item=item(other), text="x", claimed_score=None
        )


def test_it_locks_answers_once_submitted(cycle, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    assert cycle.state == "in_assessment"
    with pytest.raises(ValidationError, match="sudah diajukan"):
        sa.answer_save(
            actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=None
        )
    with pytest.raises(ValidationError, match="hanya dapat ditambah untuk butir"):
        sa.evidence_add_link(actor=admin_user, cycle=cycle, item=item(cycle), url="https://a.id")
    force_state(cycle, "scored")
    with pytest.raises(ValidationError, match="sudah dinilai"):
        sa.answer_save(
            actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=None
        )


def test_submitting_is_the_cycle_transition_and_is_audited(cycle, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    event = AuditEvent.objects.filter(content_type__model="evaluationcycle").latest("id")
    assert event.before["state"] == "preparing"
    assert event.after["state"] == "in_assessment"
    with pytest.raises(ValidationError, match="hanya dapat diajukan saat siklus dalam persiapan"):
        sa.self_assessment_submit(actor=admin_user, cycle=cycle)


def test_it_delegates_to_an_agency_of_the_region_only(cycle, admin_user, world):
    answer = sa.answer_delegate(
        actor=admin_user, cycle=cycle, item=item(cycle), agency=world.agency_a
    )
    assert answer.agency == world.agency_a
    assert _events("answer", "update") == 1
    foreign = AgencyFactory(region=RegionFactory(code="14.71"), short_name="X")
    with pytest.raises(ValidationError, match="bukan dari wilayah siklus"):
        sa.answer_delegate(actor=admin_user, cycle=cycle, item=item(cycle), agency=foreign)
    sa.answer_delegate(actor=admin_user, cycle=cycle, item=item(cycle), agency=None)
    answer.refresh_from_db()
    assert answer.agency is None


def test_it_counts_an_item_answered_only_with_text_and_score(cycle, admin_user):
    total = cycle.instrument.items.count()
    sa.answer_save(actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=None)
    sa.answer_save(
        actor=admin_user, cycle=cycle, item=item(cycle, "OP-1"), text="", claimed_score=Decimal(2)
    )
    assert answer_progress(cycle).answered == 0
    sa.answer_save(
        actor=admin_user, cycle=cycle, item=item(cycle, "OP-1"), text="y", claimed_score=Decimal(2)
    )
    progress = answer_progress(cycle)
    assert (progress.answered, progress.total) == (1, total)
    overview = self_assessment(cycle, Answer.objects.filter(cycle=cycle))
    assert overview.progress.answered == 1
    assert len(overview.unanswered) == total - 1
    assert [g.dimension.code for g in overview.groups] == [
        "baseline",
        "output",
        "outcome",
        "impact",
        "quick_win",
    ]


def test_it_keeps_an_upload_privately_and_removes_it(
    cycle, editor_a, world, admin_user, django_capture_on_commit_callbacks
):
    sa.answer_delegate(actor=admin_user, cycle=cycle, item=item(cycle), agency=world.agency_a)
    evidence = sa.evidence_add_file(
        actor=editor_a, cycle=cycle, item=item(cycle), upload=pdf_upload("sk.pdf"), caption="SK"
    )
    assert evidence.kind == "file"
    assert evidence.original_name == "sk.pdf"
    stored = private_files_dir() / evidence.file_name
    assert stored.exists()
    assert _events("answerevidence", "create") == 1
    with django_capture_on_commit_callbacks(execute=True):
        sa.evidence_remove(actor=editor_a, evidence=evidence)
    assert not AnswerEvidence.objects.exists()
    assert not stored.exists()
    assert _events("answerevidence", "delete") == 1


def test_it_refuses_an_executable_upload_and_leaves_nothing(cycle, admin_user):
    upload = SimpleUploadedFile(
        "bukti.pdf", b"MZ\x90\x00 bukan pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError):
        sa.evidence_add_file(actor=admin_user, cycle=cycle, item=item(cycle), upload=upload)
    assert not AnswerEvidence.objects.exists()
    assert not Answer.objects.exists()
    assert not [p for p in private_files_dir().rglob("*") if p.is_file()]


def test_it_attaches_evidence_of_verified_reports_of_the_region_only(cycle, admin_user, world):
    verified = verified_file_evidence(world)
    attached = sa.evidence_add_progress(
        actor=admin_user, cycle=cycle, item=item(cycle), progress_evidence=verified
    )
    assert attached.progress_evidence == verified
    assert attached.caption == "Foto peluncuran aplikasi"
    with pytest.raises(ValidationError, match="sudah dilampirkan"):
        sa.evidence_add_progress(
            actor=admin_user, cycle=cycle, item=item(cycle), progress_evidence=verified
        )


def test_it_refuses_evidence_of_unverified_reports(cycle, admin_user, world):
    draft_evidence = link_evidence(world)
    assert not sa.progress_evidence_choices(cycle).exists()
    with pytest.raises(ValidationError, match="sudah diverifikasi"):
        sa.evidence_add_progress(
            actor=admin_user, cycle=cycle, item=item(cycle), progress_evidence=draft_evidence
        )


def test_the_picker_of_an_agency_member_shows_their_agencys_reports(cycle, world):
    verified = verified_file_evidence(world)  # plan_a: agency A
    assert list(sa.progress_evidence_choices(cycle, agencies={world.agency_a.pk})) == [verified]
    assert not sa.progress_evidence_choices(cycle, agencies={world.agency_b.pk}).exists()


def test_answering_an_evidence_request_adds_evidence_while_in_assessment(cycle, admin_user):
    sa.answer_save(
        actor=admin_user, cycle=cycle, item=item(cycle), text="x", claimed_score=Decimal(3)
    )
    early = sa.evidence_add_link(
        actor=admin_user, cycle=cycle, item=item(cycle), url="https://dumaikota.go.id/sk"
    )
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    request = evidence_request(cycle)
    answered = sa.evidence_request_respond(
        actor=admin_user,
        request=request,
        response="SK terlampir.",
        upload=pdf_upload("sk-2025.pdf"),
        url="https://dumaikota.go.id/sk-2025",
    )
    assert answered.state == EvidenceRequest.State.ANSWERED
    assert answered.responded_by == admin_user
    assert answered.responded_at is not None
    kinds = sorted(AnswerEvidence.objects.values_list("kind", flat=True))
    assert kinds == ["file", "link", "link"]
    assert _events("evidencerequest", "update") == 1
    # The evidence submitted with the self-assessment stays.
    with pytest.raises(ValidationError, match="Penilaian mandiri sudah diajukan"):
        sa.evidence_remove(actor=admin_user, evidence=early)
    with pytest.raises(ValidationError, match="sudah dijawab"):
        sa.evidence_request_respond(actor=admin_user, request=answered, response="lagi")


def test_evidence_added_for_an_open_request_may_be_removed(cycle, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    evidence_request(cycle)
    added = sa.evidence_add_link(
        actor=admin_user, cycle=cycle, item=item(cycle), url="https://dumaikota.go.id/salah"
    )
    sa.evidence_remove(actor=admin_user, evidence=added)
    assert not AnswerEvidence.objects.exists()


def test_a_request_needs_an_answer_text(cycle, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    request = evidence_request(cycle)
    with pytest.raises(ValidationError) as error:
        sa.evidence_request_respond(actor=admin_user, request=request, response="  ")
    assert error.value.message_dict == {"response": ["Tuliskan jawaban atas permintaan ini."]}
    request.refresh_from_db()
    assert request.state == "open"


def test_a_failed_response_leaves_no_file(cycle, admin_user, monkeypatch):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    request = evidence_request(cycle)

    def boom(**kwargs):
        raise ValidationError("gagal")

    monkeypatch.setattr(sa, "model_update", boom)
    with pytest.raises(ValidationError):
        sa.evidence_request_respond(
            actor=admin_user, request=request, response="ok", upload=pdf_upload()
        )
    assert not AnswerEvidence.objects.exists()
    assert not [p for p in private_files_dir().rglob("*") if p.is_file()]


def test_a_stale_cycle_object_cannot_slip_an_answer_in(cycle, admin_user):
    # Another request submitted the self-assessment after this one loaded the cycle.
    stale = type(cycle).objects.get(pk=cycle.pk)
    force_state(cycle, "in_assessment")
    assert stale.state == "preparing"
    with pytest.raises(ValidationError, match="sudah diajukan"):
        sa.answer_save(
            actor=admin_user, cycle=stale, item=item(stale), text="x", claimed_score=None
        )
    assert not Answer.objects.exists()


def test_answering_requests_stops_once_scored(cycle, admin_user):
    sa.self_assessment_submit(actor=admin_user, cycle=cycle)
    request = evidence_request(cycle)
    force_state(cycle, "scored")
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="tidak dapat dijawab lagi"):
        sa.evidence_request_respond(actor=admin_user, request=request, response="ok")
