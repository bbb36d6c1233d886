"""The portal's cache: rendered page fragments per (page, region, language,
data version), kept in Django's cache (a file cache in production, shared by
every process that uses the same ``KOTACERDAS_CACHE_DIR``).

The *data version* is one number in the cache. Any committed save or delete
of a model the portal shows (masterplan structure, agencies, periods,
snapshots, verified reports, evidence, regions) bumps it, so every cached page
is stale at once and is rebuilt on its next request; a save of fields the
portal does not read (:data:`NOT_SHOWN`) does not. Writes are rare next to public reads;
invalidating everything keeps the rule simple and impossible to get wrong.
Fragments also expire after :data:`FRAGMENT_TIMEOUT` as a safety net for
writes that bypass model signals (``QuerySet.update``, raw SQL).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

VERSION_KEY = "portal:data-version"
FRAGMENT_TIMEOUT = 60 * 60
T = TypeVar("T")


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache starts from the clock so it never reuses an old number.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return int(version)


def bump() -> None:
    """Mark every cached portal page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def cached(parts: tuple[Any, ...], build: Callable[[], T | None]) -> T | None:
    """``build()``'s value, cached under ``parts`` + language + data version.
    None (a page that does not exist) is not cached: unknown addresses must
    not fill the cache."""
    key = ":".join(["portal", str(data_version()), get_language() or "", *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, FRAGMENT_TIMEOUT)
    return value


# Fields the portal never reads from the live row: an action plan's status
# is shown as the closed period's snapshot froze it, so the agencies' status
# updates (the busiest write) leave every cached page valid.
NOT_SHOWN: dict[str, frozenset[str]] = {"ActionPlan": frozenset({"status"})}


def _changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if sender.__name__ == "ProgressReport" and getattr(instance, "state", "") != "verified":
        return  # drafts and submissions never reach the portal
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= NOT_SHOWN.get(sender.__name__, frozenset()):
        return
    # After the commit: bumping inside the transaction would let a reader
    # rebuild a page from the old rows and cache it under the new version.
    transaction.on_commit(bump)


def connect_signals() -> None:
    from kotacerdas.masterplan.models import (
        ActionPlan,
        Agency,
        Element,
        Masterplan,
        Pillar,
        Programme,
    )
    from kotacerdas.monitoring.models import (
        Evidence,
        PeriodSnapshot,
        ProgressReport,
        ReportingPeriod,
    )
    from kotacerdas.regions.models import Region

    for model in (
        Region,
        Masterplan,
        Pillar,
        Element,
        Agency,
        Programme,
        ActionPlan,
        ReportingPeriod,
        PeriodSnapshot,
        ProgressReport,
        Evidence,
    ):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"portal-{model.__name__}")
