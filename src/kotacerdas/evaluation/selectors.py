"""Figures of the evaluation: dimension and pillar scores from item scores,
and the index through ``kotacerdas.evaluation.index`` (the one place the
weighted sum is computed).

Everything is exact (``Fraction``) until the very end: a dimension score is
the mean (or weighted mean) of its items' scores, kept unrounded, and the
index is rounded half-up to two decimals once, for display. Each figure
carries the lines that explain it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import decimal_id, round_half_up
from kotacerdas.evaluation.index import IndexResult, evaluation_index, number_id
from kotacerdas.evaluation.models import Dimension, EvaluationCycle, Instrument, Item
from kotacerdas.masterplan.pillars import PILLARS

SCORE_PLACES = 2


@dataclass(frozen=True)
class Part:
    """One dimension's or one pillar's score: the exact aggregate of its
    items' scores and how it was reached."""

    code: str
    name: str
    scores: tuple[tuple[str, Fraction, Fraction], ...]  # item code, score, item weight
    weighted: bool

    @property
    def value(self) -> Fraction:
        if self.weighted:
            total = sum((w for _c, _s, w in self.scores), Fraction(0))
            return sum((s * w for _c, s, w in self.scores), Fraction(0)) / total
        return sum((s for _c, s, _w in self.scores), Fraction(0)) / len(self.scores)

    @property
    def rounded(self) -> Decimal:
        return round_half_up(self.value, SCORE_PLACES)

    def explain(self) -> str:
        """``Output: (3 + 4 + 3,5) ÷ 3 = 3,5`` or, weighted,
        ``Output: (1 × 3 + 2 × 4) ÷ 3 = 3,6666666667…``."""
        if self.weighted:
            terms = " + ".join(f"{number_id(w)} × {number_id(s)}" for _c, s, w in self.scores)
            divisor = sum((w for _c, _s, w in self.scores), Fraction(0))
        else:
            terms = " + ".join(number_id(s) for _c, s, _w in self.scores)
            divisor = Fraction(len(self.scores))
        return _("%(name)s: (%(terms)s) ÷ %(divisor)s = %(value)s") % {
            "name": self.name,
            "terms": terms,
            "divisor": number_id(divisor),
            "value": number_id(self.value),
        }


@dataclass(frozen=True)
class CycleResult:
    instrument: Instrument
    dimensions: tuple[Part, ...]  # in the instrument's order
    pillars: tuple[Part, ...]  # pillars that have items, in PILLARS order
    index: IndexResult | None  # None for a readiness instrument

    def explain(self) -> tuple[str, ...]:
        rule = (
            _("Nilai dimensi = rata-rata berbobot nilai butirnya, tidak dibulatkan.")
            if self.instrument.aggregation == Instrument.Aggregation.WEIGHTED_MEAN
            else _("Nilai dimensi = rata-rata nilai butirnya, tidak dibulatkan.")
        )
        lines = [rule, *(part.explain() for part in self.dimensions)]
        if self.index is not None:
            lines += self.index.explain()
        return tuple(lines)


def instrument_with_items(pk: int) -> Instrument:
    """One instrument with its dimensions and items in two queries."""
    return Instrument.objects.prefetch_related(
        Prefetch(
            "dimensions",
            queryset=Dimension.objects.order_by("order").prefetch_related(
                Prefetch("items", queryset=Item.objects.order_by("order", "id"))
            ),
        )
    ).get(pk=pk)


def instrument_summaries(queryset: QuerySet[Instrument]) -> QuerySet[Instrument]:
    return queryset.annotate(item_count=Count("items", distinct=True))


