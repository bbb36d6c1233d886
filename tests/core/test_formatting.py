"""Indonesian notation and exact half-up rounding (DOMAIN.md §2, DESIGN.md "Figures")."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kotacerdas.core.formatting import (
    date_id,
    decimal_id,
    percent_id,
    percent_of,
    round_half_up,
    rupiah,
)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (63, 103, "61.17"),  # Kota Dumai, capaian rencana aksi 2024
        (43, 51, "84.31"),  # Kota Dumai, implementasi program 2024
        (6, 7, "85.71"),  # Kebumen, Smart Branding
        (10, 12, "83.33"),  # Kebumen, Smart Economy
        (1, 8, "12.50"),
        (1, 16, "6.25"),
        (1, 80, "1.25"),
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (0, 5, "0.00"),
        (5, 5, "100.00"),
    ],
)
def test_it_computes_percentages_exactly_to_two_places(numerator, denominator, expected):
    result = percent_of(numerator, denominator)

    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 32, "3.13"),  # 3.125: banker's rounding would give 3.12
        (1, 800, "0.13"),  # 0.125
        (1, 160, "0.63"),  # 0.625
        (3, 400, "0.75"),  # exact, no tie
        (7, 800, "0.88"),  # 0.875
    ],
)
def test_it_rounds_a_tie_at_the_third_decimal_up(numerator, denominator, expected):
    assert str(percent_of(numerator, denominator)) == expected


def test_it_rounds_where_binary_floats_would_round_down():
    # 107/4000 = 2.675 % exactly; as a float 2.675 is 2.67499999..., so
    # float rounding gives 2.67. The product must give 2.68.
    assert round(107 * 100 / 4000, 2) == 2.67

    assert percent_of(107, 4000) == Decimal("2.68")
    assert round_half_up(Decimal("2.675")) == Decimal("2.68")
    assert round_half_up(Fraction(2675, 1000)) == Decimal("2.68")


def test_it_rounds_negative_ties_away_from_zero():
    assert round_half_up(Fraction(-2675, 1000)) == Decimal("-2.68")
    assert round_half_up(Fraction(-1, 8), places=2) == Decimal("-0.13")


def test_it_rounds_to_other_numbers_of_places():
    assert round_half_up(Fraction(5, 2), places=0) == Decimal("3")
    assert round_half_up(Fraction(1, 3), places=4) == Decimal("0.3333")
    assert round_half_up(Fraction(2, 3), places=4) == Decimal("0.6667")


def test_it_returns_none_when_nothing_is_counted():
    assert percent_of(0, 0) is None
    assert percent_of(5, 0) is None


# No deadline (no timings in tests) and no example database written to the
# working tree.
EXACT = settings(deadline=None, database=None, max_examples=300)


@EXACT
@given(
    numerator=st.integers(min_value=-(10**9), max_value=10**9),
    denominator=st.integers(min_value=1, max_value=10**9),
    places=st.integers(min_value=0, max_value=4),
)
def test_it_rounds_like_exact_decimal_half_up(numerator, denominator, places):
    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(numerator) / Decimal(denominator)
        expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    assert round_half_up(Fraction(numerator, denominator), places) == expected


@EXACT
@given(
    numerator=st.integers(min_value=0, max_value=10**6),
    denominator=st.integers(min_value=1, max_value=10**6),
)
def test_it_gives_percentages_with_exactly_two_decimal_places(numerator, denominator):
    result = percent_of(numerator, denominator)

    assert result is not None
    assert result.as_tuple().exponent == -2
    assert abs(result - Decimal(numerator * 100) / Decimal(denominator)) <= Decimal("0.005")


def test_it_writes_percentages_in_indonesian_notation():
    assert percent_id(Decimal("61.17")) == "61,17%"
    assert percent_id(percent_of(43, 51)) == "84,31%"
    assert percent_id(Decimal("100.00")) == "100,00%"
    assert percent_id(Decimal("12.5")) == "12,50%"


def test_it_writes_a_dash_for_a_percentage_with_nothing_counted():
    assert percent_id(None) == "—"
    assert percent_id(percent_of(0, 0)) == "—"


def test_it_writes_rupiah_with_dots_for_thousands():
    assert rupiah(1_500_000) == "Rp1.500.000"
    assert rupiah(Decimal("1500000.00")) == "Rp1.500.000"
    assert rupiah(Decimal("2500000000")) == "Rp2.500.000.000"
    assert rupiah(0) == "Rp0"
    assert rupiah(999) == "Rp999"


def test_it_shows_sen_only_when_present():
    assert rupiah(Decimal("1500000.50")) == "Rp1.500.000,50"
    assert rupiah(None) == "—"


def test_it_writes_dates_with_indonesian_month_names():
    assert date_id(dt.date(2024, 11, 18)) == "18 November 2024"
    assert date_id(dt.date(2023, 1, 5)) == "5 Januari 2023"
    assert date_id(dt.date(2022, 8, 17)) == "17 Agustus 2022"
    assert date_id(dt.date(2025, 12, 31)) == "31 Desember 2025"
    assert date_id(None) == "—"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (Decimal("-1234.5"), 2, "-1.234,50"),
        (Decimal("999.995"), 2, "1.000,00"),
        (Decimal("100"), 2, "100,00"),
        (Decimal("1000"), 0, "1.000"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("-0.001"), 2, "0,00"),
        (Decimal("123456"), 1, "123.456,0"),
    ],
)
def test_it_writes_decimals_with_dot_thousands_and_comma_decimals(value, places, expected):
    assert decimal_id(value, places) == expected


def test_dates_take_the_month_name_of_the_active_language():
    from django.utils import translation

    day = dt.date(2026, 12, 7)
    with translation.override("en"):
        assert date_id(day) == "7 December 2026"
    with translation.override("id"):
        assert date_id(day) == "7 Desember 2026"
    with translation.override(None):
        assert date_id(day) == "7 Desember 2026"
