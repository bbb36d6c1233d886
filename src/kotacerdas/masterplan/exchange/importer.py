"""Reading a masterplan workbook into a region: parse → validate every row →
report every problem (sheet, row, column) → apply in one transaction through
the masterplan services. Nothing is applied when there is any problem.

- Rows are matched by stable keys: the masterplan by (region, tahun_mulai),
  agencies by short name, programmes and action plans by code.
- Nothing is ever deleted: rows of the region that are not in the file are
  listed as "tidak ada di berkas" (``ImportResult.absent``).
- Idempotent: cells are read as the exact values the models store, and the
  services skip updates that change nothing, so the same file twice writes
  no audit event the second time.
- A dry run (the web preview, ``--dry-run``) runs the very same writes and
  rolls them back, so the preview shows what the real run will do.

The web upload and the ``masterplan import`` command both call
:func:`masterplan_import`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _g

from kotacerdas.core.audit import Actor
from kotacerdas.core.regions import region_name
from kotacerdas.core.sheets import cells
from kotacerdas.core.sheets.cells import Raw
from kotacerdas.core.sheets.problems import ExchangeError, Problem, UnreadableWorkbook
from kotacerdas.core.sheets.reading import Book, open_book
from kotacerdas.masterplan.exchange.apply import apply_plan
from kotacerdas.masterplan.exchange.results import ImportResult, RegionNotAccepted
from kotacerdas.masterplan.exchange.validate import BAD, Table, Validator, header_key
from kotacerdas.masterplan.exchange.workbook import (
    FIELD_HEADER,
    MAX_ROWS,
    SHEET_GUIDE,
    SHEETS,
    STAMP_TEMPLATE,
    TEMPLATE_VERSION,
)
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import LEVEL_PROVINCE, LEVEL_REGENCY, get_area

__all__ = [
    "ExchangeError",
    "ImportResult",
    "Problem",
    "RegionNotAccepted",
    "UnreadableWorkbook",
    "masterplan_import",
    "read_workbook",
]


# --- Reading the file ----------------------------------------------------------------------


def read_workbook(content: bytes) -> dict[str, Table]:
    """Every data sheet of the template, or UnreadableWorkbook listing every
    missing sheet and column. The file itself is checked (an .xlsx, not a zip
    bomb, not too many rows) by the shared reader."""
    missing: list[tuple[str, str]] = []
    tables: dict[str, Table] = {}
    with open_book(content, kind="xlsx") as book:
        _check_stamp(book, book.sheet_named(SHEET_GUIDE))
        for sheet in SHEETS:
            actual = book.sheet_named(sheet.name)
            if actual is None:
                missing.append(
                    (
                        _g("lembar “%(s)s” tidak ada") % {"s": sheet.name},
                        f'sheet "{sheet.name}" missing',
                    )
                )
                continue
            grid = book.table(actual, max_rows=MAX_ROWS)
            header = [header_key(c) for c in grid[0]] if grid else []
            wanted = FIELD_HEADER[:2] if sheet.layout == "fields" else sheet.headers
            absent = [key for key in wanted if key not in header]
            if absent:
                missing.append(
                    (
                        _g("lembar “%(s)s”: kolom %(c)s tidak ada")
                        % {"s": sheet.name, "c": ", ".join(absent)},
                        f'sheet "{sheet.name}": column {", ".join(absent)} missing',
                    )
                )
                continue
            columns = {key: header.index(key) for key in wanted}
            rows: list[tuple[int, Sequence[Raw]]] = list(enumerate(grid[1:], start=2))
            tables[sheet.name] = Table(sheet, columns, rows)
    if missing:
        raise UnreadableWorkbook(
            _g("Berkas tidak mengikuti templat masterplan: %(list)s. Unduh templatnya lagi.")
            % {"list": "; ".join(m for m, _en in missing)},
            "not the masterplan template: " + "; ".join(en for _m, en in missing),
        )
    return tables


def _check_stamp(book: Book, guide: str | None) -> None:
    """A file from a newer template is refused instead of half-read."""
    if guide is None:
        return
    for row in book.grid(guide, rows=40):
        if len(row) >= 2 and header_key(row[0]) == STAMP_TEMPLATE:
            version = cells.text(row[1])
            if version and version != TEMPLATE_VERSION:
                raise UnreadableWorkbook(
                    _g(
                        "Berkas memakai templat versi %(v)s; KotaCerdas ini membaca versi "
                        "%(ours)s. Unduh templat terbaru."
                    )
                    % {"v": version, "ours": TEMPLATE_VERSION},
                    f"template version {version}; this KotaCerdas reads version {TEMPLATE_VERSION}",
                )
            return


# --- The service ---------------------------------------------------------------------------


def masterplan_import(
    *, actor: Actor, region_code: str, content: bytes, dry_run: bool = False
) -> ImportResult:
    """Read ``content`` (an .xlsx following the template) into the region
    ``region_code`` (a kab/kota, or a province: a Smart Province keeps its
    masterplan in the same template). Raises RegionNotAccepted for a code
    that is neither, UnreadableWorkbook for a file that is not the template;
    every problem inside the file is in the result, and then nothing is
    applied. ``dry_run`` runs the same writes and rolls them back."""
    code = region_code.strip()
    area = get_area(code)
    if area is None or area.level not in (LEVEL_PROVINCE, LEVEL_REGENCY):
        raise RegionNotAccepted(
            _g(
                "Kode %(code)s bukan kode provinsi atau kab/kota Kemendagri (format PP atau "
                "PP.KK, mis. 14 atau 14.72)."
            )
            % {"code": code},
            f"{code} is not a Kemendagri province or kab/kota code",
        )
    tables = read_workbook(content)
    region = Region.objects.filter(code=code).first()
    result = ImportResult(
        region_code=code,
        region_name=region.name if region is not None else region_name(area),
        dry_run=dry_run,
        region_created=region is None,
    )
    validator = Validator(tables, region)
    plan, absent = validator.run()
    result.problems = validator.problems.items
    start = plan.masterplan.values.get("tahun_mulai")
    result.start_year = None if start is BAD else start
    if result.problems:
        return result
    result.absent = absent
    apply_plan(actor=actor, result=result, plan=plan)
    return result
