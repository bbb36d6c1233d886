"""In-process page profile: server time and query count of pages on the demo.

    python bench/page_profile.py [--iterations 50] [--data-dir DIR] [--action-plans N]
        [--cold] [PATH ...]

Sets up the demo like ``make run`` (``kotacerdas migrate`` and ``demo``) in a
scratch data folder (or reuses ``--data-dir``), then, in this process, signs
the demo admin in with Django's test client (session marked verified by a
second factor, as the sign-in step does) and requests each path
``--iterations`` times after one warm-up request. For each page it prints the
query count (one request, every SQL statement counted through
``connection.execute_wrapper``), p50 and p95 of the CPU time the request
took in this thread (Django, templates and SQLite, which runs in-process; no
network, no gunicorn; templates render as on a server, without the test
framework's copy of every context, as bench/national.py does), the
wall-clock p50, the page's size in KB and the CPU ratio to the floor
measured in the same run: ``/healthz/`` (the middleware stack and a
response, nothing else). ``--cold`` bumps the live data version (untimed)
before each request, so a page cached per live version (the dashboard, the
lists) renders its body every time, as after any change. Without paths it profiles the pages of
bench/pages.py that a signed-in person waits on.

This finds where a page's time goes; bench/pages.py measures what a person
waits for over HTTP. Run both on the same machine and say how loaded it was.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGION = "14.72"
FLOOR = "/healthz/"
DEFAULT_PATHS = (
    f"/wilayah/{REGION}/",
    f"/wilayah/{REGION}/rencana-aksi/",
    f"/wilayah/{REGION}/rencana-aksi/?halaman=2",
    f"/wilayah/{REGION}/program/",
    f"/wilayah/{REGION}/umkm/",
    f"/wilayah/{REGION}/umkm/statistik/",
    f"/wilayah/{REGION}/periode/",
    f"/wilayah/{REGION}/evaluasi/",
    f"/publik/{REGION}/",
    "/cara-menghitung/",
)


def demo_environment(data_dir: Path | None) -> Path:
    """This process set up for the demo in ``data_dir`` (prepared there when
    it holds none; a new temporary folder when None): only KOTACERDAS_DATA_DIR
    of the caller's KOTACERDAS_* variables, SQLite. The folder."""
    folder = data_dir or Path(tempfile.mkdtemp(prefix="kc-profile-"))
    if data_dir is None or not (folder / "kotacerdas.sqlite3").exists():
        prepare(folder)
    for key in [k for k in os.environ if k.startswith("KOTACERDAS_")]:
        del os.environ[key]
    os.environ.pop("DATABASE_URL", None)
    os.environ["KOTACERDAS_DATA_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    return folder


def prepare(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["KOTACERDAS_DATA_DIR"] = str(data_dir)
    for args in (("migrate", "--noinput", "--verbosity", "0"), ("demo", "--quiet")):
        subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "kotacerdas.cli", *args], env=env, check=True
        )


def grow_masterplan(plans: int) -> None:
    """Grow the demo region's masterplan to ``plans`` action plans and one
    programme per ten (copies of the demo's own, new codes), for the size
    and time of the lists at scale (issue 15: ≤ 150 KB per page)."""
    import copy

    from django.db import transaction

    from kotacerdas.masterplan.models import ActionPlan, Horizon, Masterplan, Programme

    masterplan = Masterplan.objects.filter(region__code=REGION).order_by("pk").first()
    assert masterplan is not None, "no masterplan in the demo"
    programmes = list(Programme.objects.filter(masterplan=masterplan).order_by("pk"))
    existing = list(ActionPlan.objects.filter(masterplan=masterplan).order_by("pk"))
    with transaction.atomic():
        new_programmes = []
        for index in range(max(0, plans // 10 - len(programmes))):
            programme = copy.copy(programmes[index % len(programmes)])
            programme.pk = None
            programme.code = f"X{index:05d}"
            programme.name = f"{programme.name} ({index})"
            if programme.horizon == Horizon.QUICK_WIN:  # one quick win per pillar and year
                programme.horizon, programme.quick_win_year = Horizon.MEDIUM, None
            new_programmes.append(programme)
        Programme.objects.bulk_create(new_programmes, batch_size=500)
        every = list(Programme.objects.filter(masterplan=masterplan).order_by("pk"))
        new_plans = []
        for index in range(max(0, plans - len(existing))):
            plan = copy.copy(existing[index % len(existing)])
            plan.pk = None
            plan.programme = every[index % len(every)]
            plan.code = f"{plan.programme.code}.X{index:05d}"
            span = range(plan.programme.start_year, plan.programme.end_year + 1)
            plan.year = span[index % len(span)]
            new_plans.append(plan)
        ActionPlan.objects.bulk_create(new_plans, batch_size=500)
    print(
        f"masterplan grown to {ActionPlan.objects.filter(masterplan=masterplan).count()} "
        f"action plans, {len(every)} programmes"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="paths to profile (default: the usual pages)")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, help="a folder with the demo already set up")
    parser.add_argument(
        "--action-plans",
        type=int,
        default=0,
        help="first grow the demo masterplan to this many action plans (one programme per 10)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="bump the live data version before each request: cached bodies are rendered again",
    )
    args = parser.parse_args()

    data_dir = demo_environment(args.data_dir)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template.base import Template
    from django.test.utils import setup_test_environment
    from signin import verified_client

    from kotacerdas.core.caching import bump_live

    render = Template._render
    setup_test_environment()  # the test client's host and the mail outbox ...
    Template._render = render  # ... but templates render as on a server (no context copies)
    if args.action_plans:
        grow_masterplan(args.action_plans)
    client = verified_client(get_user_model().objects.get(username="admin"))

    sizes: dict[str, int] = {}

    def timed(path: str) -> tuple[list[float], list[float]]:
        """CPU ms (this thread: Django, the templates and SQLite, which runs
        in-process) and wall ms of each request. CPU time is what a page
        costs; on a machine shared with other work the wall time also holds
        the waits for a core."""
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        sizes[path] = len(response.content)
        cpu, wall = [], []
        for _ in range(args.iterations):
            if args.cold:
                bump_live()
            start_cpu, start = time.thread_time(), time.perf_counter()
            client.get(path)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        return cpu, wall

    floor = statistics.median(timed(FLOOR)[0])
    cold = "; cold" if args.cold else ""
    print(
        f"data: {data_dir}; {args.iterations} iterations{cold};"
        f" floor {FLOOR} CPU p50 {floor:.1f} ms"
    )
    print(
        f"{'page':50} {'queries':>7} {'CPU p50':>8} {'CPU p95':>8} {'wall p50':>8} {'CPU/floor':>9}"
        f" {'KB':>6}"
    )
    for path in args.paths or DEFAULT_PATHS:
        queries: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)  # noqa: B023 - used within this iteration only
            return execute(sql, params, many, context)

        if args.cold:
            bump_live()
        with connection.execute_wrapper(count):
            client.get(path)
        cpu, wall = timed(path)
        p50 = statistics.median(cpu)
        print(
            f"{path:50} {len(queries):7d} {p50:8.1f} {percentile(cpu, 0.95):8.1f}"
            f" {statistics.median(wall):8.1f} {p50 / floor:9.1f} {sizes[path] / 1024:6.1f}"
        )


if __name__ == "__main__":
    main()
