"""The import pipeline: read → clean every row → match → insert, in one
transaction, with one audit event and one record of processing.

Every non-blank row after the header ends up in exactly one of four counts
(``rows == imported + matched_existing + duplicates_in_file + rejected``):

- **rejected**: a value breaks a rule (listed with every reason in the report);
- **matched_existing**: a business of the region already has one of its keys;
- **duplicates_in_file**: an earlier row of the same file has one of its keys;
- **imported**: inserted.

Keys, exact and normalised: owner NIK together with the name key, NIB, phone,
and, for a row with none of these, the fingerprint of name, kelurahan and
address (stored in ``Business.fingerprint`` for every imported row). Blank rows
(every cell empty) are not input rows and are not counted. ``warnings`` counts
the warnings given (an unknown NIK prefix), listed on the report's second
sheet; a row with a warning is still imported.

Speed (docs/benchmarks.md): rows are streamed, cleaners are cached per
distinct value, a large file is read and cleaned in a second process
(:mod:`.pipeline`), the region's existing keys are loaded once into a set, and
businesses are inserted with ``executemany`` of one prepared INSERT per chunk
(COPY on PostgreSQL), without a model instance per row; on SQLite a large
load drops the table's indexes and builds them again at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region
from kotacerdas.umkm.imports import headers as header_rules
from kotacerdas.umkm.imports import pipeline
from kotacerdas.umkm.imports.aliases import aliases_for
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.places import Places
from kotacerdas.umkm.imports.reading import Book, ImportFileError, open_book
from kotacerdas.umkm.imports.report import RejectionReport
from kotacerdas.umkm.imports.rows import IMPORTED_FIELDS, RowCleaner
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.pdp.services import record_access
from kotacerdas.umkm.registry import search
from kotacerdas.umkm.registry.models import PERSONAL_FIELDS, Business

CHUNK_ROWS = 5_000
PROGRESS_EVERY = 5_000
SAMPLE_ROWS = 5

# The columns an import writes, in INSERT order: the region, the values of
# the row (pipeline.values_row, in the order of rows.IMPORTED_FIELDS), then
# what the import sets itself (_Inserter.row).
_COLUMNS = (
    "region_id",
    *IMPORTED_FIELDS,
    "source",
    "status",
    "verification",
    "legal_basis",
    "import_job_id",
    "source_row",
    "fingerprint",
    "created_at",
    "updated_at",
)


@dataclass
class Inspection:
    sheets: list[str]
    sheet: str
    header_row: int  # 1-based
    headers: list[str]
    suggested: dict[int, str]
    sample_rows: list[list[str]]
    rows_estimate: int | None


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    matched_existing: int = 0
    duplicates_in_file: int = 0
    rejected: int = 0
    warnings: int = 0
    report_path: Path | None = None
    # rows whose kelurahan was read by a reported rule (places.REPORTED_RULES)
    places: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["report_path"] = str(self.report_path) if self.report_path else None
        return data


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


@dataclass
class _Sheet:
    name: str
    header_index: int  # 0-based row index of the header within the sheet
    headers: list[str]


def _locate(book: Book, sheet: str | None, filename: str) -> _Sheet:
    """The sheet to import and its header: ``sheet`` when given, else the
    first sheet whose header is recognised."""
    if sheet is not None and sheet not in book.sheets:
        raise ImportFileError(
            _(
                "Lembar “%(sheet)s” tidak ada di %(name)s; lembar yang ada: %(sheets)s. / "
                "There is no sheet “%(sheet)s” in %(name)s; its sheets are: %(sheets)s."
            )
            % {"sheet": sheet, "name": filename, "sheets": ", ".join(book.sheets)}
        )
    for name in [sheet] if sheet is not None else book.sheets:
        head = book.head(name, header_rules.HEADER_SCAN_ROWS)
        index = header_rules.find_header(head)
        if index is not None:
            headers = [_cell_text(c) for c in head[index]]
            while headers and not headers[-1]:
                headers.pop()
            return _Sheet(name, index, headers)
    raise ImportFileError(
        _(
            "Judul kolom tidak dikenali di %(where)s: perlu baris judul dengan kolom nama usaha "
            "dan kolom lain seperti NIK, alamat atau kelurahan. / No recognisable header row in "
            "%(where)s: a header with the business name column and others such as NIK, address "
            "or kelurahan is needed."
        )
        % {"where": f"“{sheet}”" if sheet is not None else filename}
    )


def inspect(path: Path, *, filename: str, sheet: str | None = None) -> Inspection:
    """What the mapping screen shows: the sheets, the detected header and the
    suggested mapping, a few data rows and about how many rows there are."""
    with open_book(path, filename=filename) as book:
        found = _locate(book, sheet, filename)
        samples: list[list[str]] = []
        for number, cells in book.rows(found.name):
            if number <= found.header_index + 1 or pipeline.is_blank(cells):
                continue
            samples.append([_cell_text(c) for c in cells])
            if len(samples) >= SAMPLE_ROWS:
                break
        estimate = book.estimate(found.name)
        return Inspection(
            sheets=list(book.sheets),
            sheet=found.name,
            header_row=found.header_index + 1,
            headers=found.headers,
            suggested=header_rules.suggest_mapping(found.headers),
            sample_rows=samples,
            rows_estimate=max(0, estimate - found.header_index - 1) if estimate else None,
        )


def _existing_keys(region: Region) -> set[str]:
    """The keys of every business of the region, merged ones included (a row
    matching a business folded into another is still already registered)."""
    keys: set[str] = set()
    rows = (
        Business.objects.filter(region=region)
        .values_list("owner_nik", "name_key", "nib", "phone", "fingerprint")
        .iterator(chunk_size=20_000)
    )
    for nik, name_key, nib, phone, fp in rows:
        keys.update(pipeline.match_keys(nik=nik, name_key=name_key, nib=nib, phone=phone, fp=fp))
    return keys


class _Inserter:
    """Collects rows and writes them in chunks without model instances."""

    def __init__(self, *, region: Region, job: ImportJob | None) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.constant_head = (region.pk,)
        self.constant_tail = (
            Business.Source.IMPORT.value,
            Business.Status.ACTIVE.value,
            Business.Verification.VERIFIED.value,
            Business.LegalBasis.PUBLIC_TASK.value,
            job.pk if job is not None else None,
        )
        self.now = now
        self.pending: list[tuple[Any, ...]] = []
        table = connection.ops.quote_name(Business._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        placeholders = ", ".join(["%s"] * len(_COLUMNS))
        # Names come from the model, never from the file.
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.use_copy = connection.vendor == "postgresql"

    def row(self, values: tuple[Any, ...], source_row: int, fp: str) -> tuple[Any, ...]:
        """All the INSERT's values for one business (built where it is cleaned)."""
        return (
            *self.constant_head,
            *values,
            *self.constant_tail,
            source_row,
            fp,
            self.now,
            self.now,
        )

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row)
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with connection.cursor() as cursor:
            if self.use_copy:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.pending:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, self.pending)
        self.pending = []


