"""``kotacerdas umkm kbli-load FILE --version 2020``: load the official list of
5-digit KBLI codes of one version (BPS/OSS publish it as a spreadsheet). Once
a version's list is loaded, a business's KBLI code must be in it; before,
codes are checked against the version's divisions (docs/decisions.md §16).

The file needs a column of codes and a column of titles; the first row whose
cells say "kode"/"kbli" and "judul"/"uraian"/"nama" is taken as the header.
Loading replaces that version's list in one transaction
(:func:`kotacerdas.umkm.registry.services.kbli_codes_load`, audited).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from kotacerdas.umkm import kbli
from kotacerdas.umkm.commands._inputs import command_actor, command_file
from kotacerdas.umkm.imports.reading import ImportFileError, open_book
from kotacerdas.umkm.registry.services import kbli_codes_load

HELP = "Muat daftar resmi kode KBLI. / Load the official KBLI code list."

CODE_HEADERS = {"kode", "kode kbli", "kbli", "code"}
TITLE_HEADERS = {"judul", "uraian", "nama", "judul kbli", "title", "deskripsi"}


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="Berkas .xlsx/.csv daftar KBLI. / KBLI list file.")
    parser.add_argument("--version", dest="kbli_version", required=True, choices=kbli.VERSIONS)
    parser.add_argument(
        "--actor",
        help="Nama pengguna pelaku (bawaan: sistem). / Acting username (default: system).",
    )


def _rows(path: Path) -> list[list[Any]]:
    """The first sheet's rows, read like a survey import (the same checks on
    the file, encodings and delimiters)."""
    try:
        with open_book(path, filename=path.name) as book:
            return [cells for _number, cells in book.rows(book.sheets[0])]
    except ImportFileError as error:
        raise CommandError(error.message) from None


def _header(rows: list[list[Any]]) -> tuple[int, int, int]:
    """(header row index, code column, title column)."""
    for index, row in enumerate(rows):
        cells = [str(c).strip().lower() for c in row]
        code_col = next((i for i, c in enumerate(cells) if c in CODE_HEADERS), None)
        title_col = next((i for i, c in enumerate(cells) if c in TITLE_HEADERS), None)
        if code_col is not None and title_col is not None:
            return index, code_col, title_col
    raise CommandError(
        "Tidak ada baris judul dengan kolom 'kode' dan 'judul'. / "
        "No header row with a 'kode' and a 'judul' column."
    )


def read_codes(path: Path) -> list[tuple[str, str]]:
    """(code, title) of every 5-digit code of the file; the rows of the
    hierarchy above (categories, divisions, groups) are skipped."""
    rows = _rows(path)
    index, code_col, title_col = _header(rows)
    codes: list[tuple[str, str]] = []
    for row in rows[index + 1 :]:
        if len(row) <= max(code_col, title_col):
            continue
        raw = row[code_col]
        code = str(int(raw)) if isinstance(raw, float) else str(raw).strip()
        if code.isdigit() and len(code) == 4:
            code = "0" + code
        if not (code.isdigit() and len(code) == 5):
            continue  # category, division, group rows of the hierarchy
        codes.append((code, str(row[title_col]).strip()))
    if not codes:
        raise CommandError("Tidak ada kode 5 digit dalam berkas. / No 5-digit codes in the file.")
    return codes


def handle(command: Any, options: dict[str, Any]) -> None:
    path = command_file(options["file"])
    actor = command_actor(options.get("actor"))
    version = options["kbli_version"]
    try:
        count = kbli_codes_load(actor=actor, version=version, codes=read_codes(path))
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    command.stdout.write(f"{count} kode KBLI {version} dimuat. / {count} codes loaded.")
