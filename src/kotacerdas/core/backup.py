"""Backup and restore of one KotaCerdas installation: the database and the
private uploaded files, in one ``.tar.gz`` archive with a manifest.

The archive holds::

    manifest.json                      what is inside, checksums, counts
    database/kotacerdas.sqlite3        SQLite: a copy made with the online backup API
    database/kotacerdas.pgdump         PostgreSQL: ``pg_dump --format=custom``
    private/<shard>/<name>             the private files, as they are stored
                                       (settings.PRIVATE_FILES_DIR or the bucket)

The database copy is consistent while the application keeps writing: SQLite's
backup API copies every page inside one read transaction (WAL lets writers go
on), and on PostgreSQL the row counts and ``pg_dump`` share one exported
snapshot (``pg_export_snapshot`` + ``pg_dump --snapshot``), so the manifest
describes exactly the copy it sits beside.

The secret key is never put in the archive (an archive must not be a
credential): only a fingerprint of it, so that a restore can warn that
sessions and not yet used signed links will end when the key differs. No data
in KotaCerdas is encrypted with the key, so nothing else is lost.

Restore checks every checksum before it touches anything, refuses a database
that already holds data unless forced, replaces the database in one
transaction (SQLite: the backup API into the target; PostgreSQL: one ``psql
--single-transaction`` run), swaps the private directory by renaming, brings
the schema forward with ``migrate`` and compares the row counts with the
manifest. Every expected failure raises :class:`BackupError` with a message in
Indonesian and English.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from kotacerdas.core import extensions
from kotacerdas.core.caching import cache_forget_all
from kotacerdas.core.storage import (
    delete_private_any,
    files_under,
    private_backend,
    private_fetch,
    private_is_local,
    private_names,
    private_restore,
)

FORMAT = "kotacerdas-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/kotacerdas.sqlite3"
PG_MEMBER = "database/kotacerdas.pgdump"
PRIVATE_PREFIX = "private/"
# Tables that a freshly migrated, otherwise empty database already fills.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
CHUNK = 1024 * 1024


class BackupError(Exception):
    """An expected failure, with a bilingual message for the operator."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]

    @property
    def total_rows(self) -> int:
        return sum(self.manifest["row_counts"].values())


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    applied_migrations: list[str] = field(default_factory=list)
    private_files: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.manifest["row_counts"].values())


# --- helpers ------------------------------------------------------------------


def _vendor(alias: str = "default") -> str:
    return str(connections[alias].vendor)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def secret_key_fingerprint() -> str:
    """Tells whether two installations share a secret key without revealing it."""
    material = f"kotacerdas-backup-fingerprint:{settings.SECRET_KEY}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def app_version() -> str:
    try:
        return importlib.metadata.version("kotacerdas")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "unknown"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_path(alias: str = "default") -> str | None:
    """The file of the SQLite database, or None for an in-memory one."""
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name


def _migrations_from_rows(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _regexp(pattern: str | None, value: Any) -> bool | None:
    # Django's REGEXP, which CHECK constraints of the schema call; a bare
    # sqlite3 connection needs it for PRAGMA integrity_check.
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


def open_sqlite(path: str | Path, timeout: float = 20.0) -> sqlite3.Connection:
    """A plain sqlite3 connection that can check this project's schema."""
    db = sqlite3.connect(path, timeout=timeout)
    db.create_function("REGEXP", 2, _regexp, deterministic=True)
    return db


def _sqlite_describe(db: sqlite3.Connection) -> tuple[dict[str, int], dict[str, list[str]]]:
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {t: int(db.execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0]) for t in tables}  # noqa: S608
    rows: list[tuple[str, str]] = []
    if "django_migrations" in tables:
        rows = list(db.execute("SELECT app, name FROM django_migrations"))
    return counts, _migrations_from_rows(rows)


def _pg_describe(cursor: Any) -> tuple[dict[str, int], dict[str, list[str]]]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    rows: list[tuple[str, str]] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        rows = [(str(a), str(n)) for a, n in cursor.fetchall()]
    return counts, _migrations_from_rows(rows)


