"""Cell readers of kotacerdas.core.sheets.cells beyond the masterplan's own
tests (tests/masterplan/test_exchange.py): amounts go through the shared
number reader, and the generic helpers compare as documented."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kotacerdas.core.sheets import cells
from kotacerdas.core.sheets.cells import CELL_MESSAGES, CellError, Choices, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Rp 1.500.000,-", "1500000"),
        ("1,5 juta", "1500000"),
        ("250.000.000", "250000000"),
        ("2 M", "2000000000"),
        ("-", "0"),
        ("Rp -", "0"),
        (None, "0"),
    ],
)
def test_money_reads_what_the_forms_and_imports_read(raw: object, expected: str) -> None:
    assert cells.money(raw, max_digits=18, places=2) == Decimal(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("banyak", "not_money", {"value": "banyak"}),
        ("-5.000", "negative", {"value": "-5.000"}),
        (-1.0, "negative", {"value": "-1"}),
        ("1,505", None, {}),
        ("1.500,505", "money_precision", {"places": 2, "digits": 16}),
        ("1" * 17, "money_precision", {"places": 2, "digits": 16}),
    ],
)
def test_money_refuses_with_a_code_of_the_cell_vocabulary(
    raw: object, code: str | None, params: dict[str, object]
) -> None:
    if code is None:
        assert cells.money(raw, max_digits=18, places=2) == 1505  # type: ignore[arg-type]
        return
    with pytest.raises(CellError) as caught:
        cells.money(raw, max_digits=18, places=2)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.params) == (code, params)
    assert code in CELL_MESSAGES


def test_every_cell_code_has_indonesian_words_and_an_english_gloss() -> None:
    for code, words in CELL_MESSAGES.items():
        assert str(words.text) and words.gloss, code


def test_normalise_ignores_case_separators_and_spacing() -> None:
    assert normalise("  Kode_Pilar ") == normalise("kode-pilar") == "kode pilar"
    assert normalise("RENCANA   Aksi") == "rencana aksi"


def test_choices_accept_codes_labels_in_both_languages_and_aliases() -> None:
    choices = Choices(options=(("apbd", "APBD"), ("lain", "Lainnya")), aliases=(("other", "lain"),))
    assert choices.parse("APBD") == "apbd"
    assert choices.parse("lainnya") == choices.parse("Other") == "lain"
    assert choices.parse("swasta") is None
    assert choices.codes == ("apbd", "lain")
    assert choices.describe() == "apbd, lain (Lainnya)"
