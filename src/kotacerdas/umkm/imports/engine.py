"""The import pipeline: read → clean every row → match → insert, in one
transaction, with one audit event and one record of processing.

Every non-blank row after the header ends up in exactly one of five counts
(``rows == imported + matched_existing + duplicates_in_file + rejected + skipped``):

- **rejected**: a value breaks a rule (listed with every reason in the report);
- **matched_existing**: a business of the region already has one of its keys;
- **duplicates_in_file**: an earlier row of the same file has one of its keys;
- **imported**: inserted;
- **skipped**: not a business (a totals, note or signature row; listed with
  its reason in the report, rows.RowCleaner.skip_reason).

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

import logging
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, cast

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region
from kotacerdas.umkm.caching import registry_changed
from kotacerdas.umkm.imports import headers as header_rules
from kotacerdas.umkm.imports import pipeline
from kotacerdas.umkm.imports.aliases import aliases_for
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.places import Places
from kotacerdas.umkm.imports.reading import Book, ImportFileError, open_book
from kotacerdas.umkm.imports.report import RejectionReport
from kotacerdas.umkm.imports.rows import IMPORTED_FIELDS, RowCleaner, Values
from kotacerdas.umkm.imports.selectors import imports_running
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.pdp.services import record_access
from kotacerdas.umkm.registry import search
from kotacerdas.umkm.registry.models import PERSONAL_FIELDS, Business, registered_year
from kotacerdas.umkm.statistics.selectors import statistics_forget

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5_000
# Rows per transaction of a staged import (docs/benchmarks.md, contention).
# SQLite has one write lock for the whole database: small chunks, each a few
# tens of milliseconds of lock (125 rows: 20-55 ms of CPU; 250 rows took up
# to 112 ms), and after each a pause as long as the lock was held, so that
# writers polling the lock (the busy timeout) find it free about half the
# time. The pause is capped high: on a loaded machine a chunk holds the lock
# for a second of wall time while its process waits for a core, and a pause
# of 0,1 s after it left the import the lock nine tenths of the time (the
# writers' p99 followed). PostgreSQL locks rows: larger chunks, no pause.
STAGED_CHUNK_ROWS = {"sqlite": 125}
STAGED_CHUNK_ROWS_DEFAULT = 5_000
STAGED_PAUSE_SHARE = {"sqlite": 1.0}
STAGED_PAUSE_MAX = 2.0  # seconds
PURGE_ROWS = 1_000
PROGRESS_EVERY = 5_000
SAMPLE_ROWS = 5

# The columns an import writes, in INSERT order: the region, the values of
# the row (pipeline.values_row, in the order of rows.IMPORTED_FIELDS), then
# what the import sets itself (_Inserter.row).
_COLUMNS = (
    "region_id",
    *IMPORTED_FIELDS,
    "registered_year",
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
    skipped: int = 0
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


# The mapped columns each stored field comes from (through Business.derive
# for the derived ones). A field none of whose columns is mapped has the same
# value in every row of an import (that of a blank row): on SQLite it is
# written into the INSERT as a constant instead of a value bound per row, as
# are the import's own columns (region, job, times…) — about a third fewer
# values bound per row (docs/benchmarks.md, issue 20).
_NIB_AT = 1 + IMPORTED_FIELDS.index("nib")  # in a full row (COPY: region, then the fields)

FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    **{f: (f,) for f in ("name", "owner_name", "owner_nik", "nib", "npwp", "address")},
    **{f: (f,) for f in ("phone", "workers", "year_started", "capital", "annual_sales")},
    **{f: (f,) for f in ("halal_number", "pirt_number", "sells_online", "uses_qris")},
    "name_key": ("name",),
    "kbli_code": ("kbli_code", "kbli_version"),
    "kbli_version": ("kbli_version",),
    "kbli_category": ("kbli_code", "kbli_version"),
    "kecamatan_code": ("kelurahan", "kecamatan"),
    "kelurahan_code": ("kelurahan", "kecamatan"),
    "latitude": ("latitude", "longitude"),
    "longitude": ("latitude", "longitude"),
    "size_class": ("capital", "annual_sales", "year_started"),
    "size_basis": ("capital", "annual_sales", "year_started"),
    "ikm_class": ("kbli_code", "kbli_version", "workers", "capital"),
    # A unit may be written after the amount in the capacity cell itself.
    "production_capacity": ("production_capacity",),
    "production_capacity_unit": ("production_capacity", "production_capacity_unit"),
}


def _literal(value: Any) -> str:
    """A constant of the import (never a cell of the file) as SQL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(int(value))
    # %% is how a percent sign survives Django's parameter style.
    return "'" + str(value).replace("'", "''").replace("%", "%%") + "'"


