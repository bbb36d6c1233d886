"""The fast paths of the identifier cleaners give what their general path
gives (issue 20: every row of an import goes through them)."""

from __future__ import annotations

import random

import pytest

from kotacerdas.umkm import identifiers

WORDS = [
    *("TOKO", "Toko", "tk", "TK.", "WR", "WRG", "Warung", "UD", "CV", "PT.", "RM", "Rumah"),
    *("Makan", "RUMAH MAKAN", "Kedai", "kios", "Depot", "Usaha", "Koperasi", "Berkah", "jaya"),
    *("2", "TK2", "TOKOBAGUS", "é", "-", "&", ".", "  ", "\t", "\u017f", "ß", "Ṡ", "ud", "usaha"),
]


def test_name_key_word_by_word_is_the_regular_expressions_for_every_name() -> None:
    rng = random.Random(20)
    for _ in range(50_000):
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 5)))
        if rng.random() < 0.3:
            name = name.replace(" ", "")
        assert identifiers.name_key(name) == identifiers._name_key_of(name.upper()), name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Toko Berkah Jaya", "BERKAH JAYA"),
        ("RUMAH MAKAN Padang", "PADANG"),
        ("Toko Warung UD Sari", "SARI"),
        ("Toko", "TOKO"),
        ("Tokobagus", "TOKOBAGUS"),
        ("Rumah Sakit", "RUMAH SAKIT"),
        ("BERKAH  JAYA.", "BERKAH JAYA"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert identifiers.name_key(name) == key


@pytest.mark.parametrize(
    "raw",
    ["1234567890123", "123-4567890123", " 1234567890123", "12345678901234", "١٢٣٤٥٦٧٨٩٠١٢٣"],
)
def test_a_plain_nib_is_read_as_the_general_path_reads_it(raw: str) -> None:
    def general() -> str | Exception:
        try:
            digits = identifiers._digits_of(raw, damaged="nib_damaged")
            if not identifiers.is_digits(digits) or len(digits) != 13:
                raise identifiers.Invalid("nib_length")
            return digits
        except identifiers.Invalid as error:
            return error

    def fast() -> str | Exception:
        try:
            return identifiers.clean_nib(raw)
        except identifiers.Invalid as error:
            return error

    got, expected = fast(), general()
    assert type(got) is type(expected)
    assert got == expected if isinstance(got, str) else got.code == expected.code  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("081234567890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("006281234567890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("+62 812-3456-7890", "6281234567890"),
    ],
)
def test_a_phone_of_digits_only_is_read_as_any_other(raw: str, phone: str) -> None:
    assert identifiers.clean_phone(raw) == phone


def test_a_phone_of_digits_only_is_refused_as_any_other() -> None:
    for raw in ("12", "0012345", "9999999999"):
        with pytest.raises(identifiers.Invalid):
            identifiers.clean_phone(raw)
