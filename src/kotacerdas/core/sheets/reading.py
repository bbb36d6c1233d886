"""Reading spreadsheets for every importer: CSV with the csv module,
XLSX/XLS/ODS with python-calamine, from a file on disk (the registry's survey
imports) or from the bytes of an upload (the masterplan template, the
instrument, the progress workbook).

Before a parser sees a file its content is checked, here and only here:

- the first bytes must match the kind (a zip for XLSX/ODS, OLE for XLS, no
  NUL bytes for CSV), so a renamed file is refused with a message, not
  parsed;
- a zip container is refused when it is encrypted or would inflate past the
  limits of :mod:`kotacerdas.core.uploads` (zip bombs), and an XLSX must have
  its ``[Content_Types].xml``;
- a sheet read whole (:meth:`Book.table`) is refused past the importer's row
  limit instead of filling memory.

Every reader yields rows with 1-based row numbers as people see them in the
spreadsheet (for CSV: the record number, which is the line number unless a
quoted cell holds a line break). CSV is streamed; calamine reads one sheet
into memory at a time.

A file that cannot be read raises the caller's ``refusal`` (by default
:class:`~kotacerdas.core.sheets.problems.UnreadableWorkbook`), built from an
Indonesian message and an English gloss (:data:`REFUSALS`).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from kotacerdas.core.sheets.cells import Raw, normalise
from kotacerdas.core.sheets.problems import Message, UnreadableWorkbook
from kotacerdas.core.uploads import (
    OLE_MAGIC,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNCOMPRESSED,
    ZIP_RATIO_MIN_BYTES,
)

KINDS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xls": "xls", ".ods": "ods"}
LABELS = {"csv": "CSV", "xlsx": "Excel .xlsx", "xls": "Excel .xls", "ods": "OpenDocument .ods"}
Source = Path | bytes
# Builds the exception raised for a file that cannot be read, from the
# Indonesian message and the English gloss.
Refusal = Callable[[str, str], Exception]

REFUSALS: dict[str, Message] = {
    "not_spreadsheet": Message(
        _("Berkas %(name)s bukan lembar kerja: gunakan CSV, XLSX, XLS atau ODS."),
        "%(name)s is not a spreadsheet: use CSV, XLSX, XLS or ODS",
    ),
    "missing": Message(_("Berkas %(name)s tidak ada."), "%(name)s does not exist"),
    "empty": Message(_("Berkas kosong."), "the file is empty"),
    "not_kind": Message(
        _(
            "Berkas bukan berkas %(label)s, rusak, atau dilindungi kata sandi (isinya bukan "
            "%(kind)s; mungkin hanya ekstensinya yang diganti)."
        ),
        "not %(label)s, damaged, or password-protected",
    ),
    "not_csv": Message(
        _("Isi berkas bukan CSV (mungkin hanya ekstensinya yang diganti)."),
        "the content is not CSV (perhaps only the extension was changed)",
    ),
    "unknown_archive": Message(
        _("Berkas bukan berkas %(label)s (isi arsipnya tidak dikenal)."),
        "not %(label)s: unknown archive content",
    ),
    "password": Message(
        _("Berkas dilindungi kata sandi; simpan ulang tanpa kata sandi."),
        "password-protected; save it again without a password",
    ),
    "bomb": Message(
        _("Berkas ditolak: isinya membengkak terlalu besar saat dibuka."),
        "refused: it expands too much when opened",
    ),
    "damaged": Message(
        _("Berkas rusak atau tidak dapat dibaca sebagai lembar kerja."),
        "damaged or unreadable spreadsheet",
    ),
    "csv_encoding": Message(
        _("Berkas CSV tidak dapat dibaca (%(error)s); simpan sebagai CSV UTF-8."),
        "the CSV file cannot be read (%(error)s); save it as UTF-8 CSV",
    ),
    "too_many_rows": Message(
        _("Lembar “%(sheet)s” berisi lebih dari %(n)s baris."),
        'sheet "%(sheet)s" has more than %(n)s rows',
    ),
}

_ZIP_MAGIC = b"PK\x03\x04"
_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
# csv refuses fields over 128 KiB by default; survey cells are far smaller,
# but an address pasted with a whole letter must not stop the import.
csv.field_size_limit(16 * 1024 * 1024)


def _refuse(refusal: Refusal, code: str, **params: Any) -> Exception:
    return refusal(*REFUSALS[code].render(**params))


class Book:
    """An opened spreadsheet: its sheets and ways to read one."""

    def __init__(
        self,
        *,
        kind: str,
        sheets: list[str],
        refusal: Refusal,
        calamine: CalamineWorkbook | None = None,
        csv_source: Source | None = None,
        csv_encoding: str = "utf-8-sig",
        csv_delimiter: str = ",",
    ) -> None:
        self.kind = kind
        self.sheets = sheets
        self.refusal = refusal
        self._calamine = calamine
        self._csv_source = csv_source
        self._csv_encoding = csv_encoding
        self._csv_delimiter = csv_delimiter
        self._loaded: dict[str, Any] = {}

    def close(self) -> None:
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None
        self._loaded.clear()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sheet_named(self, name: str) -> str | None:
        """The sheet called ``name``, compared as :func:`normalise` does."""
        wanted = normalise(name)
        return next((s for s in self.sheets if normalise(s) == wanted), None)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of every row of ``sheet``, blank ones included."""
        if self.kind == "csv":
            yield from self._csv_rows()
            return
        loaded = self._sheet(sheet)
        try:
            yield from enumerate(loaded.iter_rows(), start=1)
        except CalamineError as error:
            raise _refuse(self.refusal, "damaged") from error

    def head(self, sheet: str, count: int) -> list[list[Any]]:
        """The first ``count`` rows of ``sheet``."""
        result = []
        for _number, cells in self.rows(sheet):
            result.append(cells)
            if len(result) >= count:
                break
        return result

    def grid(self, sheet: str, *, rows: int) -> list[list[Raw]]:
        """The first ``rows`` rows of ``sheet`` as the spreadsheet numbers them
        (leading blank rows and columns kept: ``grid[0]`` is row 1)."""
        if self.kind == "csv":
            return self.head(sheet, rows)
        try:
            grid: list[list[Raw]] = self._sheet(sheet).to_python(skip_empty_area=False, nrows=rows)
        except (CalamineError, ValueError) as error:
            raise _refuse(self.refusal, "damaged") from error
        return grid

    def table(self, sheet: str, *, max_rows: int) -> list[list[Raw]]:
        """A header row and at most ``max_rows`` rows below it, as :meth:`grid`;
        a longer sheet is refused rather than read."""
        grid = self.grid(sheet, rows=max_rows + 2)
        if len(grid) > max_rows + 1:
            raise _refuse(self.refusal, "too_many_rows", sheet=sheet, n=max_rows)
        return grid

    def estimate(self, sheet: str) -> int | None:
        """About how many rows ``sheet`` has (for a progress bar)."""
        if self.kind == "csv":
            size, sample = _size_and_sample(self._source())
            lines = sample.count(b"\n")
            if not lines:
                return 1
            if len(sample) >= size:
                return lines + (0 if sample.endswith(b"\n") else 1)
            return max(1, round(size * lines / len(sample)))
        return int(self._sheet(sheet).total_height) + 1

    def _source(self) -> Source:
        assert self._csv_source is not None
        return self._csv_source

    def _sheet(self, sheet: str) -> Any:
        if sheet not in self._loaded:
            # One sheet in memory at a time.
            self._loaded.clear()
            assert self._calamine is not None
            try:
                self._loaded[sheet] = self._calamine.get_sheet_by_name(sheet)
            except CalamineError as error:
                raise _refuse(self.refusal, "damaged") from error
        return self._loaded[sheet]

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        source = self._source()
        try:
            if isinstance(source, Path):
                with source.open(encoding=self._csv_encoding, newline="") as handle:
                    reader = csv.reader(handle, delimiter=self._csv_delimiter)
                    yield from enumerate(reader, start=1)
            else:
                text = io.StringIO(source.decode(self._csv_encoding), newline="")
                yield from enumerate(csv.reader(text, delimiter=self._csv_delimiter), start=1)
        except (UnicodeDecodeError, csv.Error) as error:
            raise _refuse(self.refusal, "csv_encoding", error=str(error)[:200]) from error


