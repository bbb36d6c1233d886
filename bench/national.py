"""National scale on PostgreSQL: 514 kab/kota with Dumai-sized masterplans (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench \\
        python bench/national.py [--regions N] [--seed 16] [--iterations 15]
                                 [--targets dashboard,figures,close,comparison,province]
                                 [--json] [--check] [--keep]

PostgreSQL only (SQLite is refused): a fresh database named after
DATABASE_URL's (``<name>_national_<pid>``) is created on the same server,
migrated, filled and dropped at the end (``--keep`` keeps it and prints its
URL). The dataset (bench/national_data.py, deterministic for a ``--seed``):
``--regions`` kab/kota of the shipped Kemendagri reference (default all 514,
round-robin across provinces, Kota Dumai 14.72 first), each with the Dumai
demo's masterplan (18 agencies, 51 programmes, 103 action plans), a region
admin, 8 closed quarterly periods with their progress reports (the carry-over
rule: a plan is asked until it is finished) and frozen snapshots, a 9th
period open, and 3 years of published evaluation results. The 38 provinces
become Region rows once the model accepts a province code (issue 16); until
then the run says "provinces: not accepted by Region yet".

Kota Dumai's rows are built first and measured alone, then every other
region is built and everything is measured again, in this process:

- dashboard  ``/wilayah/14.72/`` for the region's admin (Django's test
             client, session verified by a second factor as in
             bench/page_profile.py; templates render as on a server, without
             the test framework's copy of every context): the body rendered
             (the live data version bumped, untimed, before each request) and
             served from the cache;
- figures    ``kotacerdas figures --region 14.72 --json`` (call_command);
- close      closing the open period through ``period_close`` inside a
             transaction rolled back each time.

Each: p50 of ``--iterations`` runs after one warm-up, wall and CPU (this
thread; PostgreSQL's own work runs in the server process and shows in wall
time only), and the query count (every statement, through
``connection.execute_wrapper``), at one region and at all. Targets (wall
p50, the 2-core machine): dashboard <= 100 ms with the same query count
at 1 region and at all; closing a period <= 2 s; the comparison page
<= 500 ms.

The national pages (``--targets comparison,province``, see ``HOOKS``) are
requested as a superuser, rebuilt and from the cache.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST = "14.72"
DASHBOARD_MS, COMPARISON_MS, CLOSE_MS = 100.0, 500.0, 2000.0
TARGETS = ("dashboard", "figures", "close", "comparison", "province")
# The national pages, GET as a superuser (every region in scope): the
# measured region's code -> the path. Timed rebuilt (the published-data
# version bumped before each request, as after any close) and from the cache;
# ``check`` holds the rebuilt page to COMPARISON_MS.
HOOKS: dict[str, Callable[[str], str] | None] = {
    "comparison": lambda code: "/nasional/perbandingan/",
    "province": lambda code: f"/nasional/provinsi/{code[:2]}/",
}


def refuse_unless_postgres(url: str | None) -> str:
    """DATABASE_URL when it names PostgreSQL; otherwise the run stops with
    a message in Indonesian and English."""
    if not url or not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench/national.py butuh PostgreSQL: setel DATABASE_URL=postgres://... "
            "(SQLite tidak didukung pada skala nasional). / bench/national.py needs "
            "PostgreSQL: set DATABASE_URL=postgres://... (SQLite is not supported at "
            "national scale)."
        )
    return url


def fresh_database(url: str) -> tuple[str, str]:
    """Create ``<name>_national_<pid>`` on DATABASE_URL's server: (its URL, admin URL)."""
    import psycopg

    base, _slash, name = url.rpartition("/")
    name, mark, query = name.partition("?")
    fresh = f"{name or 'kc_bench'}_national_{os.getpid()}"
    admin = f"{base}/postgres{mark}{query}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{fresh}"')
    return f"{base}/{fresh}{mark}{query}", admin


