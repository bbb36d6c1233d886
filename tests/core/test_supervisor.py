"""``kotacerdas serve`` supervises the web server and the worker: both start,
a dead worker is restarted, and a SIGTERM or Ctrl+C to the supervisor stops
both children (no orphans). The children here are small Python scripts that
write their pid and the signal they got, so the test takes a second or two;
the real pair (gunicorn and ``kotacerdas worker``) is started by the drill in
tests/masterplan/test_commands.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kotacerdas.core import supervisor
from kotacerdas.core.management.commands import serve

CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    folder, name, lifetime = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    def stop(signum, frame):
        (folder / f"{name}-{os.getpid()}.signal").write_text(str(signum))
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    (folder / f"{name}-{os.getpid()}.pid").write_text("")
    time.sleep(lifetime)
    """
)

RUN_SUPERVISOR = textwrap.dedent(
    """
    import sys
    from kotacerdas.core import supervisor
    supervisor.RESTART_FIRST = 0.2
    child, folder = sys.argv[1], sys.argv[2]
    web = [sys.executable, child, folder, "web", "60"]
    worker = [sys.executable, child, folder, "worker", sys.argv[3]]
    code = supervisor.Supervisor(web, worker, lambda line: print(line, flush=True)).run()
    print("exit", code, flush=True)
    sys.exit(code)
    """
)


def _pids(folder: Path, name: str) -> list[int]:
    return sorted(int(p.stem.split("-")[1]) for p in folder.glob(f"{name}-*.pid"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _start(tmp_path: Path, worker_lifetime: str) -> subprocess.Popen[str]:
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    script = tmp_path / "supervise.py"
    script.write_text(RUN_SUPERVISOR)
    return subprocess.Popen(  # noqa: S603 - this interpreter, our own scripts
        [sys.executable, str(script), str(child), str(tmp_path), worker_lifetime],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize(
    ("signum", "forwarded"),
    [
        (signal.SIGTERM, signal.SIGTERM),
        (signal.SIGINT, signal.SIGINT),
        (signal.SIGHUP, signal.SIGTERM),  # the terminal closed
    ],
)
def test_it_starts_both_and_stops_both_on_a_signal(
    tmp_path: Path, signum: int, forwarded: int
) -> None:
    process = _start(tmp_path, "60")
    try:
        _wait_for(lambda: _pids(tmp_path, "web") and _pids(tmp_path, "worker"))
        (web,) = _pids(tmp_path, "web")
        (worker,) = _pids(tmp_path, "worker")
        assert _alive(web) and _alive(worker)

        process.send_signal(signum)
        out, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()

    assert process.returncode == 0, out
    assert not _alive(web) and not _alive(worker)
    # Each child got the signal once, from the supervisor.
    assert (tmp_path / f"web-{web}.signal").read_text() == str(int(forwarded))
    assert (tmp_path / f"worker-{worker}.signal").read_text() == str(int(forwarded))


def test_a_dead_worker_is_reported_and_restarted(tmp_path: Path) -> None:
    process = _start(tmp_path, "0.3")  # each worker dies after 0.3 s
    try:
        _wait_for(lambda: len(_pids(tmp_path, "worker")) >= 3)
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()

    assert "Pekerja latar berhenti (kode 0); dimulai lagi" in out
    assert "The background worker stopped" in out
    assert all(not _alive(pid) for pid in _pids(tmp_path, "worker") + _pids(tmp_path, "web"))


def test_a_dead_web_stops_the_worker_and_the_supervisor(tmp_path: Path) -> None:
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    said: list[str] = []
    web = [sys.executable, str(child), str(tmp_path), "web", "0.5"]
    worker = [sys.executable, str(child), str(tmp_path), "worker", "60"]

    code = supervisor.Supervisor(web, worker, said.append).run()

    assert code == 1  # the web ended, even cleanly: the product is down
    assert "Server web berhenti (kode 0)" in said[0]
    (worker_pid,) = _pids(tmp_path, "worker")
    assert not _alive(worker_pid)
    assert (tmp_path / f"worker-{worker_pid}.signal").read_text() == str(int(signal.SIGTERM))


def test_serve_supervises_the_web_and_the_worker_unless_told_not_to(monkeypatch, db) -> None:
    from django.core.management import call_command

    started: list[tuple[list[str], list[str]]] = []

    class Fake:
        def __init__(self, web, worker, say):  # type: ignore[no-untyped-def]
            started.append((web, worker))

        def run(self) -> int:
            return 0

    monkeypatch.setattr(serve, "Supervisor", Fake)
    call_command("serve", "--bind", "127.0.0.1:8123", "--workers", "1")

    ((web, worker),) = started
    assert web[:3] == [sys.executable, "-m", "kotacerdas.cli"]
    assert web[3:6] == ["serve", "--no-worker", "--bind"] and "127.0.0.1:8123" in web
    assert worker[3:] == ["worker", "--supervised"]

    ran: list[bool] = []
    monkeypatch.setattr(serve.KotaCerdasApplication, "run", lambda self: ran.append(True))
    call_command("serve", "--no-worker", "--bind", "127.0.0.1:8123")
    assert ran == [True] and len(started) == 1