def live_description(alias: str = "default") -> tuple[dict[str, int], dict[str, list[str]]]:
    """Row counts per table and applied migrations of the configured database."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        return _sqlite_describe(raw)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            return _pg_describe(cursor)
    raise BackupError(_unsupported(connection.vendor))


def _unsupported(vendor: str) -> str:
    return (
        f"Basis data {vendor} tidak didukung; hanya SQLite dan PostgreSQL. / "
        f"The {vendor} database is not supported; only SQLite and PostgreSQL are."
    )


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Program {name} tidak ditemukan di PATH. Pasang klien PostgreSQL (paket "
            f"postgresql-client, versi sama atau lebih baru dari server). / {name} was not "
            f"found on PATH. Install the PostgreSQL client tools (package postgresql-client, "
            f"the server's major version or newer)."
        )
    return path


def _pg_env(alias: str = "default") -> dict[str, str]:
    """The libpq environment for the configured database (no password on any
    command line, where other users could read it)."""
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", conf.get("HOST")),
        ("PGPORT", conf.get("PORT")),
        ("PGUSER", conf.get("USER")),
        ("PGPASSWORD", conf.get("PASSWORD")),
        ("PGDATABASE", conf.get("NAME")),
        ("PGSSLMODE", (conf.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run_pg(args: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(  # noqa: S603 - fixed program found by shutil.which
        args, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise BackupError(
            f"{what} gagal (kode {completed.returncode}). / {what} failed "
            f"(exit {completed.returncode}):\n" + "\n".join(detail)
        )


def _private_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under the private directory with their archive names;
    symbolic links are not followed (nothing outside the directory goes in)."""
    for path in files_under(root):
        yield path, PRIVATE_PREFIX + path.relative_to(root).as_posix()


def _private_members(staging: Path) -> list[tuple[Path, str]]:
    """The private files to archive. From the local folder as they lie; from
    a bucket, each object downloaded into ``staging`` first, so that the
    checksums and the archive read the same bytes."""
    if private_is_local():
        return list(_private_files(Path(settings.PRIVATE_FILES_DIR)))
    copy = staging / "private"
    for name in private_names():
        if not _safe_member_name(PRIVATE_PREFIX + name):
            raise BackupError(
                f"Nama objek {name!r} di bucket tidak aman untuk arsip; tidak ada yang dibuat. / "
                f"The object name {name!r} in the bucket is unsafe for an archive; nothing was "
                f"written."
            )
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        private_fetch(name, target)
    return list(_private_files(copy))


def restore_private_to_bucket(new: Path) -> None:
    """The archived files into the bucket under their names, then every
    object the archive does not hold deleted: the bucket ends as the archive
    was, and a failure half-way leaves files too many, never too few."""
    kept = set()
    for path, arcname in _private_files(new):
        name = arcname.removeprefix(PRIVATE_PREFIX)
        private_restore(path, name)
        kept.add(name)
    for name in list(private_names()):
        if name not in kept:
            delete_private_any(name)


# --- backup -------------------------------------------------------------------


