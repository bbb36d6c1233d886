"""The process the fault tests kill: ``python -m tests.faults.victim ACTION ...``.

It runs against the database its environment names (``KOTACERDAS_DATA_DIR``
for a SQLite file, or ``DATABASE_URL``), like any ``kotacerdas`` command:

- ``seed``: a region (14.72) with a masterplan, an action plan and an open
  reporting period; prints ``{"period": id}``;
- ``import FILE REPORT``: the real ``kotacerdas umkm import`` command;
- ``close PERIOD``: :func:`kotacerdas.monitoring.services.period_close`;
- ``queue FILE``: an officer's web upload of FILE, mapped and queued (as the
  import pages do); prints ``{"job": id}``;
- ``work JOB``: the worker's task :func:`kotacerdas.umkm.tasks.import_run`;
- ``staged FILE``: ``kotacerdas umkm import FILE --staged``;
- ``hold``: a RUNNING import job of the region with a fresh sign of life
  (a staged import then waits); prints ``{"job": id}``;
- ``settle``: what the import list does with every job it shows
  (``give_up_if_stalled``); prints each job's state;
- ``giveup JOB``: what a page does with a job whose worker shows no sign of
  life for longer than ``STALL_AFTER``;
- ``write INDEX THREADS TIMES``: THREADS threads, each changing an action
  plan TIMES times through the masterplan service (an audited write each);
  prints the errors;
- ``counts``: a JSON summary of the tables the tests compare.

With ``FAULT_KILL_AT=N`` (and ``FAULT_KILL_WHEN=before|after``) the process
sends itself SIGKILL just before or just after its N-th SQL statement: a
crash at an exact, reproducible point inside the transaction.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def _install_kill_switch() -> None:
    from django.db import connection

    at = int(os.environ.get("FAULT_KILL_AT", "0"))
    if at <= 0:
        return
    before = os.environ.get("FAULT_KILL_WHEN", "before") == "before"
    seen = [0]

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        seen[0] += 1
        if seen[0] == at and before:
            os.kill(os.getpid(), signal.SIGKILL)
        result = execute(sql, params, many, ctx)
        if seen[0] == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    connection.execute_wrappers.append(wrapper)
    atexit.register(lambda: sys.stderr.write(f"sql statements: {seen[0]}\n"))


def seed() -> dict[str, Any]:
    from kotacerdas.monitoring import services
    from tests.factories import AgencyFactory, make_action_plan, make_masterplan, make_programme

    masterplan = make_masterplan()
    agency = AgencyFactory(region=masterplan.region)
    programme = make_programme(masterplan, lead_agency=agency)
    for _ in range(3):
        make_action_plan(programme, agency=agency)
    periods = services.periods_generate(actor=None, masterplan=masterplan, year=2024)
    period = services.period_open(actor=None, period=periods[0])
    return {"period": period.pk}


def queue(path: str) -> dict[str, Any]:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.imports import selectors, services
    from kotacerdas.umkm.imports.engine import inspect
    from kotacerdas.umkm.imports.headers import header_signature

    source = Path(path)
    upload = SimpleUploadedFile(source.name, source.read_bytes(), content_type="text/csv")
    checked = validate_upload(upload, kinds=SPREADSHEET_KINDS)
    job = services.import_job_create(
        actor=None, region=Region.objects.get(code="14.72"), upload=upload, checked=checked
    )
    with selectors.stored_file(job) as stored:
        found = inspect(stored, filename=job.filename)
    job = services.import_job_map(
        actor=None,
        job=job,
        sheet=found.sheet,
        header_row=found.header_row,
        headers=found.headers,
        signature=header_signature(found.headers),
        mapping=found.suggested,
        rows_estimate=found.rows_estimate,
    )
    return {"job": job.pk}


def write(index: int, threads: int, times: int) -> dict[str, Any]:
    import threading

    from django.db import connection

    from kotacerdas.masterplan import services
    from kotacerdas.masterplan.models import ActionPlan

    plans = list(ActionPlan.objects.order_by("pk").values_list("pk", flat=True))
    errors: list[str] = []
    done = [0]
    lock = threading.Lock()

    def writer(number: int) -> None:
        plan = ActionPlan.objects.get(pk=plans[(index * threads + number) % len(plans)])
        try:
            for i in range(times):
                # A value no other writer uses: every write changes the row.
                activity = f"Kegiatan uji {index}-{number}-{i}"
                try:
                    plan = services.action_plan_update(
                        actor=None, action_plan=plan, activity=activity
                    )
                except Exception as error:  # every failure is reported, none hidden
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                else:
                    with lock:
                        done[0] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"done": done[0], "errors": errors}


def counts() -> dict[str, Any]:
    from django.db import connection

    from kotacerdas.core.models import AuditEvent
    from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
    from kotacerdas.umkm.models import Business, ImportJob

    result: dict[str, Any] = {
        "businesses": Business.objects.count(),
        "audit": AuditEvent.objects.count(),
        "audit_load": AuditEvent.objects.filter(action=AuditEvent.Action.LOAD).count(),
        "load_summaries": list(
            AuditEvent.objects.filter(action=AuditEvent.Action.LOAD)
            .order_by("id")
            .values_list("after", flat=True)
        ),
        "snapshots": PeriodSnapshot.objects.count(),
        "periods": dict(
            sorted(
                (str(pk), state) for pk, state in ReportingPeriod.objects.values_list("pk", "state")
            )
        ),
        "jobs": {str(pk): state for pk, state in ImportJob.objects.values_list("pk", "state")},
        # The files in private storage that a row points to.
        "referenced": sorted(
            name
            for pair in ImportJob.objects.values_list("stored_name", "report_name")
            for name in pair
            if name
        ),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            result["integrity"] = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "ORDER BY name",
                [Business._meta.db_table],
            )
        else:
            result["integrity"] = ["ok"]
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
                [Business._meta.db_table],
            )
        result["business_indexes"] = [row[0] for row in cursor.fetchall()]
    return result


def emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data) + "\n")


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    import django

    django.setup()
    action, *args = argv
    if action == "seed":
        emit(seed())
    elif action == "counts":
        emit(counts())
    elif action == "import":
        from kotacerdas.cli import main as kotacerdas

        path, report = args
        _install_kill_switch()
        kotacerdas(["umkm", "import", path, "--region", "14.72", "--quiet", "--json",
                    "--report", report])  # fmt: skip
    elif action == "staged":
        from kotacerdas.cli import main as kotacerdas

        kotacerdas(["umkm", "import", args[0], "--region", "14.72", "--quiet", "--staged"])
    elif action == "hold":
        from kotacerdas.regions.models import Region
        from kotacerdas.umkm.imports.progress import ProgressBeat
        from kotacerdas.umkm.models import ImportJob

        # Another import of the region, running (its sign of life fresh).
        held = ImportJob.objects.create(
            region=Region.objects.get(code="14.72"),
            filename="besar.csv",
            state=ImportJob.State.RUNNING,
        )
        ProgressBeat(held.pk).write(0, None)
        emit({"job": held.pk})
    elif action == "settle":
        from kotacerdas.umkm.imports.services import give_up_if_stalled
        from kotacerdas.umkm.models import ImportJob

        # What the region's import list does with every job it shows.
        emit({str(job.pk): give_up_if_stalled(job).state for job in ImportJob.objects.all()})
    elif action == "progress":
        from kotacerdas.umkm.imports.progress import read_progress
        from kotacerdas.umkm.models import ImportJob

        # The jobs with a sign of life in the cache this process shares.
        emit(
            [str(pk) for pk in ImportJob.objects.values_list("pk", flat=True) if read_progress(pk)]
        )
    elif action == "close":
        from kotacerdas.monitoring.models import ReportingPeriod
        from kotacerdas.monitoring.services import period_close

        period = ReportingPeriod.objects.get(pk=int(args[0]))
        _install_kill_switch()
        snapshot = period_close(actor=None, period=period)
        emit({"snapshot": snapshot.pk})
    elif action == "peek":
        from kotacerdas.umkm.models import Business

        # What a reader sees of the registry, and what the table holds.
        emit({"visible": Business.objects.count(), "stored": Business.all_rows.count()})
    elif action == "purge":
        from kotacerdas.umkm.imports.services import import_leftovers_purge

        emit({"removed": import_leftovers_purge()})
    elif action == "write":
        emit(write(*(int(arg) for arg in args)))
    elif action == "queue":
        emit(queue(args[0]))
    elif action == "work":
        from kotacerdas.umkm.tasks import import_run

        _install_kill_switch()
        emit(import_run.call(job_id=int(args[0])))
    elif action == "giveup":
        import datetime as dt

        from django.utils import timezone

        from kotacerdas.umkm.imports.progress import STALL_AFTER
        from kotacerdas.umkm.imports.services import import_job_give_up
        from kotacerdas.umkm.models import ImportJob

        job = ImportJob.objects.get(pk=int(args[0]))
        since = timezone.now() - STALL_AFTER - dt.timedelta(minutes=1)
        emit({"state": import_job_give_up(job=job, since=since).state})
    else:
        raise SystemExit(f"unknown action {action!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
