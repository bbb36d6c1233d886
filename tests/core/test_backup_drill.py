"""Backup and restore drill, end to end through the ``kotacerdas`` command in
subprocesses (pytest's own test database lives in memory or in a test
database that a backup must not touch).

A seeded installation (``migrate`` + the Kota Dumai demo + private files) is
backed up while another process keeps committing audited writes; the archive
is restored into a second, empty installation, which must pass the database's
integrity check, have every migration applied and hold exactly the rows the
manifest counted. A damaged archive and a non-empty target are refused
without a traceback and without changing anything.

SQLite always runs; PostgreSQL runs when DATABASE_URL points to a PostgreSQL
server, against two fresh databases created on that server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest

from kotacerdas.core.backup import open_sqlite

TIMEOUT = 300  # seconds, per subprocess: a hang fails the test instead of CI.

SEED = """
import os, sys
import django
django.setup()
from django.conf import settings
# The demo's accounts do not need PBKDF2's deliberate slowness in a drill.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("demo", quiet=True)
"""

# Keeps committing audited writes (a new agency and its audit event, through
# the service) until the stop file appears; one line per commit.
WRITER = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from django.contrib.auth import get_user_model
from kotacerdas.masterplan import services
from kotacerdas.regions.models import Region
stop, log = Path(sys.argv[1]), open(sys.argv[2], "a", buffering=1)
admin = get_user_model().objects.get(username="admin")
region = Region.objects.get(code="14.72")
n = 0
while not stop.exists():
    n += 1
    services.agency_create(
        actor=admin, region=region, name=f"Dinas Uji Cadangan {n}", short_name=f"UJI-{n}"
    )
    log.write(f"{time.time()}\\n")
    time.sleep(0.01)
"""


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOTACERDAS_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    env["KOTACERDAS_DATA_DIR"] = str(data_dir)
    env["KOTACERDAS_LOG_LEVEL"] = "WARNING"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def kotacerdas(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-m", "kotacerdas.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def python(env: dict[str, str], script: str, *args: str) -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        return json.loads(handle.read())


def _lines(path: Path) -> list[float]:
    return [float(x) for x in path.read_text().split()] if path.exists() else []


def _wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


# --- the two kinds of database ---------------------------------------------------


class SQLite:
    vendor = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root

    def url(self, name: str) -> str | None:
        return None  # the default: <data dir>/kotacerdas.sqlite3

    def describe(self, data_dir: Path, name: str) -> tuple[dict[str, int], set[tuple[str, str]]]:
        db = open_sqlite(data_dir / "kotacerdas.sqlite3")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
            applied = set(db.execute("SELECT app, name FROM django_migrations"))
            triggers = {
                r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            }
        finally:
            db.close()
        assert any(t.startswith("kc_") for t in triggers), "row-check triggers restored"
        return counts, applied

    def untouched(self, data_dir: Path, name: str) -> bool:
        return not (data_dir / "kotacerdas.sqlite3").exists()


class PostgreSQL:
    vendor = "postgresql"

    def __init__(self, server_url: str) -> None:
        conf = dj_database_url.parse(server_url)
        self.conninfo = {
            "host": conf.get("HOST") or "127.0.0.1",
            "port": conf.get("PORT") or 5432,
            "user": conf.get("USER") or "postgres",
            "password": conf.get("PASSWORD") or None,
        }
        self.prefix = f"kc_drill_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo)

    def url(self, name: str) -> str:
        c = self.conninfo
        auth = c["user"] + (f":{c['password']}" if c["password"] else "")
        return f"postgres://{auth}@{c['host']}:{c['port']}/{self.prefix}_{name}"

    def create(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.prefix}_{name}"')
        self.created.append(f"{self.prefix}_{name}")

    def drop_all(self) -> None:
        with self._admin() as admin:
            for db in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def _connect(self, name: str) -> psycopg.Connection[Any]:
        return psycopg.connect(dbname=f"{self.prefix}_{name}", **self.conninfo)

    def describe(self, data_dir: Path, name: str) -> tuple[dict[str, int], set[tuple[str, str]]]:
        with self._connect(name) as db:
            tables = [
                r[0]
                for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
            ]
            counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]  # noqa: S608
            applied = {(a, n) for a, n in db.execute("SELECT app, name FROM django_migrations")}
            triggers = {r[0] for r in db.execute("SELECT tgname FROM pg_trigger")}
            # Foreign keys are enforced by PostgreSQL itself; check they came back.
            fks = db.execute("SELECT COUNT(*) FROM pg_constraint WHERE contype='f'").fetchone()
        assert fks and fks[0] > 0
        assert any(t.startswith("kc_") for t in triggers), "row-check triggers restored"
        return counts, applied

    def untouched(self, data_dir: Path, name: str) -> bool:
        with self._connect(name) as db:
            row = db.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname='public'").fetchone()
        return row is not None and row[0] == 0


