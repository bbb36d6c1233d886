"""The readiness instrument as the cycle's second, optional instrument: its
items are answered, scored, consolidated and required for "scored" like the
evaluation's; publishing stores a separate readiness result; the index and a
cycle without readiness are unchanged."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.evaluation.access import item_of_cycle
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.assessment.selectors import (
    cycle_spread,
    missing_consolidated,
    result_explained,
)
from kotacerdas.evaluation.cycles import services as cycles
from kotacerdas.evaluation.cycles.selectors import cycle_items
from kotacerdas.evaluation.models import EvaluationCycle, Item
from kotacerdas.evaluation.reports.data import report_data
from kotacerdas.evaluation.reports.pdf import report_html
from kotacerdas.evaluation.reports.xlsx import SHEET_READINESS, report_xlsx
from kotacerdas.evaluation.self_assessment import services as sa
from kotacerdas.evaluation.self_assessment.selectors import answer_progress, self_assessment
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assign,
    consolidate_all,
    operator,
    published_cycle,
)
from tests.evaluation.factories import active_instrument, make_cycle
from tests.factories import RegionFactory
from tests.logins import login_verified

pytestmark = pytest.mark.django_db

# Means: struktur 3,5; infrastruktur 2,5; suprastruktur 2. With the default
# readiness weights 33,33 / 33,33 / 33,34 the readiness index is
# 0,3333 × 3,5 + 0,3333 × 2,5 + 0,3334 × 2 = 1,16655 + 0,83325 + 0,6668 = 2,6666
# (= 13333/5000), shown 2,67.
READINESS_ITEMS = {
    "ST-1": "3.00",
    "ST-2": "3.50",
    "ST-3": "4.00",
    "IN-1": "2.00",
    "IN-2": "2.50",
    "IN-3": "3.00",
    "SP-1": "1.00",
    "SP-2": "2.00",
    "SP-3": "3.00",
}


def readiness_cycle(state: str = EvaluationCycle.State.IN_ASSESSMENT) -> EvaluationCycle:
    active_instrument(2025, "readiness")
    cycle = make_cycle(RegionFactory(), year=2025, with_readiness=True)
    assert cycle.readiness_instrument is not None
    if state != cycle.state:
        cycles.cycle_advance(actor=None, cycle=cycle, state=state)
    return cycle


def any_item(cycle: EvaluationCycle, code: str) -> Item:
    """An item of either of the cycle's instruments by code."""
    return cycle_items(cycle).get(code=code)


def foreign_readiness_item() -> Item:
    """An item of a readiness instrument no cycle here uses (another year)."""
    return active_instrument(2026, "readiness").items.get(code="ST-1")


