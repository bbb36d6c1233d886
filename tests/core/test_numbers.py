"""The Indonesian number reader (kotacerdas.core.numbers): every rule of its
docstring, one example each, and round trips of generated amounts through
every notation people use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kotacerdas.core import numbers
from kotacerdas.core.numbers import NumberError, parse, read_amount, read_count, read_percent
from tests.core.notations import amounts, counts, render_amount, render_count


def _code(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(NumberError) as caught:
        call(*args, **kwargs)
    return caught.value.code


# --- Amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # the notations of the issue
        ("250.000.000", "250000000"),
        ("Rp 1.500.000,-", "1500000"),
        ("Rp1.500.000,50", "1500000.5"),
        ("1,5 juta", "1500000"),
        ("2 M", "2000000000"),
        ("2 miliar", "2000000000"),
        ("250 jt", "250000000"),
        ("1.500", "1500"),
        # both separators: the last one is the decimal mark
        ("1.500.000,50", "1500000.5"),
        ("1,500,000.50", "1500000.5"),
        ("1.500.000,00", "1500000"),
        # one separator before exactly three digits: thousands, either mark
        ("1,500", "1500"),
        ("12.345", "12345"),
        ("1.500 juta", "1500000000"),
        ("2,500 juta", "2500000000"),
        # any other single separator is the decimal mark
        ("1,5", "1.5"),
        ("1.5", "1.5"),
        ("0,500", "0.5"),
        ("1500,50", "1500.5"),
        ("1234,567", "1234.567"),
        ("1.5 jt", "1500000"),
        # currency, "no sen", multipliers, spaces, case
        ("Rp. 25.000,-", "25000"),
        ("Rp 25.000.-", "25000"),
        ("IDR 1.500.000", "1500000"),
        ("rp1500000", "1500000"),
        ("1.500.000 rupiah", "1500000"),
        ("1,5 juta rupiah", "1500000"),
        ("500rb", "500000"),
        ("500 ribu", "500000"),
        ("5k", "5000"),
        ("250jt.", "250000000"),
        ("2M", "2000000000"),
        ("1,25 milyar", "1250000000"),
        ("3 T", "3000000000000"),
        ("2 triliun", "2000000000000"),
        ("1 500 000", "1500000"),
        ("Rp\u00a01.500.000", "1500000"),
        ("+1.500", "1500"),
    ],
)
def test_it_reads_rupiah_in_every_common_notation(written: str, expected: str) -> None:
    assert parse(written) == Decimal(expected)
    assert read_amount(written, places=3) == Decimal(expected)


@pytest.mark.parametrize("written", [None, "", "   ", "-", "–", "—", "Rp -", "Rp"])
def test_an_empty_cell_or_a_lone_dash_is_no_value(written: str | None) -> None:
    assert parse(written) is None
    assert read_amount(written) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1500000, "1500000"), (1500000.0, "1500000"), (0.1, "0.1"), (2.5, "2.5"), (1e16, "1e16")],
)
def test_it_reads_number_cells_as_the_shortest_decimal(raw: object, expected: str) -> None:
    assert parse(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "written",
    [
        "tiga",
        "sejuta",
        "satu juta",
        "5 dolar",
        "1e6",
        "1,5E+06",
        "1.50.000",
        "1,500.000.5",
        "12.5.2024",
        "Rp 1.500.000,",
        "(5.000)",
        "1 rb 500",
        "abc",
        True,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        object(),
    ],
)
def test_it_refuses_what_is_not_an_amount(written: object) -> None:
    assert _code(parse, written) == "not_number"


@pytest.mark.parametrize("written", ["-5", "−5", "- 5.000", "Rp -5.000", "-Rp 5.000", -1, -0.5])
def test_it_reads_a_minus_and_refuses_negative_amounts(written: object) -> None:
    value = parse(written)
    assert value is not None and value < 0
    assert _code(read_amount, written) == "negative"


def test_sen_are_kept_to_two_places_or_rounded_half_up_for_whole_rupiah() -> None:
    assert read_amount("Rp 1.500.000,50") == Decimal("1500000.50")
    assert _code(read_amount, "1500,505") == "precision"
    assert _code(read_amount, 1.001) == "precision"
    assert read_amount("Rp 1.500.000,50", places=0, rounding=True) == Decimal(1_500_001)
    assert read_amount("Rp 1.500.000,49", places=0, rounding=True) == Decimal(1_500_000)
    assert read_amount(2.5, places=0, rounding=True) == Decimal(3)
    assert read_amount("1,5", places=0, rounding=True) == Decimal(2)


def test_it_refuses_more_digits_than_the_column_holds() -> None:
    assert read_amount("9" * 16) == Decimal("9" * 16)
    assert _code(read_amount, "1" + "0" * 16) == "too_large"
    assert _code(read_amount, 10.0**17) == "too_large"
    assert _code(read_amount, "9" * 18 + ",6", places=0, max_digits=18, rounding=True) == (
        "too_large"
    )
    assert _code(parse, "1" * 50) == "too_large"


def test_values_come_back_without_exponent_or_trailing_zeros() -> None:
    for written in ("2 M", "1,5 juta", "1.500.000,00", 1500000.0):
        value = parse(written)
        assert value is not None
        assert "E" not in str(value) and str(value) == str(value.to_integral_value())
    assert str(parse("1.500.000,50")) == "1500000.5"


# --- Counts and percentages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("3", 3),
        ("3 orang", 3),
        ("3 org", 3),
        ("3 org.", 3),
        ("3 tenaga kerja", 3),
        ("3 TK", 3),
        ("3TK", 3),
        ("3 pekerja", 3),
        ("3 karyawan", 3),
        ("3,0", 3),
        ("3,00 orang", 3),
        ("1.500 orang", 1500),
        (3, 3),
        (3.0, 3),
        ("", None),
        ("-", None),
        ("nol", 0),
        ("tiga", 3),
        ("Tiga Orang", 3),
        ("lima org.", 5),
        ("sepuluh", 10),
        ("sebelas pekerja", 11),
        ("dua  belas", 12),
        ("sembilan belas", 19),
        ("dua puluh TK", 20),
    ],
)
def test_it_reads_counts_with_their_units(written: object, expected: int | None) -> None:
    assert read_count(written) == expected


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("3,5", "precision"),
        (3.5, "precision"),
        ("-3", "negative"),
        ("seratus", "not_number"),
        ("dua puluh lima orang", "not_number"),
        ("tiga ekor", "not_number"),
        ("tiga jt", "not_number"),
        ("3 jt", "not_number"),
        ("Rp 3", "not_number"),
        ("3 %", "not_number"),
        ("3 ekor", "not_number"),
        ("9" * 20, "too_large"),
    ],
)
def test_it_refuses_counts_that_are_not_whole_numbers_of_people(written: object, code: str) -> None:
    assert _code(read_count, written) == code


@pytest.mark.parametrize(
    "written",
    [
        "2-3",
        "2 - 3",
        "2–3 orang",
        "2 s.d. 3",
        "2 sd 3",
        "2 s/d 3 org",
        "2 sampai 3",
        "10 hingga 15",
    ],
)
def test_a_range_is_refused_with_its_own_code(written: str) -> None:
    assert _code(read_count, written) == "range"
    assert _code(read_amount, written.replace("org", "") + " jt") == "range"


def test_number_words_are_counts_only() -> None:
    # "tiga" is three people; as Rupiah it means nothing a clerk would type.
    assert _code(read_amount, "tiga") == "not_number"
    assert _code(read_percent, "tiga") == "not_number"


def test_a_count_stops_at_its_limit() -> None:
    assert read_count("2.000", limit=2000) == 2000
    assert _code(read_count, "2.001", limit=2000) == "too_large"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("45,5%", "45.5"), ("45.5 %", "45.5"), ("45 persen", "45"), ("100", "100"), (45.5, "45.5")],
)
def test_it_reads_percentages(written: object, expected: str) -> None:
    assert read_percent(written) == Decimal(expected)


def test_percentages_are_never_negative_and_keep_two_decimals() -> None:
    assert _code(read_percent, "-5") == "negative"
    # Thousands, as everywhere; the caller's range (0–100 for progress) refuses it.
    assert read_percent("45,555") == 45555
    assert _code(read_percent, "45,5555") == "precision"
    assert _code(read_percent, "45 juta") == "not_number"


def test_the_number_error_says_what_was_written() -> None:
    with pytest.raises(NumberError) as caught:
        read_amount("  banyak sekali ")
    assert (caught.value.code, caught.value.value) == ("not_number", "banyak sekali")


def test_the_multipliers_are_indonesian() -> None:
    # "M" is miliar (10⁹), never million.
    assert numbers.MULTIPLIERS["m"] == 9
    assert parse("1 M") == parse("1 miliar") == Decimal(10**9)


# --- Round trips of generated amounts ---------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data(), amount=amounts())
def test_every_notation_of_an_amount_reads_back_as_that_amount(data, amount: Decimal) -> None:  # type: ignore[no-untyped-def]
    written = data.draw(render_amount(amount))
    assert parse(written) == amount
    assert read_amount(written) == amount


@settings(max_examples=200, deadline=None, database=None)
@given(data=st.data(), count=counts())
def test_every_notation_of_a_count_reads_back_as_that_count(data, count: int) -> None:  # type: ignore[no-untyped-def]
    written = data.draw(render_count(count))
    assert read_count(written) == count
