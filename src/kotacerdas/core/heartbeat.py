"""The background worker's sign of life, for /healthz and the pages of
queued jobs.

A running ``kotacerdas worker`` writes the time into the cache every
:data:`BEAT_EVERY` seconds, from a thread of its own so that a long task (an
import of many minutes) does not silence it. The cache, not the database:
the beat must go on while the database is locked or gone (the worker is then
alive and waiting), and the cache is what web and worker share already (one
folder on one machine, a shared cache across several: docs/operations.md).
The beat holds only a time, a host name and a process id: no personal data.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

CACHE_KEY = "kotacerdas:worker:heartbeat"
# Seconds between two beats of a live worker.
BEAT_EVERY = 5.0
# A worker whose last beat is older than this (seconds) is taken for not running.
ALIVE_WITHIN = 30.0


def beat(*, now: float | None = None) -> None:
    """Record that a worker is alive now. Never raises: a cache that cannot be
    written must not stop the worker."""
    value = {
        "at": time.time() if now is None else now,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    try:
        cache.set(CACHE_KEY, value, timeout=int(ALIVE_WITHIN * 10))
    except Exception:  # the cache's own failures, whatever its backend
        logger.warning("Worker heartbeat could not be written", exc_info=True)


def last_beat() -> dict[str, Any] | None:
    try:
        value = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("Worker heartbeat could not be read", exc_info=True)
        return None
    return value if isinstance(value, dict) and "at" in value else None


def seconds_since_beat(*, now: float | None = None) -> float | None:
    """Seconds since a worker last beat, or None if none ever did (recently)."""
    found = last_beat()
    if found is None:
        return None
    try:
        return max(0.0, (time.time() if now is None else now) - float(found["at"]))
    except (TypeError, ValueError):
        return None


def worker_alive(*, now: float | None = None) -> bool:
    """True when some worker beat within :data:`ALIVE_WITHIN` seconds."""
    age = seconds_since_beat(now=now)
    return age is not None and age <= ALIVE_WITHIN


class Heartbeat:
    """A daemon thread that beats every :data:`BEAT_EVERY` seconds until stopped."""

    def __init__(self, every: float = BEAT_EVERY) -> None:
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kotacerdas-heartbeat", daemon=True)

    def _run(self) -> None:
        while True:
            beat()
            if self._stop.wait(self.every):
                return

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
