"""Writes of the duplicate review: find and store candidates, merge two
businesses, undo a merge, or keep two businesses apart. Each is one
transaction with its audit events.

A merge never deletes: the merged business stays in the database with
``merged_into`` set (hidden from lists and counts), and the survivor's empty
fields are filled from it. :class:`BusinessMerge` remembers what the
survivor held before (``survivor_before``: only the fields the merge changed,
whose prior values were empty, so no personal data is copied there), so that
an undo restores both exactly.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from decimal import Decimal
from multiprocessing.pool import AsyncResult
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import full_clean
from kotacerdas.regions.models import Region
from kotacerdas.umkm.duplicates.matching import (
    KELURAHAN,
    REGION,
    FoundCandidates,
    Pair,
    Record,
    canonical_words,
    exact_pairs,
    frequent_tokens_counted,
    fuzzy_pairs,
    word_neighbours,
)
from kotacerdas.umkm.duplicates.models import BusinessMerge, DuplicateCandidate
from kotacerdas.umkm.duplicates.selectors import (
    COMPANIONS,
    FILL_FIELDS,
    field_label,
    fields_to_fill,
    kelurahan_records,
    region_kelurahan_codes,
    region_linked_records,
    region_name_counts,
)
from kotacerdas.umkm.registry.models import DERIVED_FIELDS, Business
from kotacerdas.umkm.registry.services import audit_snapshot

logger = logging.getLogger(__name__)


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _from_json(name: str, value: Any) -> Any:
    field = Business._meta.get_field(name)
    return None if value is None else field.to_python(value)  # type: ignore[union-attr]


def _locked(business_id: int) -> Business:
    return Business.objects.select_for_update().select_related("region").get(pk=business_id)


def _audit(actor: Actor, business: Business, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=business,
        before=before,
        after=audit_snapshot(business),
        region_code=business.region.code,
    )


def business_merge(
    *, actor: Actor, candidate: DuplicateCandidate, survivor: Business
) -> BusinessMerge:
    """Fold the other business of ``candidate`` into ``survivor``."""
    if survivor.pk not in (candidate.first_id, candidate.second_id):
        raise ValidationError(_("Usaha yang dipertahankan harus salah satu dari pasangan ini."))
    with transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.state != DuplicateCandidate.State.OPEN:
            raise ValidationError(
                _("Pasangan ini sudah diputuskan (%(state)s).")
                % {"state": candidate.get_state_display()}
            )
        keep = _locked(survivor.pk)
        other_id = candidate.second_id if keep.pk == candidate.first_id else candidate.first_id
        gone = _locked(other_id)
        for business in (keep, gone):
            if business.merged_into_id is not None:
                raise ValidationError(
                    _("Usaha %(name)s sudah digabung ke usaha lain.") % {"name": business.name}
                )
            if business.anonymised_at is not None:
                raise ValidationError(
                    _("Usaha %(name)s sudah dianonimkan dan tidak dapat digabung.")
                    % {"name": business.name}
                )
        keep_before, gone_before = audit_snapshot(keep), audit_snapshot(gone)
        # The merged business leaves the active registry first: the NIB is
        # unique only among businesses not merged away, so the survivor may
        # take it over only once the other is hidden.
        gone.merged_into = keep
        gone.save(update_fields=["merged_into"])

        prior = {name: getattr(keep, name) for name in (*_all_fill_fields(), *DERIVED_FIELDS)}
        for name in fields_to_fill(keep, gone):
            for field in (name, *COMPANIONS.get(name, ())):
                setattr(keep, field, getattr(gone, field))
        full_clean(keep)
        changed = [name for name, value in prior.items() if getattr(keep, name) != value]
        if changed:
            keep.save(update_fields=changed)

        candidate.state = DuplicateCandidate.State.MERGED
        candidate.decided_by = actor if actor is not None and actor.is_authenticated else None  # type: ignore[assignment]
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["state", "decided_by", "decided_at"])
        merge = BusinessMerge.objects.create(
            survivor=keep,
            merged=gone,
            candidate=candidate,
            survivor_before={name: _json(prior[name]) for name in changed},
            merged_by=candidate.decided_by,
            merged_at=candidate.decided_at,
        )
        _audit(actor, keep, keep_before)
        _audit(actor, gone, gone_before)
    return merge


def _all_fill_fields() -> tuple[str, ...]:
    return tuple(field for name in FILL_FIELDS for field in (name, *COMPANIONS.get(name, ())))


def business_merge_undo(*, actor: Actor, merge: BusinessMerge) -> BusinessMerge:
    """Restore both businesses of ``merge`` as they were before it and reopen
    its candidate. Refused when the merge is already undone, when either
    business was merged again or anonymised since, or when what the merge
    brought into the survivor was changed since (an undo would lose it)."""
    with transaction.atomic():
        merge = BusinessMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError(_("Penggabungan ini sudah dibatalkan."))
        keep = _locked(merge.survivor_id)
        gone = _locked(merge.merged_id)
        if gone.merged_into_id != keep.pk:
            raise ValidationError(
                _(
                    "Usaha %(name)s tidak lagi tergabung ke usaha ini; pembatalan tidak dapat "
                    "dilakukan."
                )
                % {"name": gone.name}
            )
        if keep.merged_into_id is not None:
            raise ValidationError(
                _(
                    "Usaha %(name)s sudah digabung lagi ke usaha lain; batalkan penggabungan itu "
                    "lebih dulu."
                )
                % {"name": keep.name}
            )
        if keep.anonymised_at is not None or gone.anonymised_at is not None:
            raise ValidationError(
                _("Data pribadi usaha ini sudah dianonimkan; pembatalan tidak dapat dilakukan.")
            )
        copied = [name for name in merge.survivor_before if name in _all_fill_fields()]
        edited = [
            field_label(name) for name in copied if getattr(keep, name) != getattr(gone, name)
        ]
        if edited:
            raise ValidationError(
                _(
                    "Isian %(fields)s usaha %(name)s diubah sesudah penggabungan; membatalkan "
                    "akan menghapus perubahan itu. Sesuaikan datanya secara manual."
                )
                % {"fields": ", ".join(edited), "name": keep.name}
            )
        if gone.nib:
            # The survivor gives back a NIB it took over; anyone else holding it
            # now blocks the undo (two active businesses cannot share a NIB).
            holders = Business.objects.filter(
                region_id=gone.region_id, nib=gone.nib, merged_into__isnull=True
            ).exclude(pk=gone.pk)
            if "nib" in copied:
                holders = holders.exclude(pk=keep.pk)
            if holders.exists():
                raise ValidationError(
                    _(
                        "NIB usaha %(name)s kini dipakai usaha lain; pembatalan tidak dapat "
                        "dilakukan."
                    )
                    % {"name": gone.name}
                )
        keep_before, gone_before = audit_snapshot(keep), audit_snapshot(gone)
        for name, value in merge.survivor_before.items():
            setattr(keep, name, _from_json(name, value))
        keep.derive()
        restored = [*merge.survivor_before, *DERIVED_FIELDS]
        keep.save(update_fields=sorted(set(restored)))
        gone.merged_into = None
        gone.save(update_fields=["merged_into"])

        now = timezone.now()
        user = actor if actor is not None and actor.is_authenticated else None
        merge.undone_by = user  # type: ignore[assignment]
        merge.undone_at = now
        merge.save(update_fields=["undone_by", "undone_at"])
        if merge.candidate_id is not None:
            DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
                state=DuplicateCandidate.State.OPEN, decided_by=None, decided_at=None
            )
        _audit(actor, keep, keep_before)
        _audit(actor, gone, gone_before)
    return merge


def candidate_keep_apart(*, actor: Actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """The officer decides the two are different businesses; the pair is
    never proposed again."""
    with transaction.atomic():
        candidate = (
            DuplicateCandidate.objects.select_for_update()
            .select_related("region")
            .get(pk=candidate.pk)
        )
        if candidate.state != DuplicateCandidate.State.OPEN:
            raise ValidationError(
                _("Pasangan ini sudah diputuskan (%(state)s).")
                % {"state": candidate.get_state_display()}
            )
        before = {"state": candidate.state, "decided_by": None, "decided_at": None}
        candidate.state = DuplicateCandidate.State.DISTINCT
        candidate.decided_by = actor if actor is not None and actor.is_authenticated else None  # type: ignore[assignment]
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=candidate,
            before=before,
            after={
                "state": candidate.state,
                "decided_by": candidate.decided_by_id,
                "decided_at": candidate.decided_at.isoformat(),
            },
            region_code=candidate.region.code,
        )
    return candidate


# Candidates stored per transaction.
WRITE_CHUNK = 2000


class _CandidateWriter:
    """Stores the new pairs as they are found, in short transactions (the
    rows are idempotent: a pair stored twice is ignored), so that a large
    search never holds the database's write lock for long (SQLite: other
    users' writes would wait) nor keeps every pair in memory. The rows go in
    by one prepared ``INSERT … ON CONFLICT DO NOTHING`` (what
    ``bulk_create(ignore_conflicts=True)`` writes, without a model instance
    per pair: 60 µs each at 48,000 pairs)."""

    COLUMNS = ("region_id", "first_id", "second_id", "kind", "score", "state", "found_at")

    def __init__(self, region: Region, result: FoundCandidates) -> None:
        self.region = region
        self.result = result
        self.existing = set(
            DuplicateCandidate.objects.filter(region=region).values_list("first_id", "second_id")
        )
        self.pending: list[tuple[Any, ...]] = []
        meta = DuplicateCandidate._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in self.COLUMNS)
        placeholders = ", ".join(["%s"] * len(self.COLUMNS))
        self.sql = (
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({placeholders}) ON CONFLICT DO NOTHING"
        )
        self.found_at = fields["found_at"]

    def add(self, pairs: Iterable[Pair]) -> None:
        found, created = self.result.found, self.result.created
        region, state = self.region.pk, DuplicateCandidate.State.OPEN.value
        for p in pairs:
            found[p.kind] += 1
            key = (p.first, p.second)
            if key in self.existing:
                continue
            self.existing.add(key)
            created[p.kind] += 1
            self.pending.append((region, p.first, p.second, str(p.kind), p.score, state))
            if len(self.pending) >= WRITE_CHUNK:
                self.flush()

    def flush(self) -> None:
        if self.pending:
            now = self.found_at.get_db_prep_save(timezone.now(), connection)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(self.sql, [(*row, now) for row in self.pending])
            self.pending = []


# The kelurahan passes run in this many processes besides the one reading
# and writing, from a region of PARALLEL_MIN businesses up (where forking is
# available). They only match records handed to them: the database stays
# with the calling process (its connection, its transaction).
PARALLEL_WORKERS = 2
PARALLEL_MIN = 100_000
_WORKER_RULES: dict[str, Any] = {}  # set in a forked process only (_worker_start)


def _other_threads() -> bool:
    return threading.active_count() > 1


def _workers(businesses: int, kelurahan: int) -> int:
    if businesses < PARALLEL_MIN or kelurahan < 2:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if multiprocessing.current_process().daemon:  # may not have children
        return 0
    # A fork copies one thread: with others running (the task worker's
    # heartbeat, a web server's threads) a lock one of them held (logging,
    # the allocator) would stay locked in the child for ever.
    if _other_threads():
        return 0
    return min(PARALLEL_WORKERS, os.cpu_count() or 1, kelurahan)


def _kelurahan_match(
    block: list[Record], rules: dict[str, Any] | None = None
) -> tuple[list[Pair], list[Pair]]:
    """One kelurahan's new pairs: the name-and-kelurahan key's, then the
    fuzzy pass's (pairs of two businesses of the kelurahan: the pairs found by
    the other kelurahan's keys are never among them)."""
    m = _WORKER_RULES if rules is None else rules
    found, targets = m["found"], m["targets"]
    frequent, canonical = m["frequent"], m["canonical"]
    keyed = exact_pairs(block, targets, scope=KELURAHAN, frequent=frequent, canonical=canonical)
    named = [p for p in keyed if (p.first, p.second) not in found]
    skip = found | {(p.first, p.second) for p in named} if named else found
    fuzzy = fuzzy_pairs(block, frequent, targets, skip, canonical, m["neighbours"])
    return named, fuzzy