class _Inserter:
    """Collects rows and writes them in chunks without model instances."""

    def __init__(
        self,
        *,
        region: Region,
        job: ImportJob | None,
        chunked: bool,
        mapped: Iterable[str] = (),
        this_year: int = 0,
    ) -> None:
        moment = timezone.now()
        now = connection.ops.adapt_datetimefield_value(moment)
        self.constant_head = (region.pk,)
        self.constant_tail = (
            Business.Source.IMPORT.value,
            Business.Status.ACTIVE.value,
            Business.Verification.VERIFIED.value,
            Business.LegalBasis.PUBLIC_TASK.value,
            job.pk if job is not None else None,
        )
        self.job_id = job.pk if job is not None else None
        self.now = now
        self.registered_year = registered_year(moment, region.tzinfo)
        self.pending: list[tuple[Any, ...]] = []
        table = connection.ops.quote_name(Business._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.use_copy = connection.vendor == "postgresql"
        # SQLite: the values that vary from row to row are bound, the rest
        # are constants of the statement (FIELD_SOURCES).
        blank = Values()
        Business.derive(cast(Business, blank), this_year or timezone.localdate().year)
        mapped = set(mapped)
        constants: dict[str, Any] = {
            "region_id": region.pk,
            **dict(zip(_COLUMNS[-9:-4], self.constant_tail, strict=True)),
            "created_at": now,
            "updated_at": now,
            "registered_year": self.registered_year,
        }
        for name in IMPORTED_FIELDS:
            if not mapped & set(FIELD_SOURCES[name]):
                constants[name] = getattr(blank, name)
        self.varying = tuple(f for f in IMPORTED_FIELDS if f not in constants)
        self._varying_of = attrgetter(*self.varying)
        # Names come from the model and values from this import, never from the file.
        placeholders = ", ".join(
            _literal(constants[c]) if c in constants else "%s" for c in _COLUMNS
        )
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        # A chunk refused by the unique NIB is inserted again row by row
        # (_insert_giving_way), from the rows as built: every column on
        # PostgreSQL (COPY's rows), the varying ones on SQLite.
        self.region_id = region.pk
        if self.use_copy:
            every = ", ".join(["%s"] * len(_COLUMNS))
            self.retry_sql = f"INSERT INTO {table} ({columns}) VALUES ({every})"  # noqa: S608
            self.nib_at: int | None = _NIB_AT
        else:
            self.retry_sql = self.insert_sql
            self.nib_at = self.varying.index("nib") if "nib" in self.varying else None
        # A staged import commits each chunk on its own, kept small so that
        # the write lock (SQLite) is held for a short moment at a time.
        self.chunked = chunked
        vendor = connection.vendor
        self.chunk_rows = (
            STAGED_CHUNK_ROWS.get(vendor, STAGED_CHUNK_ROWS_DEFAULT) if chunked else CHUNK_ROWS
        )
        self.pause_share = STAGED_PAUSE_SHARE.get(vendor, 0.0) if chunked else 0.0

    def row(self, v: Values, source_row: int, fp: str) -> tuple[Any, ...]:
        """The values the INSERT takes for one business (built where it is
        cleaned): on PostgreSQL every column (COPY), on SQLite those that vary."""
        if self.use_copy:
            return (
                *self.constant_head,
                *pipeline.values_row(v),
                self.registered_year,
                *self.constant_tail,
                source_row,
                fp,
                self.now,
                self.now,
            )
        return (*self._varying_of(v), source_row, fp)

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started = time.monotonic()
        try:
            with (
                transaction.atomic() if self.chunked else nullcontext(),
                connection.cursor() as cursor,
            ):
                if self.chunked and self.job_id is not None:
                    _still_running(self.job_id)
                if self.use_copy:
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in self.pending:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.insert_sql, self.pending)
        except (IntegrityError, connection.Database.IntegrityError):  # type: ignore[attr-defined]
            # COPY runs on the driver's cursor: its error is the driver's own class.
            if not self.chunked or self.job_id is None:
                raise
            _insert_giving_way(
                self.retry_sql,
                self.pending,
                job_id=self.job_id,
                region_id=self.region_id,
                nib_at=self.nib_at,
            )
        self.pending = []
        if self.pause_share:
            held = time.monotonic() - started
            time.sleep(min(STAGED_PAUSE_MAX, held * self.pause_share))


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
    # The book stays open for the whole import: a spreadsheet's sheet is
    # parsed once, for its header and for its rows (calamine loads a sheet
    # whole; parsing it twice was a fifth of an XLSX import).
    with open_book(path, filename=filename) as book:
        return _run_import(
            book=book,
            actor=actor,
            region=region,
            path=path,
            filename=filename,
            sheet=sheet,
            mapping=mapping,
            job=job,
            progress=progress,
            report_path=report_path,
        )