def _dump_sqlite(target: Path, alias: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    path = _sqlite_path(alias)
    timeout = float(connections[alias].settings_dict.get("OPTIONS", {}).get("timeout", 20))
    if path is not None:
        if not Path(path).exists():
            raise BackupError(
                f"Basis data {path} tidak ada; jalankan `kotacerdas migrate` dulu. / "
                f"The database {path} does not exist; run `kotacerdas migrate` first."
            )
        source = open_sqlite(path, timeout)
    else:  # in-memory (tests): copy through Django's own connection
        connections[alias].ensure_connection()
        source = connections[alias].connection
    destination = open_sqlite(target)
    try:
        # pages=-1: every page in one step, inside one read transaction, so the
        # copy is one consistent state even while writers commit (WAL).
        source.backup(destination, pages=-1)
        destination.execute("PRAGMA journal_mode=DELETE")
        description = _sqlite_describe(destination)
    finally:
        destination.close()
        if path is not None:
            source.close()
    return description


def _dump_postgresql(target: Path, alias: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    pg_dump = _pg_tool("pg_dump")
    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    previous_autocommit = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_catalog.pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            description = _pg_describe(cursor)
            # The snapshot lives as long as this transaction: dump while it is open.
            _run_pg(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                _pg_env(alias),
                "pg_dump",
            )
    finally:
        raw.rollback()  # ends the read-only snapshot transaction
        raw.autocommit = previous_autocommit
    return description


def personal_data_manifest(row_counts: dict[str, int], files: dict[str, Any]) -> dict[str, Any]:
    """The manifest's answer to "what personal data is in this archive?": the
    tables holding rows with personal columns (as the apps describe them,
    core.extensions.personal_data_register), and the private files by kind
    (``other``: files no app described, such as evidence, which may hold
    personal data too). Whoever keeps or moves the archive knows what it is."""
    described = extensions.personal_data_described()
    user = get_user_model()
    tables = {
        user._meta.db_table: ["username", "email", "first_name", "last_name"],
        **described.tables,
    }
    present = {
        table: {"columns": sorted(columns), "rows": row_counts[table]}
        for table, columns in sorted(tables.items())
        if row_counts.get(table)
    }
    kinds: dict[str, int] = {}
    for name in files:
        if name.startswith(PRIVATE_PREFIX):
            kind = described.files.get(name.removeprefix(PRIVATE_PREFIX), "other")
            kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "contains": bool(present or kinds),
        "tables": present,
        "private_files": dict(sorted(kinds.items())),
        "note": (
            "Arsip ini memuat data pribadi (UU 27/2022): simpan terenkripsi, batasi aksesnya "
            "dan hapus sesuai masa retensi. / This archive holds personal data (Law 27/2022): "
            "keep it encrypted, restrict access and delete it when its retention ends."
        ),
    }


def create_backup(
    output_dir: Path, *, alias: str = "default", now: datetime | None = None
) -> BackupResult:
    """Write one archive into ``output_dir`` and return its path and manifest."""
    vendor = _vendor(alias)
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(_unsupported(vendor))
    now = (now or datetime.now(UTC)).astimezone(UTC)
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(
            f"Folder {output_dir} tidak bisa dibuat: {error.strerror}. / "
            f"Cannot create the folder {output_dir}: {error.strerror}."
        ) from error
    name = f"kotacerdas-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    final = output_dir / name
    if final.exists():
        raise BackupError(
            f"Arsip {final} sudah ada; coba lagi sebentar lagi. / "
            f"The archive {final} already exists; try again in a second."
        )
    with tempfile.TemporaryDirectory(prefix=".kotacerdas-backup-", dir=output_dir) as staging:
        staging_path = Path(staging)
        if vendor == "sqlite":
            member = SQLITE_MEMBER
            dump = staging_path / "kotacerdas.sqlite3"
            row_counts, migrations = _dump_sqlite(dump, alias)
        else:
            member = PG_MEMBER
            dump = staging_path / "kotacerdas.pgdump"
            row_counts, migrations = _dump_postgresql(dump, alias)

        members: list[tuple[Path, str]] = [(dump, member), *_private_members(staging_path)]
        files = {
            arcname: {"sha256": _sha256_file(path), "size": path.stat().st_size}
            for path, arcname in members
        }
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "app_version": app_version(),
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": {"vendor": vendor, "member": member},
            "migrations": migrations,
            "row_counts": row_counts,
            "files": files,
            "personal_data": personal_data_manifest(row_counts, files),
            "secret_key": {
                "included": False,
                "fingerprint": secret_key_fingerprint(),
                "note": (
                    "Kunci rahasia tidak disertakan; simpan SECRET_KEY terpisah. / "
                    "The secret key is not included; keep SECRET_KEY separately."
                ),
            },
        }
        partial = staging_path / (name + ".partial")
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as archive:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest_bytes)
            info.mtime = int(now.timestamp())
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(manifest_bytes))
            for path, arcname in members:
                info = archive.gettarinfo(str(path), arcname)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o600
                with path.open("rb") as handle:
                    archive.addfile(info, handle)
        partial.chmod(0o600)
        os.replace(partial, final)  # the archive appears complete or not at all
    return BackupResult(final, manifest)


# --- restore ------------------------------------------------------------------


def _corrupt(archive: Path, detail: str) -> BackupError:
    return BackupError(
        f"Arsip {archive} rusak atau bukan cadangan KotaCerdas ({detail}); tidak ada yang "
        f"diubah. / The archive {archive} is damaged or not a KotaCerdas backup ({detail}); "
        f"nothing was changed."
    )


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and name == path.as_posix()
        and (name in {MANIFEST, SQLITE_MEMBER, PG_MEMBER} or name.startswith(PRIVATE_PREFIX))
    )


