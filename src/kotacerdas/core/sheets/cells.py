"""Reading one spreadsheet cell as the value a column needs. Spreadsheets
store every number as a float (a year arrives as ``2024.0``) and people type
amounts as text in Indonesian notation (``Rp1.500.000,50``); these turn both
into the exact value the model stores, so that an unchanged row compares
equal to the database and is left alone. Amounts are read by
:mod:`kotacerdas.core.numbers`, like every form and import.

Also the two helpers every template-driven importer compares with:
:func:`normalise` (codes, labels, headers) and :class:`Choices` (the values
of a choice column, in either language)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotacerdas.core import numbers
from kotacerdas.core.sheets.problems import Message

Raw = int | float | str | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

YEAR_MIN, YEAR_MAX = 2000, 2100

# The codes a cell reader raises, with their words; importers add their own.
CELL_MESSAGES: dict[str, Message] = {
    "required": Message(_("Wajib diisi."), "required"),
    "too_long": Message(_("Terlalu panjang: paling banyak %(max)s karakter."), "too long"),
    "not_year": Message(
        _("Harus tahun berupa bilangan bulat, mis. 2024; tertulis “%(value)s”."),
        "not a whole-number year",
    ),
    "year_range": Message(_("Tahun %(value)s di luar rentang 2000–2100."), "year out of range"),
    "not_money": Message(
        _(
            "Harus angka Rupiah, mis. 1.500.000, Rp 1.500.000,- atau 1,5 juta; "
            "tertulis “%(value)s”."
        ),
        "not an amount",
    ),
    "negative": Message(_("Tidak boleh negatif; tertulis “%(value)s”."), "negative amount"),
    "money_precision": Message(
        _("Paling banyak %(digits)s digit dan %(places)s angka di belakang koma."),
        "too many digits",
    ),
    "choice": Message(
        _("Nilai “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s."),
        "unknown value",
    ),
}


class CellError(ValueError):
    """A cell that cannot become the column's value; ``code`` names the
    message (a key of the importer's vocabulary, e.g. CELL_MESSAGES)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def normalise(text: str) -> str:
    """The form in which codes, labels and headers are compared:
    case-insensitive, ``_``/``-`` as spaces, white space collapsed."""
    return " ".join(re.sub(r"[_\-]+", " ", text).casefold().split())


@dataclass(frozen=True)
class Choices:
    """The values a choice column accepts: the code (what the export writes),
    its label in Indonesian or English, and a few common spellings."""

    options: tuple[tuple[str, str | Promise], ...]
    aliases: tuple[tuple[str, str], ...] = ()
    # Whether a workbook shows this column's values by their Indonesian label
    # (codes kept in a hidden list) rather than by code; reading accepts both.
    labelled: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.options)

    def accepted(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for language in ("id", "en"):
            with translation.override(language):
                for code, label in self.options:
                    table.setdefault(normalise(str(label)), code)
        for alias, code in self.aliases:
            table.setdefault(normalise(alias), code)
        for code in self.codes:
            table[normalise(code)] = code
        return table

    def label(self, code: str, language: str = "id") -> str:
        """The label of ``code`` in ``language`` (the code itself when unknown)."""
        with translation.override(language):
            return next((str(label) for c, label in self.options if c == code), code)

    def labels(self, language: str = "id") -> tuple[str, ...]:
        with translation.override(language):
            return tuple(str(label) for _code, label in self.options)

    def shown(self) -> tuple[str, ...]:
        """What a workbook writes for this column: labels or codes."""
        return self.labels() if self.labelled else self.codes

    def parse(self, text: str) -> str | None:
        return self.accepted().get(normalise(text))

    def describe(self) -> str:
        return ", ".join(
            code if normalise(code) == normalise(str(label)) else f"{code} ({label})"
            for code, label in self.options
        )


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
    """Rupiah in any notation :mod:`kotacerdas.core.numbers` reads (a number
    cell, ``1.500.000``, ``Rp 1.500.000,-``, ``1,5 juta``...); an empty cell
    or a lone dash is 0. Never negative; at most ``places`` decimals."""
    try:
        value = numbers.read_amount(raw, places=places, max_digits=max_digits)
    except numbers.NumberError as error:
        if error.code == "negative":
            raise CellError("negative", value=text(raw)) from None
        if error.code in ("precision", "too_large"):
            raise CellError("money_precision", places=places, digits=max_digits - places) from None
        raise CellError("not_money", value=text(raw)) from None
    return Decimal(0) if value is None else value


def choice(raw: Raw, choices: Choices) -> str:
    typed = text(raw)
    code = choices.parse(typed)
    if code is None:
        raise CellError("choice", value=typed, allowed=", ".join(choices.shown()))
    return code


def names(raw: Raw) -> list[str]:
    """A comma-separated list of short names, in order, without repeats."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]", text(raw)):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)
