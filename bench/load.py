"""Load benchmark: the real server as ``make run`` starts it, driven over loopback.

    python bench/load.py [--duration 60] [--clients 16] [--phases dashboard,method,write,mixed]
                         [--workers 2] [--threads 4] [--profile] [--json]

Sets up a fresh installation in a temporary folder exactly like ``make run``
(``kotacerdas migrate``, ``kotacerdas demo``, ``kotacerdas collectstatic``;
SQLite in KOTACERDAS_DATA_DIR, DATABASE_URL ignored), starts ``kotacerdas
serve`` (gunicorn, gthread) on 127.0.0.1 at a free port, logs in as the demo
admin, then runs each phase for ``--duration`` seconds with ``--clients``
client threads on keep-alive connections (standard library only):

- portal:    GET /publik/14.72/ anonymously (the public dashboard, cached per
             snapshot of the figures);
- dashboard: GET /wilayah/14.72/ as the logged-in admin (the region's dashboard);
- method:    GET /cara-menghitung/ anonymously (the public method page);
- write:     POST /rencana-aksi/<pk>/koreksi-status/ as admin with the CSRF
             token (the team's audited status correction with a reason: the
             demo runs reporting periods, so this is the one direct way to a
             status; each client toggles its own action plan between two
             statuses, so every POST writes);
- mixed:     portal, method and write together, 45% / 35% / 20%.

The demo admin signs in with a second factor, as the product requires: the
setup gives the account a recovery code for the benchmark.

For every endpoint of every phase it prints requests/s, p50/p95/p99 latency
and the errors (a status other than 200, a refused write, a connection error).
``--profile`` then times one dashboard request and one status POST
in-process (SQL count and time) and lists under cProfile what dominates.

``--check`` exits non-zero when any request failed (CI runs a short load
with it). Targets (issue #7, 2-core machine, SQLite): the public dashboard
>= 300 req/s at p95 <= 100 ms; the write endpoint >= 100 req/s with zero errors over 60 s.
The client runs on the same two cores as the server, so it takes part of the
CPU the server would otherwise have; the numbers are a lower bound.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
REGION = "14.72"
DEMO_USER, DEMO_PASSWORD = "admin", "dumai-cerdas-2024"  # the documented demo login
STATUSES = ("berjalan", "belum_dimulai")
MIX = (("portal", 45), ("method", 35), ("write", 20))
RECOVERY_CODE = "beban-uji-1234"
# Gives the demo admin a recovery code (second factor) in the scratch database.
ADD_RECOVERY_CODE = f"""
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
user = get_user_model().objects.get(username={DEMO_USER!r})
device = StaticDevice.objects.create(user=user, name="bench", confirmed=True)
for _ in range(5):
    device.token_set.create(token={RECOVERY_CODE!r})
"""


def kotacerdas(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-m", "kotacerdas.cli", *args], env=env, check=True
    )


def install(env: dict[str, str]) -> None:
    """A fresh installation as ``make run`` makes it, with the demo admin's
    recovery code for the benchmark."""
    kotacerdas(env, "migrate", "--noinput", "--verbosity", "0")
    kotacerdas(env, "demo", "--quiet")
    kotacerdas(env, "shell", "-c", ADD_RECOVERY_CODE)
    kotacerdas(env, "collectstatic", "--noinput", "--verbosity", "0")


def serve(
    env: dict[str, str],
    port: int,
    *,
    workers: int,
    threads: int,
    log: Any,
    with_worker: bool = False,
) -> subprocess.Popen[bytes]:
    """``kotacerdas serve`` on 127.0.0.1:``port`` (the web alone, as in
    production, unless ``with_worker``), once it answers /healthz/ (within
    three minutes: the machine may be busy)."""
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "kotacerdas.cli",
            "serve",
            *([] if with_worker else ["--no-worker"]),  # docs/operations.md
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 180
    while True:
        try:
            if Session(port).request("GET", "/healthz/")[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit(f"the server did not start; see {getattr(log, 'name', 'its log')}")
        time.sleep(0.2)


def action_plans(port: int, cookies: dict[str, str]) -> list[int]:
    """The demo region's action plans (each client writes to its own)."""
    listing = Session(port, cookies).request("GET", f"/wilayah/{REGION}/rencana-aksi/")[1]
    plans = sorted({int(pk) for pk in re.findall(r"/rencana-aksi/(\d+)/", listing)})
    if not plans:
        raise SystemExit("no action plan found in the demo")
    return plans