def run_import(
    *,
    actor: Actor,
    region: Region,
    path: Path,
    filename: str,
    sheet: str | None = None,
    mapping: dict[int, str] | None = None,
    job: ImportJob | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    report_path: Path | None = None,
) -> ImportResult:
    """Import the survey file at ``path`` into ``region``'s registry (see the
    module docstring). Raises :class:`ImportFileError` when the file cannot be
    read at all; then, as on any other error, the database is unchanged."""
    with open_book(path, filename=filename) as book:
        found = _locate(book, sheet, filename)
        estimate = book.estimate(found.name)
    if estimate is not None:
        estimate = max(0, estimate - found.header_index - 1)
    if mapping is None:
        mapping = header_rules.suggest_mapping(found.headers)
    _check_mapping(mapping, filename)
    cleaner = RowCleaner(
        places=Places(region.code, aliases=aliases_for(region)),
        mapping=mapping,
        this_year=timezone.localdate().year,
    )
    report = RejectionReport(report_path, headers=found.headers) if report_path else None
    try:
        with transaction.atomic():
            # Imports into one region run one after the other (PostgreSQL),
            # so two of them cannot both add the same business.
            list(Region.objects.select_for_update().filter(pk=region.pk).values_list("pk"))
            inserter = _Inserter(region=region, job=job)
            batches = pipeline.batches(
                path=path,
                filename=filename,
                sheet=found.name,
                header_index=found.header_index,
                cleaner=cleaner,
                existing=_existing_keys(region),
                build_row=inserter.row,
                parallel=(estimate or 0) >= pipeline.PARALLEL_MIN_ROWS,
            )
            # closing(): a failure stops the reading process at once.
            with closing(batches):
                result = _run(
                    batches=batches,
                    inserter=inserter,
                    sheet=found.name,
                    report=report,
                    progress=progress,
                    estimate=estimate,
                )
            _record(
                actor=actor,
                region=region,
                job=job,
                result=result,
                filename=filename,
                sheet=found.name,
                mapping=mapping,
            )
            if report is not None:
                result.report_path = report.finish()
    except BaseException:
        if report is not None:
            report.discard()
        raise
    return result


