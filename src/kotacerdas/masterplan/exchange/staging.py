"""Uploaded workbooks kept between the preview and the confirmation of a
web import. The file sits under ``DATA_DIR/tmp/imports`` with a random
name; the page carries only a signed token bound to the user and the
region. A file is deleted when its import is confirmed, and any file older
than ``MAX_AGE`` is swept away on the next upload or confirmation."""

from __future__ import annotations

import re
import time
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core import signing

MAX_AGE = 60 * 60  # seconds
SALT = "kotacerdas.masterplan.exchange.import"
_NAME = re.compile(r"[0-9a-f]{32}")


class StaleUpload(Exception):
    """The token is forged, expired, for someone else, or its file is gone."""


def directory() -> Path:
    return Path(settings.DATA_DIR) / "tmp" / "imports"


def stash(*, content: bytes, user_id: int, region_code: str) -> str:
    """Keep ``content`` and return the token that gives it back."""
    sweep()
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid4().hex
    path = folder / f"{name}.xlsx"
    path.write_bytes(content)
    path.chmod(0o600)
    return signing.dumps({"f": name, "u": user_id, "r": region_code}, salt=SALT)


def take(*, token: str, user_id: int, region_code: str) -> bytes:
    """The stashed content for this user and region, removed from disk."""
    sweep()
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        raise StaleUpload from None
    if (
        not isinstance(data, dict)
        or data.get("u") != user_id
        or data.get("r") != region_code
        or not _NAME.fullmatch(str(data.get("f", "")))
    ):
        raise StaleUpload
    path = directory() / f"{data['f']}.xlsx"
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise StaleUpload from None
    path.unlink(missing_ok=True)
    return content


def sweep() -> int:
    """Delete uploads older than MAX_AGE; returns how many went."""
    folder = directory()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - MAX_AGE
    removed = 0
    for path in folder.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # taken by a concurrent request
    return removed