def status_write(
    session: Session, cookies: dict[str, str], plan: int, status: str
) -> tuple[int, str]:
    """The team's audited status correction of ``plan`` (302 when written)."""
    return session.request(
        "POST",
        f"/rencana-aksi/{plan}/koreksi-status/",
        {
            "status": status,
            "reason": "Uji beban / load test",
            "csrfmiddlewaretoken": cookies["csrftoken"],
        },
        **{"X-CSRFToken": cookies["csrftoken"]},
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Session:
    """One keep-alive connection with the cookies of one login."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.used = False

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str]:
        all_headers = {"Host": f"127.0.0.1:{self.port}", **headers}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=all_headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as error:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                # The server closed an idle keep-alive connection (gunicorn's
                # keepalive is 5 s): retry once on a new one, as browsers do.
                stale = isinstance(error, http.client.RemoteDisconnected | BrokenPipeError)
                if attempt == 2 or not (stale and self.used):
                    raise
        self.used = True
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, text


def login(port: int) -> dict[str, str]:
    session = Session(port)
    session.request("GET", "/masuk/")
    token = session.cookies["csrftoken"]
    status, _ = session.request(
        "POST",
        "/masuk/",
        {"username": DEMO_USER, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login failed: HTTP {status}")
    status, text = session.request("GET", "/masuk/otp/")
    if status == 200 and 'name="token"' in text:
        status, _ = session.request(
            "POST",
            "/masuk/otp/",
            {"token": RECOVERY_CODE, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        )
        if status != 302:
            raise SystemExit(f"second factor failed: HTTP {status}")
    return session.cookies


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.samples) < 3:
            self.samples.append(what)


def run_phase(
    port: int,
    cookies: dict[str, str],
    plans: list[int],
    weights: tuple[tuple[str, int], ...],
    duration: float,
    clients: int,
) -> tuple[dict[str, Tally], float]:
    tallies = {name: Tally() for name, _ in weights}
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        rng = random.Random(index)
        user = Session(port, cookies)
        anonymous = Session(port)
        plan = plans[index % len(plans)]
        flip = index % 2
        primed = False  # the first write learns which of the two statuses the plan holds
        local = {name: Tally() for name, _ in weights}
        names = [n for n, _ in weights]
        odds = [w for _, w in weights]
        start.wait()
        while time.perf_counter() < deadline[0]:
            name = rng.choices(names, odds)[0] if len(names) > 1 else names[0]
            began = time.perf_counter()
            try:
                if name == "portal":
                    status, text = anonymous.request("GET", f"/publik/{REGION}/")
                    ok = status == 200
                elif name == "dashboard":
                    status, text = user.request("GET", f"/wilayah/{REGION}/")
                    ok = status == 200
                elif name == "method":
                    status, text = anonymous.request("GET", "/cara-menghitung/")
                    ok = status == 200
                else:
                    for _attempt in range(1 if primed else 2):
                        flip ^= 1
                        status, text = status_write(user, cookies, plan, STATUSES[flip])
                        if status == 302:
                            break
                    primed = True
                    ok = status == 302
            except (OSError, http.client.HTTPException) as error:
                local[name].error(f"{type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - began
            local[name].latencies.append(elapsed)
            if not ok:
                local[name].error(f"HTTP {status}: {text[:120]!r}")
        with lock:
            for key, tally in local.items():
                tallies[key].latencies += tally.latencies
                tallies[key].errors += tally.errors
                tallies[key].samples += tally.samples[: 3 - len(tallies[key].samples)]

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + duration
    start.wait()
    for thread in threads:
        thread.join()
    return tallies, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(tallies: dict[str, Tally], elapsed: float) -> dict[str, dict[str, float]]:
    return {
        name: {
            "requests": len(t.latencies),
            "rps": len(t.latencies) / elapsed,
            "p50_ms": percentile(t.latencies, 0.50) * 1000,
            "p95_ms": percentile(t.latencies, 0.95) * 1000,
            "p99_ms": percentile(t.latencies, 0.99) * 1000,
            "mean_ms": (statistics.fmean(t.latencies) * 1000) if t.latencies else float("nan"),
            "errors": t.errors,
        }
        for name, t in tallies.items()
    }


def profile(data_dir: Path, plan: int) -> str:
    """One dashboard request and one status POST in-process: wall time, SQL
    count and time, then 20 of each under cProfile (what dominates)."""
    import cProfile
    import io
    import pstats

    os.environ["KOTACERDAS_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client = Client(HTTP_HOST="127.0.0.1")  # CSRF checks are off in the test client
    user = get_user_model().objects.get(username=DEMO_USER)
    client.force_login(user)
    session = client.session  # signed in with the second factor, as in login()
    session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.get(user=user, name="bench").persistent_id
    session.save()
    flip = [0]

    def dashboard() -> Any:
        return client.get(f"/wilayah/{REGION}/")

    def write() -> Any:
        for _attempt in range(2):  # the second when the plan held the status asked for
            flip[0] ^= 1
            response = client.post(
                f"/rencana-aksi/{plan}/koreksi-status/",
                {"status": STATUSES[flip[0]], "reason": "Uji beban / load test"},
            )
            if response.status_code == 302:
                break
        return response

    report = []
    for name, call, expected in (
        ("dashboard GET", dashboard, 200),
        ("status correction POST", write, 302),
    ):
        if call().status_code != expected:  # warm: imports, template loading
            raise SystemExit(f"profile: {name} did not answer 200")
        timings: list[float] = []

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(time.perf_counter() - began)  # noqa: B023 - used at once

        with connection.execute_wrapper(timed):
            began = time.perf_counter()
            call()
            one = time.perf_counter() - began
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            call()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(20)
        report.append(
            f"one {name} in-process: {one * 1000:.1f} ms, {len(timings)} SQL queries "
            f"({sum(timings) * 1000:.1f} ms in SQL)\n" + out.getvalue()
        )
    return "\n".join(report)


@contextmanager
def demo_server(workers: int = 2, threads: int = 4) -> Iterator[tuple[int, Path]]:
    """A fresh installation set up like ``make run`` (migrate, demo with a
    recovery code for the admin, collectstatic; SQLite in a temporary
    KOTACERDAS_DATA_DIR, DATABASE_URL ignored) and ``kotacerdas serve`` on a
    free loopback port; yields (port, data folder). The server is stopped on
    exit; the folder is left for the caller (``--keep``, ``--profile``)."""
    data_dir = Path(tempfile.mkdtemp(prefix="kotacerdas-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.update(KOTACERDAS_DATA_DIR=str(data_dir), KOTACERDAS_LOG_LEVEL="WARNING")
    port = free_port()
    server = None
    log = (data_dir / "server.log").open("w")
    try:
        print(f"setting up in {data_dir} (migrate, demo, collectstatic) ...", file=sys.stderr)
        install(env)
        server = serve(env, port, workers=workers, threads=threads, log=log)
        yield port, data_dir
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--phases", default="portal,dashboard,method,write,mixed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (serve default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default)")
    parser.add_argument("--profile", action="store_true", help="profile a GET and a POST")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a request failed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()

    results: dict[str, dict[str, dict[str, float]]] = {}
    with demo_server(args.workers, args.threads) as (port, data_dir):
        cookies = login(port)
        plans = action_plans(port, cookies)

        for phase in filter(None, args.phases.split(",")):
            weights = MIX if phase == "mixed" else ((phase, 1),)
            print(f"phase {phase}: {args.duration:g} s, {args.clients} clients", file=sys.stderr)
            tallies, elapsed = run_phase(port, cookies, plans, weights, args.duration, args.clients)
            results[phase] = summarise(tallies, elapsed)
            for name, tally in tallies.items():
                for sample in tally.samples:
                    print(f"  {phase}/{name} error: {sample}", file=sys.stderr)

        if args.json:
            print(json.dumps(results, indent=2))
        else:
            print(
                f"{'phase':<10} {'endpoint':<10} {'requests':>8} {'req/s':>8} {'p50 ms':>8} "
                f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
            )
            for phase, endpoints in results.items():
                for name, r in endpoints.items():
                    print(
                        f"{phase:<10} {name:<10} {r['requests']:>8.0f} {r['rps']:>8.1f} "
                        f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                        f"{r['errors']:>7.0f}"
                    )
    if args.profile:
        print(profile(data_dir, plans[0]))
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    failed = sum(r["errors"] for endpoints in results.values() for r in endpoints.values())
    if args.check and failed:
        raise SystemExit(f"{failed:.0f} requests failed")


if __name__ == "__main__":
    main()
