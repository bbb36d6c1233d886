"""Names written differently only in case, spacing, punctuation or Unicode
form are found at once by an exact key with a second signal (the kelurahan,
or the phone's last digits); the search a kelurahan at a time finds what the
in-memory rules find, in a full run and in a run for a few businesses."""

from __future__ import annotations

import random

import pytest

from kotacerdas.umkm.duplicates.matching import (
    PHONE_TAIL,
    Record,
    candidate_pairs,
    exact_name,
    exact_pairs,
)
from kotacerdas.umkm.duplicates.selectors import region_records
from kotacerdas.umkm.duplicates.services import candidates_find
from kotacerdas.umkm.identifiers import name_key
from kotacerdas.umkm.models import DuplicateCandidate
from tests.factories import RegionFactory
from tests.permissions.rows_umkm_duplicates import KELURAHAN, OTHER_KELURAHAN, make_business

Kind = DuplicateCandidate.Kind


def rec(pk: int, name: str, **extra: str) -> Record:
    return Record(
        id=pk,
        kelurahan_code=extra.pop("kelurahan_code", KELURAHAN),
        name_key=name_key(name),
        address=extra.pop("address", "Jl. Sudirman No. 12"),
        name=name,
        **extra,
    )


def test_it_takes_only_case_spacing_punctuation_and_unicode_form_out_of_a_name():
    assert exact_name("BATIK  TABIR-MELAYU 188.") == exact_name("Batik Tabir Melayu 188")
    full_width = "".join(chr(0xFF21 + ord(c) - ord("A")) for c in "KERIPIK")
    assert exact_name(f"{full_width} Nenas Bu Ani") == exact_name("keripik NENAS BU ANI")
    assert exact_name("D'Lapan Coffee") == exact_name("DLapan coffee")
    # A prefix is a different spelling, not a trivial variant: the fuzzy pass weighs it.
    assert exact_name("Toko Sinar Harapan") != exact_name("Sinar Harapan")
    assert exact_name("Batik Tabir Melayu 188") != exact_name("Batik Tabir Melayu 189")


def test_it_pairs_a_trivial_variant_in_the_same_kelurahan_whatever_the_address():
    records = [
        rec(1, "Batik Tabir Melayu 188", address="Jl. Sudirman No. 12"),
        rec(2, "BATIK  TABIR-MELAYU 188.", address="Gg. Mawar 3, belakang pasar"),
        rec(3, "Batik Tabir Melayu 188", kelurahan_code=OTHER_KELURAHAN),
    ]
    pairs = {(p.first, p.second): (p.kind, p.score) for p in candidate_pairs(records)}
    # Addresses that far apart never make a fuzzy pair: the exact key finds it.
    assert pairs == {(1, 2): (Kind.NAME, 100)}


def test_it_pairs_a_trivial_variant_across_kelurahan_by_the_phone_tail():
    records = [
        rec(1, "Keripik Nenas Bu Ani", phone="6281234567891"),
        # Another operator prefix typed, the same last digits.
        rec(2, "KERIPIK NENAS BU ANI", phone="6285234567891", kelurahan_code=OTHER_KELURAHAN),
        rec(3, "Keripik Nenas Bu Ani", phone="6285299999999", kelurahan_code=OTHER_KELURAHAN),
    ]
    assert "6281234567891"[-PHONE_TAIL:] == "6285234567891"[-PHONE_TAIL:]
    found = {(p.first, p.second): p.kind for p in exact_pairs(records)}
    assert found == {(1, 2): Kind.NAME, (2, 3): Kind.NAME}


def test_it_does_not_pair_two_common_names_of_one_kelurahan_by_the_exact_key_alone():
    records = [
        rec(1, "Berkah Jaya", address="Jl. Sudirman No. 12"),
        rec(2, "BERKAH JAYA", address="Gg. Mawar 3"),
    ]
    assert exact_pairs(records) == []
    assert candidate_pairs(records) == []


def test_a_stronger_key_names_the_pair():
    records = [
        rec(1, "Batik Tabir Melayu 188", phone="6281234567891"),
        rec(2, "BATIK TABIR MELAYU 188", phone="6281234567891"),
    ]
    assert [(p.first, p.second, p.kind) for p in exact_pairs(records)] == [(1, 2, Kind.PHONE)]


# --- Stored, on the database -----------------------------------------------------------------


@pytest.fixture
def region(db):  # type: ignore[no-untyped-def]
    return RegionFactory()


