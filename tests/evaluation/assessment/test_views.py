"""The assessor pages as the ministry's operator, external assessors and the
region's team use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.models import (
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    EvaluationCycle,
    ResultRevision,
)
from kotacerdas.evaluation.self_assessment import services as sa
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assessor_role,
    assign,
    in_assessment,
    operator,
    published_cycle,
    user,
)
from tests.evaluation.factories import make_cycle
from tests.factories import RegionFactory
from tests.logins import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def client_for(username: str) -> Client:
    return login_verified(Client(), user(username))


def url(name: str, *args: object) -> str:
    return reverse(f"evaluation:{name}", args=args)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def item_pks(cycle: EvaluationCycle) -> dict[str, int]:
    return dict(cycle.instrument.items.values_list("code", "pk"))


def scores_form(
    cycle: EvaluationCycle, by_code: dict[str, str], why: str = "Sesuai bukti."
) -> dict:
    pks = item_pks(cycle)
    data = {}
    for code, value in by_code.items():
        data[f"score-{pks[code]}"] = value.replace(".", ",")
        data[f"justification-{pks[code]}"] = why
    return data


def test_two_assessors_score_the_lead_consolidates_and_the_operator_publishes(world, personas):
    cycle = in_assessment(world.region)
    ops = login_verified(Client(), operator())
    for name in ("ani", "budi"):
        assessor_role(user(name), cycle.region)

    for name, lead in (("ani", True), ("budi", False)):
        response = ops.post(
            url("assignment_manage", cycle.pk),
            {"assessor": user(name).pk, "is_lead": "on" if lead else ""},
        )
        assert response.status_code == 302
    assert list(cycle.assignments.values_list("assessor__username", "is_lead")) == [
        ("ani", True),
        ("budi", False),
    ]

    ani, budi = client_for("ani"), client_for("budi")
    assert ani.get(url("assess", cycle.pk))["Location"] == url("conflict_declare", cycle.pk)
    for client in (ani, budi):
        client.post(url("conflict_declare", cycle.pk), {"has_conflict": "no"})

    # A score without a justification is refused; what was typed stays on the page.
    pks = item_pks(cycle)
    refused = ani.post(
        url("assess", cycle.pk),
        {f"score-{pks['OP-1']}": "3,5", f"justification-{pks['OP-1']}": ""},
    )
    assert refused.status_code == 200
    assert "Alasan penilaian wajib diisi." in text(refused)
    assert 'value="3,5"' in text(refused)
    assert not AssessorScore.objects.exists()

    ani.post(url("assess", cycle.pk), scores_form(cycle, JAMBI_ITEMS))
    budi_scores = dict(JAMBI_ITEMS, **{"OP-1": "4.00", "OP-2": "2.00"})
    budi.post(url("assess", cycle.pk), scores_form(cycle, budi_scores))
    assert AssessorScore.objects.count() == 30

    page = text(ani.get(url("consolidate", cycle.pk)))
    assert "sebaran besar" in page  # OP-2: 3,2 vs 2 → spread 1,2
    assert budi.get(url("consolidate", cycle.pk)).status_code == 403

    # Save the proposals (the means), then set OP-1 and OP-2 back with a note.
    form = {f"score-{pk}": "" for pk in pks.values()}
    form.update(
        {f"score-{pks[c]}": v.replace(".", ",") for c, v in JAMBI_ITEMS.items()},
    )
    form[f"note-{pks['OP-2']}"] = "Perbup belum diundangkan; nilai asesor utama."
    ani.post(url("consolidate", cycle.pk), form)
    assert ConsolidatedScore.objects.filter(cycle=cycle).count() == 15
    assert ConsolidatedScore.objects.get(item__code="OP-2").note.startswith("Perbup")

    ani.post(url("summary_edit", cycle.pk), {"notes": "Lengkap.", "recommendations": "Lanjut."})
    ani.post(url("mark_scored", cycle.pk))
    cycle.refresh_from_db()
    assert cycle.state == "scored"

    assert personas["admin"].post(url("cycle_publish", cycle.pk)).status_code == 403
    ops.post(url("cycle_publish", cycle.pk), {CONFIRM_FIELD: "1"})
    cycle.refresh_from_db()
    assert cycle.state == "published"

    result = text(personas["admin"].get(url("cycle_result", cycle.pk)))
    assert 'data-testid="index">3,48<' in result
    assert "3,475" in result
    assert "OP-1: 3" in result
    detail = text(personas["admin"].get(url("cycle_detail", cycle.pk)))
    assert "Revisi 1" in detail and "pengumuman pertama" in detail


def test_an_assessor_sees_only_the_cycles_of_their_assignments(world, personas):
    mine = in_assessment(world.region)
    other_region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    theirs = in_assessment(other_region)
    assign(mine, "ani")
    ani = client_for("ani")
    stranger = client_for("zaki")  # an external account with no assignment

    assert ani.get(url("cycle_detail", mine.pk)).status_code == 200
    page = text(ani.get(url("my_assignments")))
    assert "Kota Dumai" in page and "Kota Pekanbaru" not in page
    assert "Penugasan saya" in text(ani.get(url("cycle_detail", mine.pk)))
    for name in ("cycle_detail", "assess", "consolidate", "cycle_result", "conflict_declare"):
        assert ani.get(url(name, theirs.pk)).status_code == 404, name
        assert stranger.get(url(name, mine.pk)).status_code == 404, name
    # A Role.ASSESSOR membership of the region is not an assignment.
    assert personas["assessor"].get(url("assess", mine.pk)).status_code == 403
    assert personas["assessor"].get(url("cycle_detail", mine.pk)).status_code == 403
    assert "Penugasan saya" not in text(personas["admin"].get(url("cycle_detail", mine.pk)))


def test_a_declared_conflict_blocks_scoring_and_the_operator_reassigns(world):
    cycle = in_assessment(world.region)
    conflicted = assign(cycle, "ani", declare=True)
    ani = client_for("ani")
    ops = login_verified(Client(), operator())

    page = text(ani.get(url("assess", cycle.pk)))
    assert "tidak dapat menilai" in page
    assert 'name="score-' not in page
    response = ani.post(
        url("assess", cycle.pk),
        {f"score-{item_pks(cycle)['OP-1']}": "3", f"justification-{item_pks(cycle)['OP-1']}": "x"},
    )
    assert "benturan kepentingan" in text(response)
    assert not AssessorScore.objects.exists()

    manage = text(ops.get(url("assignment_manage", cycle.pk)))
    assert "Pernah menjadi konsultan daerah ini." in manage
    ops.post(url("assignment_remove", conflicted.pk))
    budi = assessor_role(user("budi"), cycle.region)
    ops.post(url("assignment_manage", cycle.pk), {"assessor": budi.pk, "is_lead": "on"})
    assert list(Assignment.objects.filter(cycle=cycle).values_list("assessor__username")) == [
        ("budi",)
    ]


def test_the_conflict_declaration_needs_a_note_when_there_is_one(world):
    cycle = in_assessment(world.region)
    assign(cycle, "ani", declare=None)

    response = client_for("ani").post(url("conflict_declare", cycle.pk), {"has_conflict": "yes"})

    assert "Uraikan benturan kepentingannya." in text(response)
    assert Assignment.objects.get().conflict_declared_at is None


def test_the_operator_corrects_a_published_result_with_a_visible_revision(world, personas):
    cycle, first = published_cycle(world.region)
    ops = login_verified(Client(), operator())
    form = {f"score-{s['item']}": s["score"] for s in first.item_scores}
    form[f"score-{item_pks(cycle)['QW-1']}"] = "3,60"

    refused = ops.post(url("result_correct", cycle.pk), form)
    assert "alasannya" in text(refused)
    ops.post(url("result_correct", cycle.pk), {**form, "reason": "Salah ketik nilai QW-1."})

    assert list(ResultRevision.objects.values_list("number", flat=True)) == [1, 2]
    detail = text(personas["admin"].get(url("cycle_detail", cycle.pk)))
    assert "Revisi 2" in detail and "Salah ketik nilai QW-1." in detail
    result = text(personas["admin"].get(url("cycle_result", cycle.pk)))
    assert 'data-testid="index">3,50<' in result  # 3,495 half-up
    first_page = text(personas["admin"].get(url("cycle_result", cycle.pk) + "?revisi=1"))
    assert 'data-testid="index">3,48<' in first_page
    assert "sudah digantikan" in first_page


def test_the_region_sees_no_figures_before_publication(world, personas):
    cycle = in_assessment(world.region)
    lead = assign(cycle, "ani", lead=True)
    for code, value in JAMBI_ITEMS.items():
        assessment.consolidated_set(
            actor=lead.assessor,
            lead=lead,
            item=cycle.instrument.items.get(code=code),
            score=Decimal(value),
        )

    team = text(personas["admin"].get(url("cycle_result", cycle.pk)))
    draft = text(client_for("ani").get(url("cycle_result", cycle.pk)))

    assert "belum diumumkan" in team and "3,48" not in team
    assert "DRAF" in draft and 'data-testid="index">3,48<' in draft


def test_the_lead_derives_the_baseline_from_last_year(world):
    published_cycle(world.region, year=2024)
    cycle = in_assessment(world.region, year=2025)
    assign(cycle, "ani", lead=True)
    ani = client_for("ani")

    assert "Turunkan nilai Baseline" in text(ani.get(url("consolidate", cycle.pk)))
    ani.post(url("baseline_derive", cycle.pk))

    assert sorted(
        ConsolidatedScore.objects.filter(cycle=cycle).values_list("item__code", "score")
    ) == [("BL-1", Decimal("3.48")), ("BL-2", Decimal("3.48"))]


def test_the_assessor_sees_the_regions_answers_and_evidence(world, personas, admin_user):
    cycle = make_cycle(world.region)
    bl1 = cycle.instrument.items.get(code="BL-1")
    sa.answer_save(
        actor=admin_user, cycle=cycle, item=bl1, text="Naik dari 2024.", claimed_score=Decimal(4)
    )
    evidence = sa.evidence_add_link(
        actor=admin_user, cycle=cycle, item=bl1, url="https://dumaikota.go.id/sk", caption="SK"
    )
    in_assessment(world.region)
    assign(cycle, "ani")

    page = text(client_for("ani").get(url("assess", cycle.pk)))

    assert "Naik dari 2024." in page
    assert 'href="https://dumaikota.go.id/sk"' in page
    assert evidence.caption in page


def test_the_assess_page_needs_the_same_queries_however_many_answers(world, admin_user):
    cycle = make_cycle(world.region)
    ani = client_for("ani")
    assign(in_assessment(world.region), "ani")

    def answered(*codes: str) -> int:
        EvaluationCycle.objects.filter(pk=cycle.pk).update(state="preparing")
        cycle.refresh_from_db()
        for code in codes:
            it = cycle.instrument.items.get(code=code)
            sa.answer_save(actor=admin_user, cycle=cycle, item=it, text="x", claimed_score=None)
            sa.evidence_add_link(actor=admin_user, cycle=cycle, item=it, url="https://a.id")
        EvaluationCycle.objects.filter(pk=cycle.pk).update(state="in_assessment")
        with CaptureQueriesContext(connection) as queries:
            assert ani.get(url("assess", cycle.pk)).status_code == 200
        return len(queries.captured_queries)

    assert answered("BL-1") == answered("BL-2", "OP-1", "OP-2", "OC-1")


def test_an_assessor_reads_the_cycle_page_without_links_that_would_refuse_them(world, personas):
    cycle = in_assessment(world.region)
    assign(cycle, "ani", lead=True)
    schedule = url("cycle_schedule", cycle.pk)
    page = text(client_for("ani").get(url("cycle_detail", cycle.pk)))
    assert schedule not in page
    assert url("instrument_detail", cycle.instrument.pk) not in page
    assert reverse("evaluation:cycle_list", args=[world.region.code]) not in page
    # The region's team manages the cycle and keeps those links.
    assert schedule in text(personas["admin"].get(url("cycle_detail", cycle.pk)))