def _run_import(
    *,
    book: Book,
    actor: Actor,
    region: Region,
    path: Path,
    filename: str,
    sheet: str | None,
    mapping: dict[int, str] | None,
    job: ImportJob | None,
    progress: Callable[[int, int | None], None] | None,
    report_path: Path | None,
) -> ImportResult:
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
    # A job's report: its part files beside it, where the clean-up of a job
    # given up finds them (imports.services._delete_report).
    report = (
        RejectionReport(report_path, headers=found.headers, parts_beside=job is not None)
        if report_path
        else None
    )
    arguments = _Arguments(
        actor=actor,
        region=region,
        path=path,
        filename=filename,
        sheet=found.name,
        header_index=found.header_index,
        mapping=mapping,
        cleaner=cleaner,
        job=job,
        progress=progress,
        report=report,
        estimate=estimate,
        book=book,
    )
    try:
        if job is None:
            return _import_at_once(arguments)
        return _import_staged(arguments, job)
    except BaseException:
        if report is not None:
            report.discard()
        raise


@dataclass
class _Arguments:
    actor: Actor
    region: Region
    path: Path
    filename: str
    sheet: str
    header_index: int
    mapping: dict[int, str]
    cleaner: RowCleaner
    job: ImportJob | None
    progress: Callable[[int, int | None], None] | None
    report: RejectionReport | None
    estimate: int | None
    book: Book | None = None  # open, its sheet parsed once (run_import)


def _inserter(a: _Arguments, *, job: ImportJob | None) -> _Inserter:
    return _Inserter(
        region=a.region,
        job=job,
        chunked=job is not None,
        mapped=a.mapping.values(),
        this_year=a.cleaner.this_year,
    )


def _batches(a: _Arguments, inserter: _Inserter) -> Generator[list[pipeline.Item], None, None]:
    return pipeline.batches(
        path=a.path,
        filename=a.filename,
        sheet=a.sheet,
        header_index=a.header_index,
        cleaner=a.cleaner,
        existing=_existing_keys(a.region),
        build_row=inserter.row,
        parallel=(a.estimate or 0) >= pipeline.PARALLEL_MIN_ROWS,
        book=a.book,
    )


def region_busy(running: ImportJob, region: Region) -> ImportFileError:
    """The refusal of an exclusive import while import job ``running`` runs in
    ``region`` (the command checks first; :func:`_import_at_once` again
    under the lock)."""
    return ImportFileError(
        f"Impor #{running.pk} ({running.filename}) sedang berjalan di wilayah "
        f"{region.code}; tunggu sampai selesai, atau pakai --staged (menunggu sendiri).",
        f"Import #{running.pk} ({running.filename}) is running in region {region.code}; "
        "wait for it to finish, or use --staged (which waits by itself).",
    )


