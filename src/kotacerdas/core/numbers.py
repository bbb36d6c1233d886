"""Numbers as people in Indonesia write them: Rupiah amounts, counts of
people and percentages, whether typed in a form, a spreadsheet cell, a survey
row or an API body. One reader, so the same text is the same number
everywhere (DESIGN.md: a rule lives in one place).

What is read
------------
- **Empty**: ``None``, blank text, or a lone dash (``-``, ``–``, ``—``; also
  ``Rp -``, the zero of accounting formats) is no value. The caller decides
  what no value means (the progress workbook: 0; the registry: unknown).
- **Number cells**: an ``int`` as it is; a ``float`` as the shortest decimal
  that reads back as it (``2024.0`` → 2024, ``0.1`` → 0.1); NaN, infinities
  and ``bool`` are refused.
- **Text**: case and spaces do not matter; spaces between digits group them
  (``1 500 000``).
- **Separators** ``.`` and ``,``:

  1. both present: the last one is the decimal mark and the other groups
     thousands: ``1.500.000,50`` and ``1,500,000.50`` are both 1500000.5;
  2. one of them, more than once: thousands (``250.000.000``, ``1,500,000``);
  3. one separator once, followed by exactly three digits after one to three
     digits that do not start with 0: thousands. So ``1.500`` and ``1,500``
     are both 1500 (Indonesian groups with a dot; a comma before three digits
     is English grouping, never sen), and ``2,500 juta`` is 2.500 juta —
     write ``2,5 juta`` for two and a half million;
  4. any other single separator is the decimal mark: ``1,5`` = ``1.5`` = 1.5,
     ``0,500`` = 0.5, ``1500,50`` = 1500.5.

  Groups after the first must have exactly three digits (``1.50.000`` is
  refused, not guessed).
- **Rupiah** (:func:`read_amount`): ``Rp``, ``Rp.`` or ``IDR`` before the
  number, ``rupiah`` after it; ``,-`` at the end says "no sen"
  (``Rp 1.500.000,-``); ``,00`` is zero sen. A multiplier may follow, with or
  without a space and a closing dot: ``rb``/``ribu``/``k`` (10³),
  ``jt``/``juta`` (10⁶), ``M``/``miliar``/``milyar`` (10⁹; ``M`` is miliar,
  as in Indonesian, never million), ``T``/``triliun`` (10¹²):
  ``250 jt``, ``1,5 juta``, ``2 M``, ``2 miliar``.
- **Counts** (:func:`read_count`): a whole number, optionally followed by
  ``orang``, ``org``, ``org.``, ``tenaga kerja``, ``TK``, ``pekerja`` or
  ``karyawan``: ``3 orang`` = ``3 TK`` = 3. ``3,0`` is 3; ``3,5`` is refused.
  The Indonesian words for 0 to 20 are read too, with or without a unit
  (``tiga``, ``tiga orang``, ``sebelas``, ``dua belas``, ``dua puluh``): a
  clerk copying a paper form writes small counts that way, the list is
  closed and short, and no word can be read as another. Larger number
  words (``seratus``, ``dua puluh lima``) are refused, not guessed.
- **Ranges** (``2-3``, ``2 – 3 orang``, ``2 s.d. 3``, ``2 s/d 3``,
  ``2 sampai 3``) are refused with their own code ``range``: the reader
  never picks a bound for the writer. The registry keeps such a cell as a
  warning with the original text and leaves the field empty
  (docs/registry.md).
- **Percentages** (:func:`read_percent`): a number, optionally followed by
  ``%`` or ``persen``.

What is refused (:class:`NumberError`, with a code)
----------------------------------------------------
- ``not_number``: anything else, among them number words other than the
  counts 0–20 (``sejuta``, ``seratus``: never guessed), exponents
  (``1,5E+06``, a number a spreadsheet has already damaged), other currencies
  and units (``5 dolar``), a multiplier after a count.
- ``range``: two numbers joined by a dash, ``s.d.``, ``s/d`` or ``sampai``.
- ``negative``: a leading minus (``-5``, ``−5``, ``Rp -5.000``) is read, and
  no amount, count or percentage in KotaCerdas may be negative. Imports and
  workbooks refuse it with this code; form fields parse it and let their
  minimum refuse it, with the same message as any other too small value.
- ``precision``: more decimals than the target keeps. Fields that keep sen
  (budgets, programme costs) take at most two and refuse a third rather than
  round it away; fields that keep whole Rupiah (the registry) round the sen
  half-up (``Rp 1.500.000,50`` → 1.500.001). A count must be whole.
- ``too_large``: more whole digits than the database column holds.

Values come back exact (:class:`~decimal.Decimal`, trailing zeros of the
decimals dropped: ``1.500.000,50`` → ``Decimal("1500000.5")``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Literal

from kotacerdas.core.formatting import round_half_up

Code = Literal["not_number", "negative", "precision", "too_large", "range"]


class NumberError(ValueError):
    """Text or a cell that is not the number it should be; ``code`` says why
    and ``value`` is what was written, for the message."""

    def __init__(self, code: Code, value: str) -> None:
        super().__init__(code)
        self.code: Code = code
        self.value = value


# Multipliers of amounts, by the word written after the number (lower case).
MULTIPLIERS: dict[str, int] = {
    "rb": 3,
    "ribu": 3,
    "k": 3,
    "jt": 6,
    "juta": 6,
    "m": 9,
    "miliar": 9,
    "milyar": 9,
    "t": 12,
    "triliun": 12,
}
COUNT_UNITS = frozenset({"orang", "org", "tenaga kerja", "tk", "pekerja", "karyawan"})
PERCENT_UNITS = frozenset({"%", "persen"})
Kind = Literal["amount", "count", "percent"]

# The Indonesian words for the counts 0–20 (closed list; see the docstring).
_ONES = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
COUNT_WORDS: dict[str, int] = {
    **{word: n for n, word in enumerate(_ONES)},
    "kosong": 0,
    "sepuluh": 10,
    "sebelas": 11,
    **{f"{word} belas": 10 + n for n, word in enumerate(_ONES) if n >= 2},
    "dua puluh": 20,
}
# Two numbers joined as people write a range: "2-3", "2 – 3", "2 s.d. 3",
# "2 s/d 3", "2 sampai 3" (a unit may follow). Checked only after the plain
# reading failed, so it costs nothing on the common path.
_RANGE = re.compile(r"\d[\d.,]*\s*(?:[-–—]|s\.?\s?d\.?|s/d|sampai|hingga)\s*\d[\d.,]*(?:\s.*)?")

_BLANK = frozenset({"", "-", "–", "—"})
_MINUS = ("-", "−")
_CURRENCY = re.compile(r"(?:rp\.?|idr)\s*")
# Digits with their separators; a space only between digits, so that
# "3 orang" stops before the unit.
_NUMBER = re.compile(r"\d(?:[\d.,]|\s(?=\d))*")
_NO_SEN = re.compile(r"[.,]\s*[-–]")
_SPACE = re.compile(r"\s+")
_LONGEST = 40  # digits: far past any column, so hostile text is refused cheaply


def _grouped(text: str, mark: str) -> bool:
    """``text`` is digits grouped by ``mark`` in threes (``1.500.000``)."""
    head, *groups = text.split(mark)
    return (
        1 <= len(head) <= 3
        and head.isdigit()
        and head[0] != "0"
        and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _digits(number: str, written: str) -> tuple[str, str]:
    """(whole digits, decimal digits) of ``number`` by the separator rules of
    the module docstring."""
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        at = max(number.rfind("."), number.rfind(","))
        whole, decimals = number[:at], number[at + 1 :]
        group = "," if number[at] == "." else "."
        if number[at] in whole or not _grouped(whole, group) or not decimals.isdigit():
            raise NumberError("not_number", written)
        return whole.replace(group, ""), decimals
    mark = "." if dots else ","
    count = dots or commas
    if count == 0:
        return number, ""
    if count > 1:
        if not _grouped(number, mark):
            raise NumberError("not_number", written)
        return number.replace(mark, ""), ""
    whole, decimals = number.split(mark)
    if not decimals.isdigit():
        raise NumberError("not_number", written)
    if _grouped(number, mark):
        return whole + decimals, ""
    return whole, decimals


def _from_text(raw: str, kind: Kind) -> Decimal | None:
    written = raw.strip()
    text = _SPACE.sub(" ", written.lower())
    if text in _BLANK:
        return None
    negative = False
    if text.startswith(_MINUS):
        negative, text = True, text[1:].lstrip()
    elif text.startswith("+"):
        text = text[1:].lstrip()
    if kind == "amount":
        currency = _CURRENCY.match(text)
        if currency is not None:
            text = text[currency.end() :]
            if text in _BLANK:
                return None
            if not negative and text.startswith(_MINUS):
                negative, text = True, text[1:].lstrip()
    match = _NUMBER.match(text)
    if match is None:
        if kind == "count":
            return _count_word(text, written)
        raise NumberError("not_number", written)
    number = match.group().replace(" ", "")
    rest = text[match.end() :]
    if kind == "amount":
        # "Rp 1.500.000,-": the dash after the separator says "no sen".
        if number[-1] in ".,":
            no_sen = _NO_SEN.match(number[-1] + rest)
            if no_sen is None:
                raise NumberError("not_number", written)
            number, rest = number[:-1], rest[no_sen.end() - 1 :]
        rest = rest.strip().removesuffix("rupiah").strip()
    else:
        rest = rest.strip()
    shift = 0
    if rest:
        unit = rest.removesuffix(".").strip()
        if kind == "amount" and unit in MULTIPLIERS:
            shift = MULTIPLIERS[unit]
        elif not (
            (kind == "count" and unit in COUNT_UNITS)
            or (kind == "percent" and unit in PERCENT_UNITS)
        ):
            if _RANGE.fullmatch(text):
                raise NumberError("range", written)
            raise NumberError("not_number", written)
    whole, decimals = _digits(number, written)
    if len(whole) + len(decimals) > _LONGEST:
        raise NumberError("too_large", written)
    value = Decimal(f"{whole}{decimals}E{shift - len(decimals)}")
    return _plain(-value if negative else value)


def _count_word(text: str, written: str) -> Decimal:
    """A count written as a word (``tiga``, ``dua belas orang``)."""
    for unit in COUNT_UNITS:
        if text.endswith(" " + unit) or text.endswith(" " + unit + "."):
            text = text.removesuffix(".").removesuffix(unit).strip()
            break
    value = COUNT_WORDS.get(text)
    if value is None:
        raise NumberError("not_number", written)
    return Decimal(value)


def _plain(value: Decimal) -> Decimal:
    """The same value without trailing zeros after the decimal mark and without
    an exponent: ``1500000.50`` → ``1500000.5``, ``15E+5`` → ``1500000``.
    Built from the digits, so no rounding context can touch it."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return value
    kept = list(digits)
    while exponent < 0 and len(kept) > 1 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if kept == [0]:
        exponent = 0
    if exponent > 0:
        kept += [0] * exponent
        exponent = 0
    return Decimal((sign, tuple(kept), exponent))