def consolidate(lead, by_code: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for code, value in by_code.items():
        assessment.consolidated_set(
            actor=lead.assessor,
            lead=lead,
            item=any_item(lead.cycle, code),
            score=Decimal(value),
        )


def test_cycle_items_lists_the_evaluation_items_then_the_readiness_items():
    cycle = readiness_cycle(EvaluationCycle.State.PREPARING)
    codes = list(cycle_items(cycle).values_list("code", flat=True))
    assert codes == [*JAMBI_ITEMS, *READINESS_ITEMS]


def test_the_region_answers_a_readiness_item_in_its_own_section():
    cycle = readiness_cycle(EvaluationCycle.State.PREPARING)
    st1 = any_item(cycle, "ST-1")
    assert st1.instrument_id == cycle.readiness_instrument_id

    answer = sa.answer_save(
        actor=operator(),
        cycle=cycle,
        item=st1,
        text="Tim smart city dibentuk dengan SK Wali Kota.",
        claimed_score=Decimal("3.50"),
    )

    assert answer.item == st1
    assert item_of_cycle(cycle, st1.pk) == st1
    progress = answer_progress(cycle)
    assert (progress.answered, progress.total) == (1, 24)
    overview = self_assessment(cycle, cycle.answers.all())
    starts = [g.dimension.code for g in overview.groups if g.starts_readiness]
    assert starts == ["struktur"]
    assert [g.dimension.code for g in overview.groups][-3:] == [
        "struktur",
        "infrastruktur",
        "suprastruktur",
    ]
    with pytest.raises(ValidationError) as raised:
        sa.answer_save(
            actor=operator(), cycle=cycle, item=st1, text="x", claimed_score=Decimal("4.01")
        )
    assert "claimed_score" in raised.value.message_dict


def test_an_item_of_an_unrelated_instrument_is_still_refused():
    cycle = readiness_cycle()
    foreign = foreign_readiness_item()
    lead = assign(cycle, "lead", lead=True)
    with pytest.raises(Http404):
        item_of_cycle(cycle, foreign.pk)
    with pytest.raises(ValidationError):
        assessment.score_set(
            actor=lead.assessor,
            assignment=lead,
            item=foreign,
            score=Decimal("3"),
            justification="Bukti lengkap.",
        )
    with pytest.raises(ValidationError):
        assessment.consolidated_set(
            actor=lead.assessor, lead=lead, item=foreign, score=Decimal("3")
        )


def test_readiness_items_are_scored_and_required_before_scored():
    cycle = readiness_cycle()
    lead = assign(cycle, "lead", lead=True)
    other = assign(cycle, "budi")
    st2 = any_item(cycle, "ST-2")
    for assignment, value in ((lead, "3.00"), (other, "4.00")):
        assessment.score_set(
            actor=assignment.assessor,
            assignment=assignment,
            item=st2,
            score=Decimal(value),
            justification="SK tim tersedia.",
        )
    spread = {row.item.code: row for row in cycle_spread(cycle)}
    assert len(spread) == 24
    assert sorted(m.score for m in spread["ST-2"].marks) == [Decimal("3.00"), Decimal("4.00")]

    consolidate_all(lead, JAMBI_ITEMS)
    consolidate(lead, {code: v for code, v in READINESS_ITEMS.items() if code != "SP-3"})
    with pytest.raises(ValidationError) as raised:
        assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    assert "SP-3" in " ".join(raised.value.messages)
    assert missing_consolidated(cycle) == ["SP-3"]

    consolidate(lead, {"SP-3": READINESS_ITEMS["SP-3"]})
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.state == EvaluationCycle.State.SCORED


def published_readiness_cycle() -> EvaluationCycle:
    cycle = readiness_cycle()
    lead = assign(cycle, "lead", lead=True)
    consolidate_all(lead, JAMBI_ITEMS)
    consolidate(lead, READINESS_ITEMS)
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    assessment.cycle_publish(actor=operator(), cycle=cycle)
    return cycle


def test_publishing_stores_the_readiness_result_and_keeps_the_index():
    cycle = published_readiness_cycle()
    revision = cycle.revisions.get()

    assert revision.result["index"]["index"] == "3.48"  # the evaluation index, unchanged
    assert revision.result["index"]["exact"] == "3.475"
    readiness = revision.result["readiness"]
    assert readiness["index"] == {"fraction": "13333/5000", "exact": "2.6666", "shown": "2.67"}
    assert [(d["code"], d["exact"], d["weight"]) for d in readiness["dimensions"]] == [
        ("struktur", "3.5", "33.33"),
        ("infrastruktur", "2.5", "33.33"),
        ("suprastruktur", "2", "33.34"),
    ]
    assert readiness["instrument"]["id"] == cycle.readiness_instrument_id
    flagged = [s["code"] for s in revision.item_scores if s.get("readiness")]
    assert flagged == list(READINESS_ITEMS)
    assert len(revision.item_scores) == 24

    explained = result_explained(revision.item_scores, revision.result)
    assert explained.index_shown == Decimal("3.48")
    assert explained.readiness is not None
    assert explained.readiness.index_shown == Decimal("2.67")
    assert [i.code for i in explained.readiness.dimensions[0].items] == ["ST-1", "ST-2", "ST-3"]
    assert all(i.code not in READINESS_ITEMS for d in explained.dimensions for i in d.items)


def test_the_report_data_and_workbook_hold_the_readiness_result():
    cycle = published_readiness_cycle()
    data = report_data(cycle)

    assert data.index_rounded == Decimal("3.48")
    assert data.readiness is not None
    assert data.readiness.index == Fraction(13333, 5000)
    assert data.readiness.index_shown == "2,67"
    assert [(d.code, d.score) for d in data.readiness.dimensions] == [
        ("struktur", Fraction(7, 2)),
        ("infrastruktur", Fraction(5, 2)),
        ("suprastruktur", Fraction(2)),
    ]
    assert [row.code for row in data.items][-9:] == list(READINESS_ITEMS)

    html = report_html(data)
    assert "Kesiapan daerah" in html
    assert "Indeks kesiapan: 2,67 (nilai tepat 2,6666)" in html

    book = load_workbook(BytesIO(report_xlsx(data)))
    assert SHEET_READINESS in book.sheetnames
    sheet = book[SHEET_READINESS]
    assert Decimal(str(sheet["B2"].value)) == Decimal("2.6666")
    assert Decimal(str(sheet["B3"].value)) == Decimal("2.67")
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert [(r[0], Decimal(str(r[4]))) for r in rows] == [
        ("struktur", Decimal("3.5")),
        ("infrastruktur", Decimal("2.5")),
        ("suprastruktur", Decimal("2")),
    ]


def test_a_cycle_without_readiness_is_unchanged():
    cycle, revision = published_cycle(RegionFactory())
    assert cycle.readiness_instrument is None
    assert "readiness" not in revision.result
    assert not any("readiness" in s for s in revision.item_scores)
    assert revision.result["index"]["index"] == "3.48"
    data = report_data(cycle)
    assert data.readiness is None
    assert "Kesiapan daerah" not in report_html(data)
    assert SHEET_READINESS not in load_workbook(BytesIO(report_xlsx(data))).sheetnames


def test_the_pages_show_the_readiness_items_and_result():
    cycle = published_readiness_cycle()
    ops = login_verified(Client(), operator())

    answers = ops.get(reverse("evaluation:answer_list", args=[cycle.pk]))
    assert answers.status_code == 200
    assert "Kesiapan daerah" in answers.content.decode()
    result = ops.get(reverse("evaluation:cycle_result", args=[cycle.pk])).content.decode()
    assert 'data-testid="index">3,48<' in result
    assert 'data-testid="readiness-index">2,67<' in result
    assert "ST-1: 3" in result
