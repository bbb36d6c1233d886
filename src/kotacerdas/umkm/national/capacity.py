"""The production capacity of an IKM (SIINas): an amount read by the shared
number reader (:mod:`kotacerdas.core.numbers`: ``1.500``, ``2,5``, ``1,5
juta``) and a unit as written (``kg/bulan``). A cell may carry both
(``500 kg/bulan``): the number first, the unit after it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from kotacerdas.core import numbers
from kotacerdas.umkm.identifiers import Invalid

CAPACITY_DIGITS = 16  # DecimalField(max_digits=16, decimal_places=2)
CAPACITY_PLACES = 2
UNIT_LENGTH = 40
_REASONS = {
    "not_number": "capacity_format",
    "precision": "capacity_format",
    "negative": "capacity_format",
    "too_large": "capacity_large",
    "range": "capacity_range",
}
# A number (digits, separators, spaces between groups) and the unit after it.
_WITH_UNIT = re.compile(r"\s*(\d[\d.,\s]*?)\s*([^\W\d_].*?)\s*")
# Words that join the two ends of a range (core.numbers refuses ranges).
_RANGE_WORD = re.compile(r"^(s\.?\s?d\.?|s/d|sampai|hingga)\b", re.IGNORECASE)
_MULTIPLIERS = frozenset({"rb", "ribu", "k", "jt", "juta", "m", "miliar", "milyar", "t", "triliun"})


def read_capacity(raw: Any) -> Decimal | None:
    """The amount of a capacity, None when empty; Invalid when unreadable."""
    try:
        return numbers.read_amount(
            raw, places=CAPACITY_PLACES, max_digits=CAPACITY_DIGITS, rounding=True
        )
    except numbers.NumberError as error:
        raise Invalid(_REASONS[error.code]) from None


def split_capacity(raw: Any) -> tuple[Decimal | None, str]:
    """(amount, unit) of a cell that may hold both: ``"500 kg/bulan"`` →
    (500, "kg/bulan"); a plain number keeps an empty unit. A range (``400-500
    kg``, ``2 s.d. 3 ton``) is refused as the reader refuses it; a unit is
    letters first, without digits. A unit longer than the field holds is
    refused, never cut."""
    try:
        return read_capacity(raw), ""
    except Invalid as whole:
        if whole.code == "capacity_range" or not isinstance(raw, str):
            raise
        match = _WITH_UNIT.fullmatch(raw)
        if match is None:
            raise
        unit = " ".join(match.group(2).split())
        if _RANGE_WORD.search(unit) or any(c.isdigit() for c in unit):
            raise Invalid("capacity_range" if _RANGE_WORD.search(unit) else whole.code) from None
        if unit.split()[0].rstrip(".").lower() in _MULTIPLIERS:
            raise
    if len(unit) > UNIT_LENGTH:
        raise Invalid("capacity_unit_long")
    return read_capacity(match.group(1)), unit
