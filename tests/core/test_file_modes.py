"""Files and folders the service creates are the service account's alone
(issue 14, point 9): ``serve``, ``worker``, ``backup`` and ``restore`` run
under umask 077, so the SQLite database, uploads and restored files are
0600 in 0700 folders."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from kotacerdas.core.backup import SQLITE_MEMBER, unpack_verified
from kotacerdas.core.management.commands import backup, restore, serve, worker
from kotacerdas.core.storage import PRIVATE_UMASK, private_umask
from tests.core.test_backup import GOOD, _archive, _manifest


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_restored_files_and_folders_are_owner_only(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.tar.gz", GOOD, _manifest(**GOOD))
    staging = tmp_path / "staging"
    staging.mkdir()
    before = _current_umask()
    os.umask(0o022)  # a shell's usual mask: 0644 files, 0755 folders without ours
    try:
        with private_umask():
            unpack_verified(archive, staging)
    finally:
        os.umask(before)

    assert _mode(staging / SQLITE_MEMBER) == 0o600
    assert _mode(staging / "private/ab/ab01.pdf") == 0o600
    assert _mode(staging / "private/ab") == 0o700
    assert _mode(staging / "private") == 0o700


def _capture(seen: list[int], path: Path) -> Any:
    def work(*args: Any, **kwargs: Any) -> Any:
        seen.append(_current_umask())
        (path / f"file{len(seen)}").write_bytes(b"x")
        raise SystemExit(0)  # the command's work stops here

    return work


@pytest.mark.parametrize(
    ("command", "module", "target", "args"),
    [
        ("serve", serve, "KotaCerdasApplication.run", ["--no-worker"]),
        ("worker", worker, "Command._schedule", ["--once"]),
        ("backup", backup, "create_backup", []),
        ("restore", restore, "restore_backup", ["archive.tar.gz"]),
    ],
)
def test_each_command_creates_files_owner_only_and_puts_the_mask_back(
    command: str, module: Any, target: str, args: list[str], monkeypatch, tmp_path: Path, db
) -> None:
    seen: list[int] = []
    owner, _, attribute = target.rpartition(".")
    holder = getattr(module, owner) if owner else module
    monkeypatch.setattr(holder, attribute, _capture(seen, tmp_path))
    before = _current_umask()

    with pytest.raises(SystemExit):
        call_command(command, *args)

    assert seen == [PRIVATE_UMASK]
    assert _mode(tmp_path / "file1") == 0o600
    assert _current_umask() == before


def test_a_sqlite_database_made_by_any_command_becomes_owner_only(tmp_path: Path) -> None:
    """``migrate`` runs without the umask: the first connection tightens the
    database file and its WAL, whoever created them."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from kotacerdas.core.storage import sqlite_files_tighten

    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    (tmp_path / "db.sqlite3-wal").write_bytes(b"")
    (tmp_path / "db.sqlite3-wal").chmod(0o664)
    wrapper = DatabaseWrapper({"NAME": str(database), "ENGINE": "django.db.backends.sqlite3"})

    sqlite_files_tighten(sender=None, connection=wrapper)

    assert _mode(database) == 0o600
    assert _mode(tmp_path / "db.sqlite3-wal") == 0o600
