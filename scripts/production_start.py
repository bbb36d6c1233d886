"""Production start check: the path docs/operations.md tells an operator to take.

    python scripts/production_start.py [--keep]

In a temporary data folder (SQLite; DATABASE_URL ignored): ``migrate`` and
``collectstatic`` under production settings (``KOTACERDAS_ENV=production``,
a random ``SECRET_KEY``, ``ALLOWED_HOSTS``; mail over SMTP, production's
default), with the Kota Dumai demo loaded in between under development
settings (production refuses the demo) so that a portal page has something to
show. Then ``kotacerdas serve`` starts on a free loopback port and the script
fetches, as a TLS-terminating proxy would forward them (``X-Forwarded-Proto:
https``):

- ``/`` (200 after its redirect to the login page), the Dumai portal
  ``/publik/14.72/`` (200), the login page ``/masuk/`` (200), every static
  file those pages link (200, from the manifest), and an unknown address
  (404 with the HTML error page);

then stops the server with SIGTERM. Exits non-zero, naming what failed, when
any answer differs. ``.ci/run`` runs it as the step "production start"
(issue 14: production answered 500 everywhere when collectstatic had failed).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PORTAL = "/publik/14.72/"
READY_SECONDS = 60


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def kotacerdas(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "kotacerdas.cli", *args], env=env, check=True
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(port: int, path: str, *, follow: bool = False) -> tuple[int, str, str]:
    """Status, content type and body of one GET through the "proxy"; with
    ``follow``, redirects within the site are followed (the home sends an
    anonymous visitor to the login page)."""
    for _ in range(5):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            location = response.getheader("Location") or ""
        finally:
            conn.close()
        if not (follow and response.status in (301, 302) and location.startswith("/")):
            return response.status, response.getheader("Content-Type") or "", body
        path = location
    raise SystemExit(f"too many redirects at {path}")


def wait_until_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve berhenti / exited with {server.returncode}")
        try:
            if fetch(port, "/healthz/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"serve tidak siap dalam / not ready within {READY_SECONDS} s")


def check(port: int) -> list[str]:
    problems: list[str] = []
    statics: set[str] = set()
    for path, expected in (("/", 200), (PORTAL, 200), ("/masuk/", 200), ("/tidak-ada/", 404)):
        status, content_type, body = fetch(port, path, follow=path == "/")
        ok = status == expected and content_type.startswith("text/html")
        if path == "/tidak-ada/":
            ok = ok and "Halaman tidak ditemukan" in body
        say(f"{'ok  ' if ok else 'FAIL'} GET {path} -> {status} {content_type}")
        if not ok:
            problems.append(f"GET {path}: {status} {content_type} (expected {expected} HTML)")
        statics.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', body))
    if not statics:
        problems.append("no static file linked from the pages")
    for path in sorted(statics):
        status = fetch(port, path)[0]
        hashed = re.search(r"\.[0-9a-f]{12}\.", path) is not None
        ok = status == 200 and hashed
        say(f"{'ok  ' if ok else 'FAIL'} GET {path} -> {status}")
        if not ok:
            problems.append(f"GET {path}: {status}{'' if hashed else ' (not from the manifest)'}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="kotacerdas-production-")
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.update(KOTACERDAS_DATA_DIR=data_dir, PYTHONWARNINGS="ignore")
    development = {**base, "KOTACERDAS_ENV": "development"}
    production = {
        **base,
        "KOTACERDAS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        kotacerdas(production, "migrate", "--noinput", "--verbosity", "0")
        kotacerdas(development, "demo")
        kotacerdas(production, "collectstatic", "--noinput", "--verbosity", "0")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "kotacerdas.cli",
                "serve",
                "--no-worker",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            env={**production, "KOTACERDAS_WORKERS": "1"},
            stdout=subprocess.DEVNULL,
        )
        wait_until_ready(port, server)
        problems = check(port)
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    for problem in problems:
        sys.stderr.write(f"GAGAL / FAILED: {problem}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
