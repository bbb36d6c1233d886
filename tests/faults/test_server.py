"""The database goes away under the real server (``kotacerdas serve``) and
comes back: requests meanwhile get the clean 503 page, /healthz/ fails, and
afterwards the same server process answers again without a restart.

SQLite: the database file is moved away (and a folder put in its place, so
that SQLite cannot quietly create an empty database there). PostgreSQL: the
database refuses new connections and the server's connections are ended
(``pg_terminate_backend``), as when PostgreSQL restarts."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.faults.conftest import ROOT, Victim, is_sqlite

pytestmark = pytest.mark.faults


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, dict(response.headers), text

    def failed_login(self) -> tuple[int, str]:
        """A sign-in with a wrong password: reads and writes the database."""
        self.request("GET", "/masuk/")
        status, _headers, text = self.request(
            "POST", "/masuk/", {"username": "siapa", "password": "salah-kata-sandi-1234"}
        )
        return status, text


@pytest.fixture
def server(victim: Victim) -> Iterator[tuple[subprocess.Popen[bytes], Browser]]:
    port = free_port()
    log = (victim.data_dir.parent / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - this interpreter
        [
            sys.executable,
            "-m",
            "kotacerdas.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=victim.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    browser = Browser(port)
    deadline = time.monotonic() + 90
    while True:
        try:
            if browser.request("GET", "/healthz/")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "server did not start"
        time.sleep(0.3)
    try:
        yield process, browser
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def maintenance_connection() -> Any:
    """A connection to PostgreSQL's ``postgres`` database (a database cannot
    refuse connections to itself from inside)."""
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "localhost",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def take_database_away(victim: Victim) -> None:
    if is_sqlite():
        away = victim.data_dir / "away"
        away.mkdir()
        for suffix in ("", "-wal", "-shm"):
            path = victim.data_dir / f"kotacerdas.sqlite3{suffix}"
            if path.exists():
                path.rename(away / path.name)
        (victim.data_dir / "kotacerdas.sqlite3").mkdir()
        return
    name = connection.settings_dict["NAME"]
    with maintenance_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        # Every connection but this test's own (its transaction outlives the test).
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s",
            [name, connection.connection.info.backend_pid],
        )


def bring_database_back(victim: Victim) -> None:
    if is_sqlite():
        placeholder = victim.data_dir / "kotacerdas.sqlite3"
        if placeholder.is_dir():
            placeholder.rmdir()
        away = victim.data_dir / "away"
        if away.exists():
            for path in away.iterdir():
                path.rename(victim.data_dir / path.name)
            away.rmdir()
        return
    name = connection.settings_dict["NAME"]
    with maintenance_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


def test_the_database_going_away_gives_503_and_the_same_server_recovers(
    victim: Victim, server: tuple[subprocess.Popen[bytes], Browser]
) -> None:
    process, browser = server
    connection.ensure_connection()
    status, text = browser.failed_login()
    assert status == 200 and "Traceback" not in text

    take_database_away(victim)
    try:
        status, text = browser.failed_login()
        assert status == 503, text[:500]
        assert "Sedang tidak tersedia" in text and "The database is unavailable" in text
        assert "Traceback" not in text and "Error" not in text
        status, headers, text = browser.request("GET", "/healthz/")
        health = json.loads(text)
        assert (status, health["status"], health["database"]) == (503, "error", "unavailable")
        assert headers["Retry-After"] == "30"
    finally:
        bring_database_back(victim)

    status, _headers, text = browser.request("GET", "/healthz/")
    assert (status, json.loads(text)["status"]) == (200, "ok")
    # ``serve`` runs the background worker beside the web: it outlived the
    # outage (issue 14) and still beats.
    deadline = time.monotonic() + 30
    while json.loads(browser.request("GET", "/healthz/")[2])["worker"] != "alive":
        assert time.monotonic() < deadline, "the worker did not survive the outage"
        time.sleep(0.5)
    status, text = browser.failed_login()
    assert status == 200 and "Traceback" not in text
    assert process.poll() is None, "the server was restarted"
