"""The registry's data version: one number per region (core/caching.py's
rule, "rendered once per data version"), under which the officers' business
list and statistics page are cached.

It is bumped after the commit of every save or delete of a business or a
SIINas target of the region (model signals), and by the writes that bypass
them: an import (its rows are inserted in bulk, or published all at once by
clearing the job's staging flag, ``imports.engine._record``) and the demo's
bulk load. Any other write that bypasses the signals shows after at most
``core.caching.FRAGMENT_TIMEOUT``, as on the portal.

What a cached registry page may hold: masked values only. The list shows
every owner's NIK and phone masked to everyone (the full values come only
out of ``umkm.pdp``, one business at a time, recorded in
``PersonalDataAccess``), so no page cached here depends on a user's right to
unmask; what differs by that right (the export form's personal-data choice,
the navigation's links) is covered by the role scope in every key.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from kotacerdas.core.caching import bump


def registry_version(region_id: int) -> str:
    """The cache key of ``region_id``'s registry data version (for
    ``core.caching.cached(..., version=...)``)."""
    return f"registry:data-version:{region_id}"


def registry_changed(region_id: int) -> None:
    """Mark every cached registry page of the region stale, after the
    current transaction commits (at once outside one): bumping inside it
    would let a reader cache a page of the old rows under the new number."""
    transaction.on_commit(lambda: bump(registry_version(region_id)))


def _changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    region_id = getattr(instance, "region_id", None)
    if region_id is not None:
        registry_changed(region_id)


def watch_registry() -> None:
    """Bump the registry's data version on every save or delete of the rows
    its cached pages show: businesses and SIINas targets."""
    from kotacerdas.umkm.national.models import SiinasTarget
    from kotacerdas.umkm.registry.models import Business

    for model in (Business, SiinasTarget):
        name = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"registry-version-save-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"registry-version-del-{name}")
