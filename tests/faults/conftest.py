"""Fixtures of the fault tests: a database that another process can open.

``victim`` runs ``tests/faults/victim.py`` in a subprocess against
- SQLite: a file database in the test's folder, copied from one migrated and
  seeded once per session (the suite's own SQLite database is in memory, which
  no other process can see);
- PostgreSQL: the test database pytest-django created (``transactional_db``:
  what the subprocess commits is visible here and flushed after the test).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def is_sqlite() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3")


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env.update(
        KOTACERDAS_DATA_DIR=str(data_dir),
        KOTACERDAS_PRIVATE_DIR=str(data_dir / "private"),
        KOTACERDAS_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="kotacerdas.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def postgres_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Victim:
    env: dict[str, str]
    data_dir: Path
    seeded: dict[str, Any] = field(default_factory=dict)
    started: list[subprocess.Popen[str]] = field(default_factory=list)

    def start(self, *args: str, **extra_env: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, our module
            [sys.executable, "-m", "tests.faults.victim", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: see end()
        )
        self.started.append(process)
        return process

    def end(self) -> None:
        """Kill whatever is left of the processes started (a killed import's
        reading process would otherwise outlive the test)."""
        for process in self.started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def run(self, *args: str, timeout: float = 120, **extra_env: str) -> tuple[int, str, str]:
        process = self.start(*args, **extra_env)
        out, err = process.communicate(timeout=timeout)
        return process.returncode, out, err

    def json(self, *args: str) -> Any:
        rc, out, err = self.run(*args)
        assert rc == 0, err
        return json.loads(out.strip().splitlines()[-1])

    def counts(self) -> dict[str, Any]:
        return dict(self.json("counts"))

    def files(self) -> list[str]:
        """Files under the data folder other than the database and its keys."""
        ignored = {"kotacerdas.sqlite3", "kotacerdas.sqlite3-wal", "kotacerdas.sqlite3-shm"}
        return sorted(
            str(p.relative_to(self.data_dir))
            for p in self.data_dir.rglob("*")
            if p.is_file()
            and p.name not in ignored
            and p.name != "secret_key"
            and "cache" not in p.relative_to(self.data_dir).parts
        )


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faults-template")
    env = base_env(folder)
    subprocess.run(
        [sys.executable, "-m", "kotacerdas.cli", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.faults.victim", "seed"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    (folder / "seeded.json").write_text(seeded.stdout.strip().splitlines()[-1])
    return folder


@pytest.fixture
def victim(
    request: pytest.FixtureRequest, tmp_path: Path, transactional_db: None
) -> Iterator[Victim]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = base_env(data_dir)
    if is_sqlite():
        template: Path = request.getfixturevalue("_sqlite_template")
        for name in ("kotacerdas.sqlite3", "secret_key"):
            shutil.copy2(template / name, data_dir / name)
        found = Victim(env, data_dir, json.loads((template / "seeded.json").read_text()))
    else:
        env["DATABASE_URL"] = postgres_url()
        found = Victim(env, data_dir)
        found.seeded = found.json("seed")
    try:
        yield found
    finally:
        found.end()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "faults: long fault test (kills processes, starts servers); runs only with -m faults "
        "or KOTACERDAS_FAULTS=1 (CI runs them in their own time-bound step)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = "faults" in (config.getoption("markexpr") or "") or os.environ.get(
        "KOTACERDAS_FAULTS"
    ) in {"1", "true", "yes"}
    if wanted:
        return
    deselected = [item for item in items if item.get_closest_marker("faults") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.get_closest_marker("faults") is None]