def unpack_verified(archive: Path, staging: Path) -> dict[str, Any]:
    """Extract ``archive`` into ``staging`` while checking it: only regular
    files with safe names, every member listed in the manifest with its sha256
    and size, nothing listed missing. Returns the manifest."""
    if not archive.is_file():
        raise BackupError(
            f"Arsip {archive} tidak ditemukan. / The archive {archive} was not found."
        )
    manifest: dict[str, Any] | None = None
    seen: dict[str, tuple[str, int]] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar:
                if not info.isfile() or not _safe_member_name(info.name):
                    raise _corrupt(
                        archive, f"anggota tak terduga / unexpected member {info.name!r}"
                    )
                if info.name in seen or (info.name == MANIFEST and manifest is not None):
                    raise _corrupt(archive, f"anggota ganda / duplicate member {info.name!r}")
                handle = tar.extractfile(info)
                assert handle is not None  # isfile() above
                if info.name == MANIFEST:
                    try:
                        manifest = json.loads(handle.read(16 * 1024 * 1024))
                    except ValueError as error:
                        raise _corrupt(archive, "manifest.json") from error
                    continue
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[info.name] = (digest.hexdigest(), size)
    except (tarfile.TarError, zlib.error, EOFError, OSError) as error:
        raise _corrupt(archive, type(error).__name__ + ": " + str(error)[:200]) from error

    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _corrupt(archive, "manifest.json")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise _corrupt(archive, "manifest.json")
    for name, expected in files.items():
        if name not in seen:
            raise _corrupt(archive, f"{name} hilang / missing")
        got_sha256, got_size = seen[name]
        if got_sha256 != expected.get("sha256") or got_size != expected.get("size"):
            raise BackupError(
                f"Checksum {name} tidak cocok dengan manifest: arsip rusak, tidak ada yang "
                f"diubah. / The checksum of {name} does not match the manifest: the archive is "
                f"damaged, nothing was changed."
            )
    unlisted = sorted(set(seen) - set(files))
    if unlisted:
        raise _corrupt(archive, f"tidak tercatat / not in the manifest: {unlisted[0]}")
    database = manifest.get("database")
    if not isinstance(database, dict):
        raise _corrupt(archive, "manifest.json: database")
    expected_member = {"sqlite": SQLITE_MEMBER, "postgresql": PG_MEMBER}.get(
        str(database.get("vendor"))
    )
    if expected_member is None or database.get("member") != expected_member:
        raise _corrupt(archive, "manifest.json: database")
    if expected_member not in seen:
        raise _corrupt(archive, "database")
    return manifest