def _import_at_once(a: _Arguments) -> ImportResult:
    """An import without a job (the command line): one transaction, which on
    SQLite holds the write lock for the whole run. Quick for the sizes a
    command is used for at a quiet hour, and the SQLite bulk load (indexes
    dropped and rebuilt) needs it."""
    with transaction.atomic():
        # Imports into one region run one after the other (PostgreSQL),
        # so two of them cannot both add the same business.
        list(Region.objects.select_for_update().filter(pk=a.region.pk).values_list("pk"))
        # A job may have claimed the region since the command checked (while
        # it opened the file): its lease is taken under this same lock.
        running = imports_running(region_id=a.region.pk).first()
        if running is not None:
            raise region_busy(running, a.region)
        result = _read_and_insert(a, _inserter(a, job=None))
        _record(a, result)
        if a.report is not None:
            a.report.prepare()
            if connection.vendor != "sqlite":
                # PostgreSQL: once COMMIT is sent, the server decides, even
                # if this process dies waiting for the answer. The report
                # goes in place just before; a commit that fails takes it
                # away again (run_import's report.discard()).
                result.report_path = a.report.publish()
    # SQLite decides the commit in this process: the report goes in place
    # once it returns. Either way the report exists exactly when the import
    # does, but for the microseconds of a rename (tests/faults/test_kill.py).
    if a.report is not None and result.report_path is None:
        result.report_path = a.report.publish()
    return result


def _read_and_insert(a: _Arguments, inserter: _Inserter) -> ImportResult:
    """Read, clean and insert every row through ``inserter``: the bulk path
    (one transaction, indexes rebuilt after) unless it writes in chunks."""
    batches = _batches(a, inserter)
    # closing(): a failure stops the reading process at once.
    with closing(batches):
        return _run(
            batches=batches,
            inserter=inserter,
            sheet=a.sheet,
            report=a.report,
            progress=a.progress,
            estimate=a.estimate,
            bulk=not inserter.chunked,
        )


def _import_staged(a: _Arguments, job: ImportJob) -> ImportResult:
    """An import job (the web and the worker): its rows are written in short
    transactions of :data:`STAGED_CHUNK_ROWS` while the job is ``staging``
    (every reader skips them: registry.models.VisibleBusinessManager), then
    published all at once by the transaction that records the import. Other
    users keep writing in between; no reader ever sees half an import. On
    any failure the rows written so far are deleted, again in short
    transactions (and, if this process dies, by the worker's clean-up task)."""
    ImportJob.objects.filter(pk=job.pk).update(staging=True)
    result_report: Path | None = None
    try:
        result = _read_and_insert(a, _inserter(a, job=job))
        # The report is written before the publishing transaction (writing
        # it takes a while); should this process die before the commit, the
        # job's give-up deletes it (services.import_job_give_up).
        if a.report is not None:
            result.report_path = result_report = a.report.finish()
        with transaction.atomic():
            _still_running(job.pk)  # not given up meanwhile by a page (a slow worker)
            _displaced_counted(job.pk, result)
            _record(a, result)
            ImportJob.objects.filter(pk=job.pk).update(staging=False)
            # The published rows keep the ids and times they were staged with:
            # a tally counted meanwhile has their stamp already (statistics
            # _stamp reads staging rows too) and would be kept. Every path
            # (worker, command line) publishes here, so the tally goes here.
            region = a.region
            transaction.on_commit(lambda: statistics_forget(region))
    except BaseException:
        if result_report is not None:
            result_report.unlink(missing_ok=True)  # written, but never published
        try:
            staged_rows_purge(job_id=job.pk)
        except Exception:
            logger.exception("clearing the rows of failed import %s", job.pk)
        raise
    return result


