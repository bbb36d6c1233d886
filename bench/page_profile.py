"""In-process page profile: server time and query count of pages on the demo.

    python bench/page_profile.py [--iterations 50] [--data-dir DIR] [PATH ...]

Sets up the demo like ``make run`` (``kotacerdas migrate`` and ``demo``) in a
scratch data folder (or reuses ``--data-dir``), then, in this process, signs
the demo admin in with Django's test client (session marked verified by a
second factor, as the sign-in step does) and requests each path
``--iterations`` times after one warm-up request. For each page it prints the
query count (one request, every SQL statement counted through
``connection.execute_wrapper``), p50 and p95 of the CPU time the request
took in this thread (Django, templates and SQLite, which runs in-process; no
network, no gunicorn), the wall-clock p50, and the CPU ratio to the floor
measured in the same run: ``/healthz/`` (the middleware stack and a
response, nothing else). Without paths it profiles the pages of
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


def prepare(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["KOTACERDAS_DATA_DIR"] = str(data_dir)
    for args in (("migrate", "--noinput", "--verbosity", "0"), ("demo", "--quiet")):
        subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "kotacerdas.cli", *args], env=env, check=True
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="paths to profile (default: the usual pages)")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, help="a folder with the demo already set up")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kc-profile-"))
    if args.data_dir is None or not (data_dir / "kotacerdas.sqlite3").exists():
        prepare(data_dir)
    for key in [k for k in os.environ if k.startswith("KOTACERDAS_")]:
        del os.environ[key]
    os.environ.pop("DATABASE_URL", None)
    os.environ["KOTACERDAS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment
    from signin import verified_client

    setup_test_environment()
    client = verified_client(get_user_model().objects.get(username="admin"))

    def timed(path: str) -> tuple[list[float], list[float]]:
        """CPU ms (this thread: Django, the templates and SQLite, which runs
        in-process) and wall ms of each request. CPU time is what a page
        costs; on a machine shared with other work the wall time also holds
        the waits for a core."""
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        cpu, wall = [], []
        for _ in range(args.iterations):
            start_cpu, start = time.thread_time(), time.perf_counter()
            client.get(path)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        return cpu, wall

    floor = statistics.median(timed(FLOOR)[0])
    print(f"data: {data_dir}; {args.iterations} iterations; floor {FLOOR} CPU p50 {floor:.1f} ms")
    print(
        f"{'page':50} {'queries':>7} {'CPU p50':>8} {'CPU p95':>8} {'wall p50':>8} {'CPU/floor':>9}"
    )
    for path in args.paths or DEFAULT_PATHS:
        queries: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)  # noqa: B023 - used within this iteration only
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        cpu, wall = timed(path)
        p50 = statistics.median(cpu)
        print(
            f"{path:50} {len(queries):7d} {p50:8.1f} {percentile(cpu, 0.95):8.1f}"
            f" {statistics.median(wall):8.1f} {p50 / floor:9.1f}"
        )


if __name__ == "__main__":
    main()
