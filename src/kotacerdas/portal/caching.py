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

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

# One home for data versions and what is cached under them (core/caching.py).
from kotacerdas.core.caching import FRAGMENT_TIMEOUT, PUBLISHED, bump, cached, data_version

VERSION_KEY = PUBLISHED
__all__ = ["FRAGMENT_TIMEOUT", "VERSION_KEY", "bump", "cached", "connect_signals", "data_version"]


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