def drop_database(url: str, admin: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = url.rpartition("/")[2].partition("?")[0]
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(
    run: Callable[[], Any], iterations: int, before: Callable[[], Any] = lambda: None
) -> dict[str, Any]:
    """p50 wall and CPU ms of ``run`` over ``iterations`` after one warm-up,
    and the queries of one run; ``before`` runs untimed before each."""
    from django.db import connection

    before()
    run()
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    before()
    with connection.execute_wrapper(count):
        run()
    wall, cpu = [], []
    for _ in range(iterations):
        before()
        start_cpu, start = time.thread_time(), time.perf_counter()
        run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return {
        "wall_p50": statistics.median(wall),
        "wall_max": max(wall),
        "cpu_p50": statistics.median(cpu),
        "queries": len(queries),
    }


def measure(code: str, wanted: set[str], iterations: int) -> dict[str, dict[str, Any]]:
    from django.core.management import call_command
    from django.db import transaction
    from national_data import CLOSE_REASON
    from signin import verified_client

    from kotacerdas.core.caching import bump_live
    from kotacerdas.monitoring.models import ReportingPeriod
    from kotacerdas.monitoring.services import period_close
    from kotacerdas.regions.models import Region

    region = Region.objects.get(code=code)
    admin = region.memberships.select_related("user").get(role="admin").user
    client = verified_client(admin)
    results: dict[str, dict[str, Any]] = {}

    def get(path: str) -> Callable[[], None]:
        def run() -> None:
            response = client.get(path)
            assert response.status_code == 200, f"{path}: HTTP {response.status_code}"

        return run

    if "dashboard" in wanted:
        path = f"/wilayah/{code}/"
        # bump_live: the body is rendered again, as after any change.
        results["dashboard"] = {"path": path, **timed(get(path), iterations, bump_live)}
        results["dashboard (cached body)"] = {"path": path, **timed(get(path), iterations)}
    if "figures" in wanted:

        def figures() -> None:
            out = io.StringIO()
            call_command("figures", "--region", code, "--json", stdout=out)
            assert json.loads(out.getvalue())["region"] == code

        results["figures"] = {
            "path": f"figures --region {code} --json",
            **timed(figures, iterations),
        }
    if "close" in wanted:
        period = ReportingPeriod.objects.get(masterplan__region=region, state="open")

        def close() -> None:
            with transaction.atomic():
                period_close(actor=admin, period=period, reason=CLOSE_REASON)
                transaction.set_rollback(True)

        results["close"] = {"path": f"period_close {period.label}", **timed(close, iterations)}
    national = [(name, hook) for name, hook in HOOKS.items() if name in wanted and hook]
    if national:
        from django.contrib.auth import get_user_model

        from kotacerdas.core.caching import bump

        operator, _created = get_user_model().objects.get_or_create(
            username="bench-national", defaults={"is_superuser": True, "is_staff": True}
        )
        as_operator = verified_client(operator)

        def get_all(path: str) -> Callable[[], None]:
            def run() -> None:
                response = as_operator.get(path)
                assert response.status_code == 200, f"{path}: HTTP {response.status_code}"

            return run

        for name, hook in national:
            assert hook is not None
            path = hook(code)
            results[name] = {"path": path, **timed(get_all(path), iterations, bump)}
            results[f"{name} (cached)"] = {"path": path, **timed(get_all(path), iterations)}
    return results


def check(
    one: dict[str, dict[str, Any]], every: dict[str, dict[str, Any]], wanted: set[str]
) -> list[dict[str, Any]]:
    """Each target with its figure and whether it was met; a hook not wired
    is listed with ``met`` None."""
    targets: list[dict[str, Any]] = []

    def add(name: str, rule: str, value: str, met: bool | None) -> None:
        targets.append({"target": name, "rule": rule, "value": value, "met": met})

    if "dashboard" in every:
        ms = every["dashboard"]["wall_p50"]
        add("dashboard", f"<= {DASHBOARD_MS:.0f} ms", f"{ms:.1f} ms", ms <= DASHBOARD_MS)
        counts = (one["dashboard"]["queries"], every["dashboard"]["queries"])
        add(
            "dashboard queries",
            "1 region = all regions",
            f"{counts[0]} / {counts[1]}",
            counts[0] == counts[1],
        )
    if "close" in every:
        ms = every["close"]["wall_p50"]
        add("close a period", f"<= {CLOSE_MS:.0f} ms", f"{ms:.1f} ms", ms <= CLOSE_MS)
    for name in ("comparison", "province"):
        if name not in wanted:
            continue
        if name in every:
            ms = every[name]["wall_p50"]
            add(name, f"<= {COMPARISON_MS:.0f} ms", f"{ms:.1f} ms", ms <= COMPARISON_MS)
        else:
            add(name, f"<= {COMPARISON_MS:.0f} ms", "not wired (HOOKS)", None)
    return targets


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, help="kab/kota to build (default: all 514)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument(
        "--targets",
        default="dashboard,figures,close,comparison,province",
        help=f"comma-separated, of {','.join(TARGETS)}",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    args = parser.parse_args()
    wanted = set(args.targets.split(","))
    unknown = wanted - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if args.regions is not None and args.regions < 1:
        parser.error("--regions must be at least 1")

    url = refuse_unless_postgres(os.environ.get("DATABASE_URL"))
    fresh, admin_url = fresh_database(url)
    log = sys.stderr
    print(f"database: {fresh}", file=log)
    os.environ["DATABASE_URL"] = fresh
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    data_dir = Path(tempfile.mkdtemp(prefix="kc-national-"))
    (data_dir / "static").mkdir()  # whitenoise looks for it; the bench serves no assets
    os.environ["KOTACERDAS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("KOTACERDAS_LOG_LEVEL", "WARNING")
    try:
        report = run(args, wanted, log)
    finally:
        if args.keep:
            print(f"database kept: {fresh}; data folder (cache): {data_dir}", file=log)
        else:
            drop_database(fresh, admin_url)
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    if args.check and any(t["met"] is False for t in report["targets"]):
        raise SystemExit(1)


def run(args: argparse.Namespace, wanted: set[str], log: Any) -> dict[str, Any]:
    import django

    django.setup()
    import national_data
    from django.core.management import call_command
    from django.template.base import Template
    from django.test.utils import setup_test_environment

    render = Template._render
    setup_test_environment()  # the test client's host and the mail outbox ...
    Template._render = render  # ... but templates render as on a server (no context copies)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    print(f"migrated in {migrate_s:.1f} s", file=log)
    areas = national_data.pick_regions(args.regions, first=FIRST)
    code = areas[0].code

    def progress(message: str) -> None:
        print(f"  {message} ({time.perf_counter() - started:.1f} s)", file=log)

    load_before = load_average()
    started = time.perf_counter()
    built = national_data.build(areas[:1], seed=args.seed, progress=progress)
    one = measure(code, wanted, args.iterations)
    print(f"{code} built and measured alone; building {len(areas) - 1} more ...", file=log)
    started = time.perf_counter()
    rest = national_data.build(areas[1:], seed=args.seed, progress=progress) if areas[1:] else None
    build_s = sum(built.seconds.values())
    if rest is not None:
        built.merge(rest)
        build_s = sum(built.seconds.values())
    every = measure(code, wanted, args.iterations)
    return {
        "database": "postgresql",
        "seed": args.seed,
        "regions": len(areas),
        "measured_region": code,
        "provinces": built.rows.get("provinces"),
        "iterations": args.iterations,
        "migrate_seconds": round(migrate_s, 1),
        "build_seconds": round(build_s, 1),
        "build_steps": {k: round(v, 1) for k, v in built.seconds.items()},
        "rows": built.rows,
        "load_average": [load_before, load_average()],
        "one_region": one,
        "all_regions": every,
        "targets": check(one, every, wanted),
    }


def print_report(report: dict[str, Any]) -> None:
    provinces = report["provinces"]
    print(
        f"national bench: {report['regions']} kab/kota, seed {report['seed']}, "
        f"measured {report['measured_region']}; load average {report['load_average'][0]} "
        f"before, {report['load_average'][1]} after"
    )
    if provinces is None:
        print("provinces: not accepted by Region yet (issue 16); none created")
    print(
        f"build: {report['build_seconds']:.1f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in report["build_steps"].items())
        + f"); migrate {report['migrate_seconds']:.1f} s"
    )
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in report["rows"].items()))
    print(
        f"{'measure':26} {'wall p50':>9} {'wall max':>9} {'CPU p50':>8} "
        f"{'queries (1 region)':>19} {'queries (all)':>13}"
    )
    for name, r in report["all_regions"].items():
        alone = report["one_region"].get(name, {}).get("queries", "-")
        print(
            f"{name:26} {r['wall_p50']:9.1f} {r['wall_max']:9.1f} {r['cpu_p50']:8.1f} "
            f"{alone!s:>19} {r['queries']:13d}"
        )
    print("targets:")
    for t in report["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        print(f"  {t['target']:20} {t['rule']:24} {t['value']:20} {verdict}")


if __name__ == "__main__":
    main()
