"""The archive checks of kotacerdas.core.backup, on hand-made archives (the
end-to-end drill with real databases is in test_backup_drill.py)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kotacerdas.core.backup import (
    FORMAT,
    PG_MEMBER,
    SQLITE_MEMBER,
    BackupError,
    secret_key_fingerprint,
    unpack_verified,
)

DB_BYTES = b"SQLite format 3\x00 not really, but bytes to check"
UPLOAD = b"%PDF-1.4 bukti\n"


def _manifest(**files: bytes) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "app_version": "0.1.0",
        "created_at": "2026-11-28T08:00:00Z",
        "database": {"vendor": "sqlite", "member": SQLITE_MEMBER},
        "migrations": {"core": ["0001_initial"]},
        "row_counts": {"core_auditevent": 3},
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files.items()
        },
        "secret_key": {"included": False, "fingerprint": "x"},
    }


def _archive(
    path: Path,
    members: dict[str, bytes],
    manifest: dict[str, Any] | None,
    extra: list[tarfile.TarInfo] | None = None,
) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        if manifest is not None:
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra or []:
            tar.addfile(info)
    return path


GOOD = {SQLITE_MEMBER: DB_BYTES, "private/ab/ab01.pdf": UPLOAD}


def test_a_sound_archive_unpacks_with_its_manifest(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.tar.gz", GOOD, _manifest(**GOOD))
    staging = tmp_path / "staging"
    staging.mkdir()
    manifest = unpack_verified(archive, staging)
    assert manifest["row_counts"] == {"core_auditevent": 3}
    assert (staging / SQLITE_MEMBER).read_bytes() == DB_BYTES
    assert (staging / "private/ab/ab01.pdf").read_bytes() == UPLOAD


@pytest.mark.parametrize(
    ("members", "manifest", "message"),
    [
        # a member whose bytes changed after the manifest was written
        (
            {SQLITE_MEMBER: DB_BYTES, "private/ab/ab01.pdf": b"%PDF-1.4 diganti\n"},
            _manifest(**GOOD),
            "checksum of private/ab/ab01.pdf does not match",
        ),
        # a listed member missing
        ({SQLITE_MEMBER: DB_BYTES}, _manifest(**GOOD), "private/ab/ab01.pdf hilang / missing"),
        # a member nobody listed
        (
            {**GOOD, "private/ab/extra.pdf": UPLOAD},
            _manifest(**GOOD),
            "not in the manifest: private/ab/extra.pdf",
        ),
        # path traversal and names outside the layout
        ({"private/../../etc/cron.d/x": UPLOAD}, _manifest(**GOOD), "unexpected member"),
        ({"/etc/passwd": UPLOAD}, _manifest(**GOOD), "unexpected member"),
        ({"settings.py": UPLOAD}, _manifest(**GOOD), "unexpected member"),
        # a database member that is not the manifest's kind of database
        (
            {PG_MEMBER: DB_BYTES},
            {
                **_manifest(**{PG_MEMBER: DB_BYTES}),
                "database": {"vendor": "sqlite", "member": PG_MEMBER},
            },
            "manifest.json: database",
        ),
        # no manifest, or one of another format
        (GOOD, None, "manifest.json"),
        (GOOD, {**_manifest(**GOOD), "format": "other/1"}, "manifest.json"),
    ],
)
def test_a_damaged_or_foreign_archive_is_refused_with_the_reason(
    tmp_path: Path, members: dict[str, bytes], manifest: dict[str, Any] | None, message: str
) -> None:
    archive = _archive(tmp_path / "a.tar.gz", members, manifest)
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(BackupError, match=re.escape(message)):
        unpack_verified(archive, staging)
    assert not (tmp_path / "etc").exists()


def test_links_and_devices_in_an_archive_are_refused(tmp_path: Path) -> None:
    link = tarfile.TarInfo("private/ab/link.pdf")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    archive = _archive(tmp_path / "a.tar.gz", GOOD, _manifest(**GOOD), extra=[link])
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(BackupError, match=re.escape("unexpected member 'private/ab/link.pdf'")):
        unpack_verified(archive, staging)


def test_a_flipped_byte_or_a_truncated_file_is_damage_not_a_traceback(tmp_path: Path) -> None:
    sound = _archive(tmp_path / "a.tar.gz", GOOD, _manifest(**GOOD)).read_bytes()
    for name, data in {
        "flipped.tar.gz": sound[:40] + bytes([sound[40] ^ 0xFF]) + sound[41:],
        "truncated.tar.gz": sound[: len(sound) // 2],
        "not-gzip.tar.gz": b"PK\x03\x04 a zip file",
    }.items():
        staging = tmp_path / name.replace(".", "-")
        staging.mkdir()
        (tmp_path / name).write_bytes(data)
        with pytest.raises(BackupError, match=r"rusak .* damaged"):
            unpack_verified(tmp_path / name, staging)


def test_restore_names_a_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"tidak ditemukan\. / The archive .* was not found"):
        call_command("restore", str(tmp_path / "nope.tar.gz"))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_a_newer_version(tmp_path: Path) -> None:
    members, manifest = _of_kind(_vendor())
    manifest["migrations"] = {"core": ["0001_initial", "9999_from_the_future"]}
    archive = _archive(tmp_path / "a.tar.gz", members, manifest)
    with pytest.raises(CommandError, match=r"newer KotaCerdas .*core\.9999_from_the_future"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_database_kind(tmp_path: Path) -> None:
    members, manifest = _of_kind("postgresql" if _vendor() == "sqlite" else "sqlite")
    archive = _archive(tmp_path / "a.tar.gz", members, manifest)
    with pytest.raises(CommandError, match="restore it into"):
        call_command("restore", str(archive))


def test_the_secret_key_fingerprint_follows_the_key_and_does_not_contain_it(
    settings: Any,
) -> None:
    settings.SECRET_KEY = "k" * 50
    first = secret_key_fingerprint()
    settings.SECRET_KEY = "j" * 50
    assert secret_key_fingerprint() != first
    assert "k" * 10 not in first and len(first) == 16


def _of_kind(vendor: str) -> tuple[dict[str, bytes], dict[str, Any]]:
    member = SQLITE_MEMBER if vendor == "sqlite" else PG_MEMBER
    members = {member: DB_BYTES, "private/ab/ab01.pdf": UPLOAD}
    manifest = _manifest(**members)
    manifest["database"] = {"vendor": vendor, "member": member}
    return members, manifest


def _vendor() -> str:
    from django.db import connection

    return str(connection.vendor)
