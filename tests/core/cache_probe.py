"""A process of a node, for the tests of the shared cache:
``python -m tests.core.cache_probe ACTION ... [+ ACTION ...]`` with
``KOTACERDAS_CACHE_URL`` (a Redis) in its environment. Runs the actions in
order and prints the list of their results as JSON.

- ``hits SCOPE COUNT TIMES START``: at the clock time START, TIMES hits on a
  rate limit of COUNT per minute for one client address (the counting a
  password-reset or self-registration form does); prints how many passed;
- ``progress-write JOB DONE TOTAL`` / ``progress-read JOB`` /
  ``progress-remove JOB``: an import job's progress entry;
- ``bump`` / ``version``: the portal's data version;
- ``beat`` / ``alive``: the worker's heartbeat.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def run(action: str, args: list[str]) -> Any:
    from kotacerdas.core import caching, heartbeat
    from kotacerdas.core.ratelimit import Limit, limits_hit
    from kotacerdas.umkm.imports.progress import ProgressBeat, read_progress

    if action == "hits":
        scope, count, times, start = args
        limit = Limit(scope, int(count), 60)
        time.sleep(max(0.0, float(start) - time.time()))
        return sum(limits_hit([(limit, "203.0.113.7")]) is None for _ in range(int(times)))
    if action == "progress-write":
        job, done, total = (int(arg) for arg in args)
        ProgressBeat(job).write(done, total)
        return True
    if action == "progress-read":
        found = read_progress(int(args[0]))
        return None if found is None else [found[0], found[1]]
    if action == "progress-remove":
        ProgressBeat(int(args[0])).remove()
        return True
    if action == "bump":
        caching.bump()
        return caching.data_version()
    if action == "version":
        return caching.data_version()
    if action == "beat":
        heartbeat.beat()
        return True
    if action == "alive":
        return heartbeat.worker_alive()
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    import django

    django.setup()
    results, words = [], sys.argv[1:]
    while words:
        action = words[: words.index("+")] if "+" in words else words
        words = words[len(action) + 1 :]
        results.append(run(action[0], action[1:]))
    sys.stdout.write(json.dumps(results) + "\n")
