"""Reading an OSS-RBA NIB list into entries, with the shared reader
(:mod:`kotacerdas.core.sheets.reading`) and problem vocabulary.

What rejects a row: no NIB, a NIB that is not 13 digits, no business name.
An unreadable NIK or KBLI is a warning (the value is left out, the row is
matched on the rest). A NIB seen earlier in the file is the same business
with another KBLI (OSS lists one row per project): it is counted as
repeated, its KBLI kept for the first row when that one has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from kotacerdas.core.sheets.problems import ExchangeError, Message, Problem, Problems
from kotacerdas.core.sheets.reading import open_book
from kotacerdas.umkm import identifiers
from kotacerdas.umkm.oss import headers

MESSAGES: dict[str, Message] = {
    "no_header": Message(
        _(
            "Baris judul kolom tidak ditemukan: berkas harus memuat kolom NIB dan nama "
            "perusahaan/pelaku usaha (lihat panduan untuk nama kolom yang dikenali)."
        ),
        "no header row with NIB and business name columns",
    ),
    "nib_missing": Message(_("NIB kosong."), "NIB missing"),
    "nib_invalid": Message(
        _("NIB tidak sah: harus 13 digit angka; tertulis “%(value)s”."),
        "NIB is not 13 digits",
    ),
    "name_missing": Message(_("Nama usaha kosong."), "business name missing"),
    "nik_invalid": Message(
        _("NIK diabaikan: %(reason)s"),
        "NIK ignored (invalid)",
    ),
    "kbli_invalid": Message(
        _("KBLI diabaikan: %(reason)s"),
        "KBLI ignored (invalid)",
    ),
    "name_too_long": Message(
        _("Nama usaha lebih dari 200 karakter."), "business name longer than 200 characters"
    ),
}
# Codes that reject a row; the others are warnings.
REJECTING = frozenset({"nib_missing", "nib_invalid", "name_missing", "name_too_long"})


class OssFileError(ExchangeError):
    """The file cannot be read as an OSS NIB list at all."""


@dataclass
class OssEntry:
    row: int
    nib: str = ""
    name: str = ""
    owner_nik: str = ""
    kbli_code: str = ""
    kbli_title: str = ""
    scale: str = ""
    risk: str = ""
    address: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return any(p.code in REJECTING for p in self.problems)


def _text(value: Any) -> str:
    return identifiers.normalise_space(value)


def entry_of(number: int, cells: list[Any], columns: dict[str, int], sheet: str) -> OssEntry:
    def cell(name: str) -> Any:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    problems = Problems(MESSAGES)
    entry = OssEntry(row=number)
    entry.name = _text(cell("name"))
    if not entry.name:
        problems.add(sheet, number, "name", "name_missing")
    elif len(entry.name) > 200:
        problems.add(sheet, number, "name", "name_too_long")
    raw_nib = cell("nib")
    try:
        entry.nib = identifiers.clean_nib(raw_nib)
    except identifiers.Invalid:
        problems.add(sheet, number, "nib", "nib_invalid", value=_text(raw_nib)[:40])
    else:
        if not entry.nib:
            problems.add(sheet, number, "nib", "nib_missing")
    try:
        entry.owner_nik = identifiers.clean_nik(cell("owner_nik"))
    except identifiers.Invalid as error:
        problems.add(sheet, number, "owner_nik", "nik_invalid", reason=error.message)
    try:
        entry.kbli_code, _category = identifiers.clean_kbli(cell("kbli_code"))
    except identifiers.Invalid as error:
        problems.add(sheet, number, "kbli_code", "kbli_invalid", reason=error.message)
    entry.kbli_title = _text(cell("kbli_title"))[:300]
    entry.scale = _text(cell("scale"))[:40]
    entry.risk = _text(cell("risk"))[:40]
    entry.address = _text(cell("address"))[:300]
    entry.kelurahan = _text(cell("kelurahan"))[:120]
    entry.kecamatan = _text(cell("kecamatan"))[:120]
    entry.problems = list(problems)
    return entry


def read_entries(path: Path, *, filename: str) -> list[OssEntry]:
    """Every data row of the first sheet that has a header with NIB and name
    (blank rows are not rows). Raises :class:`OssFileError`."""
    with open_book(path, filename=filename, refusal=OssFileError) as book:
        for sheet in book.sheets:
            columns: dict[str, int] | None = None
            entries: list[OssEntry] = []
            for number, cells in book.rows(sheet):
                if columns is None:
                    if number > headers.HEADER_SEARCH_ROWS:
                        break
                    if headers.is_header(cells):
                        columns = headers.columns_of(cells)
                    continue
                if not any(_text(c) for c in cells):
                    continue
                entries.append(entry_of(number, list(cells), columns, sheet))
            if columns is not None:
                return entries
    raise OssFileError.of(MESSAGES["no_header"])