def _worker_start(rules: dict[str, Any]) -> None:
    # Forked: the rules come with the process's memory, not through a pipe.
    _WORKER_RULES.update(rules)


def _matched(
    blocks: Iterable[list[Record]], rules: dict[str, Any], workers: int
) -> Iterator[tuple[list[Pair], list[Pair]]]:
    """:func:`_kelurahan_match` of each block, in order: here, or by
    ``workers`` forked processes while this one reads the next kelurahan
    (a few blocks ahead at most: memory stays a few kelurahan)."""
    if not workers:
        for block in blocks:
            yield _kelurahan_match(block, rules)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_start, initargs=(rules,)) as pool:
        pending: deque[AsyncResult[tuple[list[Pair], list[Pair]]]] = deque()
        for block in blocks:
            pending.append(pool.apply_async(_kelurahan_match, (block,)))
            while len(pending) > workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def candidates_find(
    *,
    actor: Actor,
    region: Region,
    business_ids: Iterable[int] | None = None,
    record_run: bool = False,
) -> FoundCandidates:
    """Find the region's duplicate candidates (those involving
    ``business_ids`` when given, e.g. after an import or a saved entry) and
    store the new ones, with one audit event on the region that counts them.

    The same rules as :func:`~kotacerdas.umkm.duplicates.matching.candidate_pairs`,
    a piece at a time so that memory stays bounded at a million businesses:
    the frequent words from the name keys the database groups; the
    region-wide exact keys among the businesses the database finds linked
    by one (:func:`region_linked_records`); then each kelurahan (only those
    of ``business_ids`` when given) on its own, for the name-and-kelurahan
    key and the fuzzy pass.

    Idempotent: a pair already stored, whatever its state, is left alone, so
    running twice creates nothing (and records nothing, unless
    ``record_run``: a search someone asked for is recorded even when it
    finds nothing new) and a pair an officer merged or kept apart is never
    reopened."""
    targets = None if business_ids is None else frozenset(business_ids)
    counts = region_name_counts(region)
    frequent = frequent_tokens_counted(counts)
    canonical = canonical_words((key for key, _n in counts), frequent)
    neighbours = word_neighbours((key for key, _n in counts), frequent, canonical)
    result = FoundCandidates(businesses=sum(n for _key, n in counts))
    writer = _CandidateWriter(region, result)

    rules = {"frequent": frequent, "canonical": canonical}
    linked = region_linked_records(region, targets)
    exact = exact_pairs(linked, targets, scope=REGION, **rules)  # type: ignore[arg-type]
    found = {(p.first, p.second) for p in exact}
    writer.add(exact)
    del linked
    # Each kelurahan on its own, here or in forked processes (PARALLEL_MIN).
    every = {"targets": targets, "found": found, "neighbours": neighbours, **rules}
    codes = region_kelurahan_codes(region, targets)
    blocks = (kelurahan_records(region, code) for code in codes)
    for named, fuzzy in _matched(blocks, every, _workers(result.businesses, len(codes))):
        writer.add(named)
        writer.add(fuzzy)
    writer.flush()
    if result.created_total or record_run:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditEvent.Action.LOAD,
                instance=region,
                after={"duplicate_candidates": dict(result.created)},
                region_code=region.code,
            )
    return result


