"""The rejection report of an import: an .xlsx written row by row in flat
memory (core.sheets.writing.StreamedBook) with

- ``Ditolak``: sheet, row number, the reasons in Indonesian and in English
  (every reason of the row, separated by "; "), then the row's cells exactly
  as they were read;
- ``Peringatan``: rows that were imported but deserve a look, one line per
  warning: sheet, row, column, the cell as it was written (for a field left
  empty because it could not be read), the warning in Indonesian and English;
- ``Dilewati``: rows that are not businesses (totals, notes, signatures)
  and were skipped, with the reason and the row's cells.

The file is written beside its final name and moved into place by
:meth:`RejectionReport.finish`, so an import that fails leaves no half report.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils import translation

from kotacerdas.core.sheets.writing import StreamedBook
from kotacerdas.umkm.imports.headers import FIELDS
from kotacerdas.umkm.imports.rows import KEPT, Reason, reason_text

_TEXTS_KEPT = 10_000  # distinct reason lists remembered per report


def texts(reasons: Sequence[Reason]) -> tuple[str, str]:
    """All ``reasons`` in Indonesian and in English."""
    with translation.override("id"):
        indonesian = "; ".join(reason_text(r) for r in reasons)
    with translation.override("en"):
        english = "; ".join(reason_text(r) for r in reasons)
    return indonesian, english


class RejectionReport:
    def __init__(self, path: Path, *, headers: Sequence[Any], parts_beside: bool = False) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self._prepared: Path | None = None
        self._published = False
        self._known: dict[tuple[Reason, ...], tuple[str, str]] = {}
        self._columns: dict[str, str] = {}
        # Written by hand (core.sheets.writing.StreamedBook): openpyxl's cells
        # were most of a large import's report time (issue 20).
        self.workbook = StreamedBook(path, parts_beside=parts_beside)
        self.rejected = self.workbook.add_sheet(
            "Ditolak", ["Lembar / Sheet", "Baris / Row", "Alasan", "Reason", *headers]
        )
        self.warned = self.workbook.add_sheet(
            "Peringatan",
            [
                *("Lembar / Sheet", "Baris / Row", "Kolom / Column"),
                *("Isian asli / Original value", "Peringatan", "Warning"),
            ],
        )
        self.skipped = self.workbook.add_sheet(
            "Dilewati", ["Lembar / Sheet", "Baris / Row", "Alasan", "Reason", *headers]
        )

    def _texts(self, reasons: Sequence[Reason]) -> tuple[str, str]:
        """:func:`texts`, remembered: rejected rows of a large survey share a
        few lists of reasons, and switching the language per row cost most of
        the report's time (docs/benchmarks.md, issue 20)."""
        key = tuple(reasons)
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= _TEXTS_KEPT:
                self._known.clear()
            found = self._known[key] = texts(reasons)
        return found

    def reject(self, sheet: str, row: int, reasons: Sequence[Reason], cells: Sequence[Any]) -> None:
        indonesian, english = self._texts(reasons)
        values = [sheet, row, indonesian, english, *cells]
        self.rejected.append(values)

    def warn(self, sheet: str, row: int, warnings: Sequence[Reason]) -> None:
        for warning in warnings:
            code, value, field = warning
            indonesian, english = self._texts([warning])
            column = self._columns.get(field)
            if column is None:
                with translation.override("id"):
                    column = self._columns[field] = str(FIELDS[field]) if field in FIELDS else field
            original = value if code.startswith(KEPT) else ""
            values = [sheet, row, column, original, indonesian, english]
            self.warned.append(values)

    def skip(self, sheet: str, row: int, reasons: Sequence[Reason], cells: Sequence[Any]) -> None:
        indonesian, english = self._texts(reasons)
        values = [sheet, row, indonesian, english, *cells]
        self.skipped.append(values)

    def prepare(self) -> None:
        """Write the whole report to a private temporary file (0600), not yet
        where it is asked for: an import that writes it inside its transaction
        puts it in place only after the commit (:meth:`publish`), so the
        report exists exactly when the import does, and a process killed
        during the commit leaves nothing in the data folder."""
        handle, name = tempfile.mkstemp(prefix="kc-report-", suffix=".xlsx")
        os.close(handle)
        self._prepared = Path(name)
        self.workbook.save(self._prepared)

    def publish(self) -> Path:
        """Put the prepared report in place, atomically (a rename; a copy to a
        hidden file beside it, then a rename, across file systems)."""
        assert self._prepared is not None, "prepare() first"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(self._prepared, self.path)
        except OSError:  # another file system: copy beside, then rename
            handle = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(handle, "wb") as target, self._prepared.open("rb") as source:
                shutil.copyfileobj(source, target)
            os.replace(self.partial, self.path)
            self._prepared.unlink(missing_ok=True)
        self._prepared = None
        self._published = True
        return self.path

    def finish(self) -> Path:
        self.prepare()
        return self.publish()

    def discard(self) -> None:
        """Drop the report of an import that failed (and its sheets' part
        files), also when it was put in place just before a commit that then
        failed."""
        self.workbook.discard()
        self.partial.unlink(missing_ok=True)
        if self._published:
            self.path.unlink(missing_ok=True)
            self._published = False
        if self._prepared is not None:
            self._prepared.unlink(missing_ok=True)
            self._prepared = None
