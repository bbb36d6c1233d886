"""Uploaded workbooks kept between the preview and the confirmation of a
web import. The file sits in private storage under ``staged/`` with a random
name (the folder, or the bucket every node shares: the confirmation may reach
another node than the preview, issue 16); the page carries only a signed
token bound to the user and the region. A file is deleted when its import is
confirmed, and any file older than ``MAX_AGE`` is swept away on the next
upload or confirmation."""

from __future__ import annotations

import re
import time
from uuid import uuid4

from django.core import signing
from django.core.files.base import ContentFile

from kotacerdas.core.storage import private_backend, private_missing

MAX_AGE = 60 * 60  # seconds
SALT = "kotacerdas.masterplan.exchange.import"
_NAME = re.compile(r"[0-9a-f]{32}")


class StaleUpload(Exception):
    """The token is forged, expired, for someone else, or its file is gone."""


FOLDER = "staged"


def stored_name(name: str) -> str:
    """The private storage name of the stashed file ``name`` (32 hex)."""
    return f"{FOLDER}/{name}.xlsx"


def stash(*, content: bytes, user_id: int, region_code: str) -> str:
    """Keep ``content`` and return the token that gives it back."""
    sweep()
    name = uuid4().hex
    private_backend().save(stored_name(name), ContentFile(content))
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
    storage = private_backend()
    name = stored_name(data["f"])
    try:
        with storage.open(name, "rb") as stored:
            content = bytes(stored.read())
    except Exception as error:
        if isinstance(error, FileNotFoundError) or private_missing(error):
            raise StaleUpload from None
        raise
    storage.delete(name)
    return content


def sweep() -> int:
    """Delete uploads older than MAX_AGE; returns how many went."""
    storage = private_backend()
    try:
        _folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:  # the local folder, before the first upload
        return 0
    cutoff = time.time() - MAX_AGE
    removed = 0
    for filename in files:
        name = f"{FOLDER}/{filename}"
        try:
            if storage.get_modified_time(name).timestamp() < cutoff:
                storage.delete(name)
                removed += 1
        except Exception as error:
            if isinstance(error, FileNotFoundError) or private_missing(error):
                continue  # taken by a concurrent request
            raise
    return removed