def _check_known_migrations(manifest: dict[str, Any], alias: str) -> None:
    """Refuse an archive made by a newer KotaCerdas: its schema has migrations
    this version does not know, and ``migrate`` could not bring it forward."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"Cadangan ini dibuat oleh versi KotaCerdas yang lebih baru (migrasi tak dikenal: "
            f"{', '.join(unknown[:5])}). Pasang versi {manifest.get('app_version')} atau lebih "
            f"baru dulu. / This backup comes from a newer KotaCerdas (unknown migrations: "
            f"{', '.join(unknown[:5])}). Install version {manifest.get('app_version')} or newer "
            f"first."
        )


def _holds_data(counts: dict[str, int]) -> list[str]:
    return sorted(t for t, n in counts.items() if n and t not in BOOKKEEPING_TABLES)


def _target_description(alias: str) -> dict[str, int]:
    if _vendor(alias) == "sqlite":
        path = _sqlite_path(alias)
        if path is not None and not Path(path).exists():
            return {}
    return live_description(alias)[0]


def _compare_counts(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    problems = []
    for table, count in sorted(expected.items()):
        got = actual.get(table)
        if got != count:
            problems.append(f"{table}: {count} → {'tidak ada / missing' if got is None else got}")
    return problems


def _restore_sqlite(dump: Path, manifest: dict[str, Any], alias: str) -> None:
    copy = open_sqlite(dump)
    try:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(
                f"Salinan basis data di arsip tidak utuh ({check}). / The database copy in "
                f"the archive failed its integrity check ({check})."
            )
        problems = _compare_counts(manifest["row_counts"], _sqlite_describe(copy)[0])
        if problems:
            raise BackupError(
                "Jumlah baris salinan tidak cocok dengan manifest. / The copy's row counts do "
                "not match the manifest: " + "; ".join(problems[:10])
            )
        connections[alias].close()
        path = _sqlite_path(alias)
        timeout = float(connections[alias].settings_dict.get("OPTIONS", {}).get("timeout", 20))
        if path is None:
            connections[alias].ensure_connection()
            target = connections[alias].connection
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            target = open_sqlite(path, timeout)
        try:
            # One write transaction on the target: it holds the old database or
            # the whole copy, never a mix (and WAL files stay consistent).
            copy.backup(target, pages=-1)
        except sqlite3.OperationalError as error:
            raise BackupError(
                f"Basis data tujuan sedang dipakai ({error}); hentikan server dan worker "
                f"dulu. / The target database is busy ({error}); stop the server and the "
                f"worker first."
            ) from error
        finally:
            if path is not None:
                target.close()
    finally:
        copy.close()


def _restore_postgresql(dump: Path, staging: Path, alias: str) -> None:
    pg_restore = _pg_tool("pg_restore")
    psql = _pg_tool("psql")
    env = _pg_env(alias)
    script = staging / "restore.sql"
    _run_pg(
        [pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(dump)],
        env,
        "pg_restore",
    )
    prelude = staging / "prelude.sql"
    # KotaCerdas keeps everything in the public schema: replace it whole, in
    # the same transaction as the restore.
    prelude.write_text("DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
    connections[alias].close()
    _run_pg(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--file={prelude}",
            f"--file={script}",
        ],
        env,
        "psql (pemulihan / restore)",
    )


def _private_place() -> str:
    """Where the private files are, for a message."""
    if private_is_local():
        return str(settings.PRIVATE_FILES_DIR)
    return f"bucket {getattr(private_backend(), 'bucket_name', '')}"


def _swap_private(new: Path, private_root: Path, staging: Path) -> None:
    new.mkdir(parents=True, exist_ok=True)
    private_root.parent.mkdir(parents=True, exist_ok=True)
    if private_root.exists():
        os.replace(private_root, staging / "private-old")
    os.replace(new, private_root)


def restore_backup(
    archive: Path,
    *,
    force: bool = False,
    alias: str = "default",
    progress: Callable[[str], None] | None = None,
) -> RestoreResult:
    say = progress or (lambda message: None)
    archive = Path(archive)
    vendor = _vendor(alias)
    private_root = Path(settings.PRIVATE_FILES_DIR)
    private_root.parent.mkdir(parents=True, exist_ok=True)
    # Staging beside the private directory: same file system, so the swap is a rename.
    with tempfile.TemporaryDirectory(
        prefix=".kotacerdas-restore-", dir=private_root.parent
    ) as staging_name:
        staging = Path(staging_name)
        say("Memeriksa arsip... / Checking the archive...")
        manifest = unpack_verified(archive, staging)
        backup_vendor = manifest["database"]["vendor"]
        if backup_vendor != vendor:
            raise BackupError(
                f"Cadangan ini dari {backup_vendor}, basis data yang dikonfigurasi {vendor}; "
                f"pulihkan ke {backup_vendor} yang sama. / This backup is of a {backup_vendor} "
                f"database but the configured one is {vendor}; restore it into {backup_vendor}."
            )
        _check_known_migrations(manifest, alias)

        result = RestoreResult(manifest)
        holding = _holds_data(_target_description(alias))
        private_present = any(True for _ in private_names())
        if (holding or private_present) and not force:
            where = ", ".join(holding[:5]) or _private_place()
            raise BackupError(
                f"Basis data tujuan sudah berisi data ({where}); tidak ada yang diubah. Ulangi "
                f"dengan --force untuk menimpanya. / The target already holds data ({where}); "
                f"nothing was changed. Run again with --force to overwrite it."
            )

        dump = staging / manifest["database"]["member"]
        say("Memulihkan basis data... / Restoring the database...")
        if vendor == "sqlite":
            _restore_sqlite(dump, manifest, alias)
        else:
            _restore_postgresql(dump, staging, alias)
        connections[alias].close()

        problems = _compare_counts(manifest["row_counts"], live_description(alias)[0])
        if problems:
            raise BackupError(
                "Jumlah baris setelah pemulihan tidak cocok dengan manifest. / Row counts after "
                "the restore do not match the manifest: " + "; ".join(problems[:10])
            )

        say("Memulihkan berkas privat... / Restoring the private files...")
        if private_is_local():
            _swap_private(staging / "private", private_root, staging)
        else:
            restore_private_to_bucket(staging / "private")
        result.private_files = sum(1 for name in manifest["files"] if name.startswith("private/"))

    say("Menjalankan migrate... / Running migrate...")
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    result.applied_migrations = [f"{m.app_label}.{m.name}" for m, _ in plan]
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    if not result.applied_migrations:
        # Nothing to bring forward: the database must still be exactly the copy.
        problems = _compare_counts(manifest["row_counts"], live_description(alias)[0])
        if problems:
            raise BackupError(
                "Jumlah baris berubah setelah migrate. / Row counts changed after migrate: "
                + "; ".join(problems[:10])
            )
    # Everything cached was built from the rows just replaced: the pages
    # cached per data version, the registry's tallies, kept roles, sessions'
    # cached copies; on a shared Redis only this installation's keys.
    cache_forget_all()
    if manifest.get("secret_key", {}).get("fingerprint") != secret_key_fingerprint():
        result.warnings.append(
            "SECRET_KEY berbeda dari saat pencadangan: semua pengguna perlu masuk lagi dan "
            "tautan bertanda tangan yang belum dipakai tidak berlaku. / SECRET_KEY differs "
            "from the backed-up installation: everyone must log in again and unused signed "
            "links no longer work."
        )
    return result