def _score_problems(
    instrument: Instrument, items: list[Item], scores: Mapping[int, object]
) -> tuple[dict[int, Fraction], list[ValidationError]]:
    problems: list[ValidationError] = []
    checked: dict[int, Fraction] = {}
    known = {item.pk: item for item in items}
    unknown = [pk for pk in scores if pk not in known]
    if unknown:
        problems.append(
            ValidationError(
                _("Nilai untuk butir yang bukan dari instrumen ini (id %(ids)s).")
                % {"ids": ", ".join(str(pk) for pk in unknown)},
                code="unknown_item",
            )
        )
    missing = [item.code for item in items if item.pk not in scores]
    if missing:
        problems.append(
            ValidationError(
                _("Butir belum dinilai: %(codes)s.") % {"codes": ", ".join(missing)},
                code="missing_score",
            )
        )
    low, high = instrument.scale_min, instrument.scale_max
    for item in items:
        if item.pk not in scores:
            continue
        raw = scores[item.pk]
        if (
            not isinstance(raw, Decimal | int)
            or isinstance(raw, bool)
            or (isinstance(raw, Decimal) and not raw.is_finite())
        ):
            problems.append(
                ValidationError(
                    _("Nilai butir %(code)s harus berupa angka desimal.") % {"code": item.code},
                    code="not_a_number",
                )
            )
            continue
        value = Decimal(raw)
        exponent = value.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if not low <= value <= high:
            problems.append(
                ValidationError(
                    _("Nilai butir %(code)s harus antara %(low)s dan %(high)s, bukan %(value)s.")
                    % {
                        "code": item.code,
                        "low": number_id(low),
                        "high": number_id(high),
                        "value": number_id(value),
                    },
                    code="score_out_of_range",
                )
            )
        elif places > instrument.scale_places:
            problems.append(
                ValidationError(
                    _(
                        "Nilai butir %(code)s paling banyak %(places)s angka di belakang koma, "
                        "bukan %(value)s."
                    )
                    % {
                        "code": item.code,
                        "places": instrument.scale_places,
                        "value": number_id(value),
                    },
                    code="score_precision",
                )
            )
        else:
            checked[item.pk] = Fraction(value)
    return checked, problems


def instrument_result(
    *, instrument: Instrument, scores: Mapping[int, Decimal | int]
) -> CycleResult:
    """Dimension, pillar and (for the evaluation) index figures from one
    score per item, keyed by item id. Every item must be scored, within the
    instrument's scale and its number of decimals; every problem is reported
    at once in one ValidationError."""
    dimensions = list(instrument.dimensions.order_by("order").prefetch_related("items"))
    items = [item for d in dimensions for item in d.items.all()]
    checked, problems = _score_problems(instrument, items, scores)
    if problems:
        raise ValidationError(problems)
    weighted = instrument.aggregation == Instrument.Aggregation.WEIGHTED_MEAN

    def part(code: str, name: str, members: list[Item]) -> Part:
        return Part(
            code=code,
            name=name,
            scores=tuple((i.code, checked[i.pk], Fraction(i.weight)) for i in members),
            weighted=weighted,
        )

    dimension_parts = tuple(
        part(d.code, d.name, sorted(d.items.all(), key=lambda i: (i.order, i.pk)))
        for d in dimensions
    )
    empty = [p.name for p in dimension_parts if not p.scores]
    if empty:
        raise ValidationError(
            _("Dimensi tanpa butir tidak dapat dinilai: %(names)s.") % {"names": ", ".join(empty)},
            code="empty_dimension",
        )
    pillar_parts = tuple(
        part(p.code, p.name, [i for i in items if i.pillar == p.code])
        for p in PILLARS
        if any(i.pillar == p.code for i in items)
    )
    index = None
    if instrument.kind == Instrument.Kind.EVALUATION:
        index = evaluation_index(
            scores={p.code: p.value for p in dimension_parts},
            weights={d.code: d.weight for d in dimensions},
            scale_max=instrument.scale_max,
        )
    return CycleResult(
        instrument=instrument, dimensions=dimension_parts, pillars=pillar_parts, index=index
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


def score_shown(value: Fraction) -> str:
    """A dimension or pillar score as published: two decimals, Indonesian."""
    return decimal_id(round_half_up(value, SCORE_PLACES), SCORE_PLACES)
