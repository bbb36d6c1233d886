"""The private bucket of an S3-compatible object store (issue 16, several
nodes): settings.STORAGES["private"] names this class when
``KOTACERDAS_S3_BUCKET`` is set (settings.py). A module of its own because
boto3 takes about a second to import: only a process configured for a bucket
pays it, when it first touches a private file. Everything else reaches the
storage through :mod:`kotacerdas.core.storage`."""

from __future__ import annotations

from typing import Any

from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


@deconstructible(path="kotacerdas.core.objectstorage.PrivateS3Storage")
class PrivateS3Storage(S3Storage):
    """Objects are written without an ACL (the bucket's own policy, private,
    decides), under their exact name (names are random, so no existence check
    precedes a write), and have no URL: as with the local folder, a file goes
    out only through an access-checked view that streams it."""

    def __init__(self, **options: Any) -> None:
        super().__init__(
            **{
                **options,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
                # open() spools a download to disk past this, not into memory.
                "max_memory_size": 8 * 1024 * 1024,
            }
        )

    def key(self, name: str) -> str:
        """The object key of a stored name (the configured prefix in front)."""
        return str(self._normalize_name(clean_name(name)))

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise ValueError(
            "Private files have no URL: serve them from a view that checks access and "
            "returns kotacerdas.core.storage.private_file_response()."
        )
