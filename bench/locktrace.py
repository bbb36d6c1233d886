"""How long each write transaction of this process lasts (bench/contention.py).

On SQLite with ``transaction_mode=IMMEDIATE`` (settings.py) every outermost
``transaction.atomic`` block takes the database's single write lock at
``BEGIN`` and keeps it until ``COMMIT``: its duration *is* the time every
other writer may have to wait. :func:`install` wraps ``Atomic.__enter__`` and
``__exit__`` so that each outermost block is timed from the end of its
``BEGIN`` (the wait for the lock is recorded apart) to its ``COMMIT`` (wall
clock and this thread's CPU time) and named after the KotaCerdas functions
that opened it.
On PostgreSQL the same figures say how long a transaction holds its row
locks (no global lock). Statements in autocommit (outside ``atomic``) hold
the lock for one statement and are not traced.

:class:`LockProbe` measures the same from outside, for every process at
once: a thread that takes SQLite's write lock (``BEGIN IMMEDIATE`` then
``COMMIT``) every few milliseconds and records how long it waited.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

_local = threading.local()


@dataclass
class Hold:
    label: str
    wall_s: float
    cpu_s: float
    at_s: float  # since install()
    waited_s: float  # for BEGIN (for the lock, on SQLite), before the hold


@dataclass
class Trace:
    began: float = field(default_factory=time.perf_counter)
    holds: list[Hold] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self, top: int = 10) -> dict[str, Any]:
        by_label: dict[str, dict[str, float]] = {}
        for hold in self.holds:
            entry = by_label.setdefault(
                hold.label, {"count": 0, "wall_max_ms": 0.0, "cpu_max_ms": 0.0, "wall_sum_s": 0.0}
            )
            entry["count"] += 1
            entry["wall_max_ms"] = max(entry["wall_max_ms"], hold.wall_s * 1000)
            entry["cpu_max_ms"] = max(entry["cpu_max_ms"], hold.cpu_s * 1000)
            entry["wall_sum_s"] += hold.wall_s
        longest = sorted(self.holds, key=lambda h: h.wall_s, reverse=True)[:top]
        return {
            "transactions": len(self.holds),
            "longest": [
                {
                    "label": h.label,
                    "wall_ms": round(h.wall_s * 1000, 1),
                    "cpu_ms": round(h.cpu_s * 1000, 1),
                    "at_s": round(h.at_s, 1),
                    "waited_ms": round(h.waited_s * 1000, 1),
                }
                for h in longest
            ],
            "by_label": dict(
                sorted(by_label.items(), key=lambda item: item[1]["wall_max_ms"], reverse=True)
            ),
        }


def _label() -> str:
    """The two innermost KotaCerdas functions on the stack (who opened it)."""
    names: list[str] = []
    frame = sys._getframe(2)
    while frame is not None and len(names) < 2:
        path = frame.f_code.co_filename
        if "/kotacerdas/" in path and "/django/" not in path:
            module = path.rsplit("/kotacerdas/", 1)[1].removesuffix(".py").replace("/", ".")
            names.append(f"{module}.{frame.f_code.co_name}")
        frame = frame.f_back  # type: ignore[assignment]
    return " < ".join(names) or "?"


def install() -> Trace:
    from django.db import transaction

    trace = Trace()
    atomic = transaction.Atomic
    enter, exit_ = atomic.__enter__, atomic.__exit__

    def traced_enter(self: Any) -> None:
        connection = transaction.get_connection(self.using)
        outermost = not connection.in_atomic_block
        asked = time.perf_counter()
        enter(self)
        if outermost:  # BEGIN (IMMEDIATE on SQLite) has run: the lock is held from here
            now = time.perf_counter()
            _local.opened = (now, time.thread_time(), _label(), now - asked)

    def traced_exit(self: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        connection = transaction.get_connection(self.using)
        try:
            exit_(self, exc_type, exc_value, traceback)
        finally:
            opened = getattr(_local, "opened", None)
            if opened is not None and not connection.in_atomic_block:
                _local.opened = None
                wall, cpu, label, waited = opened
                now = time.perf_counter()
                hold = Hold(label, now - wall, time.thread_time() - cpu, wall - trace.began, waited)
                with trace.lock:
                    trace.holds.append(hold)

    atomic.__enter__ = traced_enter  # type: ignore[method-assign]
    atomic.__exit__ = traced_exit  # type: ignore[method-assign,assignment]
    return trace


class LockProbe:
    """Takes SQLite's write lock every ``every`` seconds and records how long
    it waited for it: the waits other writers see, from every process."""

    def __init__(self, database: str, every: float = 0.02) -> None:
        self.database = database
        self.every = every
        self.waits: list[tuple[float, float]] = []  # (at, waited) in seconds
        self.errors = 0
        self.stop = threading.Event()
        self.began = time.perf_counter()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        connection = sqlite3.connect(self.database, timeout=120, isolation_level=None)
        try:
            while not self.stop.is_set():
                began = time.perf_counter()
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute("COMMIT")
                except sqlite3.OperationalError:
                    self.errors += 1
                self.waits.append((began - self.began, time.perf_counter() - began))
                time.sleep(self.every)
        finally:
            connection.close()

    def start(self) -> LockProbe:
        self.thread.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=180)