@contextmanager
def _database(vendor: str, tmp_path: Path) -> Iterator[SQLite | PostgreSQL]:
    if vendor == "sqlite":
        yield SQLite(tmp_path)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not PostgreSQL; the PostgreSQL drill runs in that CI step")
    missing = [t for t in ("pg_dump", "pg_restore", "psql") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"PostgreSQL client tools missing on PATH: {', '.join(missing)}")
    pg = PostgreSQL(url)
    try:
        for name in ("source", "target", "damaged"):
            pg.create(name)
        yield pg
    finally:
        pg.drop_all()


# --- the drill -------------------------------------------------------------------


@pytest.mark.drill
# The SQLite drill uses its own file whatever DATABASE_URL says: one database's CI step is enough.
@pytest.mark.parametrize(
    "vendor", [pytest.param("sqlite", marks=pytest.mark.one_database), "postgresql"]
)
def test_backup_while_writing_then_restore_elsewhere(vendor: str, tmp_path: Path) -> None:
    with _database(vendor, tmp_path) as database:
        source_dir, target_dir = tmp_path / "source", tmp_path / "target"
        source = _env(source_dir, database.url("source"))
        target = _env(target_dir, database.url("target"))
        python(source, SEED)
        uploads = {
            f"private/ab/ab{i:030x}.pdf": f"%PDF-1.4 bukti {i}\n".encode() * (i + 1)
            for i in range(3)
        }
        for name, content in uploads.items():
            path = source_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

        stop, log = tmp_path / "stop", tmp_path / "writes.log"
        writer = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", WRITER, str(stop), str(log)],
            env=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_for(lambda: len(_lines(log)) >= 5, "the writer commits")
            started = time.time()
            done = kotacerdas(source, "backup", "--output", str(tmp_path / "out"))
            finished = time.time()
            _wait_for(lambda: _lines(log)[-1] > finished, "the writer goes on after the backup")
        finally:
            stop.touch()
            _, writer_errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, writer_errors
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr

        commits = _lines(log)
        during = [t for t in commits if started <= t <= finished]
        (archive,) = (tmp_path / "out").glob("kotacerdas-backup-*Z.tar.gz")
        manifest = _manifest(archive)
        assert manifest["database"]["vendor"] == database.vendor
        assert set(uploads) <= set(manifest["files"])
        assert manifest["secret_key"]["included"] is False
        final, _ = database.describe(source_dir, "source")
        # The copy is one consistent moment: writes before the backup are in it,
        # those after it are not, and every agency has its audit event.
        in_backup = manifest["row_counts"]["masterplan_agency"]
        assert in_backup < final["masterplan_agency"]
        assert in_backup >= final["masterplan_agency"] - len(commits) + 5
        assert commits, "writes ran"
        # Writes committed while the backup ran (or the backup was too quick to tell).
        assert during or finished - started < 0.5

        restored = kotacerdas(target, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert "cocok dengan manifest / match the manifest" in restored.stdout

        counts, applied = database.describe(target_dir, "target")
        assert counts == manifest["row_counts"]
        assert applied == {(a, n) for a, names in manifest["migrations"].items() for n in names}
        check = kotacerdas(target, "migrate", "--check")
        assert check.returncode == 0, check.stdout + check.stderr
        for name, content in uploads.items():
            assert (target_dir / name).read_bytes() == content

        # A second restore would overwrite data: refused without --force.
        again = kotacerdas(target, "restore", str(archive))
        assert again.returncode != 0
        assert "--force" in again.stderr and "Traceback" not in again.stderr
        # What the target cached from its old rows (pages per data version,
        # the registry's tallies) is gone after a restore.
        cached = "from django.core.cache import cache; print(cache.get('stale', 'gone'))"
        kotacerdas(
            target, "shell", "-c", "from django.core.cache import cache; cache.set('stale', 1)"
        )
        assert kotacerdas(target, "shell", "-c", cached).stdout.split()[-1] == "1"
        forced = kotacerdas(target, "restore", "--force", str(archive))
        assert forced.returncode == 0, forced.stderr
        assert database.describe(target_dir, "target")[0] == manifest["row_counts"]
        assert kotacerdas(target, "shell", "-c", cached).stdout.split()[-1] == "gone"

        # One flipped byte: refused before anything is touched.
        damaged = tmp_path / "damaged.tar.gz"
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))
        damaged_dir = tmp_path / "damaged"
        refused = kotacerdas(_env(damaged_dir, database.url("damaged")), "restore", str(damaged))
        assert refused.returncode != 0
        assert "rusak" in refused.stderr and "damaged" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert database.untouched(damaged_dir, "damaged")
        assert not (damaged_dir / "private").exists()


