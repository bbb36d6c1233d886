"""Figures and reads of a cycle: its items (the evaluation instrument's,
then the readiness instrument's), its result computed from item scores with
the instrument version the cycle keeps (the figures themselves are
instruments/selectors.py's), its published revisions, and the shape in which
a revision freezes a result.

Everything is exact (``Fraction``) until the very end, and rounded half-up
once, for display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import decimal_id, round_half_up
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.instruments.models import Item
from kotacerdas.evaluation.instruments.selectors import (
    SCORE_PLACES,
    CycleResult,
    instrument_result,
    number_id,
    number_plain,
)


def cycle_instrument_ids(cycle: EvaluationCycle) -> list[int]:
    """The instruments a cycle is answered and scored on: its evaluation
    instrument, then its optional readiness instrument."""
    ids = [cycle.instrument_id]
    if cycle.readiness_instrument_id:
        ids.append(cycle.readiness_instrument_id)
    return ids


def cycle_items(cycle: EvaluationCycle) -> QuerySet[Item]:
    """THE list of a cycle's items: every item of the evaluation instrument,
    then every item of the readiness instrument when one is attached, each in
    dimension and item order. Everything that enumerates or validates the
    items of a cycle (answers, scores, completeness, publishing) uses this."""
    return (
        Item.objects.filter(instrument_id__in=cycle_instrument_ids(cycle))
        .annotate(
            readiness_last=Case(
                When(instrument_id=cycle.instrument_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("dimension", "instrument")
        .order_by("readiness_last", "dimension__order", "order", "id")
    )


def cycle_result(*, cycle: EvaluationCycle, scores: Mapping[int, Decimal | int]) -> CycleResult:
    """The figures of a cycle, always with the instrument version the cycle
    keeps (never the currently active one). Only the evaluation instrument's
    items count here (scores of readiness items are ignored): the index never
    depends on the readiness instrument (``readiness_result``)."""
    readiness = set(
        Item.objects.filter(instrument_id=cycle.readiness_instrument_id).values_list(
            "pk", flat=True
        )
        if cycle.readiness_instrument_id
        else ()
    )
    return instrument_result(
        instrument=cycle.instrument,
        scores={pk: v for pk, v in scores.items() if pk not in readiness},
    )


@dataclass(frozen=True)
class ReadinessResult:
    """The readiness figures of a cycle: its dimensions (struktur,
    infrastruktur, suprastruktur) and the readiness index = Σ weight/100 ×
    dimension score, exact, rounded half-up to 2 decimals only for display."""

    result: CycleResult
    weights: dict[str, Decimal]
    value: Fraction

    @property
    def rounded(self) -> Decimal:
        return round_half_up(self.value, SCORE_PLACES)

    def explain(self) -> tuple[str, ...]:
        terms = " + ".join(
            f"{number_id(self.weights[p.code])}% × {number_id(p.value)}"
            for p in self.result.dimensions
        )
        return (
            *self.result.explain(),
            _("Indeks kesiapan = %(terms)s = %(value)s, dibulatkan menjadi %(shown)s.")
            % {
                "terms": terms,
                "value": number_id(self.value),
                "shown": decimal_id(self.rounded, SCORE_PLACES),
            },
        )


def readiness_result(
    *, cycle: EvaluationCycle, scores: Mapping[int, Decimal | int]
) -> ReadinessResult | None:
    """The readiness figures of a cycle from its readiness items' scores
    (others ignored), or None when the cycle has no readiness instrument."""
    readiness = cycle.readiness_instrument
    if readiness is None:
        return None
    main = set(Item.objects.filter(instrument_id=cycle.instrument_id).values_list("pk", flat=True))
    result = instrument_result(
        instrument=readiness, scores={pk: v for pk, v in scores.items() if pk not in main}
    )
    weights = {d.code: d.weight for d in readiness.dimensions.all()}
    value = sum((Fraction(weights[p.code]) / 100 * p.value for p in result.dimensions), Fraction(0))
    return ReadinessResult(result=result, weights=weights, value=value)


# --- Published revisions ---------------------------------------------------------------------


def latest_revision(cycle: EvaluationCycle) -> ResultRevision | None:
    """The published result of the cycle: its newest revision."""
    return cycle.revisions.order_by("-number").first()


def previous_published_cycle(cycle: EvaluationCycle) -> EvaluationCycle | None:
    """The region's latest published cycle of an earlier year and the same
    stage."""
    return (
        EvaluationCycle.objects.filter(
            region_id=cycle.region_id,
            stage=cycle.stage,
            year__lt=cycle.year,
            state=EvaluationCycle.State.PUBLISHED,
        )
        .order_by("-year")
        .first()
    )


# --- A result as a revision freezes it ---------------------------------------------------------


def _fraction(value: Fraction) -> str:
    """A Fraction as exact text: ``139/40``."""
    return f"{value.numerator}/{value.denominator}"


def explained_in_both(explain: Callable[[], Iterable[Any]]) -> dict[str, list[str]]:
    """The explanation's lines frozen in Indonesian (``explain``, whatever the
    language of the person who publishes) and in English (``explain_en``),
    so that each reader later sees the steps in their own language."""
    lines: dict[str, list[str]] = {}
    for key, language in (("explain", "id"), ("explain_en", "en")):
        with translation.override(language):
            lines[key] = [str(line) for line in explain()]
    return lines


def result_as_json(result: CycleResult) -> dict[str, Any]:
    """The computed figures as stored in a revision: every value exactly
    (``fraction``, "139/40"), as a plain decimal (``exact``, at most 10
    places), and as shown (``shown``, half-up to 2 places)."""

    def part(p: Any, weight: Decimal | None = None) -> dict[str, Any]:
        row = {
            "code": p.code,
            "name": p.name,
            "fraction": _fraction(p.value),
            "exact": number_plain(p.value),
            "shown": str(p.rounded),
            "items": [code for code, _s, _w in p.scores],
        }
        if weight is not None:
            row["weight"] = number_plain(weight)
        return row

    weights = {d.code: d.weight for d in result.instrument.dimensions.all()}
    index = None
    if result.index is not None:
        index = {**result.index.as_dict(), "fraction": _fraction(result.index.value)}
    return {
        "instrument": {
            "id": result.instrument.pk,
            "name": result.instrument.name,
            "year": result.instrument.year,
            "version": result.instrument.version,
            "aggregation": result.instrument.aggregation,
            "scale_min": number_plain(result.instrument.scale_min),
            "scale_max": number_plain(result.instrument.scale_max),
            "scale_places": result.instrument.scale_places,
        },
        "dimensions": [part(p, weights.get(p.code)) for p in result.dimensions],
        "pillars": [part(p) for p in result.pillars],
        "index": index,
        **explained_in_both(result.explain),
    }


def readiness_as_json(readiness: ReadinessResult) -> dict[str, Any]:
    """The readiness figures as stored under ``result["readiness"]``: the
    same shape as the main result, and the readiness index exactly and as
    shown (half-up to 2 places)."""
    stored = result_as_json(readiness.result)
    stored["index"] = {
        "fraction": _fraction(readiness.value),
        "exact": number_plain(readiness.value),
        "shown": str(readiness.rounded),
    }
    stored.update(explained_in_both(readiness.explain))
    return stored


def item_scores_json(cycle: EvaluationCycle, scores: Mapping[int, Decimal]) -> list[dict[str, Any]]:
    """Every item's score as frozen in a revision; readiness items (after
    the evaluation's) are marked ``"readiness": true``."""
    rows: list[dict[str, Any]] = []
    for item in cycle_items(cycle):
        row: dict[str, Any] = {
            "item": item.pk,
            "code": item.code,
            "dimension": item.dimension.code,
            "pillar": item.pillar,
            "score": number_plain(scores[item.pk]),
        }
        if item.instrument_id != cycle.instrument_id:
            row["readiness"] = True
        rows.append(row)
    return rows


def cycle_result_json(*, cycle: EvaluationCycle, scores: Mapping[int, Decimal]) -> dict[str, Any]:
    """The cycle's figures from ``scores`` as a revision stores them
    (``result_as_json``), with the readiness figures under ``"readiness"``
    when the cycle has a readiness instrument. Raises the figures'
    ValidationError while an item is unscored."""
    stored = result_as_json(cycle_result(cycle=cycle, scores=scores))
    readiness = readiness_result(cycle=cycle, scores=scores)
    if readiness is not None:
        stored["readiness"] = readiness_as_json(readiness)
    return stored