def parse(raw: Any, kind: Kind = "amount") -> Decimal | None:
    """The exact value of ``raw`` (text or a number cell), signed, before any
    rule about its sign, size or decimals; None when empty. Raises
    NumberError("not_number") for anything that is not a ``kind`` number."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberError("not_number", str(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise NumberError("not_number", str(raw))
        # repr() is the shortest text that reads back as this float: 0.1, not 0.1000000000000000055.
        return _plain(Decimal(repr(raw)))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberError("not_number", str(raw))
        return _plain(raw)
    if isinstance(raw, str):
        return _from_text(raw, kind)
    raise NumberError("not_number", str(raw))


def _written(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else str(raw)


def _checked(raw: Any, value: Decimal, *, places: int, max_digits: int, rounding: bool) -> Decimal:
    if value < 0:
        raise NumberError("negative", _written(raw))
    if value >= Decimal(10) ** (max_digits - places):
        raise NumberError("too_large", _written(raw))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        if not rounding:
            raise NumberError("precision", _written(raw))
        value = round_half_up(value, places)
        if value >= Decimal(10) ** (max_digits - places):
            raise NumberError("too_large", _written(raw))
    return value


def read_amount(
    raw: Any, *, places: int = 2, max_digits: int = 18, rounding: bool = False
) -> Decimal | None:
    """Rupiah, never negative, at most ``max_digits`` digits of which
    ``places`` decimals; more decimals are refused, or rounded half-up with
    ``rounding``. None when empty."""
    value = parse(raw, "amount")
    if value is None:
        return None
    return _checked(raw, value, places=places, max_digits=max_digits, rounding=rounding)


def read_count(raw: Any, *, limit: int = 2_147_483_647) -> int | None:
    """A whole number of people or things, 0 to ``limit``. None when empty."""
    value = parse(raw, "count")
    if value is None:
        return None
    if value < 0:
        raise NumberError("negative", _written(raw))
    if value != value.to_integral_value():
        raise NumberError("precision", _written(raw))
    if value > limit:
        raise NumberError("too_large", _written(raw))
    return int(value)


def read_percent(raw: Any, *, places: int = 2, max_digits: int = 18) -> Decimal | None:
    """A percentage, never negative, at most ``places`` decimals (the range
    is the caller's: progress stops at 100, growth does not). None when empty."""
    value = parse(raw, "percent")
    if value is None:
        return None
    return _checked(raw, value, places=places, max_digits=max_digits, rounding=False)
