"""Merging two businesses, undoing a merge, keeping a pair apart: audited,
reversible, and never putting a full NIK in the audit trail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from kotacerdas.core.audit import history_for
from kotacerdas.umkm.duplicates import services as merging
from kotacerdas.umkm.models import Business, BusinessMerge, DuplicateCandidate
from kotacerdas.umkm.registry import services
from tests.permissions.rows_umkm_duplicates import NIK, make_business, make_pair

pytestmark = pytest.mark.usefixtures("shared_world")

State = DuplicateCandidate.State


def state_of(business: Business) -> dict[str, Any]:
    """Every stored field except the modification time."""
    business.refresh_from_db()
    return {
        f.attname: getattr(business, f.attname)
        for f in Business._meta.concrete_fields
        if f.attname != "updated_at"
    }


@pytest.fixture
def pair(world) -> DuplicateCandidate:  # type: ignore[no-untyped-def]
    return make_pair(
        world.region, nib="9120001234567", year_started=2015, address="", sells_online=True
    )


def test_it_folds_the_other_business_into_the_survivor(pair, officer):
    keep, gone = pair.second, pair.first
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    keep.refresh_from_db()
    gone.refresh_from_db()
    assert gone.merged_into_id == keep.pk
    assert keep.merged_into_id is None
    # Empty fields filled from the other; the survivor's own values kept.
    assert keep.owner_nik == NIK and keep.phone == "6281234567891" and keep.workers == 3
    assert keep.address == "Jl. Sudirman No. 12 RT 02"  # was empty
    assert keep.name == "TK Sinar Harapn" and keep.nib == "9120001234567"
    assert keep.size_class == "mikro"  # derived again from the capital it took over
    pair.refresh_from_db()
    assert pair.state == State.MERGED and pair.decided_by == officer and pair.decided_at
    assert merge.candidate == pair and merge.merged_by == officer
    assert merge.survivor_before["owner_nik"] == "" and merge.survivor_before["capital"] is None
    assert NIK not in json.dumps(merge.survivor_before)


def test_the_survivor_takes_over_the_nib_of_the_merged_business(pair, officer):
    keep, gone = pair.first, pair.second  # the first has no NIB, the second has
    merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    keep.refresh_from_db()
    assert keep.nib == "9120001234567"
    assert Business.objects.filter(nib="9120001234567").count() == 2
    # The NIB stays unique among businesses that are not merged away.
    gone.refresh_from_db()
    gone.merged_into = None
    with pytest.raises(IntegrityError):
        gone.save(update_fields=["merged_into"])


def test_undo_restores_both_exactly(pair, officer):
    keep, gone = pair.first, pair.second
    before_keep, before_gone = state_of(keep), state_of(gone)
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    assert state_of(keep) != before_keep
    merging.business_merge_undo(actor=officer, merge=merge)
    assert state_of(keep) == before_keep
    assert state_of(gone) == before_gone
    pair.refresh_from_db()
    assert pair.state == State.OPEN and pair.decided_by is None and pair.decided_at is None
    merge.refresh_from_db()
    assert merge.undone_by == officer and merge.undone_at is not None


def test_the_merge_and_its_undo_are_audited_on_both_businesses_without_the_nik(pair, officer):
    keep, gone = pair.second, pair.first
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    merging.business_merge_undo(actor=officer, merge=merge)
    keep_events = list(history_for(keep).order_by("id"))
    gone_events = list(history_for(gone).order_by("id"))
    # create, merge, undo
    assert [e.action for e in keep_events] == ["create", "update", "update"]
    assert [e.action for e in gone_events] == ["create", "update", "update"]
    assert gone_events[1].after["merged_into"] == keep.pk
    assert gone_events[2].after["merged_into"] is None
    assert keep_events[1].before["owner_nik"] == ""
    assert keep_events[1].after["owner_nik"] == "147201**********"
    assert all(e.actor == officer for e in keep_events[1:] + gone_events[1:])
    for event in keep_events + gone_events:
        dumped = json.dumps([event.before, event.after])
        assert NIK not in dumped and "Siti Aminah" not in dumped and "Sudirman" not in dumped


def test_it_refuses_a_survivor_outside_the_pair(pair, world):
    stranger = make_business(world.region, name="Bengkel Mulia")
    with pytest.raises(ValidationError, match="salah satu"):
        merging.business_merge(actor=None, candidate=pair, survivor=stranger)


def test_it_refuses_a_decided_pair(pair, officer):
    merging.candidate_keep_apart(actor=officer, candidate=pair)
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        merging.business_merge(actor=officer, candidate=pair, survivor=pair.first)
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        merging.candidate_keep_apart(actor=officer, candidate=pair)


def test_it_refuses_to_merge_a_business_already_merged_elsewhere(pair, world, officer):
    third = make_business(world.region, name="Sinar Harapan")
    merging.business_merge(actor=officer, candidate=pair, survivor=pair.first)
    later = DuplicateCandidate.objects.create(
        region=world.region, first=pair.second, second=third, kind="fuzzy", score=88
    )
    with pytest.raises(ValidationError, match="sudah digabung"):
        merging.business_merge(actor=officer, candidate=later, survivor=third)
    third.refresh_from_db()
    assert third.merged_into_id is None


def test_it_refuses_to_undo_twice(pair, officer):
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=pair.first)
    merging.business_merge_undo(actor=officer, merge=merge)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        merging.business_merge_undo(actor=officer, merge=merge)


def test_it_refuses_to_undo_when_the_survivor_was_merged_again(pair, world, officer):
    keep = pair.first
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    third = make_business(world.region, name="Sinar Harapan Baru", kelurahan_code="14.72.01.1006")
    again = DuplicateCandidate.objects.create(
        region=world.region, first=keep, second=third, kind="fuzzy", score=85
    )
    merging.business_merge(actor=officer, candidate=again, survivor=third)
    with pytest.raises(ValidationError, match="digabung lagi"):
        merging.business_merge_undo(actor=officer, merge=merge)


def test_it_refuses_to_undo_when_what_the_merge_brought_was_changed(pair, officer):
    keep = pair.second
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    keep.refresh_from_db()
    services.business_update(actor=officer, business=keep, data={"workers": 9})
    with pytest.raises(ValidationError, match="jumlah tenaga kerja"):
        merging.business_merge_undo(actor=officer, merge=merge)
    assert BusinessMerge.objects.get().undone_at is None


def test_undo_keeps_later_edits_of_other_fields(pair, officer):
    keep = pair.second
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    keep.refresh_from_db()
    services.business_update(actor=officer, business=keep, data={"name": "Sinar Harapan Dua"})
    merging.business_merge_undo(actor=officer, merge=merge)
    keep.refresh_from_db()
    assert keep.name == "Sinar Harapan Dua" and keep.owner_nik == "" and keep.workers is None


def test_it_refuses_to_undo_when_the_nib_went_to_another_business(pair, world, officer):
    keep, gone = pair.first, pair.second
    services.business_update(actor=officer, business=keep, data={"nib": "9120009999999"})
    merge = merging.business_merge(actor=officer, candidate=pair, survivor=keep)
    # While the second is merged away its NIB is free: someone registers it.
    make_business(world.region, name="Pemilik NIB Baru", nib="9120001234567")
    with pytest.raises(ValidationError, match="NIB usaha"):
        merging.business_merge_undo(actor=officer, merge=merge)
    gone.refresh_from_db()
    assert gone.merged_into_id == keep.pk


def test_keep_apart_is_audited(pair, officer):
    merging.candidate_keep_apart(actor=officer, candidate=pair)
    pair.refresh_from_db()
    assert pair.state == State.DISTINCT and pair.decided_by == officer
    event = history_for(pair).get()
    assert event.before["state"] == "open" and event.after["state"] == "distinct"
    assert event.actor == officer