def test_the_search_stores_the_issues_pair_at_once(region):
    first = make_business(region, name="Batik Tabir Melayu 188", phone="081234567891")
    second = make_business(region, name="BATIK  TABIR-MELAYU 188.", address="Gg. Mawar 3", phone="")
    make_business(region, name="Keripik Nenas Bu Ani", address="Jl. Nenas 4")
    found = candidates_find(actor=None, region=region)
    assert found.found[Kind.NAME] == 1
    stored = DuplicateCandidate.objects.get()
    assert (stored.first_id, stored.second_id, stored.kind) == (first.pk, second.pk, Kind.NAME)
    assert candidates_find(actor=None, region=region).created_total == 0


def _survey(region, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """Businesses with every kind of likeness: trivial variants, typos,
    prefixes, shared phones and phone tails across kelurahan, common names."""
    words = ["Tabir", "Melayu", "Nenas", "Harapan", "Cantika", "Bahari", "Selasih", "Kenanga"]
    common = ["Berkah", "Jaya", "Makmur", "Sumber"]
    streets = ["Jl. Sudirman", "Jl. Merdeka", "Gg. Mawar"]
    for n in range(40):
        name = " ".join(rng.sample(words, rng.choice((1, 2))) + rng.sample(common, 1))
        if rng.random() < 0.3:
            name = f"Toko {name}"
        variant = rng.choice(
            [name.upper(), name.replace(" ", "  ") + ".", name[:-1], f"TK {name}", name]
        )
        phone = f"08{rng.choice((12, 13, 52))}3456{n % 7:04d}" if rng.random() < 0.5 else ""
        for text in (name, variant) if rng.random() < 0.5 else (name,):
            make_business(
                region,
                name=text,
                kelurahan_code=rng.choice((KELURAHAN, OTHER_KELURAHAN)),
                address=f"{rng.choice(streets)} No. {rng.randint(1, 4)}",
                phone=phone if rng.random() < 0.7 else "",
            )


def test_the_stored_pairs_are_the_in_memory_rules_pairs(region):
    _survey(region, random.Random(20))
    expected = {(p.first, p.second): p.kind for p in candidate_pairs(region_records(region))}
    assert {kind for kind in expected.values()} >= {Kind.NAME, Kind.FUZZY, Kind.PHONE}
    candidates_find(actor=None, region=region)
    stored = {
        (c.first_id, c.second_id): c.kind for c in DuplicateCandidate.objects.filter(region=region)
    }
    assert stored == expected


def test_a_run_for_some_businesses_finds_what_the_full_run_finds_for_them(region):
    _survey(region, random.Random(21))
    records = region_records(region)
    everything = {(p.first, p.second): p.kind for p in candidate_pairs(records)}
    some = {r.id for r in records[::5]}
    found = candidates_find(actor=None, region=region, business_ids=some)
    stored = {
        (c.first_id, c.second_id): c.kind for c in DuplicateCandidate.objects.filter(region=region)
    }
    wanted = {pair: kind for pair, kind in everything.items() if set(pair) & some}
    assert wanted and stored == wanted
    assert found.found_total == len(wanted)


def test_a_run_for_many_businesses_reads_their_kelurahan_without_listing_them_in_sql(
    region, monkeypatch
):
    from kotacerdas.umkm.duplicates import selectors

    _survey(region, random.Random(22))
    records = region_records(region)
    everything = {(p.first, p.second) for p in candidate_pairs(records)}
    monkeypatch.setattr(selectors, "_FEW_TARGETS", 3)  # as if an import added thousands
    some = {r.id for r in records[::2]}
    candidates_find(actor=None, region=region, business_ids=some)
    stored = set(
        DuplicateCandidate.objects.filter(region=region).values_list("first_id", "second_id")
    )
    assert stored == {pair for pair in everything if set(pair) & some}


def test_a_long_name_still_meets_a_shorter_spelling_of_it():
    # Five distinctive words: one left out still scores above NAME_MIN, so a
    # long name meets every name sharing one of its words, not only those
    # with the same words.
    records = [
        rec(1, "Rumah Makan Padang Sederhana Bundo Kanduang Minang"),
        rec(2, "Padang Sederhana Bundo Kanduang", address="Jl Sudirman 12"),
        rec(3, "Sate Padang Ajo Ramon", address="Jl Sudirman 12"),
    ]
    assert {(p.first, p.second): p.kind for p in candidate_pairs(records)} == {(1, 2): Kind.FUZZY}