def _insert_giving_way(
    sql: str, rows: list[tuple[Any, ...]], *, job_id: int, region_id: int, nib_at: int | None
) -> None:
    """A staged chunk refused by the unique NIB: a person saved that NIB by
    hand after the import read the region's keys (docs/decisions.md). Insert
    the chunk again row by row, each under a savepoint; a row whose NIB a
    visible business of the region now holds gives way (counted on the job,
    already registered at publish); any other refusal is an error."""
    gave_way = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _still_running(job_id)
        for row in rows:
            try:
                with transaction.atomic():
                    cursor.execute(sql, row)
            except IntegrityError:
                nib = row[nib_at] if nib_at is not None else ""
                taken = Business.objects.filter(region_id=region_id, nib=nib, merged_into=None)
                if not nib or not taken.exists():
                    raise
                gave_way += 1
        ImportJob.objects.filter(pk=job_id).update(displaced=models.F("displaced") + gave_way)


def _displaced_counted(job_id: int, result: ImportResult) -> None:
    """Rows of the job that gave way to a business saved by hand with the
    same NIB while the job wrote (registry.services): at publish they are
    already registered, not imported. The job row is locked by the caller,
    so no row gives way meanwhile."""
    found = ImportJob.objects.filter(pk=job_id).values_list("displaced", flat=True).first()
    if found:
        result.imported -= found
        result.matched_existing += found


class ImportGivenUp(Exception):
    """The job stopped being a running import while its rows were written (a
    page gave it up for a dead worker while the worker was only slow)."""


def _still_running(job_id: int) -> None:
    """Inside the caller's transaction, with the job row locked: refuse to
    write or publish for a job that ended meanwhile (given up: FAILED) or is
    no longer staging."""
    running = (
        ImportJob.objects.select_for_update()
        .filter(pk=job_id, staging=True)
        .exclude(state__in=(ImportJob.State.FAILED, ImportJob.State.DONE))
    )
    if not running.exists():
        raise ImportGivenUp(f"import job {job_id} is no longer running")


def staged_rows_purge(*, job_id: int) -> int:
    """Delete the rows written by import job ``job_id`` while it is staging
    (it failed or its worker died), in short transactions; return how many.
    A published job's rows are never touched: each chunk checks the flag."""
    removed = 0
    while True:
        with transaction.atomic():
            # The job row locked: a publish (which checks the job under the
            # same lock) is either before this chunk or refused after it.
            staging = ImportJob.objects.select_for_update().filter(pk=job_id, staging=True)
            if not staging.exists():
                return removed
            ids = list(
                Business.all_rows.filter(import_job_id=job_id)
                .order_by()
                .values_list("pk", flat=True)[:PURGE_ROWS]
            )
            if not ids:
                # Nothing left: the job leaves the readers' "staging" set (no
                # writer can add rows any more: each chunk checks the job runs).
                staging.update(staging=False)
                return removed
            Business.all_rows.filter(pk__in=ids).delete()
        removed += len(ids)


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
    bulk: bool,
) -> ImportResult:
    counts = dict.fromkeys(
        (
            *(pipeline.IMPORTED, pipeline.MATCHED, pipeline.DUPLICATE),
            *(pipeline.REJECTED, pipeline.SKIPPED),
        ),
        0,
    )
    rows = warnings = 0
    places: dict[str, int] = {}
    next_progress = PROGRESS_EVERY
    with _bulk_load(estimate if bulk else None), pipeline.collector_frozen():
        for batch in batches:
            for number, outcome, row, reasons, notes, cells in batch:
                counts[outcome] += 1
                if row is not None:
                    inserter.add(row)
                elif report is not None and outcome == pipeline.REJECTED:
                    report.reject(sheet, number, reasons, cells)
                elif report is not None and outcome == pipeline.SKIPPED:
                    report.skip(sheet, number, reasons, cells)
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
        skipped=counts[pipeline.SKIPPED],
        places=places,
    )


def _record(a: _Arguments, result: ImportResult) -> None:
    """One audit event and one record of processing for the whole import."""
    actor, region, job, filename, sheet, mapping = (
        a.actor,
        a.region,
        a.job,
        a.filename,
        a.sheet,
        a.mapping,
    )
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
    # The rows came by bulk INSERT or are published by clearing the job's
    # staging flag: no model signal tells the cached registry pages.
    registry_changed(region.pk)
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
