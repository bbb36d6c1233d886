"""Figures of an instrument (DOMAIN.md §3), computed here and only here.

- **The evaluation index** (``evaluation_index``): the weighted sum of the
  five dimension scores, ``Σ bobot/100 × nilai``. Weights are percentages
  that must sum to exactly 100 (default 10/20/30/20/20; the ministry has also
  published 10/20/30/30/10, so the weights belong to the instrument of an
  evaluation year). The sum is computed exactly (``Fraction``) from
  unrounded dimension scores: published dimension scores are themselves
  rounded, so summing them can move the second decimal. The index is rounded
  half-up to two decimals once, at the end, and only for display. Pure: no
  database; the command ``kotacerdas evaluation index`` calls it too.
- **Dimension and pillar scores** (``instrument_result``): the mean (or
  weighted mean) of their items' scores, kept unrounded, with the index of an
  evaluation instrument on top. A cycle's figures (cycles/selectors.py) are
  these, for the instrument version the cycle keeps.
- **Writing and reading numbers**: exact values as text (``number_id``,
  ``number_plain``) and numbers as people type them (``parse_number``).

Each figure carries the lines that explain it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.core.formatting import decimal_id, round_half_up
from kotacerdas.evaluation.instruments.models import Dimension, Instrument, Item
from kotacerdas.masterplan.pillars import PILLARS

# --- The evaluation index: its dimensions and default weights ------------------------------

INDEX_PLACES = 2
# How many decimals an "exact" value is written with. Weights and scores typed
# as decimals always give a terminating sum; a dimension score that is a mean
# of item scores (10/3) does not, and is then written to this many places and
# marked as rounded.
EXACT_PLACES = 10
DEFAULT_SCALE_MAX = Decimal(4)

# What callers may pass as a weight or a score: exact numbers only. A float is
# refused: 3.84 as a binary float is not 3.84.
Number = Decimal | Fraction | int


@dataclass(frozen=True)
class IndexDimension:
    """One of the index's five dimensions (the instrument's ``Dimension``
    rows carry their weights)."""

    code: str
    label: Promise


DIMENSIONS: tuple[IndexDimension, ...] = (
    IndexDimension("baseline", gettext_lazy("Baseline")),
    IndexDimension("output", gettext_lazy("Output")),
    IndexDimension("outcome", gettext_lazy("Outcome")),
    IndexDimension("impact", gettext_lazy("Impact (Dampak)")),
    IndexDimension("quick_win", gettext_lazy("Quick Win")),
)
DIMENSION_CODES: tuple[str, ...] = tuple(d.code for d in DIMENSIONS)
_LABELS = {d.code: d.label for d in DIMENSIONS}

DEFAULT_WEIGHTS: Mapping[str, Decimal] = MappingProxyType(
    {
        "baseline": Decimal(10),
        "output": Decimal(20),
        "outcome": Decimal(30),
        "impact": Decimal(20),
        "quick_win": Decimal(20),
    }
)


# --- Writing exact values ---------------------------------------------------------------


def _to_places(value: Fraction, places: int = EXACT_PLACES) -> tuple[Decimal, bool]:
    """``value`` as a Decimal with at most ``places`` decimals and no trailing
    zeros, and whether it had to be rounded (half-up) to get there."""
    shown = round_half_up(value, places)
    rounded = Fraction(shown) != value
    if shown == shown.to_integral_value():
        return shown.quantize(Decimal(1)), rounded
    return shown.normalize(), rounded


def number_plain(value: Number) -> str:
    """``3.475``: dot decimals, no exponent, for JSON and English text."""
    shown, _rounded = _to_places(Fraction(value))
    return f"{shown:f}"


def number_id(value: Number) -> str:
    """``3,475`` in Indonesian notation, with an ellipsis when the value does
    not terminate within ``EXACT_PLACES`` decimals (``3,3333333333…``)."""
    shown, rounded = _to_places(Fraction(value))
    exponent = shown.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return decimal_id(shown, places) + ("…" if rounded else "")


# --- Reading typed numbers --------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def parse_number(text: str) -> Decimal:
    """A number as people type it: ``3.84`` or, in Indonesian notation,
    ``3,84``. Raises ValidationError for anything else (``abc``, ``1e3``,
    ``NaN``, ``1.000,5``)."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise ValidationError(
            _(
                "%(value)s bukan angka; tulis mis. 3,84 atau 3.84. / "
                "%(value)s is not a number; write e.g. 3.84."
            ),
            code="not_a_number",
            params={"value": repr(text)},
        )
    return Decimal(cleaned.replace(",", "."))


