"""Names people type (core.text): NFC, no bidirectional-control or zero-width
characters, single spaces; the count of removed characters is reported
(issue 14, point 14)."""

from __future__ import annotations

import pytest

from kotacerdas.core.forms import NameField, invisible_removed
from kotacerdas.core.text import INVISIBLE, CleanName, name_clean

RLO, PDF, ZWSP, ZWJ, BOM, LRI, PDI = (
    "\u202e",
    "\u202c",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2066",
    "\u2069",
)


@pytest.mark.parametrize(
    ("typed", "stored", "removed"),
    [
        ("Toko Jaya", "Toko Jaya", 0),
        (f"Toko {RLO}ayaJ{PDF}", "Toko ayaJ", 2),
        (f"To{ZWSP}ko Ja{ZWJ}ya", "Toko Jaya", 2),
        (f"{BOM}Warung  Bu\tIjah ", "Warung Bu Ijah", 1),
        (f"{LRI}Kopi{PDI}", "Kopi", 2),
        ("Cafe\u0301 Senja", "Caf\u00e9 Senja", 0),  # e + combining accent: one é
        (None, "", 0),
    ],
)
def test_it_cleans_a_name_and_counts_what_it_removed(typed, stored, removed) -> None:
    assert name_clean(typed) == CleanName(stored, removed)


def test_no_invisible_character_survives() -> None:
    cleaned = name_clean("A" + "".join(sorted(INVISIBLE)) + "B")
    assert cleaned.text == "AB"
    assert cleaned.removed == len(INVISIBLE)


def test_a_name_field_cleans_and_the_form_says_where() -> None:
    from django import forms

    class Form(forms.Form):
        name = NameField(label="Nama usaha", max_length=20)
        owner_name = NameField(label="Nama pemilik", required=False)

    form = Form({"name": f"Toko{ZWSP} Jaya", "owner_name": "Ani"})
    assert form.is_valid()
    assert form.cleaned_data["name"] == "Toko Jaya"
    assert invisible_removed(form) == ["Nama usaha"]
    assert invisible_removed(Form({"name": "Toko Jaya"})) == []


def test_a_name_of_only_invisible_characters_is_empty() -> None:
    from django import forms

    class Form(forms.Form):
        name = NameField(label="Nama usaha")

    form = Form({"name": f"{ZWSP}{RLO}"})
    assert not form.is_valid()
    assert "name" in form.errors
