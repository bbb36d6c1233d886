"""Contention benchmark (issue 14): do other users' writes wait on a long job?

    python bench/contention.py [--rows 1000000] [--clients 16]
                               [--database-url postgres://postgres@127.0.0.1:5432/kc_bench]
                               [--writes-per-login 10] [--min-seconds 0] [--json] [--keep]

Sets up a fresh installation like bench/load.py (migrate, demo,
collectstatic; SQLite in a temporary KOTACERDAS_DATA_DIR, or the PostgreSQL
database of ``--database-url``, emptied first), generates a survey file of
``--rows`` rows as bench/umkm_import.py does, and starts ``kotacerdas serve``
with its worker. Then ``--clients`` client threads sign in as the demo admin
(password and second factor) and change action-plan statuses through the
team's status correction, signing in again every ``--writes-per-login``
writes; after a few seconds the import job of the survey is queued for the
worker, and the demo registry officer exports the registry (CSV without
personal data) over and over: each export queued as the web queues it and run
in this process as a second worker runs it (``run_export_job``: read in
chunks outside any transaction). Everything stops when the import job has finished.

Prints, for sign-ins, status writes and exports: count, p50/p95/p99 latency
and errors (any status other than the expected one, a connection error); the
import's rows and duration; and the p99 of the other users' writes (sign-ins
and status writes) against the 1 s target. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import load
from umkm_import import write_csv

ROOT = Path(__file__).resolve().parent.parent
TARGET_P99_S = 1.0
WARMUP_S = 5.0
EXPORT_USER = "umkm"  # the demo registry officer


def empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def django_setup(env: dict[str, str]) -> None:
    """This process reads and writes the same database as the server (to
    queue the import job and watch it), through the same settings."""
    os.environ.update(env)
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    import django

    django.setup()


def more_recovery_codes(count: int) -> None:
    """Every sign-in uses up one recovery code of the demo admin."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    user = get_user_model().objects.get(username=load.DEMO_USER)
    device = StaticDevice.objects.filter(user=user, name="bench").first()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=load.RECOVERY_CODE) for _ in range(count)
    )


def prepared_job(survey: Path) -> int:
    """An import job of ``survey`` with its suggested mapping, not queued yet."""
    from django.core.files import File

    from kotacerdas.core.storage import private_storage
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.imports.engine import inspect
    from kotacerdas.umkm.imports.models import ImportJob, mapping_to_json

    found = inspect(survey, filename=survey.name)
    with survey.open("rb") as handle:
        stored = private_storage.save(f"bench/{survey.name}", File(handle))
    job = ImportJob.objects.create(
        region=Region.objects.get(code=load.REGION),
        filename=survey.name,
        stored_name=stored,
        sheet=found.sheet,
        header_row=found.header_row,
        mapping=mapping_to_json(found.suggested),
        rows_total=found.rows_estimate,
    )
    return int(job.pk)


def queue(job_id: int) -> None:
    from django.utils.module_loading import import_string

    from kotacerdas.umkm.imports.models import ImportJob
    from kotacerdas.umkm.imports.services import IMPORT_TASK

    ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.QUEUED)
    import_string(IMPORT_TASK).enqueue(job_id=job_id)


def job_state(job_id: int) -> tuple[str, int, int]:
    from django.db import connection

    from kotacerdas.umkm.imports.models import ImportJob

    state, done, imported = (
        ImportJob.objects.filter(pk=job_id).values_list("state", "rows_done", "imported").get()
    )
    connection.close()
    return state, done, imported


class Clients:
    """Users who sign in and change statuses, and one who exports."""

    def __init__(self, port: int, plans: list[int], count: int, writes_per_login: int) -> None:
        self.port = port
        self.plans = plans
        self.count = count
        self.writes_per_login = writes_per_login
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.tallies = {name: load.Tally() for name in ("login", "write", "export")}
        self.threads: list[threading.Thread] = []

    def _add(self, name: str, began: float, ok: bool, what: str) -> None:
        elapsed = time.perf_counter() - began
        with self.lock:
            tally = self.tallies[name]
            tally.latencies.append(elapsed)
            if not ok:
                tally.error(what)

    def _user(self, index: int) -> None:
        plan = self.plans[index % len(self.plans)]
        flip = index % 2
        while not self.stop.is_set():
            began = time.perf_counter()
            try:
                cookies = load.login(self.port)
            except (OSError, SystemExit, KeyError) as error:
                self._add("login", began, False, f"{type(error).__name__}: {error}")
                continue
            self._add("login", began, True, "")
            session = load.Session(self.port, cookies)
            for _ in range(self.writes_per_login):
                if self.stop.is_set():
                    return
                flip ^= 1
                began = time.perf_counter()
                try:
                    status, text = load.status_write(session, cookies, plan, load.STATUSES[flip])
                except OSError as error:
                    self._add("write", began, False, f"{type(error).__name__}: {error}")
                    continue
                if status == 200 and "koreksi" in text:
                    # The plan already held this status (the first write):
                    # the form answers again; write the other one.
                    continue
                self._add("write", began, status == 302, f"HTTP {status}: {text[:120]!r}")

    def _exporter(self) -> None:
        """The registry officer's export, over and over: queued as the web
        does it, then run here as a second worker would run it
        (umkm.pdp.services.run_export_job: chunks read outside any
        transaction, the file streamed to private storage), so it runs
        beside the server's worker, which is busy with the import. Should
        the server's worker claim a job first, its end is awaited."""
        from django.contrib.auth import get_user_model

        from kotacerdas.regions.models import Region
        from kotacerdas.umkm.pdp.models import ExportJob
        from kotacerdas.umkm.pdp.services import export_job_create, run_export_job

        officer = get_user_model().objects.get(username=EXPORT_USER)
        region = Region.objects.get(code=load.REGION)
        ended = (ExportJob.State.DONE, ExportJob.State.FAILED)
        while not self.stop.is_set():
            began = time.perf_counter()
            try:
                job = export_job_create(actor=officer, region=region, personal=False)
                if not run_export_job(job.pk):
                    while ExportJob.objects.get(pk=job.pk).state not in ended:
                        time.sleep(0.5)
                job.refresh_from_db()
            except Exception as error:  # a benchmark reports, it does not stop
                self._add("export", began, False, f"{type(error).__name__}: {error}")
                continue
            self._add(
                "export", began, job.state == ExportJob.State.DONE, f"{job.state}: {job.error}"
            )

    def start_users(self) -> None:
        for index in range(self.count):
            thread = threading.Thread(target=self._user, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def start_exporter(self) -> None:
        thread = threading.Thread(target=self._exporter, daemon=True)
        thread.start()
        self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=900)


