"""Real servers started by the tests of several nodes (issue 16): a Redis on a
free loopback port, and a PostgreSQL primary with a streaming replica made
by ``pg_basebackup -R``. Each runs in a temporary folder and is stopped at
the end. A missing program fails the test with what to install: .ci/run
installs them (``apt-get install redis-server postgresql``)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REDIS_SERVER = "redis-server"
START_LIMIT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + START_LIMIT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server on port {port} exited ({process.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port} within {START_LIMIT_S:.0f} s")


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway Redis (no persistence) on a free loopback port; yields its URL."""
    program = shutil.which(REDIS_SERVER)
    assert program, (
        "redis-server is needed by the tests of several nodes: "
        "apt-get install -y redis-server (.ci/run installs it)"
    )
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
        [
            program,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def postgres_bin_dir() -> Path:
    """The newest PostgreSQL server programs installed (Debian keeps them in
    /usr/lib/postgresql/VERSION/bin, outside PATH)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    assert found, "PostgreSQL server programs not found under /usr/lib/postgresql/*/bin"
    return found[-1].parent


@dataclass(frozen=True)
class Cluster:
    data: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def _as_postgres() -> tuple[list[str], dict[str, int]]:
    """The command prefix to run a server program: PostgreSQL refuses to run
    as root, so as root (CI) it runs as the ``postgres`` user."""
    if os.geteuid() != 0:
        return [], {}
    user = pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"], {"uid": user.pw_uid, "gid": user.pw_gid}


def _run(command: list[str]) -> None:
    prefix, _owner = _as_postgres()
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
        [*prefix, *command], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (command[0], done.stdout, done.stderr)


def _start(bin_dir: Path, cluster: Cluster) -> None:
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(cluster.data),
            "-l",
            str(cluster.data / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ]
    )
    _wait_for_port(cluster.port)


def _stop(bin_dir: Path, cluster: Cluster) -> None:
    with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
        _run([str(bin_dir / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "-w", "stop"])


@contextlib.contextmanager
def postgres_with_replica() -> Iterator[tuple[Cluster, Cluster]]:
    """A PostgreSQL primary (``initdb``, trust on loopback, replication
    allowed) and its hot-standby streaming replica (``pg_basebackup -R``),
    each on a free loopback port, in a temporary folder of their own (the
    ``postgres`` user must reach it: not under root's pytest folders);
    yields (primary, replica)."""
    bin_dir = postgres_bin_dir()
    _prefix, owner = _as_postgres()
    folder = Path(tempfile.mkdtemp(prefix="kotacerdas-pg-"))
    if owner:
        os.chown(folder, owner["uid"], owner["gid"])
    primary = Cluster(folder / "primary", free_port())
    replica = Cluster(folder / "replica", free_port())
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(primary.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        ]
    )
    settings = (
        f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{folder}'\nfsync = off\nshared_buffers = 32MB\n"
        "max_connections = 40\nwal_level = replica\nmax_wal_senders = 4\n"
        "hot_standby = on\n"
    )
    with (primary.data / "postgresql.conf").open("a") as conf:
        conf.write(settings)
    started: list[Cluster] = []
    try:
        _start(bin_dir, primary)
        started.append(primary)
        _run(
            [
                str(bin_dir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ]
        )
        with (replica.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        _start(bin_dir, replica)
        started.append(replica)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            _stop(bin_dir, cluster)
        shutil.rmtree(folder, ignore_errors=True)
