"""What an importer says about a file: one vocabulary for every app.

A :class:`Problem` is one thing wrong in a cell, a row or a sheet: where
(sheet, row as the spreadsheet numbers it, column), what (a ``code``), and
why in words: the Indonesian ``message`` (translated when the user reads
English) and a short English ``gloss`` for logs, the CLI and JSON. Each app
declares its codes next to its importer as a :data:`Vocabulary` (code →
:class:`Message`) and collects problems with :class:`Problems`; the codes
every cell reader can raise are in :data:`kotacerdas.core.sheets.cells.CELL_MESSAGES`.

An :class:`ExchangeError` is about the file or the request as a whole (not one
row can be read); :class:`UnreadableWorkbook` is the one the reader raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Self

from django.utils.functional import Promise
from django.utils.translation import gettext as _g


class Message(NamedTuple):
    """The words of a code: Indonesian (a gettext message, which may hold
    ``%(name)s`` parameters) and a short English gloss (which may hold the
    same parameters)."""

    text: str | Promise
    gloss: str

    def render(self, /, **params: Any) -> tuple[str, str]:
        """(message, gloss) with ``params`` filled in, in the active language."""
        if not params:
            return str(self.text), self.gloss
        return str(self.text) % params, self.gloss % params


Vocabulary = Mapping[str, Message]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # the spreadsheet's row number; None for the sheet as a whole
    column: str
    code: str
    message: str  # Indonesian (translated when the user reads English)
    gloss: str  # short English

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += " " + _g("baris %(n)s") % {"n": self.row}
        if self.column:
            where += ", " + _g("kolom %(c)s") % {"c": self.column}
        return f"{where}: {self.message} ({self.gloss})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "gloss": self.gloss,
        }


class Problems:
    """Collects problems, each message built from the importer's vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.items: list[Problem] = []

    def add(self, sheet: str, row: int | None, column: str, code: str, /, **params: Any) -> None:
        message, gloss = self.vocabulary[code].render(**params)
        self.items.append(Problem(sheet, row, column, code, message, gloss))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ExchangeError(Exception):
    """The request cannot be read at all (not one row): the message is shown
    to the user as it is, Indonesian first."""

    def __init__(self, message: str, gloss: str) -> None:
        super().__init__(f"{message} / {gloss}")
        self.message = message
        self.gloss = gloss

    @classmethod
    def of(cls, words: Message, /, **params: Any) -> Self:
        return cls(*words.render(**params))


class UnreadableWorkbook(ExchangeError):
    """The file is not a spreadsheet of the expected kind, is damaged, or is
    too large to read."""
