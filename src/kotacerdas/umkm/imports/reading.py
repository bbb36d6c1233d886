"""Reading survey files (CSV, XLSX, XLS, ODS) row by row with the shared
reader of :mod:`kotacerdas.core.sheets.reading`, which checks the content
(kind, zip bombs) before a parser sees it. Calamine reads one sheet into
memory (its ``iter_rows`` walks a sheet that is already loaded), which stays
within the memory budget for one sheet of Excel's 1,048,576 rows at survey
widths (docs/benchmarks.md); CSV is streamed.

A file that cannot be read raises :class:`ImportFileError`, the error every
step of the import (web, command, worker) reports.
"""

from __future__ import annotations

from pathlib import Path

from kotacerdas.core.sheets import reading
from kotacerdas.core.sheets.reading import Book

__all__ = ["Book", "ImportFileError", "open_book"]


class ImportFileError(Exception):
    """The file cannot be read at all. ``message`` is Indonesian, then
    `` / `` and English."""

    def __init__(self, message: str, gloss: str = "") -> None:
        text = f"{message} / {gloss}" if gloss else message
        super().__init__(text)
        self.message = text


def open_book(path: Path, *, filename: str) -> Book:
    """Check ``path`` (named ``filename`` by its uploader) and open it."""
    return reading.open_book(path, filename=filename, refusal=ImportFileError)
