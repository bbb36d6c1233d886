"""Reading one spreadsheet cell as the value a column needs. Spreadsheets
store every number as a float (a year arrives as ``2024.0``) and people type
amounts as text in Indonesian notation (``Rp1.500.000,50``); these turn both
into the exact value the model stores, so that an unchanged row compares
equal to the database and is left alone."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from kotacerdas.masterplan.exchange.workbook import Choices

Raw = int | float | str | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

YEAR_MIN, YEAR_MAX = 2000, 2100


class CellError(ValueError):
    """A cell that cannot become the column's value; ``code`` names the
    message (importer.MESSAGES)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_blank(raw: Raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def text(raw: Raw) -> str:
    """Text as typed, trimmed, with one kind of line break."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        return raw.isoformat()
    return str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


def year(raw: Raw) -> int:
    value: int
    if isinstance(raw, bool):
        raise CellError("not_year", value=text(raw))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise CellError("not_year", value=text(raw))
        value = int(raw)
    elif isinstance(raw, str):
        match = re.fullmatch(r"(\d{4})(?:[.,]0+)?", raw.strip())
        if match is None:
            raise CellError("not_year", value=text(raw))
        value = int(match.group(1))
    else:
        raise CellError("not_year", value=text(raw))
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise CellError("year_range", value=value)
    return value


def money(raw: Raw, *, max_digits: int, places: int) -> Decimal:
    """Rupiah: a number, or text such as ``1500000``, ``1.500.000``,
    ``Rp 1.500.000,50``. Never negative; at most ``places`` decimals."""
    if isinstance(raw, bool):
        raise CellError("not_money", value=text(raw))
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellError("not_money", value=text(raw))
        # repr() is the shortest text that reads back as this float: 0.1, not 0.1000000000000000055.
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        value = _money_text(raw)
    else:
        raise CellError("not_money", value=text(raw))
    if value < 0:
        raise CellError("negative", value=text(raw))
    too_large = value >= Decimal(10) ** (max_digits - places)
    if too_large or value != value.quantize(Decimal(1).scaleb(-places)):
        raise CellError("money_precision", places=places, digits=max_digits - places)
    return value


_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def _money_text(raw: str) -> Decimal:
    original = raw
    value = raw.strip().replace("\u00a0", "").replace(" ", "")
    negative = value.startswith("-")
    value = re.sub(r"^(?i:rp)\.?", "", value.lstrip("-"))
    if not re.fullmatch(r"\d[\d.,]*", value):
        raise CellError("not_money", value=original.strip())
    whole, decimals = value, ""
    if "." in value and "," in value:
        mark = max(value.rfind("."), value.rfind(","))
        whole, decimals = value[:mark], value[mark + 1 :]
    elif value.count(",") == 1 and not _GROUPED.fullmatch(value):
        whole, decimals = value.split(",")
    elif value.count(".") == 1 and not _GROUPED.fullmatch(value):
        whole, decimals = value.split(".")
    if ("." in whole or "," in whole) and not _GROUPED.fullmatch(whole):
        raise CellError("not_money", value=original.strip())
    if not decimals.isdigit() and decimals != "":
        raise CellError("not_money", value=original.strip())
    digits = re.sub(r"[.,]", "", whole) + ("." + decimals if decimals else "")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        raise CellError("not_money", value=original.strip()) from None
    return -amount if negative else amount


def choice(raw: Raw, choices: Choices) -> str:
    typed = text(raw)
    code = choices.parse(typed)
    if code is None:
        raise CellError("choice", value=typed, allowed=", ".join(choices.codes))
    return code


def names(raw: Raw) -> list[str]:
    """A comma-separated list of short names, in order, without repeats."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]", text(raw)):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)
