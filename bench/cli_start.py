"""Benchmark: how long the command line takes to start (issue 15).

    python bench/cli_start.py [--runs 15] [--json]

Prepares a demo database in a temporary folder (migrate + demo, as
``make run`` does), then times, interleaved in one run so the machine's load
falls on all of them alike:

- floor: a bare Django ``--help`` (the contrib apps our settings install,
  an in-memory SQLite database, nothing of ours): what any Django command
  line pays before it does anything;
- ``kotacerdas --help``;
- ``kotacerdas figures --region 14.72 --json`` (the figures themselves take
  5–106 ms; the rest is starting).

Each is a fresh process (``subprocess``, bytecode already compiled, as after
``pip install``); the time is wall-clock, best and median of ``--runs``.
Targets: ``--help`` ≤ 0,5 s and ``figures --json`` ≤ 0,8 s on the quiet 2-core
machine. The ratio to the floor is printed too: it is what survives a loaded
machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"help": 0.5, "figures": 0.8}

FLOOR = """
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=[
        "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
        "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
)
from django.core.management import execute_from_command_line
execute_from_command_line(["django-admin", "--help"])
"""


def _timed(argv: list[str], env: dict[str, str]) -> float:
    begin = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="kc-bench-cli-")
    pycache = tempfile.mkdtemp(prefix="kc-bench-cli-pyc-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "PYTHONDONTWRITEBYTECODE", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(KOTACERDAS_DATA_DIR=data_dir, PYTHONPYCACHEPREFIX=pycache)
    python = sys.executable
    cli = [python, "-m", "kotacerdas.cli"]
    commands = {
        "floor": [python, "-c", FLOOR],
        "help": [*cli, "--help"],
        "figures": [*cli, "figures", "--region", "14.72", "--json"],
    }
    try:
        for setup in (["migrate", "--noinput", "-v0"], ["demo", "-v0"]):
            subprocess.run([*cli, *setup], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        for argv in commands.values():  # compile the bytecode once, like an installed package
            _timed(argv, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(_timed(argv, env))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(pycache, ignore_errors=True)

    floor = min(times["floor"])
    result = {
        name: {
            "best_s": round(min(values), 3),
            "median_s": round(statistics.median(values), 3),
            "ratio_to_floor": round(min(values) / floor, 2),
            "target_s": TARGETS.get(name),
            "met": None if name not in TARGETS else min(values) <= TARGETS[name],
        }
        for name, values in times.items()
    }
    load = os.getloadavg()[0]
    if args.json:
        print(json.dumps({"runs": args.runs, "load_average": load, "result": result}, indent=2))
        return
    print(f"{args.runs} runs each, interleaved; load average {load:.1f}")
    print(f"{'what':<10}{'best':>8}{'median':>9}{'× floor':>9}{'target':>8}  verdict")
    for name, row in result.items():
        target = f"{row['target_s']:.1f}" if row["target_s"] else "—"
        verdict = "—" if row["met"] is None else ("met" if row["met"] else "MISSED")
        print(
            f"{name:<10}{row['best_s']:>8.3f}{row['median_s']:>9.3f}"
            f"{row['ratio_to_floor']:>9.2f}{target:>8}  {verdict}"
        )


if __name__ == "__main__":
    main()