def _check_mapping(mapping: dict[int, str], filename: str) -> None:
    unknown = sorted(set(mapping.values()) - header_rules.FIELDS.keys())
    if unknown:
        raise ValueError(f"unknown fields in mapping: {unknown}")
    for needed in ("name", "kelurahan"):
        if needed not in mapping.values():
            raise ImportFileError(
                _(
                    "Tidak ada kolom untuk “%(field)s” di %(name)s; kolom ini wajib. / "
                    "%(name)s has no column for “%(field)s”, which is required."
                )
                % {"field": header_rules.FIELDS[needed], "name": filename}
            )


# SQLite: when an import at least this large adds rows to a table no more than
# BULK_SHARE times its size, the table's secondary indexes are dropped for the
# load and built again at the end (in the same transaction): building an
# index once is several times cheaper than updating it row by row. The word
# search index is filled once at the end too (registry.search.bulk_insert).
# The page cache is enlarged for the load (SQLite's default is 2 MiB).
BULK_MIN_ROWS = 20_000
BULK_SHARE = 4
BULK_CACHE_KIB = 256 * 1024
ANALYSIS_LIMIT = 2000  # rows sampled per index by ANALYZE after a bulk load


@contextmanager
def _bulk_load(expected_rows: int | None) -> Iterator[None]:
    table = Business._meta.db_table
    if connection.vendor != "sqlite" or (expected_rows or 0) < BULK_MIN_ROWS:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        (present,) = cursor.fetchone()
        indexes = []
        if present <= (expected_rows or 0) * BULK_SHARE:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        with search.bulk_insert():
            yield
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
            # Statistics for the planner (sampled: a fraction of a second at
            # 1M rows). Without them SQLite guesses ten rows per region and
            # walks a whole region where the word search should drive the
            # query from its few matches (docs/decisions.md, registry search).
            cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _run(
    *,
    batches: Iterable[list[pipeline.Item]],
    inserter: _Inserter,
    sheet: str,
    report: RejectionReport | None,
    progress: Callable[[int, int | None], None] | None,
    estimate: int | None,
) -> ImportResult:
    counts = dict.fromkeys(
        (pipeline.IMPORTED, pipeline.MATCHED, pipeline.DUPLICATE, pipeline.REJECTED), 0
    )
    rows = warnings = 0
    places: dict[str, int] = {}
    next_progress = PROGRESS_EVERY
    with _bulk_load(estimate):
        for batch in batches:
            for number, outcome, row, reasons, notes, cells in batch:
                counts[outcome] += 1
                if row is not None:
                    inserter.add(row)
                elif report is not None and outcome == pipeline.REJECTED:
                    report.reject(sheet, number, reasons, cells)
                if notes:
                    warnings += len(notes)
                    for note in notes:
                        if note[0].startswith("place_"):
                            rule = note[0][6:]
                            places[rule] = places.get(rule, 0) + 1
                    if report is not None:
                        report.warn(sheet, number, notes)
            rows += len(batch)
            if progress is not None and rows >= next_progress:
                progress(rows, estimate)
                next_progress = rows + PROGRESS_EVERY
        inserter.flush()
    if progress is not None:
        progress(rows, estimate)
    return ImportResult(
        rows=rows,
        imported=counts[pipeline.IMPORTED],
        matched_existing=counts[pipeline.MATCHED],
        duplicates_in_file=counts[pipeline.DUPLICATE],
        rejected=counts[pipeline.REJECTED],
        warnings=warnings,
        places=places,
    )


def _record(
    *,
    actor: Actor,
    region: Region,
    job: ImportJob | None,
    result: ImportResult,
    filename: str,
    sheet: str,
    mapping: dict[int, str],
) -> None:
    """One audit event and one record of processing for the whole import."""
    summary = {
        "filename": filename,
        "sheet": sheet,
        **{k: v for k, v in result.as_dict().items() if k != "report_path"},
    }
    audit_record(
        actor=actor,
        action=AuditEvent.Action.LOAD,
        instance=job if job is not None else region,
        after=summary,
        region_code=region.code,
    )
    if job is not None:
        ImportJob.objects.filter(pk=job.pk).update(
            rows=result.rows,
            imported=result.imported,
            matched_existing=result.matched_existing,
            duplicates_in_file=result.duplicates_in_file,
            rejected=result.rejected,
            rows_done=result.rows,
        )
    record_access(
        actor=actor,
        region=region,
        action=PersonalDataAccess.Action.IMPORT,
        purpose=_("Impor survei UMKM “%(name)s” (lembar %(sheet)s) ke registri.")
        % {"name": filename, "sheet": sheet},
        fields=[f for f in PERSONAL_FIELDS if f in mapping.values()],
        business_ids=[],
        record_count=result.imported,
    )