def _size_and_sample(source: Source) -> tuple[int, bytes]:
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return source.stat().st_size, handle.read(_SAMPLE_BYTES)
    return len(source), source[:_SAMPLE_BYTES]


def kind_of(filename: str, *, refusal: Refusal = UnreadableWorkbook) -> str:
    """``csv``, ``xlsx``, ``xls`` or ``ods`` by the file name's extension."""
    kind = KINDS.get(Path(filename).suffix.lower())
    if kind is None:
        raise _refuse(refusal, "not_spreadsheet", name=filename)
    return kind


def check(
    source: Source,
    *,
    filename: str = "",
    kind: str | None = None,
    refusal: Refusal = UnreadableWorkbook,
) -> str:
    """Check ``source`` (a path, or the bytes of an upload) before any parser
    sees it, and return its kind. ``kind`` defaults to what ``filename`` (the
    name its uploader gave it) says."""
    kind = kind or kind_of(filename, refusal=refusal)
    if isinstance(source, Path) and not source.is_file():
        raise _refuse(refusal, "missing", name=filename or source.name)
    _size, head = _size_and_sample(source)
    if not head:
        raise _refuse(refusal, "empty")
    if kind == "csv":
        if b"\x00" in head or head.startswith(_ZIP_MAGIC) or head.startswith(OLE_MAGIC):
            raise _refuse(refusal, "not_csv")
    elif kind in ("xlsx", "ods"):
        if not head.startswith(_ZIP_MAGIC):
            raise _refuse(refusal, "not_kind", label=LABELS[kind], kind=kind.upper())
        _check_zip(source, kind, refusal)
    elif not head.startswith(OLE_MAGIC):
        raise _refuse(refusal, "not_kind", label=LABELS[kind], kind=kind.upper())
    return kind


