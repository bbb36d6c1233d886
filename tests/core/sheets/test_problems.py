"""The shared problem vocabulary: a problem carries where it is, its code,
its Indonesian message (English when the user reads English) and its gloss."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.sheets.cells import CELL_MESSAGES
from kotacerdas.core.sheets.problems import (
    ExchangeError,
    Message,
    Problem,
    Problems,
    UnreadableWorkbook,
)

VOCABULARY = {
    **CELL_MESSAGES,
    "own": Message(_("Kode %(code)s sudah ada di baris %(other)s."), "code on row %(other)s too"),
}


def test_it_builds_each_message_from_the_importer_vocabulary() -> None:
    problems = Problems(VOCABULARY)
    with translation.override("id"):
        problems.add("Laporan", 4, "Kode", "own", code="GOV-01", other=2)
        problems.add("Program", None, "", "required")

    first, second = problems
    assert first == Problem(
        "Laporan", 4, "Kode", "own", "Kode GOV-01 sudah ada di baris 2.", "code on row 2 too"
    )
    assert (second.code, second.message, second.gloss) == ("required", "Wajib diisi.", "required")
    assert len(problems) == 2


def test_a_parameter_may_be_named_like_the_problem_code() -> None:
    problems = Problems(VOCABULARY)
    problems.add("Laporan", 2, "Kode", "own", code="X", other=1)
    assert problems.items[0].code == "own"


def test_the_message_follows_the_active_language_and_the_gloss_stays_english() -> None:
    problems = Problems(VOCABULARY)
    with translation.override("en"):
        problems.add("Program", 3, "nama", "required")
    assert problems.items[0].message == "Required."
    assert problems.items[0].gloss == "required"


def test_it_says_where_the_problem_is() -> None:
    problem = Problem("Program", 7, "nama", "required", "Wajib diisi.", "required")
    with translation.override("id"):
        assert str(problem) == "Program baris 7, kolom nama: Wajib diisi. (required)"
    assert problem.as_dict() == {
        "sheet": "Program",
        "row": 7,
        "column": "nama",
        "code": "required",
        "message": "Wajib diisi.",
        "gloss": "required",
    }


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        Problems(VOCABULARY).add("Program", 1, "", "no_such_code")


def test_errors_about_a_whole_file_carry_message_and_gloss() -> None:
    words = Message(_("Lembar “%(sheet)s” tidak ada di berkas."), 'sheet "%(sheet)s" missing')
    with translation.override("id"):
        error = UnreadableWorkbook.of(words, sheet="Laporan")
    assert isinstance(error, ExchangeError)
    assert error.message == "Lembar “Laporan” tidak ada di berkas."
    assert error.gloss == 'sheet "Laporan" missing'
    assert str(error) == f"{error.message} / {error.gloss}"
