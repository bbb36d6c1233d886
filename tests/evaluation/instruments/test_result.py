"""Dimension, pillar and index figures from item scores (selectors)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.evaluation.cycles.selectors import cycle_result
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.instruments.selectors import (
    evaluation_index,
    instrument_result,
    score_shown,
)
from tests.evaluation.assessment_factories import JAMBI_ITEMS
from tests.evaluation.factories import make_cycle, scores_by_code
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> list[str | None]:
    return [e.code for e in error.error_list]


def test_it_computes_the_jambi_2024_index_from_item_scores():
    cycle = make_cycle(RegionFactory())

    result = cycle_result(cycle=cycle, scores=scores_by_code(cycle.instrument, JAMBI_ITEMS))

    assert [(p.code, p.value) for p in result.dimensions] == [
        ("baseline", Fraction("3.84")),
        ("output", Fraction("3.18")),
        ("outcome", Fraction("3.53")),
        ("impact", Fraction("3.63")),
        ("quick_win", Fraction("3.35")),
    ]
    assert result.index is not None
    assert result.index.value == Fraction("3.475")
    assert str(result.index.exact) == "3.475"
    assert str(result.index.rounded) == "3.48"
    lines = result.explain()
    assert "Output: (3 + 3,2 + 3,34) ÷ 3 = 3,18" in lines
    assert "Dibulatkan setengah ke atas ke 2 desimal, sekali di akhir: 3,475 → 3,48" in lines


def test_it_never_rounds_a_dimension_score_before_the_index():
    cycle = make_cycle(RegionFactory())
    items = {**JAMBI_ITEMS, "OP-1": "3.00", "OP-2": "3.18", "OP-3": "3.05"}

    result = cycle_result(cycle=cycle, scores=scores_by_code(cycle.instrument, items))

    output = result.dimensions[1]
    assert output.value == Fraction("9.23") / 3  # 3,0766…
    assert score_shown(output.value) == "3,08"
    assert result.index is not None
    assert str(result.index.rounded) == "3.45"
    # Rounding the dimension scores first would publish 3,46.
    rounded_first = evaluation_index(scores={p.code: p.rounded for p in result.dimensions})
    assert str(rounded_first.rounded) == "3.46"
    assert "Output: (3 + 3,18 + 3,05) ÷ 3 = 3,0766666667…" in result.explain()


def test_it_computes_pillar_scores_from_the_items_of_each_pillar():
    cycle = make_cycle(RegionFactory())

    result = cycle_result(cycle=cycle, scores=scores_by_code(cycle.instrument, JAMBI_ITEMS))

    assert [(p.code, p.value) for p in result.pillars] == [
        ("governance", Fraction(3)),
        ("branding", Fraction("3.5")),
        ("economy", Fraction("3.2")),
        ("living", Fraction("3.4")),
        ("society", Fraction("3.5")),
        ("environment", Fraction("3.5")),
    ]


def test_it_uses_item_weights_with_the_weighted_mean_rule():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2026)
    services.instrument_update(actor=None, instrument=instrument, aggregation="weighted_mean")
    services.item_update(actor=None, item=instrument.items.get(code="BL-2"), weight=Decimal(3))

    result = instrument_result(
        instrument=instrument, scores=scores_by_code(instrument, JAMBI_ITEMS)
    )

    baseline = result.dimensions[0]
    assert baseline.value == (Fraction("3.80") + 3 * Fraction("3.88")) / 4
    assert baseline.explain() == "Baseline: (1 × 3,8 + 3 × 3,88) ÷ 4 = 3,86"
    assert "rata-rata berbobot" in result.explain()[0]


def test_it_enforces_the_scale_bounds_and_its_decimals():
    cycle = make_cycle(RegionFactory())
    items = {**JAMBI_ITEMS, "BL-1": "4.01", "BL-2": "-0.5", "OP-1": "3.125"}

    with pytest.raises(ValidationError) as raised:
        cycle_result(cycle=cycle, scores=scores_by_code(cycle.instrument, items))

    assert codes(raised.value) == ["score_out_of_range", "score_out_of_range", "score_precision"]
    assert raised.value.messages[0] == "Nilai butir BL-1 harus antara 0 dan 4, bukan 4,01."
    assert "paling banyak 2 angka di belakang koma" in raised.value.messages[2]


def test_it_accepts_both_ends_of_a_configured_scale():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2026)
    services.instrument_update(
        actor=None, instrument=instrument, scale_min=Decimal(1), scale_max=Decimal(5)
    )
    ids = list(instrument.items.values_list("pk", flat=True))

    top = instrument_result(instrument=instrument, scores=dict.fromkeys(ids, Decimal(5)))
    with pytest.raises(ValidationError) as raised:
        instrument_result(instrument=instrument, scores=dict.fromkeys(ids, Decimal(0)))

    assert top.index is not None
    assert str(top.index.rounded) == "5.00"
    assert set(codes(raised.value)) == {"score_out_of_range"}


def test_it_names_unscored_and_foreign_items_and_refuses_floats():
    cycle = make_cycle(RegionFactory())
    scores: dict[int, object] = dict(scores_by_code(cycle.instrument, JAMBI_ITEMS))
    del scores[cycle.instrument.items.get(code="QW-6").pk]
    scores[cycle.instrument.items.get(code="QW-5").pk] = 3.5
    scores[999_999] = Decimal(1)

    with pytest.raises(ValidationError) as raised:
        cycle_result(cycle=cycle, scores=scores)  # type: ignore[arg-type]

    assert codes(raised.value) == ["unknown_item", "missing_score", "not_a_number"]
    assert raised.value.messages[1] == "Butir belum dinilai: QW-6."


def test_a_readiness_instrument_has_dimension_scores_but_no_index():
    readiness = services.instrument_create(actor=None, kind="readiness", year=2025)
    scores = dict.fromkeys(readiness.items.values_list("pk", flat=True), Decimal(3))

    result = instrument_result(instrument=readiness, scores=scores)

    assert result.index is None
    assert [p.code for p in result.dimensions] == ["struktur", "infrastruktur", "suprastruktur"]
    assert all(p.value == 3 for p in result.dimensions)