def open_book(
    source: Source,
    *,
    filename: str = "",
    kind: str | None = None,
    refusal: Refusal = UnreadableWorkbook,
) -> Book:
    """:func:`check` ``source``, then open it."""
    kind = check(source, filename=filename, kind=kind, refusal=refusal)
    if kind == "csv":
        return _open_csv(source, filename, refusal)
    try:
        if isinstance(source, Path):
            book = CalamineWorkbook.from_path(str(source))
        else:
            book = CalamineWorkbook.from_filelike(io.BytesIO(source))
    except (CalamineError, OSError, ValueError) as error:
        raise _refuse(refusal, "damaged") from error
    return Book(kind=kind, sheets=list(book.sheet_names), refusal=refusal, calamine=book)


def _check_zip(source: Source, kind: str, refusal: Refusal) -> None:
    """Refuse a zip container that is damaged, encrypted or would inflate too
    much (the limits of core.uploads), before any parser inflates it."""
    try:
        with zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise _refuse(refusal, "not_kind", label=LABELS[kind], kind=kind.upper()) from error
    bomb = len(infos) > ZIP_MAX_MEMBERS or (
        sum(info.file_size for info in infos) > ZIP_MAX_UNCOMPRESSED
    )
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(refusal, "password")
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_BYTES and ratio > ZIP_MAX_RATIO:
            bomb = True
    if bomb:
        raise _refuse(refusal, "bomb")
    if kind == "xlsx" and "[Content_Types].xml" not in {info.filename for info in infos}:
        raise _refuse(refusal, "unknown_archive", label=LABELS[kind])


def _open_csv(source: Source, filename: str, refusal: Refusal) -> Book:
    """The encoding (UTF-8, else Windows' cp1252) and the delimiter (the one
    that splits the first lines into the most columns)."""
    _size, head = _size_and_sample(source)
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
    return Book(
        kind="csv",
        sheets=[name],
        refusal=refusal,
        csv_source=source,
        csv_encoding=encoding,
        csv_delimiter=best,
    )