# A region up to this many live businesses is searched at once (well under a
# second, docs/benchmarks.md); a bigger one in the background, by the worker.
SYNC_LIMIT = 20_000
FIND_TASK = "kotacerdas.umkm.tasks.duplicates_find"


def _small(region: Region) -> bool:
    live = Business.objects.filter(region=region, merged_into__isnull=True)
    return not live[SYNC_LIMIT : SYNC_LIMIT + 1].exists()


def candidates_find_soon(
    *,
    actor: Actor,
    region: Region,
    business_ids: Iterable[int] | None = None,
    record_run: bool = False,
) -> FoundCandidates | None:
    """:func:`candidates_find` now when the region is small, else queued for
    the worker (returns None then). Called after every new or changed
    business (the registry's after-save hook, see ``UmkmConfig.ready``) and
    by the "search now" button of the duplicates page."""
    ids = None if business_ids is None else sorted(set(business_ids))
    if _small(region):
        return candidates_find(actor=actor, region=region, business_ids=ids, record_run=record_run)
    actor_id = getattr(actor, "pk", None)
    import_string(FIND_TASK).enqueue(
        region_id=region.pk, business_ids=ids, actor_id=actor_id, record_run=record_run
    )
    return None


def candidates_find_added(*, actor: Actor, region: Region, after_id: int) -> None:
    """After a bulk write (the import command): check the businesses of
    ``region`` added above ``after_id`` (``registry.selectors.last_business_id``)."""
    ids = list(Business.objects.filter(region=region, pk__gt=after_id).values_list("id", flat=True))
    if ids:
        candidates_find_soon(actor=actor, region=region, business_ids=ids)


def after_business_saved(*, actor: Actor, business: Business) -> None:
    """After a business was registered or changed (and committed): put it in
    the duplicate review queue if it looks like another one. A failure is
    logged, never shown to the person who saved the business: the saved
    entry stands, and the next search of the region finds the pair."""
    try:
        candidates_find_soon(actor=actor, region=business.region, business_ids=[business.pk])
    except Exception:
        logger.exception("duplicate search after saving business %s failed", business.pk)
