"""Indonesian notation for figures, money and dates. One place, used by the
templates, the CLI and (later) the PDF reports."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import translation
from django.utils.dates import MONTHS

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def percent_of(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage, computed exactly and rounded
    half-up once, at the end, to two decimals. None when nothing is counted."""
    if denominator == 0:
        return None
    return round_half_up(Fraction(numerator * 100, denominator))


def round_half_up(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact value half-up (away from zero on a tie) with integer
    arithmetic only, so no intermediate rounding can shift a tie."""
    exact = Fraction(value)
    scale = 10**places
    scaled = abs(exact) * scale
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    result = Decimal(units).scaleb(-places)
    return -result if exact < 0 else result


def ratio_exact_id(numerator: int, denominator: int, digits: int = 6) -> str:
    """The unrounded ratio for explanations: ``0,611650…`` (truncated, marked
    with an ellipsis when it does not terminate within ``digits``)."""
    if denominator == 0:
        return "—"
    whole, remainder = divmod(numerator, denominator)
    decimals = []
    for _ in range(digits):
        remainder *= 10
        digit, remainder = divmod(remainder, denominator)
        decimals.append(str(digit))
    return f"{whole}," + "".join(decimals) + ("…" if remainder else "")


def _group_thousands(digits: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def decimal_id(value: Decimal, places: int = 2) -> str:
    """Decimal in Indonesian notation: dot for thousands, comma for decimals."""
    quantum = Decimal(1).scaleb(-places)
    q = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):.{places}f}"
    whole, _, frac = text.partition(".")
    return sign + _group_thousands(whole) + ("," + frac if frac else "")


def percent_id(value: Decimal | None) -> str:
    """``61,17%``; an em dash when there is nothing to count."""
    if value is None:
        return "—"
    return f"{decimal_id(value)}%"


def rupiah(value: Decimal | int | None) -> str:
    """``Rp1.500.000`` (sen shown only when present)."""
    if value is None:
        return "—"
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return "Rp" + decimal_id(amount, places)


def month_name(month: int) -> str:
    """The month's name in the active language: Indonesian (also with no
    language active, as in the CLI), otherwise Django's localized name."""
    language = translation.get_language()
    if language is None or language.split("-")[0] == "id":
        return MONTHS_ID[month - 1]
    return str(MONTHS[month])


def date_id(value: dt.date | None) -> str:
    """``18 November 2024``; ``7 December 2026`` when English is active."""
    if value is None:
        return "—"
    return f"{value.day} {month_name(value.month)} {value.year}"