# --- The index and its explanation -------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One dimension's part of the index: ``weight``/100 × ``score``."""

    code: str
    weight: Fraction  # percent
    score: Fraction

    @property
    def label(self) -> str:
        return str(_LABELS[self.code])

    @property
    def share(self) -> Fraction:
        """The weight as a fraction of one (10 % → 1/10)."""
        return self.weight / 100

    @property
    def value(self) -> Fraction:
        return self.share * self.score

    def explain(self) -> str:
        """``Baseline: 0,1 × 3,84 = 0,384``."""
        return _("%(label)s: %(share)s × %(score)s = %(value)s") % {
            "label": self.label,
            "share": number_id(self.share),
            "score": number_id(self.score),
            "value": number_id(self.value),
        }


@dataclass(frozen=True)
class IndexResult:
    contributions: tuple[Contribution, ...]  # in the order of DIMENSIONS
    scale_max: Fraction

    @property
    def value(self) -> Fraction:
        """The index, exactly."""
        return sum((c.value for c in self.contributions), Fraction(0))

    @property
    def exact(self) -> Decimal:
        """The exact index (3.475), written with at most ``EXACT_PLACES``
        decimals and no trailing zeros; see ``exact_is_rounded``."""
        return _to_places(self.value)[0]

    @property
    def exact_is_rounded(self) -> bool:
        """True only when the index does not terminate within
        ``EXACT_PLACES`` decimals, so that ``exact`` had to be rounded."""
        return _to_places(self.value)[1]

    @property
    def rounded(self) -> Decimal:
        """The published index: half-up to two decimals, once (3.475 → 3.48)."""
        return round_half_up(self.value, INDEX_PLACES)

    def explain(self) -> tuple[str, ...]:
        """The computation in Indonesian, one line per step."""
        return (
            _(
                "Indeks = Σ (bobot ÷ 100 × nilai dimensi), dihitung dari nilai dimensi "
                "yang tidak dibulatkan."
            ),
            *(c.explain() for c in self.contributions),
            _("Jumlah: %(terms)s = %(exact)s")
            % {
                "terms": " + ".join(number_id(c.value) for c in self.contributions),
                "exact": number_id(self.value),
            },
            _(
                "Dibulatkan setengah ke atas ke %(places)s desimal, sekali di akhir: "
                "%(exact)s → %(index)s"
            )
            % {
                "places": INDEX_PLACES,
                "exact": number_id(self.value),
                "index": decimal_id(self.rounded, INDEX_PLACES),
            },
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kotacerdas evaluation index --json``: numbers as
        strings with a dot, so that no consumer reads them back as floats."""
        return {
            "index": str(self.rounded),
            "exact": number_plain(self.value),
            "exact_is_rounded": self.exact_is_rounded,
            "scale_max": number_plain(self.scale_max),
            "weights": {c.code: number_plain(c.weight) for c in self.contributions},
            "scores": {c.code: number_plain(c.score) for c in self.contributions},
            "contributions": {c.code: number_plain(c.value) for c in self.contributions},
        }


# --- Checking the index's input -----------------------------------------------------------


def _exact(value: object) -> Fraction | None:
    """``value`` as an exact Fraction, or None when it is not an exact finite
    number (a float, a bool, a string, ``Decimal("NaN")``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    return None


def _codes_problems(given: Mapping[str, object], *, weights: bool) -> list[ValidationError]:
    problems = []
    unknown = [code for code in given if code not in DIMENSION_CODES]
    missing = [code for code in DIMENSION_CODES if code not in given]
    params = {"known": ", ".join(DIMENSION_CODES)}
    if unknown:
        message = (
            _(
                "Bobot untuk dimensi yang tidak dikenal: %(codes)s (yang dikenal: %(known)s). / "
                "Weight for an unknown dimension: %(codes)s (known: %(known)s)."
            )
            if weights
            else _(
                "Nilai untuk dimensi yang tidak dikenal: %(codes)s (yang dikenal: %(known)s). / "
                "Score for an unknown dimension: %(codes)s (known: %(known)s)."
            )
        )
        problems.append(
            ValidationError(
                message, code="unknown_dimension", params={**params, "codes": ", ".join(unknown)}
            )
        )
    if missing:
        message = (
            _("Bobot dimensi belum diisi: %(codes)s. / Missing weight for: %(codes)s.")
            if weights
            else _("Nilai dimensi belum diisi: %(codes)s. / Missing score for: %(codes)s.")
        )
        problems.append(
            ValidationError(message, code="missing_dimension", params={"codes": ", ".join(missing)})
        )
    return problems


def _not_a_number(code: str, value: object, *, weights: bool) -> ValidationError:
    message = (
        _(
            "Bobot %(code)s harus berupa angka desimal, bukan %(value)s. / "
            "The %(code)s weight must be a decimal number, not %(value)s."
        )
        if weights
        else _(
            "Nilai %(code)s harus berupa angka desimal, bukan %(value)s. / "
            "The %(code)s score must be a decimal number, not %(value)s."
        )
    )
    return ValidationError(
        message, code="not_a_number", params={"code": code, "value": repr(value)}
    )


def _check_scores(
    scores: Mapping[str, object], scale_max: Fraction
) -> tuple[dict[str, Fraction], list[ValidationError]]:
    problems = _codes_problems(scores, weights=False)
    checked: dict[str, Fraction] = {}
    for code in DIMENSION_CODES:
        if code not in scores:
            continue
        score = _exact(scores[code])
        if score is None:
            problems.append(_not_a_number(code, scores[code], weights=False))
        elif not 0 <= score <= scale_max:
            problems.append(
                ValidationError(
                    _(
                        "Nilai %(code)s harus antara 0 dan %(max_id)s, bukan %(value_id)s. / "
                        "The %(code)s score must be between 0 and %(max)s, not %(value)s."
                    ),
                    code="score_out_of_range",
                    params={
                        "code": code,
                        "max_id": number_id(scale_max),
                        "max": number_plain(scale_max),
                        "value_id": number_id(score),
                        "value": number_plain(score),
                    },
                )
            )
        else:
            checked[code] = score
    return checked, problems


def _check_weights(
    weights: Mapping[str, object],
) -> tuple[dict[str, Fraction], list[ValidationError]]:
    problems = _codes_problems(weights, weights=True)
    checked: dict[str, Fraction] = {}
    for code in DIMENSION_CODES:
        if code not in weights:
            continue
        weight = _exact(weights[code])
        if weight is None:
            problems.append(_not_a_number(code, weights[code], weights=True))
        elif weight < 0:
            problems.append(
                ValidationError(
                    _(
                        "Bobot %(code)s tidak boleh negatif (%(value_id)s). / "
                        "The %(code)s weight cannot be negative (%(value)s)."
                    ),
                    code="negative_weight",
                    params={
                        "code": code,
                        "value_id": number_id(weight),
                        "value": number_plain(weight),
                    },
                )
            )
        else:
            checked[code] = weight
    # The sum is only worth reporting once every weight is there and readable.
    total = sum(checked.values(), Fraction(0))
    if not problems and total != 100:
        problems.append(
            ValidationError(
                _(
                    "Jumlah bobot harus tepat 100%%, bukan %(total_id)s%%. / "
                    "Weights must sum to exactly 100%%, not %(total)s%%."
                ),
                code="weights_sum",
                params={"total_id": number_id(total), "total": number_plain(total)},
            )
        )
    return checked, problems


def evaluation_index(
    *,
    scores: Mapping[str, Number],
    weights: Mapping[str, Number] | None = None,
    scale_max: Number = DEFAULT_SCALE_MAX,
) -> IndexResult:
    """The evaluation index from the five dimension scores (unrounded) and the
    weights in percent (``DEFAULT_WEIGHTS`` when None).

    Scores and weights are ``Decimal``, ``int`` or ``Fraction`` (a dimension
    score that is the exact mean of item scores); anything else, floats
    included, is refused. Every problem with the input is
    reported at once in one ValidationError (Indonesian first, then English)."""
    scale = _exact(scale_max)
    if scale is None or scale <= 0:
        raise ValidationError(
            _(
                "Nilai maksimum skala harus berupa angka positif, bukan %(value)s. / "
                "The scale maximum must be a positive number, not %(value)s."
            ),
            code="invalid_scale",
            params={"value": repr(scale_max)},
        )
    checked_scores, problems = _check_scores(scores, scale)
    checked_weights, weight_problems = _check_weights(
        DEFAULT_WEIGHTS if weights is None else weights
    )
    problems += weight_problems
    if problems:
        raise ValidationError(problems)
    return IndexResult(
        contributions=tuple(
            Contribution(code=code, weight=checked_weights[code], score=checked_scores[code])
            for code in DIMENSION_CODES
        ),
        scale_max=scale,
    )


# --- Reading instruments --------------------------------------------------------------------


def active_instrument(*, kind: str, year: int) -> Instrument | None:
    """The active version of ``kind`` for ``year``, if any."""
    return Instrument.objects.filter(kind=kind, year=year, state=Instrument.State.ACTIVE).first()


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


# --- Dimension and pillar scores -----------------------------------------------------------

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


def score_problems(
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
    checked, problems = score_problems(instrument, items, scores)
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


def score_shown(value: Fraction) -> str:
    """A dimension or pillar score as published: two decimals, Indonesian."""
    return decimal_id(round_half_up(value, SCORE_PLACES), SCORE_PLACES)