@pytest.mark.drill
@pytest.mark.one_database
def test_a_folder_backup_restores_into_a_bucket_and_backs_up_from_it(
    tmp_path: Path, s3_server: str
) -> None:
    """Issue 16: the real commands against a real S3-protocol server (moto on
    loopback). An installation keeping its files in the folder is backed up;
    the archive is restored into one keeping them in a bucket; that one is
    backed up in turn, and its archive holds the same files, byte for byte."""
    from tests.conftest import (
        S3_TEST_KEY_ID,
        S3_TEST_REGION,
        S3_TEST_SECRET,
        s3_bucket_create,
        s3_client,
        s3_keys,
    )

    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source = _env(source_dir, None)
    bucket = s3_bucket_create(s3_server)
    target = {
        **_env(target_dir, None),
        "KOTACERDAS_S3_BUCKET": bucket,
        "KOTACERDAS_S3_ENDPOINT_URL": s3_server,
        "KOTACERDAS_S3_REGION": S3_TEST_REGION,
        "KOTACERDAS_S3_ACCESS_KEY_ID": S3_TEST_KEY_ID,
        "KOTACERDAS_S3_SECRET_ACCESS_KEY": S3_TEST_SECRET,
    }
    migrated = kotacerdas(source, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    uploads = {f"ab/ab{i:030x}.pdf": f"%PDF-1.4 bukti {i}\n".encode() * (i + 1) for i in range(3)}
    for name, content in uploads.items():
        path = source_dir / "private" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    done = kotacerdas(source, "backup", "--output", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    (archive,) = (tmp_path / "out").glob("kotacerdas-backup-*Z.tar.gz")
    s3_client(s3_server).put_object(Bucket=bucket, Key="zz/stray.pdf", Body=b"stray")

    refused = kotacerdas(target, "restore", str(archive))
    assert refused.returncode != 0
    assert f"bucket {bucket}" in refused.stderr and "--force" in refused.stderr
    restored = kotacerdas(target, "restore", "--force", str(archive))
    assert restored.returncode == 0, restored.stderr

    assert s3_keys(s3_server, bucket) == sorted(uploads)
    client = s3_client(s3_server)
    for name, content in uploads.items():
        assert client.get_object(Bucket=bucket, Key=name)["Body"].read() == content
    assert not (target_dir / "private").exists()

    again = kotacerdas(target, "backup", "--output", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    (second,) = (tmp_path / "again").glob("kotacerdas-backup-*Z.tar.gz")
    files = _manifest(second)["files"]
    first_files = _manifest(archive)["files"]
    assert {k: v for k, v in files.items() if k.startswith("private/")} == {
        k: v for k, v in first_files.items() if k.startswith("private/")
    }
