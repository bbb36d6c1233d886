"""Finding duplicate candidates: exact keys, fuzzy names and addresses within
a kelurahan, common words, idempotence, decided pairs left alone."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kotacerdas.core.audit import history_for
from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.duplicates import services as merging
from kotacerdas.umkm.duplicates.matching import (
    NAME_MIN,
    Record,
    candidate_pairs,
    exact_pairs,
    frequent_tokens,
    name_similarity,
)
from kotacerdas.umkm.duplicates.services import candidates_find
from kotacerdas.umkm.identifiers import name_key
from kotacerdas.umkm.models import Business, DuplicateCandidate
from tests.factories import RegionFactory
from tests.permissions.rows_umkm_duplicates import KELURAHAN, NIK, OTHER_KELURAHAN, make_business

Kind = DuplicateCandidate.Kind


def rec(pk: int, name: str, address: str = "Jl. Sudirman No. 12", **extra: str) -> Record:
    return Record(
        id=pk,
        kelurahan_code=extra.pop("kelurahan_code", KELURAHAN),
        name_key=name_key(name),
        address=address,
        name=name,
        **extra,
    )


def pairs_of(records: list[Record], **kwargs: object) -> dict[tuple[int, int], str]:
    return {(p.first, p.second): p.kind for p in candidate_pairs(records, **kwargs)}  # type: ignore[arg-type]


# --- Pure matching ---------------------------------------------------------------------------


def test_it_pairs_the_exact_keys_strongest_kind_first():
    records = [
        rec(1, "Toko Berkah", owner_nik=NIK, phone="6281234567891"),
        rec(2, "BERKAH", owner_nik=NIK, phone="6281234567891", kelurahan_code=OTHER_KELURAHAN),
        rec(3, "Bengkel Mulia Motor", nib="1234567890123"),
        rec(4, "Salon Cantika", nib="1234567890123", kelurahan_code=OTHER_KELURAHAN),
        rec(5, "Apotek Sehat", phone="6285211112222"),
        rec(6, "Laundry Kilat", phone="6285211112222", kelurahan_code=OTHER_KELURAHAN),
    ]
    found = {(p.first, p.second): (p.kind, p.score) for p in exact_pairs(records)}
    assert found == {
        (1, 2): (Kind.NIK_NAME, 100),
        (3, 4): (Kind.NIB, 100),
        (5, 6): (Kind.PHONE, 100),
    }


def test_it_does_not_pair_the_same_owner_with_two_different_businesses_by_nik():
    records = [rec(1, "Toko Berkah", owner_nik=NIK), rec(2, "Bengkel Las Jaya", owner_nik=NIK)]
    assert exact_pairs(records) == []


def test_it_pairs_a_large_group_with_its_oldest_member_only():
    records = [rec(i, f"Usaha Nomor {i}", phone="6281111111111") for i in range(1, 31)]
    found = exact_pairs(records)
    assert len(found) == 29
    assert {p.first for p in found} == {1}


def test_it_matches_names_that_differ_only_by_prefix_spelling_and_address_form():
    records = [
        rec(1, "WARUNG BU SITI", "Jl. Sudirman No. 12 RT 02"),
        rec(2, "WRG BU SITI", "Jalan Sudirman No 12"),
        rec(3, "Toko Sinar Harapan", "Jl. Merdeka No. 5"),
        rec(4, "TK. Sinar Harapn", "JL MERDEKA 5"),
    ]
    assert pairs_of(records) == {(1, 2): Kind.FUZZY, (3, 4): Kind.FUZZY}


def test_it_does_not_match_names_that_share_only_common_words():
    records = [
        rec(1, "Toko Berkah Jaya", "Jl. Sudirman No. 12"),
        rec(2, "UD Jaya Abadi", "Jl. Sudirman No. 12"),
        rec(3, "Sumber Rezeki Makmur", "Jl. Sudirman No. 12"),
        rec(4, "Rezeki Mandiri", "Jl. Sudirman No. 12"),
    ]
    assert pairs_of(records) == {}
    assert name_similarity("BERKAH JAYA", "JAYA ABADI", frequent_tokens([])) < NAME_MIN


def test_it_needs_the_address_when_a_name_has_only_common_words():
    same_place = [
        rec(1, "Berkah Jaya", "Jl. Sudirman No. 12"),
        rec(2, "BERKAH JAYA", "Jl Sudirman 12"),
    ]
    other_street = [
        rec(1, "Berkah Jaya", "Jl. Sudirman No. 12"),
        rec(2, "Berkah Jaya", "Gg. Mawar 3"),
    ]
    assert pairs_of(same_place) == {(1, 2): Kind.FUZZY}
    assert pairs_of(other_street) == {}


def test_it_compares_only_within_the_same_kelurahan():
    records = [
        rec(1, "Toko Sinar Harapan"),
        rec(2, "Toko Sinar Harapan", kelurahan_code=OTHER_KELURAHAN),
    ]
    assert pairs_of(records) == {}


def test_it_learns_the_regions_frequent_words_from_their_document_frequency():
    # KOPI is not in the built-in list; in a region of coffee shops it says
    # nothing, and "Kopi Aroma Jaya" / "Aroma" are then the same shop.
    pair = [
        rec(1, "Kedai Kopi Aroma Jaya", "Jl. Sudirman No. 12"),
        rec(2, "Aroma", "Jl. Sudirman 12"),
    ]
    assert pairs_of(pair) == {}
    coffee = [
        rec(10 + i, f"Kopi {w}", kelurahan_code=OTHER_KELURAHAN)
        for i, w in enumerate(
            [
                "Tiam",
                "Senja",
                "Kenangan",
                "Pagi",
                "Hitam",
                "Tubruk",
                "Luwak",
                "Daun",
                "Rakyat",
                "Ujung",
                "Lorong",
                "Pojok",
            ]
        )
    ]
    assert "KOPI" in frequent_tokens(r.name_key for r in pair + coffee)
    assert pairs_of(pair + coffee) == {(1, 2): Kind.FUZZY}


def test_it_reads_a_misspelt_common_word_as_that_word():
    records = [
        rec(1, "Sumber Agung", "Jl. Sudirman No. 12"),
        rec(2, "Sumbr Agung", "Jl. Sudirman 12"),
    ]
    assert pairs_of(records) == {(1, 2): Kind.FUZZY}


def test_it_finds_only_pairs_of_the_given_businesses():
    records = [
        rec(1, "Toko Sinar Harapan"),
        rec(2, "Sinar Harapan"),
        rec(3, "Bengkel Mulia Motor"),
        rec(4, "Bengkel Mulia Motor"),
    ]
    assert pairs_of(records, targets=frozenset({2})) == {(1, 2): Kind.FUZZY}
    assert set(pairs_of(records)) == {(1, 2), (3, 4)}


# --- Stored candidates ---------------------------------------------------------------------------


@pytest.fixture
def region(db):  # type: ignore[no-untyped-def]
    return RegionFactory()


def test_it_stores_each_pair_once_in_order(region):
    a = make_business(region, name="Toko Sinar Harapan")
    b = make_business(region, name="TK Sinar Harapan")
    c = make_business(region, name="Bengkel Las", phone="0812-3456-7891")
    d = make_business(
        region, name="Salon Ayu", phone="+62 812 3456 7891", kelurahan_code=OTHER_KELURAHAN
    )
    found = candidates_find(actor=None, region=region)
    assert found.found[Kind.FUZZY] == 1 and found.found[Kind.PHONE] == 1
    assert found.created_total == 2
    stored = {(x.first_id, x.second_id): x.kind for x in DuplicateCandidate.objects.all()}
    assert stored == {(a.pk, b.pk): Kind.FUZZY, (c.pk, d.pk): Kind.PHONE}
    assert DuplicateCandidate.objects.get(first=a).score >= 80


def test_it_is_idempotent(region):
    make_business(region, name="Toko Sinar Harapan")
    make_business(region, name="TK Sinar Harapan")
    first = candidates_find(actor=None, region=region)
    second = candidates_find(actor=None, region=region)
    assert first.created_total == 1
    assert second.found_total == 1 and second.created_total == 0
    assert DuplicateCandidate.objects.count() == 1


def test_it_records_the_new_candidates_once_in_the_audit_trail(region, officer):
    make_business(region, name="Toko Sinar Harapan")
    make_business(region, name="TK Sinar Harapan")
    candidates_find(actor=officer, region=region)
    candidates_find(actor=officer, region=region)  # nothing new: nothing recorded
    event = history_for(region).get(action=AuditEvent.Action.LOAD)
    assert event.actor == officer
    assert event.after == {"duplicate_candidates": {**dict.fromkeys(Kind.values, 0), "fuzzy": 1}}


def test_it_never_reopens_a_decided_pair(region, officer):
    make_business(region, name="Toko Sinar Harapan")
    make_business(region, name="TK Sinar Harapan")
    candidates_find(actor=None, region=region)
    pair = DuplicateCandidate.objects.get()
    merging.candidate_keep_apart(actor=officer, candidate=pair)
    again = candidates_find(actor=None, region=region)
    assert again.created_total == 0
    pair.refresh_from_db()
    assert pair.state == DuplicateCandidate.State.DISTINCT
    assert DuplicateCandidate.objects.count() == 1


def test_it_skips_merged_and_anonymised_businesses(region):
    a = make_business(region, name="Toko Sinar Harapan")
    b = make_business(region, name="TK Sinar Harapan")
    c = make_business(region, name="Sinar Harapan")
    Business.objects.filter(pk=b.pk).update(merged_into=a)
    Business.objects.filter(pk=c.pk).update(anonymised_at=timezone.now())
    assert candidates_find(actor=None, region=region).found_total == 0


def test_it_limits_a_run_to_the_given_businesses(region):
    a = make_business(region, name="Toko Sinar Harapan")
    b = make_business(region, name="TK Sinar Harapan")
    c = make_business(region, name="Bengkel Mulia Motor")
    make_business(region, name="Bengkel Mulia Motor")
    found = candidates_find(actor=None, region=region, business_ids=[b.pk])
    assert found.created_total == 1
    assert DuplicateCandidate.objects.get().first_id == a.pk
    candidates_find(actor=None, region=region)
    assert DuplicateCandidate.objects.filter(first=c).exists()


def test_the_command_prints_the_counts_as_json(region, capsys):
    make_business(region, name="Toko Sinar Harapan")
    make_business(region, name="TK Sinar Harapan")
    call_command("umkm", "duplicates", "--region", region.code, "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["found"]["fuzzy"] == 1
    assert summary["created_total"] == 1
    assert summary["open"] == 1
    call_command("umkm", "duplicates", "--region", region.code)
    text = capsys.readouterr().out
    assert "0 calon baru" in text and "1 menunggu keputusan" in text


def test_the_command_refuses_an_unknown_region(db):
    with pytest.raises(CommandError, match=r"99\.99"):
        call_command("umkm", "duplicates", "--region", "99.99")
