"""``kotacerdas umkm import FILE --region CODE``: import a survey spreadsheet
into a region's registry (the same :func:`run_import` as the web upload).

Two modes (docs/registry.md, docs/decisions.md): **exclusive**, the default,
one transaction with the bulk-load speed-ups, which on SQLite holds the
write lock for the whole run (quiet hours); **staged** (``--staged``), an
import job run in this process like a web upload's: rows written in short
transactions and published at once, other users writing meanwhile, and one
import per region at a time (it waits for a running one)."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
from kotacerdas.umkm.commands._inputs import command_actor, command_file, command_region
from kotacerdas.umkm.duplicates.services import candidates_find_added
from kotacerdas.umkm.imports.engine import region_busy, run_import
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.reading import ImportFileError
from kotacerdas.umkm.imports.selectors import imports_running
from kotacerdas.umkm.imports.services import import_run_here
from kotacerdas.umkm.registry.selectors import last_business_id

HELP = (
    "Impor survei UMKM (CSV/XLSX/XLS/ODS) ke registri wilayah. / "
    "Import a UMKM survey file into a region's registry."
)
# Files from the command line may be far larger than a web upload.
MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024
MODE_EXCLUSIVE = (
    "Mode eksklusif: satu transaksi (tercepat). Selama impor berjalan penyimpanan lain menunggu "
    "(SQLite: setiap penulis; PostgreSQL: impor lain ke wilayah ini); pakai di jam sepi, atau "
    "--staged. / Exclusive mode: one transaction (fastest). While it runs other writes wait "
    "(SQLite: every writer; PostgreSQL: other imports into this region); use it at quiet "
    "hours, or --staged."
)
MODE_STAGED = (
    "Mode bertahap: pekerjaan impor di proses ini; baris ditulis dalam transaksi pendek dan "
    "tampil sekaligus di akhir, pengguna lain tetap dapat menyimpan. / Staged mode: an import "
    "job in this process; rows are written in short transactions and appear at once at the "
    "end, other users keep saving."
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="BERKAS", help="CSV, XLSX, XLS atau ODS. / CSV, XLSX, XLS or ODS."
    )
    parser.add_argument(
        "--region",
        required=True,
        help="Kode wilayah Kemendagri, mis. 14.72. / Kemendagri region code, e.g. 14.72.",
    )
    parser.add_argument(
        "--sheet",
        help="Nama lembar (bawaan: lembar pertama yang dikenali). / "
        "Sheet name (default: the first sheet with a recognised header).",
    )
    parser.add_argument(
        "--report",
        help="Tulis laporan baris ditolak ke berkas .xlsx ini. / "
        "Write the report of rejected rows to this .xlsx file.",
    )
    parser.add_argument(
        "--json", action="store_true", help="Ringkasan sebagai JSON. / Summary as JSON."
    )
    parser.add_argument(
        "--quiet", action="store_true", help="Tanpa bilah kemajuan. / No progress bar."
    )
    parser.add_argument(
        "--staged",
        action="store_true",
        help="Impor bertahap sebagai pekerjaan impor di proses ini: pengguna lain tetap dapat "
        "menyimpan selama impor berjalan; menunggu impor lain ke wilayah yang sama. / "
        "Staged import job in this process: other users keep saving while it runs; waits for "
        "another import into the same region.",
    )
    parser.add_argument(
        "--actor",
        help="Nama pengguna pelaku (bawaan: sistem). / Acting username (default: system).",
    )


# Signals that end the command as Ctrl-C does: through the code's clean-up
# (a staged job is marked failed instead of staying QUEUED for ever; an
# exclusive import's transaction is rolled back by the database either way).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def stopped_cleanly() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`SystemExit` (exit status
    128 + the signal), once: a second one during the clean-up is ignored.
    Only in the main thread (where Python delivers signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    with stopped_cleanly():
        _handle(command, options)


def _handle(command: BaseCommand, options: dict[str, Any]) -> None:
    region = command_region(options["region"])
    actor = command_actor(options["actor"])
    path = command_file(options["file"])
    with path.open("rb") as handle:
        try:
            validate_upload(
                File(handle, name=path.name), kinds=SPREADSHEET_KINDS, max_bytes=MAX_FILE_BYTES
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
    report = Path(options["report"]) if options["report"] else None
    staged = options["staged"]
    if not staged:
        running = imports_running(region_id=region.pk).first()
        if running is not None:
            raise CommandError(region_busy(running, region).message)
    # Said always, on stderr (stdout may be the JSON summary).
    command.stderr.write(MODE_STAGED if staged else MODE_EXCLUSIVE)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=options["quiet"],
        transient=True,
    )
    last_id = last_business_id(region)
    with progress:
        task = progress.add_task(f"Impor {path.name}", total=None)

        def advance(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=max(total or 0, done) or None)

        def waiting(holder: ImportJob | None) -> None:
            which = f"#{holder.pk} ({holder.filename})" if holder is not None else "?"
            command.stderr.write(
                f"Menunggu impor lain di wilayah ini selesai: impor {which}. / "
                f"Waiting for another import into this region to finish: import {which}."
            )

        job: ImportJob | None = None
        try:
            if staged:
                job, result = import_run_here(
                    actor=actor,
                    region=region,
                    path=path,
                    filename=path.name,
                    sheet=options["sheet"],
                    progress=advance,
                    report_path=report,
                    waiting=waiting,
                )
            else:
                result = run_import(
                    actor=actor,
                    region=region,
                    path=path,
                    filename=path.name,
                    sheet=options["sheet"],
                    progress=advance,
                    report_path=report,
                )
        except ImportFileError as error:
            raise CommandError(error.message) from None
    # The new businesses join the duplicate review queue, as after a web import.
    candidates_find_added(actor=actor, region=region, after_id=last_id)
    summary = result.as_dict()
    summary["report"] = summary.pop("report_path")
    summary["mode"] = "staged" if staged else "exclusive"
    if job is not None:
        summary["job"] = job.pk
    if options["json"]:
        command.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    command.stdout.write(
        f"{path.name}: {result.rows} baris / rows — diimpor / imported {result.imported}, "
        f"sudah terdaftar / already registered {result.matched_existing}, "
        f"ganda dalam berkas / duplicates in file {result.duplicates_in_file}, "
        f"ditolak / rejected {result.rejected}, dilewati (bukan usaha) / skipped (not a "
        f"business) {result.skipped}, peringatan / warnings {result.warnings}."
    )
    if job is not None:
        command.stdout.write(f"Impor bertahap / staged import: #{job.pk}.")
    if result.report_path is not None:
        command.stdout.write(f"Laporan / report: {result.report_path}")
