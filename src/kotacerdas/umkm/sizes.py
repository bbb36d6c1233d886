"""Business size by PP 7/2021 art. 35 and industry class by Permenperin
64/2016 (DOMAIN.md §6).

Modal usaha (capital, excluding land and buildings) classifies new
businesses; annual sales (hasil penjualan tahunan) classify businesses that
already run. The basis used is stored beside the class so a reader can check
it.
"""

from __future__ import annotations

from decimal import Decimal

MILIAR = Decimal(1_000_000_000)

MIKRO = "mikro"
KECIL = "kecil"
MENENGAH = "menengah"
BESAR = "besar"

BASIS_CAPITAL = "modal"
BASIS_SALES = "penjualan"

# (upper bound inclusive, class), smallest first.
CAPITAL_BOUNDS = ((1 * MILIAR, MIKRO), (5 * MILIAR, KECIL), (10 * MILIAR, MENENGAH))
SALES_BOUNDS = ((2 * MILIAR, MIKRO), (15 * MILIAR, KECIL), (50 * MILIAR, MENENGAH))


def _class(amount: Decimal, bounds: tuple[tuple[Decimal, str], ...]) -> str:
    for limit, name in bounds:
        if amount <= limit:
            return name
    return BESAR


def size_class(
    *,
    capital: Decimal | None,
    annual_sales: Decimal | None,
    year_started: int | None,
    this_year: int,
) -> tuple[str, str]:
    """(class, basis), or ("", "") when neither amount is known.

    A business that started this year (or whose sales are unknown) is
    classed by its capital; any other by its annual sales."""
    new = year_started is not None and year_started >= this_year
    if annual_sales is not None and not new:
        return _class(annual_sales, SALES_BOUNDS), BASIS_SALES
    if capital is not None:
        return _class(capital, CAPITAL_BOUNDS), BASIS_CAPITAL
    if annual_sales is not None:
        return _class(annual_sales, SALES_BOUNDS), BASIS_SALES
    return "", ""


IKM_KECIL = "industri_kecil"
IKM_MENENGAH = "industri_menengah"
IKM_BESAR = "industri_besar"


def ikm_class(*, workers: int | None, investment: Decimal | None) -> str:
    """Industri kecil: ≤ 19 workers and investment < Rp1 miliar; industri
    menengah: ≤ 19 workers and ≥ Rp1 miliar, or ≥ 20 workers and ≤ Rp15
    miliar; above that industri besar. "" when workers or investment is
    unknown."""
    if workers is None or investment is None:
        return ""
    if workers <= 19:
        return IKM_KECIL if investment < MILIAR else IKM_MENENGAH
    return IKM_MENENGAH if investment <= 15 * MILIAR else IKM_BESAR
