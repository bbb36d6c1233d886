"""The comparison's cache: its table is kept per published data version
(core/caching.py ``PUBLISHED``: snapshots, masterplans, regions), per
version of the evaluation's publications (:data:`EVALUATED`, bumped here),
the person's role scope, the province, the sort and the region's day.
Every part of the key is a checked choice (a province of the reference, a
column of ``SORT_KEYS``), never typed text, so the cache cannot be filled
with arbitrary keys."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from kotacerdas.core.caching import bump

EVALUATED = "national:evaluation-version"


def _evaluation_changed(sender: type[Model], **kwargs: Any) -> None:
    # After the commit, as the portal does: bumping inside the transaction
    # would let a reader cache a table from the old rows under the new number.
    transaction.on_commit(lambda: bump(EVALUATED))


def connect_signals() -> None:
    from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision

    for model in (EvaluationCycle, ResultRevision):
        for signal in (post_save, post_delete):
            signal.connect(
                _evaluation_changed, sender=model, dispatch_uid=f"national-{model.__name__}"
            )
