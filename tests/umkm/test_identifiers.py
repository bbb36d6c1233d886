"""Unit tests of the identifier and size rules (DOMAIN.md §5–6):
kotacerdas.umkm.identifiers and kotacerdas.umkm.sizes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kotacerdas.umkm import identifiers, sizes
from kotacerdas.umkm.identifiers import Invalid

MILIAR = Decimal(1_000_000_000)


def _reason(func, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as caught:
        func(*args, **kwargs)
    return caught.value.code


# --- NIK -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1472010507900123", "1472010507900123"),  # man born 05-07-1990
        ("1472014507900123", "1472014507900123"),  # woman: day + 40
        ("1472017112990001", "1472017112990001"),  # woman born on the 31st (71)
        ("1472 0105 0790 0123", "1472010507900123"),
        ("1472.0105.0790.0123", "1472010507900123"),
        ("'1472010507900123", "1472010507900123"),  # Excel's text marker
        (None, ""),
        ("", ""),
    ],
)
def test_it_accepts_valid_niks(raw: object, expected: str) -> None:
    assert identifiers.clean_nik(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("147201050790012", "nik_digits"),  # 15 digits typed as text: a digit missed
        (147201050790012, "nik_damaged"),  # 15 digits from a number cell: a digit lost
        ("14720105079001234", "nik_digits"),  # 17 digits: "ada 17"
        ("1472A10507900123", "nik_length"),
        ("1472010507900000", "nik_serial"),
        ("1472013207900123", "nik_date"),  # day 32
        ("1472017207900123", "nik_date"),  # day 72 (women: 41–71)
        ("1472014007900123", "nik_date"),  # day 40 (= 0 for women)
        ("1472010013900123", "nik_date"),  # month 13
        ("1472010500900123", "nik_date"),  # month 00
        ("1472000507900123", "nik_region"),  # kecamatan 00
        ("0972010507900123", "nik_region"),  # province below 11
        ("1.47201E+15", "nik_damaged"),
        ("1,47201E+15", "nik_damaged"),
        (1.472010507900123e15, "nik_damaged"),  # a number cell (float)
        (1472010507900000.0, "nik_damaged"),
    ],
)
def test_it_refuses_invalid_or_damaged_niks(raw: object, reason: str) -> None:
    assert _reason(identifiers.clean_nik, raw) == reason


def test_a_short_nik_typed_as_text_says_how_many_digits_it_has() -> None:
    with pytest.raises(identifiers.Invalid) as caught:
        identifiers.clean_nik("147201050790012")
    assert caught.value.message == "NIK harus 16 digit; ada 15."


def test_it_masks_a_nik_keeping_the_region_prefix() -> None:
    assert identifiers.mask_nik("1472010507900123") == "147201**********"
    assert identifiers.mask_nik("") == ""


def test_it_masks_a_phone_keeping_head_and_tail() -> None:
    masked = identifiers.mask_phone("6281234567891")
    assert masked.startswith("6281") and masked.endswith("91")
    assert "3456" not in masked


# --- NIB, NPWP --------------------------------------------------------------------------


def test_it_accepts_a_13_digit_nib() -> None:
    assert identifiers.clean_nib("9120 0012 3456 7") == "9120001234567"


@pytest.mark.parametrize("raw", ["912000123456", "91200012345678", "91200O1234567"])
def test_it_refuses_a_nib_that_is_not_13_digits(raw: str) -> None:
    assert _reason(identifiers.clean_nib, raw) == "nib_length"


def test_it_refuses_a_nib_in_float_notation() -> None:
    assert _reason(identifiers.clean_nib, "9.12E+12") == "nib_damaged"


def _luhn_digit(body: str) -> str:
    for d in "0123456789":
        if identifiers._luhn_ok(body + d):
            return d
    raise AssertionError


NPWP_BODY = "01234567"
NPWP9 = NPWP_BODY + _luhn_digit(NPWP_BODY)  # 9 digits with a valid check digit


def test_it_accepts_a_legacy_15_digit_npwp_with_formatting() -> None:
    raw = f"{NPWP9[:2]}.{NPWP9[2:5]}.{NPWP9[5:8]}.{NPWP9[8]}-123.000"
    assert identifiers.clean_npwp(raw) == NPWP9 + "123000"


def test_it_refuses_a_15_digit_npwp_with_a_wrong_check_digit() -> None:
    wrong = NPWP_BODY + str((int(NPWP9[8]) + 1) % 10)
    assert _reason(identifiers.clean_npwp, wrong + "123000") == "npwp_check"


def test_it_accepts_the_16_digit_entity_form() -> None:
    assert identifiers.clean_npwp("0" + NPWP9 + "123000") == "0" + NPWP9 + "123000"


def test_it_checks_the_16_digit_entity_form() -> None:
    wrong = NPWP_BODY + str((int(NPWP9[8]) + 1) % 10)
    assert _reason(identifiers.clean_npwp, "0" + wrong + "123000") == "npwp_check"


def test_it_accepts_a_nik_as_an_individuals_npwp() -> None:
    assert identifiers.clean_npwp("1472010507900123") == "1472010507900123"


def test_it_checks_a_nik_used_as_npwp_like_a_nik() -> None:
    assert _reason(identifiers.clean_npwp, "1472010507900000") == "nik_serial"


def test_it_refuses_an_npwp_of_the_wrong_length() -> None:
    assert _reason(identifiers.clean_npwp, "1234567890") == "npwp_length"


# --- KBLI ---------------------------------------------------------------------------------


def test_it_returns_a_kbli_code_with_its_category(db: None) -> None:
    assert identifiers.clean_kbli("10792", "2020") == ("10792", "C")
    assert identifiers.clean_kbli("47111", "2020") == ("47111", "G")


def test_it_restores_the_leading_zero_of_agriculture_codes(db: None) -> None:
    assert identifiers.clean_kbli(1110, "2020") == ("01110", "A")


def test_it_refuses_a_kbli_code_of_wrong_format_or_version(db: None) -> None:
    assert _reason(identifiers.clean_kbli, "123", "2020") == "kbli_format"
    assert _reason(identifiers.clean_kbli, "10792", "2019") == "kbli_version"
    assert _reason(identifiers.clean_kbli, "04111", "2020") == "kbli_unknown"  # no division 04


def test_it_checks_a_kbli_code_against_its_own_version(db: None) -> None:
    # Division 45 (motor vehicle trade) is category G in KBLI 2020 only.
    assert identifiers.clean_kbli("45201", "2020") == ("45201", "G")
    assert _reason(identifiers.clean_kbli, "45201", "2025") == "kbli_unknown"
    assert identifiers.clean_kbli("99000", "2025") == ("99000", "V")


# --- Phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "081234567891",
        "0812-3456-7891",
        "0812 3456 7891",
        "6281234567891",
        "+62 812-3456-7891",
        "+62 (812) 3456 7891",
        "006281234567891",
        "81234567891",  # a number cell ate the leading zero
        81234567891,
    ],
)
def test_it_normalises_every_phone_form_to_one(raw: object) -> None:
    assert identifiers.clean_phone(raw) == "6281234567891"


@pytest.mark.parametrize("raw", ["12345", "+1 555 1234567", "0812", "abc"])
def test_it_refuses_what_is_not_a_phone_number(raw: str) -> None:
    assert _reason(identifiers.clean_phone, raw) == "phone_format"


# --- Rupiah ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000", 1_500_000),
        ("Rp. 1.500.000,00", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        ("1,5 juta", 1_500_000),
        ("1.500 juta", 1_500_000_000),
        ("IDR 1.500.000", 1_500_000),
        ("Rp. 25.000,-", 25_000),
        ("1,5 jt", 1_500_000),
        ("2 M", 2_000_000_000),
        ("2 miliar", 2_000_000_000),
        ("500 ribu", 500_000),
        ("500rb", 500_000),
        (1500000, 1_500_000),
        (1500000.0, 1_500_000),
    ],
)
def test_it_reads_rupiah_in_every_common_form(raw: object, expected: int) -> None:
    assert identifiers.clean_amount(raw) == Decimal(expected)


def test_it_reads_an_empty_amount_as_unknown() -> None:
    assert identifiers.clean_amount("") is None
    assert identifiers.clean_amount("-") is None
    assert identifiers.clean_amount(None) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("sejuta", "amount_format"), ("-5000", "amount_negative"), ("5 dolar", "amount_format")],
)
def test_it_refuses_unreadable_or_negative_amounts(raw: str, reason: str) -> None:
    assert _reason(identifiers.clean_amount, raw) == reason


def test_every_reason_has_an_indonesian_message() -> None:
    assert _reason(identifiers.clean_nik, "NIK-A1") == "nik_length"
    assert Invalid("nik_length").message == "NIK harus 16 digit angka."


# --- PP 7/2021 size classes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capital", "expected"),
    [
        (1 * MILIAR, sizes.MIKRO),
        (1 * MILIAR + 1, sizes.KECIL),
        (5 * MILIAR, sizes.KECIL),
        (5 * MILIAR + 1, sizes.MENENGAH),
        (10 * MILIAR, sizes.MENENGAH),
        (10 * MILIAR + 1, sizes.BESAR),
        (Decimal(0), sizes.MIKRO),
    ],
)
def test_it_classes_a_new_business_by_capital_at_the_boundaries(
    capital: Decimal, expected: str
) -> None:
    assert sizes.size_class(
        capital=capital, annual_sales=None, year_started=2026, this_year=2026
    ) == (expected, sizes.BASIS_CAPITAL)


@pytest.mark.parametrize(
    ("sales", "expected"),
    [
        (2 * MILIAR, sizes.MIKRO),
        (2 * MILIAR + 1, sizes.KECIL),
        (15 * MILIAR, sizes.KECIL),
        (15 * MILIAR + 1, sizes.MENENGAH),
        (50 * MILIAR, sizes.MENENGAH),
        (50 * MILIAR + 1, sizes.BESAR),
    ],
)
def test_it_classes_a_running_business_by_sales_at_the_boundaries(
    sales: Decimal, expected: str
) -> None:
    assert sizes.size_class(
        capital=20 * MILIAR, annual_sales=sales, year_started=2015, this_year=2026
    ) == (expected, sizes.BASIS_SALES)


def test_it_classes_a_business_started_this_year_by_capital_even_with_sales() -> None:
    assert sizes.size_class(
        capital=Decimal(500_000_000), annual_sales=20 * MILIAR, year_started=2026, this_year=2026
    ) == (sizes.MIKRO, sizes.BASIS_CAPITAL)


def test_it_falls_back_to_the_known_amount() -> None:
    assert sizes.size_class(
        capital=None, annual_sales=3 * MILIAR, year_started=2026, this_year=2026
    ) == (sizes.KECIL, sizes.BASIS_SALES)
    assert sizes.size_class(capital=None, annual_sales=None, year_started=2020, this_year=2026) == (
        "",
        "",
    )


@pytest.mark.parametrize(
    ("workers", "investment", "expected"),
    [
        (19, MILIAR - 1, sizes.IKM_KECIL),
        (19, MILIAR, sizes.IKM_MENENGAH),
        (20, MILIAR - 1, sizes.IKM_MENENGAH),
        (20, 15 * MILIAR, sizes.IKM_MENENGAH),
        (20, 15 * MILIAR + 1, sizes.IKM_BESAR),
        (0, Decimal(0), sizes.IKM_KECIL),
        (None, MILIAR, ""),
        (5, None, ""),
    ],
)
def test_it_classes_industries_by_permenperin_64_2016(
    workers: int | None, investment: Decimal | None, expected: str
) -> None:
    assert sizes.ikm_class(workers=workers, investment=investment) == expected


def test_it_reads_rupiah_with_the_dash_ending() -> None:
    assert identifiers.clean_amount("Rp 1.500.000,-") == Decimal(1_500_000)
