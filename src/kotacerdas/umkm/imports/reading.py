"""Reading survey files row by row: CSV with the csv module, XLSX/XLS/ODS with
python-calamine.

Every reader yields ``(row_number, cells)`` with 1-based row numbers as the
clerk sees them in the spreadsheet (for CSV: the record number, which is the
line number unless a quoted cell holds a line break). CSV is streamed;
calamine reads one sheet into memory (its ``iter_rows`` walks a sheet that is
already loaded), which stays within the memory budget for one sheet of
Excel's 1,048,576 rows at survey widths (docs/benchmarks.md).

Before a parser sees a file its content is checked cheaply: the extension must
match the first bytes, and a zip container (XLSX, ODS) is refused when it
would inflate past the limits of :mod:`kotacerdas.core.uploads` (zip bombs).
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from kotacerdas.core import uploads

KINDS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xls": "xls", ".ods": "ods"}
_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
# csv refuses fields over 128 KiB by default; survey cells are far smaller,
# but an address pasted with a whole letter must not stop the import.
csv.field_size_limit(16 * 1024 * 1024)


class ImportFileError(Exception):
    """The file cannot be read at all. ``message`` is Indonesian, then
    `` / `` and English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Book:
    """An opened survey file: its sheets and a way to walk one."""

    path: Path
    kind: str
    sheets: list[str]
    _calamine: CalamineWorkbook | None = None
    _csv_encoding: str = "utf-8-sig"
    _csv_delimiter: str = ","
    _loaded: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None
        self._loaded.clear()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of every row of ``sheet``, blank ones included."""
        if self.kind == "csv":
            yield from self._csv_rows()
            return
        loaded = self._sheet(sheet)
        try:
            yield from enumerate(loaded.iter_rows(), start=1)
        except CalamineError as error:
            raise _unreadable(self.path.name) from error

    def head(self, sheet: str, count: int) -> list[list[Any]]:
        """The first ``count`` rows of ``sheet``."""
        result = []
        for _number, cells in self.rows(sheet):
            result.append(cells)
            if len(result) >= count:
                break
        return result

    def estimate(self, sheet: str) -> int | None:
        """About how many rows ``sheet`` has (for the progress bar)."""
        if self.kind == "csv":
            size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                sample = handle.read(_SAMPLE_BYTES)
            lines = sample.count(b"\n")
            if not lines:
                return 1
            if len(sample) >= size:
                return lines + (0 if sample.endswith(b"\n") else 1)
            return max(1, round(size * lines / len(sample)))
        return int(self._sheet(sheet).total_height) + 1

    def _sheet(self, sheet: str) -> Any:
        if sheet not in self._loaded:
            # One sheet in memory at a time.
            self._loaded.clear()
            assert self._calamine is not None
            try:
                self._loaded[sheet] = self._calamine.get_sheet_by_name(sheet)
            except CalamineError as error:
                raise _unreadable(self.path.name) from error
        return self._loaded[sheet]

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            with self.path.open(encoding=self._csv_encoding, newline="") as handle:
                reader = csv.reader(handle, delimiter=self._csv_delimiter)
                yield from enumerate(reader, start=1)
        except (UnicodeDecodeError, csv.Error) as error:
            raise ImportFileError(
                _(
                    "Berkas CSV %(name)s tidak dapat dibaca (%(error)s); simpan sebagai CSV "
                    "UTF-8. / The CSV file %(name)s cannot be read (%(error)s); save it as "
                    "UTF-8 CSV."
                )
                % {"name": self.path.name, "error": str(error)[:200]}
            ) from error


def _unreadable(name: str) -> ImportFileError:
    return ImportFileError(
        _(
            "Berkas %(name)s rusak atau bukan lembar kerja yang dapat dibaca. / "
            "%(name)s is damaged or not a readable spreadsheet."
        )
        % {"name": name}
    )


def kind_of(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise ImportFileError(
            _(
                "Berkas %(name)s bukan lembar kerja: gunakan CSV, XLSX, XLS atau ODS. / "
                "%(name)s is not a spreadsheet: use CSV, XLSX, XLS or ODS."
            )
            % {"name": filename}
        )
    return kind


def open_book(path: Path, *, filename: str) -> Book:
    """Check ``path`` (named ``filename`` by its uploader) and open it."""
    kind = kind_of(filename)
    if not path.is_file():
        raise ImportFileError(
            _("Berkas %(name)s tidak ada. / %(name)s does not exist.") % {"name": filename}
        )
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if not head:
        raise ImportFileError(
            _("Berkas %(name)s kosong. / %(name)s is empty.") % {"name": filename}
        )
    if kind == "csv":
        return _open_csv(path, filename, head)
    if kind in ("xlsx", "ods"):
        if not head.startswith(b"PK\x03\x04"):
            raise _not_kind(filename, kind)
        _check_zip(path, filename)
    elif not head.startswith(uploads.OLE_MAGIC):
        raise _not_kind(filename, kind)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise _unreadable(filename) from error
    return Book(path=path, kind=kind, sheets=list(book.sheet_names), _calamine=book)


def _not_kind(filename: str, kind: str) -> ImportFileError:
    return ImportFileError(
        _(
            "Isi berkas %(name)s bukan %(kind)s (mungkin hanya ekstensinya yang diganti). / "
            "The content of %(name)s is not %(kind)s (perhaps only its extension was changed)."
        )
        % {"name": filename, "kind": kind.upper()}
    )


def _check_zip(path: Path, filename: str) -> None:
    """Refuse a zip container that would inflate too much, before any parser
    inflates it (the limits of core.uploads)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise _unreadable(filename) from error
    bomb = len(infos) > uploads.ZIP_MAX_MEMBERS or (
        sum(info.file_size for info in infos) > uploads.ZIP_MAX_UNCOMPRESSED
    )
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportFileError(
                _(
                    "Berkas %(name)s dilindungi kata sandi; simpan ulang tanpa kata sandi. / "
                    "%(name)s is password-protected; save it again without a password."
                )
                % {"name": filename}
            )
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > uploads.ZIP_RATIO_MIN_BYTES and ratio > uploads.ZIP_MAX_RATIO:
            bomb = True
    if bomb:
        raise ImportFileError(
            _(
                "Berkas %(name)s ditolak: isinya membengkak terlalu besar saat dibuka. / "
                "%(name)s was refused: it expands too much when opened."
            )
            % {"name": filename}
        )


def _open_csv(path: Path, filename: str, head: bytes) -> Book:
    if b"\x00" in head or head.startswith(b"PK\x03\x04") or head.startswith(uploads.OLE_MAGIC):
        raise _not_kind(filename, "csv")
    encoding = "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(head)
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = head.decode(encoding, errors="replace")
    lines = text.splitlines()[:50]
    if len(head) >= _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    best, widest = ",", 0
    for delimiter in _DELIMITERS:
        try:
            width = max((len(r) for r in csv.reader(lines, delimiter=delimiter)), default=0)
        except csv.Error:
            continue
        if width > widest:
            best, widest = delimiter, width
    name = Path(filename).stem or "CSV"
    return Book(path=path, kind="csv", sheets=[name], _csv_encoding=encoding, _csv_delimiter=best)