def summary(tally: load.Tally) -> dict[str, float]:
    return {
        "count": len(tally.latencies),
        "p50_ms": load.percentile(tally.latencies, 0.50) * 1000,
        "p95_ms": load.percentile(tally.latencies, 0.95) * 1000,
        "p99_ms": load.percentile(tally.latencies, 0.99) * 1000,
        "max_ms": max(tally.latencies, default=float("nan")) * 1000,
        "errors": tally.errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the survey")
    parser.add_argument("--clients", type=int, default=16, help="users signing in and writing")
    parser.add_argument("--writes-per-login", type=int, default=10)
    parser.add_argument("--database-url", help="PostgreSQL URL (emptied!); default SQLite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=3600, help="give up after (s)")
    parser.add_argument(
        "--min-seconds",
        type=float,
        default=0,
        help="measure at least this long (a baseline: --rows 100 --min-seconds 60)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kotacerdas-contention-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.update(KOTACERDAS_DATA_DIR=str(data_dir), KOTACERDAS_LOG_LEVEL="WARNING")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        empty_postgres(args.database_url)
    port = load.free_port()
    server = None
    log = (data_dir / "server.log").open("w")
    try:
        print(f"setting up in {data_dir} ...", file=sys.stderr)
        load.install(env)
        django_setup(env)
        more_recovery_codes(20_000)
        survey = data_dir / "survei.csv"
        print(f"writing a survey of {args.rows} rows ...", file=sys.stderr)
        write_csv(survey, args.rows)
        job_id = prepared_job(survey)
        server = load.serve(
            env, port, workers=args.workers, threads=args.threads, log=log, with_worker=True
        )
        plans = load.action_plans(port, load.login(port))
        clients = Clients(port, plans, args.clients, args.writes_per_login)
        clients.start_users()
        time.sleep(WARMUP_S)
        began = time.perf_counter()
        queue(job_id)
        clients.start_exporter()
        state, done, imported = "queued", 0, 0
        import_s = float("nan")
        while time.perf_counter() - began < args.timeout:
            if state not in ("done", "failed"):
                state, done, imported = job_state(job_id)
                import_s = time.perf_counter() - began
            elif time.perf_counter() - began >= args.min_seconds:
                break
            time.sleep(1)
        clients.finish()
        measured_s = time.perf_counter() - began
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except Exception:
                server.kill()
        log.close()

    others = load.Tally(
        latencies=clients.tallies["login"].latencies + clients.tallies["write"].latencies,
        errors=clients.tallies["login"].errors + clients.tallies["write"].errors,
    )
    results: dict[str, Any] = {
        "database": "postgresql" if args.database_url else "sqlite",
        "rows": args.rows,
        "clients": args.clients,
        "import": {"state": state, "rows_done": done, "imported": imported, "seconds": import_s},
        "measured_seconds": measured_s,
        **{name: summary(tally) for name, tally in clients.tallies.items()},
        "other_users": summary(others),
    }
    results["p99_vs_target"] = results["other_users"]["p99_ms"] / (TARGET_P99_S * 1000)
    for name, tally in clients.tallies.items():
        for sample in tally.samples:
            print(f"  {name} error: {sample}", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        imp = results["import"]
        print(
            f"{results['database']}: import of {args.rows} rows {imp['state']} in "
            f"{imp['seconds']:.0f} s ({imp['imported']} imported), {args.clients} clients"
        )
        print(f"{'':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
              f"{'errors':>7}")  # fmt: skip
        for name in ("login", "write", "export", "other_users"):
            r = results[name]
            print(
                f"{name:<12} {r['count']:>7.0f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} "
                f"{r['p99_ms']:>8.0f} {r['max_ms']:>8.0f} {r['errors']:>7.0f}"
            )
        print(
            f"p99 of the other users' writes: {results['other_users']['p99_ms']:.0f} ms = "
            f"{results['p99_vs_target']:.2f} × the 1 s target; errors: "
            f"{results['other_users']['errors'] + results['export']['errors']:.0f}"
        )
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
