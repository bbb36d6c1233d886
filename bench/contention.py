"""Contention benchmark (issue 14): do other users' writes wait on a long job?

    python bench/contention.py [--rows 1000000] [--registry 460000] [--clients 16]
                               [--writes-per-login 10] [--baseline-seconds 60]
                               [--database-url postgres://postgres@127.0.0.1:5432/kc_bench]
                               [--no-export] [--min-seconds 0] [--json] [--keep]

Sets up a fresh installation like bench/load.py (migrate, demo,
collectstatic; SQLite in a temporary KOTACERDAS_DATA_DIR, or the PostgreSQL
database of ``--database-url``, emptied first). The registry the export
reads is built first, on the bulk path (``--registry`` rows of a generated
survey through the import engine's one-transaction exclusive mode, in this
process, before the server starts: nothing goes through the web). A second
survey of ``--rows`` rows (as bench/umkm_import.py makes them, other
businesses) becomes an import job, and ``kotacerdas serve`` starts with its
worker.

Then ``--clients`` client threads sign in as the demo admin (password and
second factor) and change action-plan statuses through the team's status
correction, signing in again every ``--writes-per-login`` writes (0: once,
at the start). A sign-in costs a PBKDF2 hash of about 0,3 s of CPU: 16
clients signing in every 10 writes saturate two cores with hashing alone,
so the sign-in rate is a parameter of the workload, stated in the output.

Two phases, both measured in the same run: **baseline**
(``--baseline-seconds``, no long job) and **long jobs**: the import job is
run by a separate process as the worker runs it (``import_job_run``: the
region's lease, rows written in short transactions, the publish, the
duplicate search), and the demo registry officer exports the registry (CSV
without personal data, or with it: ``--personal``) over and over in another
process, through the background export (``export_job_create`` queues it as
the web route does, ``run_export_job`` runs it as a worker does: chunks read
outside any transaction, the access record and the job's end in one short
transaction). Separate processes because the server's one worker runs one
task at a time (an export queued behind the import would only measure the
queue) and so that each traces its own transactions. The second phase ends
when the import job has finished (and ``--min-seconds`` have passed).

Prints, per phase, for sign-ins, status writes, both together ("other
users") and exports: count, p50/p95/p99/max latency and errors (any status
other than the expected one, a connection error); the import's rows,
duration and CPU time; the longest write transactions of the import and the
export processes (wall and CPU time, named after the functions that opened
them: bench/locktrace.py); and on SQLite the time a writer had to wait for
the write lock (a probe that takes it every 20 ms from its own connection):
p50/p99/max per phase. The target: other users' p99 ≤ 1 s with 0 errors.
Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
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
# The registry's rows are numbered after any survey's (bench/umkm_import.py):
# different names and NIBs, so the survey's businesses are new to it.
REGISTRY_FIRST_ROW = 5_000_001
PHASES = ("baseline", "long jobs")


def empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def django_setup(env: dict[str, str]) -> None:
    """This process reads and writes the same database as the server (to
    build the registry, prepare the import job and watch it), through the
    same settings."""
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


def build_registry(data_dir: Path, rows: int) -> dict[str, Any]:
    """``rows`` survey rows into the demo region on the bulk path: the import
    engine's exclusive mode (one transaction, the SQLite bulk-load speed-ups),
    without the duplicate search the command adds. Returns the registry's
    size and what it cost."""
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.imports.engine import run_import
    from kotacerdas.umkm.registry.models import Business

    source = data_dir / "registri.csv"
    write_csv(source, rows, first=REGISTRY_FIRST_ROW)
    region = Region.objects.get(code=load.REGION)
    began, cpu = time.perf_counter(), _cpu_s()
    result = run_import(actor=None, region=region, path=source, filename=source.name)
    source.unlink()
    return {
        "rows": rows,
        "imported": result.imported,
        "businesses": Business.objects.filter(region=region).count(),
        "seconds": time.perf_counter() - began,
        "cpu_s": _cpu_s() - cpu,
    }


def prepared_job(survey: Path) -> int:
    """An import job of ``survey`` with its suggested mapping, QUEUED (as
    after the officer's mapping) but not handed to the server's worker: the
    job process runs it."""
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
        state=ImportJob.State.QUEUED,
    )
    return int(job.pk)


def _cpu_s(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# --- The long jobs, each in its own process ---------------------------------------------------


def run_import_job(job_id: int, out: Path) -> None:
    """``--run-job import``: the worker's task body, traced."""
    import locktrace

    from kotacerdas.umkm.imports.services import import_job_run

    trace = locktrace.install()
    began = time.perf_counter()
    result = import_job_run(job_id=job_id)
    out.write_text(
        json.dumps(
            {
                "seconds": time.perf_counter() - began,
                "cpu_s": _cpu_s(),
                "children_cpu_s": _cpu_s(resource.RUSAGE_CHILDREN),
                "result": result,
                "trace": trace.summary(),
            }
        )
    )


def run_exports(stop: Path, out: Path, personal: bool) -> None:
    """``--run-job export``: the registry officer's export, over and over,
    until ``stop`` exists, traced. With ``personal`` the export holds the
    personal data, and its end records every business exported (the record
    of processing, in the transaction that makes the job DONE)."""
    import locktrace
    from django.contrib.auth import get_user_model

    from kotacerdas.core.storage import private_storage
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.pdp.models import ExportJob
    from kotacerdas.umkm.pdp.services import export_job_create, run_export_job

    trace = locktrace.install()
    officer = get_user_model().objects.get(username=EXPORT_USER)
    region = Region.objects.get(code=load.REGION)
    latencies: list[float] = []
    errors: list[str] = []
    rows = 0
    ended = (ExportJob.State.DONE, ExportJob.State.FAILED)
    while not stop.exists():
        began = time.perf_counter()
        try:
            job = export_job_create(
                actor=officer,
                region=region,
                personal=personal,
                purpose="Uji beban ekspor / export load test" if personal else "",
            )
            done = run_export_job(job.pk)
            # The server's worker, idle (the import has its own process), may
            # have claimed the queued job first: its end is awaited.
            while ExportJob.objects.get(pk=job.pk).state not in ended:
                time.sleep(0.2)
            job.refresh_from_db()
        except Exception as error:  # a benchmark reports, it does not stop
            errors.append(f"{type(error).__name__}: {error}")
            continue
        latencies.append(time.perf_counter() - began)
        if job.state != ExportJob.State.DONE:
            errors.append(f"{job.state}: {job.error}")
        rows = int(done.get("rows", rows))
        if job.stored_name:  # kept a day for its download: not here (disk)
            Path(private_storage.path(job.stored_name)).unlink(missing_ok=True)
    out.write_text(
        json.dumps(
            {
                "latencies": latencies,
                "errors": errors,
                "rows": rows,
                "cpu_s": _cpu_s(),
                "trace": trace.summary(),
            }
        )
    )


def start_job(env: dict[str, str], *args: str, log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - this interpreter, this script
        [sys.executable, str(Path(__file__).resolve()), "--run-job", *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "kotacerdas.settings"},
        stdout=log,
        stderr=log,
    )


# --- The other users --------------------------------------------------------------------------


class Clients:
    """Users who sign in and change statuses; every sample is counted in the
    phase it began in."""

    def __init__(self, port: int, plans: list[int], count: int, writes_per_login: int) -> None:
        self.port = port
        self.plans = plans
        self.count = count
        self.writes_per_login = writes_per_login
        self.phase = "warm-up"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.tallies: dict[tuple[str, str], load.Tally] = {}
        self.threads: list[threading.Thread] = []

    def _add(self, phase: str, name: str, began: float, ok: bool, what: str) -> None:
        elapsed = time.perf_counter() - began
        with self.lock:
            tally = self.tallies.setdefault((phase, name), load.Tally())
            tally.latencies.append(elapsed)
            if not ok:
                tally.error(what)

    def _sign_in(self) -> dict[str, str] | None:
        phase, began = self.phase, time.perf_counter()
        try:
            cookies = load.login(self.port)
        except (OSError, SystemExit, KeyError) as error:
            self._add(phase, "login", began, False, f"{type(error).__name__}: {error}")
            return None
        self._add(phase, "login", began, True, "")
        return cookies

    def _user(self, index: int) -> None:
        plan = self.plans[index % len(self.plans)]
        flip = index % 2
        cookies: dict[str, str] | None = None
        writes = 0
        while not self.stop.is_set():
            if cookies is None or (self.writes_per_login and writes >= self.writes_per_login):
                cookies, writes = self._sign_in(), 0
                if cookies is None:
                    continue
            session = load.Session(self.port, cookies)
            flip ^= 1
            phase, began = self.phase, time.perf_counter()
            try:
                status, text = load.status_write(session, cookies, plan, load.STATUSES[flip])
            except OSError as error:
                self._add(phase, "write", began, False, f"{type(error).__name__}: {error}")
                continue
            writes += 1
            if status == 200 and "koreksi" in text:
                # The plan already held this status (the first write):
                # the form answers again; write the other one.
                continue
            self._add(phase, "write", began, status == 302, f"HTTP {status}: {text[:120]!r}")

    def start(self) -> None:
        for index in range(self.count):
            thread = threading.Thread(target=self._user, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=900)


def summary(latencies: list[float], errors: float) -> dict[str, float]:
    return {
        "count": len(latencies),
        "p50_ms": load.percentile(latencies, 0.50) * 1000,
        "p95_ms": load.percentile(latencies, 0.95) * 1000,
        "p99_ms": load.percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies, default=float("nan")) * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the imported survey")
    parser.add_argument(
        "--registry",
        type=int,
        default=460_000,
        help="survey rows loaded into the registry first, on the bulk path (0: the demo's)",
    )
    parser.add_argument("--clients", type=int, default=16, help="users signing in and writing")
    parser.add_argument(
        "--writes-per-login",
        type=int,
        default=10,
        help="each client signs in again after this many writes (0: once, at the start)",
    )
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=60,
        help="measure the clients this long without any long job first (0: no baseline)",
    )
    parser.add_argument("--no-export", action="store_true", help="the import alone")
    parser.add_argument(
        "--personal",
        action="store_true",
        help="export with personal data (each export's end records every business)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (emptied!); default SQLite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=3600, help="give up after (s)")
    parser.add_argument(
        "--min-seconds",
        type=float,
        default=0,
        help="measure the long-jobs phase at least this long",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument("--run-job", nargs="+", help=argparse.SUPPRESS)  # the job processes
    args = parser.parse_args()

    if args.run_job:
        django_setup(dict(os.environ))
        kind, *rest = args.run_job
        if kind == "import":
            run_import_job(int(rest[0]), Path(rest[1]))
        else:
            run_exports(Path(rest[0]), Path(rest[1]), personal=rest[2] == "personal")
        return

    data_dir = Path(tempfile.mkdtemp(prefix="kotacerdas-contention-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.update(KOTACERDAS_DATA_DIR=str(data_dir), KOTACERDAS_LOG_LEVEL="WARNING")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        empty_postgres(args.database_url)
    port = load.free_port()
    server = None
    jobs: list[subprocess.Popen[bytes]] = []
    log = (data_dir / "server.log").open("w")
    probe = None
    try:
        print(f"setting up in {data_dir} ...", file=sys.stderr)
        # The install's commands print to stdout, which --json keeps for the result.
        saved = os.dup(1)
        os.dup2(2, 1)
        try:
            load.install(env)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        django_setup(env)
        # Each sign-in uses a code; PBKDF2 keeps two cores under ~7 sign-ins a second.
        seconds = args.timeout + args.baseline_seconds + WARMUP_S
        more_recovery_codes(int(seconds * 8) if args.writes_per_login else 2 * args.clients)
        registry: dict[str, Any] = {}
        if args.registry:
            print(f"building a registry of {args.registry} rows (bulk) ...", file=sys.stderr)
            registry = build_registry(data_dir, args.registry)
            print(f"  {registry}", file=sys.stderr)
        survey = data_dir / "survei.csv"
        print(f"writing a survey of {args.rows} rows ...", file=sys.stderr)
        write_csv(survey, args.rows)
        job_id = prepared_job(survey)
        from django.db import connection

        connection.close()
        server = load.serve(
            env, port, workers=args.workers, threads=args.threads, log=log, with_worker=True
        )
        if not args.database_url:
            import locktrace

            probe = locktrace.LockProbe(str(data_dir / "kotacerdas.sqlite3")).start()
        plans = load.action_plans(port, load.login(port))
        clients = Clients(port, plans, args.clients, args.writes_per_login)
        clients.start()
        time.sleep(WARMUP_S)
        marks = {"baseline": time.perf_counter()}
        clients.phase = "baseline"
        time.sleep(args.baseline_seconds)
        clients.phase = "long jobs"
        began = marks["long jobs"] = time.perf_counter()
        import_out, export_out, stop = (
            data_dir / "import.json",
            data_dir / "export.json",
            data_dir / "stop",
        )
        importer = start_job(env, "import", str(job_id), str(import_out), log=log)
        jobs.append(importer)
        exporter = None
        if not args.no_export:
            kind = "personal" if args.personal else "plain"
            exporter = start_job(env, "export", str(stop), str(export_out), kind, log=log)
            jobs.append(exporter)
        import_s = float("nan")
        while time.perf_counter() - began < args.timeout:
            if importer.poll() is None:
                import_s = time.perf_counter() - began
            elif time.perf_counter() - began >= args.min_seconds:
                break
            time.sleep(1)
        marks["end"] = time.perf_counter()
        clients.finish()
        stop.touch()
        for job in jobs:
            try:
                job.wait(timeout=1800)
            except subprocess.TimeoutExpired:
                job.kill()
        if probe is not None:
            probe.finish()
        imported = json.loads(import_out.read_text()) if import_out.exists() else {}
        exported = json.loads(export_out.read_text()) if export_out.exists() else {}
    finally:
        for job in jobs:
            if job.poll() is None:
                job.kill()
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except Exception:
                server.kill()
        log.close()

    results: dict[str, Any] = {
        "database": "postgresql" if args.database_url else "sqlite",
        "rows": args.rows,
        "registry": registry,
        "clients": args.clients,
        "writes_per_login": args.writes_per_login,
        "import": {"seconds": import_s, **imported},
        "export": {
            **summary(exported.get("latencies", []), len(exported.get("errors", []))),
            "rows": exported.get("rows"),
            "cpu_s": exported.get("cpu_s"),
            "trace": exported.get("trace"),
        },
        "phases": {},
    }
    for phase in PHASES:
        if phase == "baseline" and not args.baseline_seconds:
            continue
        tallies = {n: clients.tallies.get((phase, n), load.Tally()) for n in ("login", "write")}
        entry = {name: summary(t.latencies, t.errors) for name, t in tallies.items()}
        entry["other_users"] = summary(
            tallies["login"].latencies + tallies["write"].latencies,
            tallies["login"].errors + tallies["write"].errors,
        )
        if probe is not None:
            start = marks[phase] - probe.began
            end = marks["long jobs" if phase == "baseline" else "end"] - probe.began
            waits = [w for at, w in probe.waits if start <= at < end]
            entry["lock_wait"] = summary(waits, probe.errors)
        results["phases"][phase] = entry
    loaded = results["phases"]["long jobs"]["other_users"]
    results["p99_vs_target"] = loaded["p99_ms"] / (TARGET_P99_S * 1000)
    for (phase, name), tally in clients.tallies.items():
        for sample in tally.samples:
            print(f"  {phase} {name} error: {sample}", file=sys.stderr)
    for error in exported.get("errors", [])[:5]:
        print(f"  export error: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        print(f"kept {data_dir}", file=sys.stderr)


def report(results: dict[str, Any]) -> None:
    imp = results["import"]
    done = imp.get("result") or {}
    registry = results["registry"]
    print(
        f"{results['database']}: registry of {registry.get('businesses', 'the demo')} "
        f"businesses (built in {registry.get('seconds', 0):.0f} s); import of {results['rows']} "
        f"rows: {done.get('imported', '?')} imported in {imp['seconds']:.0f} s "
        f"(CPU {imp.get('cpu_s', float('nan')):.0f} s + reader "
        f"{imp.get('children_cpu_s', float('nan')):.0f} s); {results['clients']} clients, "
        f"each signing in "
        + (f"every {results['writes_per_login']} writes" if results["writes_per_login"] else "once")
    )
    columns = ("count", "p50 ms", "p95 ms", "p99 ms", "max ms")
    print(f"{'':<22} " + " ".join(f"{c:>8}" for c in columns) + f" {'errors':>7}")

    def line(label: str, r: dict[str, float]) -> None:
        print(
            f"{label:<22} {r['count']:>8.0f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} "
            f"{r['p99_ms']:>8.0f} {r['max_ms']:>8.0f} {r['errors']:>7.0f}"
        )

    for phase, entry in results["phases"].items():
        for name in ("login", "write", "other_users", "lock_wait"):
            if name in entry:
                line(f"{phase}: {name}", entry[name])
    if results["export"]["count"]:
        line(f"export ({results['export']['rows']} rows)", results["export"])
    for who in ("import", "export"):
        trace = (results[who] or {}).get("trace") or {}
        for hold in trace.get("longest", [])[:5]:
            print(
                f"  {who} transaction {hold['wall_ms']:>8.0f} ms wall, {hold['cpu_ms']:>7.0f} ms "
                f"CPU at {hold['at_s']:>6.0f} s (after {hold['waited_ms']:.0f} ms for the lock): "
                f"{hold['label']}"
            )
    loaded = results["phases"]["long jobs"]
    print(
        f"p99 of the other users' writes during the long jobs: "
        f"{loaded['other_users']['p99_ms']:.0f} ms = {results['p99_vs_target']:.2f} × the 1 s "
        f"target; errors: {loaded['other_users']['errors'] + results['export']['errors']:.0f}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
