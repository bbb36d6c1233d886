"""The assessor side (evaluation/assessment/services.py): assignments, the conflict of
interest gate, scores with justification on the instrument's scale, the
spread, consolidation, "scored", publishing, corrections, the database
backstops, the comparison with the previous year and the Baseline rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kotacerdas.core.audit import history_for
from kotacerdas.core.models import AppendOnlyError
from kotacerdas.evaluation.access import assigned_cycles, assignment_for, may_read_cycle
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.assessment.selectors import (
    baseline_proposal,
    cycle_comparison,
    cycle_spread,
)
from kotacerdas.evaluation.cycles import services as cycles
from kotacerdas.evaluation.models import (
    Answer,
    AnswerEvidence,
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    EvidenceRequest,
    ResultRevision,
)
from kotacerdas.evaluation.self_assessment import services as sa
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assign,
    consolidate_all,
    in_assessment,
    item,
    operator,
    published_cycle,
    user,
)
from tests.evaluation.factories import make_cycle
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def actions(instance: object) -> list[str]:
    return [e.action for e in history_for(instance).order_by("occurred_at", "id")]  # type: ignore[arg-type]


def messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def test_it_assigns_assessors_and_moves_the_lead_and_audits_it():
    cycle = in_assessment(RegionFactory())
    first = assign(cycle, "ani", lead=True, declare=None)
    second = assign(cycle, "budi", declare=None)

    assessment.assignment_set_lead(actor=operator(), assignment=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_lead, second.is_lead) == (False, True)
    assert actions(first) == ["create", "update"]
    assert list(assigned_cycles(user("ani"))) == [cycle]
    assert assignment_for(user("budi"), cycle) == second
    assert may_read_cycle(user("ani"), cycle)
    assert not may_read_cycle(user("cici"), cycle)
    with pytest.raises(ValidationError) as raised:
        assign(cycle, "ani")
    assert "sudah ditugaskan" in messages(raised)


def test_it_removes_an_assignment_only_before_it_has_scores():
    cycle = in_assessment(RegionFactory())
    idle = assign(cycle, "ani")
    busy = assign(cycle, "budi")
    assessment.score_set(
        actor=busy.assessor,
        assignment=busy,
        item=item(cycle, "OP-1"),
        score=Decimal(3),
        justification="Perwali ada.",
    )

    assessment.assignment_remove(actor=operator(), assignment=idle)
    with pytest.raises(ValidationError) as raised:
        assessment.assignment_remove(actor=operator(), assignment=busy)

    assert "sudah memberi nilai" in messages(raised)
    assert list(cycle.assignments.values_list("assessor__username", flat=True)) == ["budi"]


def test_nobody_scores_before_declaring_and_a_conflict_blocks_scoring():
    cycle = in_assessment(RegionFactory())
    silent = assign(cycle, "ani", declare=None)
    conflicted = assign(cycle, "budi", declare=True)
    op1 = item(cycle, "OP-1")

    for assignment, expected in ((silent, "Nyatakan dahulu"), (conflicted, "benturan")):
        with pytest.raises(ValidationError) as raised:
            assessment.score_set(
                actor=assignment.assessor,
                assignment=assignment,
                item=op1,
                score=Decimal(3),
                justification="Ada.",
            )
        assert expected in messages(raised)
        with pytest.raises(ValidationError):
            assessment.evidence_request_create(
                actor=assignment.assessor,
                assignment=assignment,
                item=op1,
                message="Unggah perwali.",
                due_on=timezone.localdate(),
            )
    with pytest.raises(ValidationError) as raised:
        assessment.conflict_declare(actor=silent.assessor, assignment=silent, has_conflict=True)
    assert "Uraikan" in messages(raised)
    with pytest.raises(ValidationError) as raised:
        assessment.conflict_declare(actor=operator(), assignment=silent, has_conflict=False)
    assert "Hanya asesor yang bersangkutan" in messages(raised)
    with pytest.raises(ValidationError) as raised:
        assessment.conflict_declare(
            actor=conflicted.assessor, assignment=conflicted, has_conflict=False
        )
    assert "tidak dapat diubah" in messages(raised)
    assert not AssessorScore.objects.exists()


def test_the_database_refuses_a_score_without_a_no_conflict_declaration():
    cycle = in_assessment(RegionFactory())
    conflicted = assign(cycle, "budi", declare=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        AssessorScore.objects.create(
            assignment=conflicted, item=item(cycle, "OP-1"), score=Decimal(3), justification="x"
        )


def test_the_database_refuses_an_evidence_request_before_a_no_conflict_declaration():
    cycle = in_assessment(RegionFactory())
    silent = assign(cycle, "ani", declare=None)
    declared = assign(cycle, "budi")

    def request(assignment: Assignment) -> EvidenceRequest:
        return EvidenceRequest.objects.create(
            cycle=cycle,
            item=item(cycle, "OP-1"),
            requested_by=assignment.assessor,
            message="Unggah perwali.",
            due_on=dt.date(2025, 7, 1),
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        request(silent)
    assert request(declared).state == EvidenceRequest.State.OPEN


def test_a_score_needs_a_justification_and_fits_the_scale():
    cycle = in_assessment(RegionFactory())
    ani = assign(cycle, "ani")
    op1 = item(cycle, "OP-1")

    def score(value: str, justification: str = "Perwali No. 5/2024 ada.") -> None:
        assessment.score_set(
            actor=ani.assessor,
            assignment=ani,
            item=op1,
            score=Decimal(value),
            justification=justification,
        )

    with pytest.raises(ValidationError) as raised:
        score("3", "   ")
    assert raised.value.message_dict == {"justification": ["Alasan penilaian wajib diisi."]}
    with pytest.raises(ValidationError) as raised:
        score("4.5")
    assert "harus antara 0 dan 4, bukan 4,5" in messages(raised)
    with pytest.raises(ValidationError) as raised:
        score("3.125")
    assert "paling banyak 2 angka di belakang koma" in messages(raised)

    score("3.25")
    score("3.5", "Setelah wawancara: perwali sudah diundangkan.")

    saved = AssessorScore.objects.get()
    assert (saved.score, saved.justification) == (
        Decimal("3.5"),
        "Setelah wawancara: perwali sudah diundangkan.",
    )
    assert actions(saved) == ["create", "update"]


def test_it_scores_only_in_assessment():
    cycle = in_assessment(RegionFactory())
    ani = assign(cycle, "ani")
    cycles.cycle_advance(actor=None, cycle=cycle, state="preparing")
    ani.refresh_from_db()

    with pytest.raises(ValidationError) as raised:
        assessment.score_set(
            actor=ani.assessor,
            assignment=ani,
            item=item(cycle, "OP-1"),
            score=Decimal(3),
            justification="Ada.",
        )
    assert "“Penilaian”" in messages(raised)


def test_it_shows_the_spread_and_proposes_the_rounded_mean():
    cycle = in_assessment(RegionFactory())
    ani, budi, cici = assign(cycle, "ani", lead=True), assign(cycle, "budi"), assign(cycle, "cici")
    for assignment, first, second in (
        (ani, "3", "2"),
        (budi, "3.5", "3"),
        (cici, "3.25", "3.25"),
    ):
        for code, value in (("OP-1", first), ("OP-2", second)):
            assessment.score_set(
                actor=assignment.assessor,
                assignment=assignment,
                item=item(cycle, code),
                score=Decimal(value),
                justification="Sesuai bukti.",
            )

    rows = {row.item.code: row for row in cycle_spread(cycle)}

    op1, op2, op3 = rows["OP-1"], rows["OP-2"], rows["OP-3"]
    assert [m.assessor for m in op1.marks] == ["budi", "cici", "ani"]
    assert (op1.low, op1.high, op1.spread, op1.flagged) == (
        Decimal(3),
        Decimal("3.5"),
        Decimal("0.5"),
        False,
    )
    assert op1.proposal == Decimal("3.25")  # (3 + 3,5 + 3,25) / 3 = 3,25
    assert (op2.spread, op2.flagged) == (Decimal("1.25"), True)
    assert op2.proposal == Decimal("2.75")  # 8,25 / 3 = 2,75
    assert (op3.marks, op3.spread, op3.proposal, op3.flagged) == ((), None, None, False)


def test_the_spread_flag_is_configurable(settings):
    settings.EVALUATION_SPREAD_FLAG = Decimal("0.5")
    cycle = in_assessment(RegionFactory())
    for name, value in (("ani", "3"), ("budi", "3.5")):
        a = assign(cycle, name)
        assessment.score_set(
            actor=a.assessor,
            assignment=a,
            item=item(cycle, "OP-1"),
            score=Decimal(value),
            justification="Sesuai bukti.",
        )

    assert next(r for r in cycle_spread(cycle) if r.item.code == "OP-1").flagged


def test_only_the_lead_consolidates_and_scored_needs_every_item():
    cycle = in_assessment(RegionFactory())
    lead, other = assign(cycle, "ani", lead=True), assign(cycle, "budi")

    with pytest.raises(ValidationError) as raised:
        consolidate_all(other, {"OP-1": "3"})
    assert "Hanya asesor utama" in messages(raised)

    partial = dict(JAMBI_ITEMS)
    del partial["BL-2"], partial["QW-6"]
    consolidate_all(lead, partial)
    with pytest.raises(ValidationError) as raised:
        assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    assert messages(raised) == "Butir yang belum punya nilai konsolidasi: BL-2, QW-6."
    with pytest.raises(ValidationError) as raised:
        cycles.cycle_advance(actor=lead.assessor, cycle=cycle, state="scored")
    assert "BL-2, QW-6" in messages(raised)

    consolidate_all(lead, {"BL-2": "3.88", "QW-6": "3.50"})
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.state == "scored"


def test_publishing_freezes_the_result_in_revision_one():
    cycle, revision = published_cycle(RegionFactory())

    cycle.refresh_from_db()
    assert cycle.state == "published"
    assert revision.number == 1
    assert revision.result["index"]["index"] == "3.48"
    assert revision.result["index"]["exact"] == "3.475"
    assert revision.result["index"]["fraction"] == "139/40"
    dimensions = {d["code"]: d for d in revision.result["dimensions"]}
    assert dimensions["baseline"]["exact"] == "3.84"
    assert dimensions["output"]["fraction"] == "159/50"  # (3 + 3,2 + 3,34) / 3 = 3,18
    assert dimensions["output"]["items"] == ["OP-1", "OP-2", "OP-3"]
    assert dimensions["outcome"]["weight"] == "30"
    assert {s["code"]: s["score"] for s in revision.item_scores}["OP-3"] == "3.34"
    assert revision.notes == "Bukti dukung lengkap."
    assert revision.recommendations == "Perluas layanan digital."
    assert actions(revision) == ["create"]


def test_a_published_cycle_refuses_every_change_in_the_services():
    cycle, _revision = published_cycle(RegionFactory())
    lead = cycle.assignments.get(is_lead=True)

    attempts = [
        lambda: assessment.consolidated_set(
            actor=lead.assessor, lead=lead, item=item(cycle, "OP-1"), score=Decimal(4)
        ),
        lambda: assessment.score_set(
            actor=lead.assessor,
            assignment=lead,
            item=item(cycle, "OP-1"),
            score=Decimal(4),
            justification="Ubah.",
        ),
        lambda: assessment.summary_set(
            actor=lead.assessor, lead=lead, notes="", recommendations=""
        ),
        lambda: assessment.assignment_create(actor=None, cycle=cycle, assessor=user("zaki")),
        lambda: assessment.cycle_publish(actor=operator(), cycle=cycle),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as raised:
            attempt()
        assert "sudah diumumkan" in messages(raised)


def test_the_database_refuses_writes_to_a_published_cycle():
    cycle, revision = published_cycle(RegionFactory())
    lead = cycle.assignments.get(is_lead=True)

    frozen = [
        lambda: ConsolidatedScore.objects.filter(cycle=cycle).update(score=Decimal(4)),
        lambda: Answer.objects.create(cycle=cycle, item=item(cycle, "OP-1"), text="Terlambat."),
        lambda: EvidenceRequest.objects.create(
            cycle=cycle,
            item=item(cycle, "OP-1"),
            requested_by=lead.assessor,
            message="x",
            due_on=dt.date(2025, 7, 1),
        ),
        lambda: cycle.summary.__class__.objects.filter(cycle=cycle).update(notes="Ubah."),
    ]
    frozen.append(
        lambda: AssessorScore.objects.create(
            assignment=lead, item=item(cycle, "OP-1"), score=Decimal(3), justification="x"
        )
    )
    for write in frozen:
        with pytest.raises(IntegrityError), transaction.atomic():
            write()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_resultrevision SET reason = 'x' WHERE id = %s", [revision.pk]
        )
    with pytest.raises(AppendOnlyError):
        revision.delete()
    assert ConsolidatedScore.objects.get(cycle=cycle, item__code="OP-1").score == Decimal(3)


def test_the_database_refuses_changes_to_the_answers_and_evidence_of_a_published_cycle():
    region = RegionFactory()
    cycle = make_cycle(region)
    answer = sa.answer_save(
        actor=None, cycle=cycle, item=item(cycle, "BL-1"), text="Naik.", claimed_score=None
    )
    published_cycle(region)

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(text="Diubah sesudah diumumkan.")
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerEvidence.objects.create(answer=answer, kind="link", url="https://a.id")
    answer.refresh_from_db()
    assert answer.text == "Naik."


def test_a_correction_is_a_new_visible_revision_with_its_reason():
    cycle, first = published_cycle(RegionFactory())
    corrected = {s["item"]: Decimal(s["score"]) for s in first.item_scores}
    corrected[item(cycle, "QW-1").pk] = Decimal("3.60")  # Quick Win 3,35 → 3,45

    with pytest.raises(ValidationError) as raised:
        cycles.result_correct(actor=operator(), cycle=cycle, scores=corrected, reason=" ")
    assert "alasannya" in messages(raised)
    bad = dict(corrected)
    bad[item(cycle, "QW-2").pk] = Decimal(5)
    with pytest.raises(ValidationError) as raised:
        cycles.result_correct(actor=operator(), cycle=cycle, scores=bad, reason="Salah ketik.")
    assert "QW-2" in messages(raised)

    second = cycles.result_correct(
        actor=operator(), cycle=cycle, scores=corrected, reason="Salah ketik nilai QW-1."
    )

    assert second.number == 2
    assert second.reason == "Salah ketik nilai QW-1."
    assert second.result["index"]["exact"] == "3.495"  # + 0,2 × 0,1
    assert second.result["index"]["index"] == "3.50"
    assert second.notes == first.notes
    assert list(ResultRevision.objects.filter(cycle=cycle).values_list("number", flat=True)) == [
        1,
        2,
    ]
    first.refresh_from_db()
    assert first.result["index"]["exact"] == "3.475"
    # The consolidated rows stay as published; the correction lives in the revision.
    assert ConsolidatedScore.objects.get(cycle=cycle, item__code="QW-1").score == Decimal(3)


def test_it_compares_with_the_previous_year_from_the_published_revisions():
    region = RegionFactory()
    previous_scores = {code: "3" for code in JAMBI_ITEMS}
    published_cycle(region, year=2024, by_code=previous_scores)
    other_stage, _r = published_cycle(region, year=2024, stage="tahap_2", lead_name="lead2")
    cycle, _revision = published_cycle(region, year=2025, lead_name="lead3")

    comparison = cycle_comparison(cycle)

    assert comparison.previous_cycle is not None
    assert (comparison.previous_cycle.year, comparison.previous_cycle.stage) == (2024, "tahap_1")
    assert comparison.previous_cycle != other_stage
    figures = {f.code: f for f in comparison.dimensions}
    assert [f.code for f in comparison.dimensions] == [
        "baseline",
        "output",
        "outcome",
        "impact",
        "quick_win",
    ]
    assert figures["baseline"].previous == 3
    assert figures["baseline"].current == Fraction("3.84")
    assert figures["baseline"].change_shown == Decimal("0.84")
    assert comparison.index.previous == 3
    assert comparison.index.current == Fraction("3.475")
    assert comparison.index.change_shown == Decimal("0.48")  # 0,475 half-up
    assert len(comparison.pillars) == 6  # one Quick Win item per pillar
    assert all(p.previous == 3 and p.current is not None for p in comparison.pillars)


def test_the_comparison_without_a_previous_cycle_has_no_previous_values():
    cycle, _revision = published_cycle(RegionFactory())

    comparison = cycle_comparison(cycle)

    assert comparison.previous_cycle is None
    assert all(f.previous is None and f.change is None for f in comparison.dimensions)
    assert comparison.index.current == Fraction("3.475")


def test_the_baseline_is_derived_explicitly_from_the_previous_index():
    region = RegionFactory()
    published_cycle(region, year=2024)  # index 3,475
    cycle = in_assessment(region, year=2025)
    lead = assign(cycle, "lead25", lead=True)

    assert baseline_proposal(cycle)[1] == Decimal("3.48")  # type: ignore[index]
    saved = assessment.baseline_from_previous(actor=lead.assessor, lead=lead)

    assert [(c.item.code, c.score) for c in saved] == [
        ("BL-1", Decimal("3.48")),
        ("BL-2", Decimal("3.48")),
    ]
    assert "indeks evaluasi 2024 (Tahap I, revisi 1): 3,475, dibulatkan menjadi 3,48" in (
        saved[0].note
    )
    assert [e.action for e in history_for(saved[0])] == ["create"]


def test_without_a_previous_published_cycle_there_is_no_baseline_to_derive():
    region = RegionFactory()
    in_assessment(region, year=2024)  # not published
    cycle = in_assessment(region, year=2025)
    lead = assign(cycle, "lead25", lead=True)

    with pytest.raises(ValidationError) as raised:
        assessment.baseline_from_previous(actor=lead.assessor, lead=lead)
    assert "belum punya hasil evaluasi yang diumumkan" in messages(raised)


def test_evidence_requests_need_a_future_deadline_and_can_be_closed():
    cycle = in_assessment(RegionFactory())
    ani = assign(cycle, "ani")
    op1 = item(cycle, "OP-1")

    with pytest.raises(ValidationError) as raised:
        assessment.evidence_request_create(
            actor=ani.assessor,
            assignment=ani,
            item=op1,
            message="Unggah perwali.",
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "sebelum hari ini" in messages(raised)
    request = assessment.evidence_request_create(
        actor=ani.assessor,
        assignment=ani,
        item=op1,
        message="Unggah perwali.",
        due_on=timezone.localdate() + dt.timedelta(days=1),
    )
    assessment.evidence_request_close(actor=ani.assessor, request=request)

    request.refresh_from_db()
    assert request.state == EvidenceRequest.State.CLOSED
    assert actions(request) == ["create", "update"]


def test_cycles_stay_apart_across_regions():
    mine = in_assessment(RegionFactory())
    theirs = in_assessment(RegionFactory(code="14.71", name="Kota Pekanbaru"))
    ani = assign(mine, "ani")

    assert list(assigned_cycles(ani.assessor)) == [mine]
    assert assignment_for(ani.assessor, theirs) is None
    assert not may_read_cycle(ani.assessor, theirs)
