"""Hypothesis strategies for the number tests: amounts and counts, and every
way people write them (kotacerdas.core.numbers documents the rules). A
notation is only generated where it is unambiguous under those rules: "1,234
juta" means 1.234 juta there, so 1.234.000 is never written that way."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

_WORDS = {3: ["rb", "ribu", "k"], 6: ["jt", "juta", "jt."], 9: ["M", "miliar", "milyar"]}


def amounts(*, whole: bool = False) -> st.SearchStrategy[Decimal]:
    """Rupiah below 10¹³ with at most two decimals (none with ``whole``),
    often round (so that "1,5 juta" and "2 M" get generated)."""
    round_ones = st.builds(
        lambda mantissa, shift: Decimal(mantissa) * 10**shift,
        st.integers(min_value=1, max_value=9999),
        st.sampled_from([2, 3, 5, 6, 8, 9]),
    )
    plain = st.integers(min_value=0, max_value=10**13 - 1).map(Decimal)
    if whole:
        return st.one_of(plain, round_ones)
    cents = st.integers(min_value=0, max_value=10**15 - 1).map(lambda c: Decimal(c).scaleb(-2))
    return st.one_of(plain, round_ones, cents)


def counts() -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=0, max_value=99),
        st.integers(0, 2_000_000_000 - 1),
    )


def _digits(value: Decimal) -> tuple[str, str]:
    text = f"{value.normalize():f}" if value else "0"
    whole, _dot, decimals = text.partition(".")
    return whole, decimals


def _grouped(whole: str, mark: str) -> str:
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return mark.join([whole, *groups])


def indonesian(value: Decimal) -> str:
    whole, decimals = _digits(value)
    text = _grouped(whole, ".")
    return f"{text},{decimals}" if decimals else text


def english(value: Decimal) -> str:
    whole, decimals = _digits(value)
    text = _grouped(whole, ",")
    return f"{text}.{decimals}" if decimals else text


def _ambiguous(written: str) -> bool:
    """A single separator before exactly three digits is read as thousands."""
    marks = [c for c in written if c in ".,"]
    if len(marks) != 1:
        return False
    whole, decimals = written.replace(",", ".").split(".")
    return len(decimals) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"


def render_amount(value: Decimal) -> st.SearchStrategy[object]:
    """``value`` as people and spreadsheets write it."""
    whole, decimals = _digits(value)
    options: list[object] = [
        f"{value:f}",
        indonesian(value),
        english(value),
        "Rp " + indonesian(value),
        "Rp" + indonesian(value),
        "Rp. " + indonesian(value),
        "IDR " + indonesian(value),
        " " + indonesian(value) + " ",
        indonesian(value) + " rupiah",
        "Rp\u00a0" + indonesian(value),
    ]
    if not decimals:
        options += [
            int(value),
            indonesian(value) + ",00",
            "Rp " + indonesian(value) + ",-",
            "Rp " + indonesian(value) + ",00",
            indonesian(value) + ".-",
            _grouped(whole, " "),
        ]
    if float(value) == value and Decimal(repr(float(value))) == value:
        options.append(float(value))
    for shift, words in _WORDS.items():
        mantissa = value.scaleb(-shift)
        if mantissa < 1 or mantissa != mantissa.quantize(Decimal("0.001")):
            continue
        written = indonesian(mantissa)
        if _ambiguous(written):
            continue
        options += [f"{written} {word}" for word in words] + [f"{written}{words[0]}"]
        options.append(f"Rp {written} {words[1]}")
    return st.sampled_from(options)


def render_count(value: int) -> st.SearchStrategy[object]:
    units = [" orang", " org", " org.", " tenaga kerja", " TK", "TK", " pekerja", " karyawan"]
    grouped = indonesian(Decimal(value))
    options: list[object] = [
        str(value),
        grouped,
        english(Decimal(value)),
        value,
        float(value),
        f"{value},0",
        *(grouped + unit for unit in units),
    ]
    if value <= 20:
        # The words for 0–20, alone or with a unit ("tiga", "Dua Belas orang").
        word = _COUNT_WORDS[value]
        options += [word, word.title(), word + " orang", word.upper() + " org."]
    return st.sampled_from(options)


_ONES = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
_COUNT_WORDS = [*_ONES, "sepuluh", "sebelas", *(f"{w} belas" for w in _ONES[2:]), "dua puluh"]
