"""``kotacerdas serve`` runs the web server and the background worker together.

One supervisor process starts two children, each the ``kotacerdas`` console
script in its own process group (so a Ctrl+C in the terminal reaches only the
supervisor, which passes it on once, and the worker does not take it for a
second, forcing Ctrl+C):

* the web: ``kotacerdas serve --no-worker ...`` (gunicorn, which restarts its
  own request workers). If it dies, the supervisor says so, stops the worker
  and exits with the web's code: a web that cannot start must not be hidden.
* the worker: ``kotacerdas worker``. If it dies, the supervisor says so and
  starts it again after a wait that doubles on each quick death (1 s up to
  :data:`RESTART_MAX` s; back to 1 s after a run of :data:`STEADY_AFTER` s).

SIGINT, SIGTERM (and SIGQUIT) are forwarded to both children, SIGHUP (the
terminal closed) as SIGTERM; the supervisor
then waits for both to end (killing what is left after :data:`STOP_GRACE`
seconds), so no child outlives it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

RESTART_FIRST = 1.0
RESTART_MAX = 30.0
STEADY_AFTER = 60.0
STOP_GRACE = 40.0  # gunicorn's graceful_timeout is 30 s
POLL = 0.2

FORWARDED = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGQUIT", "SIGHUP")
    if hasattr(signal, name)
)


def command(*args: str) -> list[str]:
    """The ``kotacerdas`` console script with ``args``, run by this interpreter."""
    return [sys.executable, "-m", "kotacerdas.cli", *args]


class Supervisor:
    def __init__(
        self,
        web: Sequence[str],
        worker: Sequence[str],
        say: Callable[[str], None],
    ) -> None:
        self.web_args = list(web)
        self.worker_args = list(worker)
        self.say = say
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.stopping: int | None = None  # the signal that asked us to stop
        self.restart_delay = RESTART_FIRST
        self.worker_started = 0.0
        self.worker_due: float | None = None  # when a dead worker starts again

    def _spawn(self, args: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(args, process_group=0)  # noqa: S603 - our own script

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        # A closed terminal (SIGHUP) stops both; to gunicorn SIGHUP would mean "reload".
        if signum == getattr(signal, "SIGHUP", None):
            signum = signal.SIGTERM
        self.stopping = signum
        for child in (self.web, self.worker):
            if child is not None and child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signum)

    def _start_worker(self) -> None:
        self.worker = self._spawn(self.worker_args)
        self.worker_started = time.monotonic()
        self.worker_due = None

    def run(self) -> int:
        previous = {signum: signal.signal(signum, self._forward) for signum in FORWARDED}
        try:
            self.web = self._spawn(self.web_args)
            self._start_worker()
            return self._watch()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _watch(self) -> int:
        assert self.web is not None
        while self.stopping is None:
            code = self.web.poll()
            if code is not None:
                self.say(
                    f"Server web berhenti (kode {code}); pekerja ikut dihentikan. / "
                    f"The web server stopped (code {code}); stopping the worker."
                )
                return code or 1
            self._mind_worker()
            time.sleep(POLL)
        return 0

    def _mind_worker(self) -> None:
        now = time.monotonic()
        if self.worker is not None:
            code = self.worker.poll()
            if code is None:
                return
            self.worker = None
            if now - self.worker_started >= STEADY_AFTER:
                self.restart_delay = RESTART_FIRST
            self.say(
                f"Pekerja latar berhenti (kode {code}); dimulai lagi dalam "
                f"{self.restart_delay:.0f} detik. / The background worker stopped "
                f"(code {code}); restarting in {self.restart_delay:.0f} s."
            )
            self.worker_due = now + self.restart_delay
            self.restart_delay = min(RESTART_MAX, self.restart_delay * 2)
        if self.worker_due is not None and now >= self.worker_due:
            self._start_worker()

    def _stop_all(self) -> None:
        children = [c for c in (self.web, self.worker) if c is not None]
        signum = self.stopping or signal.SIGTERM
        for child in children:
            if child.poll() is None and self.stopping is None:
                # The web died (or we failed): the survivors get a SIGTERM.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signum)
        deadline = time.monotonic() + STOP_GRACE
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
