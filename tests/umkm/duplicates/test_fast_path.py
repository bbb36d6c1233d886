"""The fuzzy pass's fast path (issue 20: a million businesses) finds exactly
the pairs the plain statement of its rules finds, with the same scores, and
the kelurahan passes in worker processes store the in-memory rules' pairs.

The fast path pairs a block's members in C and looks a typo up once per
distinct word set, through the neighbours present in the kelurahan. A
generated kelurahan-dense registry (a small vocabulary: large blocks, typos
colliding with real words) goes through :func:`fuzzy_pairs` and through a
reference written plainly from the rules — every name with the same
distinctive words, or the same but for one word replaced by one of its
neighbours; heavy names by a shared spelling; names of only frequent words
by house number — each blocked pair scored by the public
:func:`name_similarity`, :func:`address_similarity` and :func:`fuzzy_score`."""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import combinations

import pytest

from kotacerdas.umkm.duplicates import matching
from kotacerdas.umkm.duplicates import services as duplicates
from kotacerdas.umkm.duplicates.matching import (
    FUZZY_THRESHOLD,
    HEAVY_WEIGHT,
    MAX_TOKEN_BLOCK,
    NAME_MIN,
    Record,
    address_key,
    address_similarity,
    candidate_pairs,
    canonical_words,
    frequent_tokens,
    fuzzy_pairs,
    fuzzy_score,
    name_similarity,
    word_neighbours,
)
from kotacerdas.umkm.duplicates.selectors import region_records
from kotacerdas.umkm.identifiers import name_key
from kotacerdas.umkm.models import DuplicateCandidate
from tests.factories import RegionFactory
from tests.umkm.duplicates.test_exact_names import _survey

Kind = DuplicateCandidate.Kind

KELURAHAN = ("14.72.01.1001", "14.72.01.1002", "14.72.02.1001")
COMMON = ("BERKAH", "JAYA", "MAKMUR", "SUMBER", "REZEKI", "SINAR", "MAJU", "AGUNG")
SYLLABLES = ("KA", "RA", "SI", "TI", "MA", "NU", "DE", "LA", "SA", "RI")
STREETS = ("Sudirman", "Diponegoro", "Merdeka Raya", "Nangka I")


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    change = rng.random()
    if change < 0.4:
        return word[:i] + word[i + 1 :]
    if change < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _registry(rows: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    words = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3)))) for _ in range(120)}
    )
    records = []
    for pk in range(1, rows + 1):
        shape = rng.random()
        if shape < 0.15:
            name = f"{rng.choice(COMMON)} {rng.choice(COMMON)}"
        elif shape < 0.55:
            name = f"{rng.choice(COMMON)} {rng.choice(words)}"
        elif shape < 0.75:
            name = f"Toko {rng.choice(words)} {rng.choice(COMMON)}"
        elif shape < 0.9:
            name = f"{rng.choice(words)} {rng.choice(words)}"
        else:  # a heavy name: four distinctive words
            name = " ".join(rng.choice(words) for _ in range(4))
        if rng.random() < 0.3:
            parts = name.split()
            k = rng.randrange(len(parts))
            parts[k] = _typo(rng, parts[k])
            name = " ".join(parts)
        if rng.random() < 0.3:
            name = name.title()
        roll = rng.random()
        if roll < 0.15:
            address = ""
        elif roll < 0.3:
            address = f"Jl. {rng.choice(STREETS)}"
        else:
            address = f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 12)} RT 0{rng.randint(1, 4)}"
        records.append(
            Record(
                id=pk,
                kelurahan_code=rng.choice(KELURAHAN),
                name_key=name_key(name),
                address=address,
                name=name,
            )
        )
    return records


def _reference_blocking(
    names: list[str],
    rare: list[list[str]],
    heavy: list[bool],
    neighbours: dict[str, list[str]],
    numbers: list[int | bool | None],
) -> set[tuple[int, int]]:
    """The blocking as the rules state it, pair by pair (no targets)."""
    index: dict[str, list[int]] = defaultdict(list)
    keys: list[list[str]] = []
    for i, tokens in enumerate(rare):
        words = sorted(tokens)
        keys.append(words)
        if tokens:
            index[" ".join(words)].append(i)
        else:
            index["=" + " ".join(sorted(set(names[i].split())))].append(i)
    found: set[tuple[int, int]] = set()
    for key, members in index.items():
        if not 1 < len(members) <= MAX_TOKEN_BLOCK:
            continue
        if key.startswith("="):
            found.update(matching._common_only_pairs(members, numbers, None))
        else:
            found.update(combinations(members, 2))
    for i, words in enumerate(keys):
        for k, word in enumerate(words):
            for other in neighbours.get(word, ()):
                others = index.get(" ".join(sorted([*words[:k], other, *words[k + 1 :]])), [])
                if 0 < len(others) <= MAX_TOKEN_BLOCK:
                    found.update((i, j) for j in others if i < j)
    spelt: dict[str, list[int]] = defaultdict(list)
    for i, tokens in enumerate(rare):
        for key in {key for token in tokens for key in matching.spellings(token)}:
            spelt[key].append(i)
    for members in spelt.values():
        if 1 < len(members) <= MAX_TOKEN_BLOCK:
            for i in members:
                if heavy[i]:
                    found.update((min(i, j), max(i, j)) for j in members if j != i)
    return found


def _reference_pairs(records: list[Record]) -> dict[tuple[int, int], int]:
    frequent = frequent_tokens(r.name_key for r in records)
    canonical = canonical_words((r.name_key for r in records), frequent)
    neighbours = word_neighbours((r.name_key for r in records), frequent, canonical)
    pairs: dict[tuple[int, int], int] = {}
    for code in KELURAHAN:
        block = [r for r in records if r.kelurahan_code == code]
        names = [" ".join(canonical.get(w, w) for w in r.name_key.split()) for r in block]
        rare = [[t for t in dict.fromkeys(n.split()) if t not in frequent] for n in names]
        heavy = [
            sum(matching.FREQUENT_WEIGHT if w in frequent else 1.0 for w in n.split())
            >= HEAVY_WEIGHT
            for n in names
        ]
        addresses = [address_key(r.address) for r in block]
        numbers: list[int | bool | None] = [
            None
            if tokens
            else (False if not addresses[k] else matching._address_parts(addresses[k])[1])
            for k, tokens in enumerate(rare)
        ]
        for i, j in _reference_blocking(names, rare, heavy, neighbours, numbers):
            name = name_similarity(names[i], names[j], frequent)
            if name < NAME_MIN:
                continue
            score = fuzzy_score(
                name,
                address_similarity(addresses[i], addresses[j]),
                distinctive=bool(rare[i] and rare[j]),
            )
            if score >= FUZZY_THRESHOLD:
                a, b = sorted((block[i].id, block[j].id))
                pairs[a, b] = min(score, 100)
    return pairs


def test_the_fast_fuzzy_pass_finds_the_reference_pairs_with_the_same_scores():
    records = _registry(2400, seed=20)
    frequent = frequent_tokens(r.name_key for r in records)
    canonical = canonical_words((r.name_key for r in records), frequent)
    found = fuzzy_pairs(records, frequent, None, None, canonical)
    fast = {(p.first, p.second): p.score for p in found}
    reference = _reference_pairs(records)
    # Dense enough to mean something: hundreds of pairs, typos and heavy names among them.
    assert len(reference) > 200
    assert fast == reference


# --- The kelurahan passes in forked processes ----------------------------------------------


@pytest.fixture
def region(db):  # type: ignore[no-untyped-def]
    return RegionFactory()


@pytest.mark.parametrize("some", [False, True], ids=["full run", "run for some businesses"])
def test_the_kelurahan_passes_in_worker_processes_store_the_rules_pairs(region, monkeypatch, some):
    # The workers only match the records handed to them: the businesses are
    # read, and the pairs written, by this process in the test's transaction.
    _survey(region, random.Random(23))
    records = region_records(region)
    expected = {(p.first, p.second): p.kind for p in candidate_pairs(records)}
    ids = {r.id for r in records[::3]} if some else None
    if ids is not None:
        expected = {pair: kind for pair, kind in expected.items() if set(pair) & ids}
    here: list[int] = []  # fuzzy passes run in this process
    fuzzy = duplicates.fuzzy_pairs
    monkeypatch.setattr(
        duplicates, "fuzzy_pairs", lambda *args: here.append(len(args[0])) or fuzzy(*args)
    )
    monkeypatch.setattr(duplicates, "PARALLEL_MIN", 1)
    # pytest-xdist runs its own threads beside the tests; none of them holds
    # a lock the matching in a forked worker would wait for.
    monkeypatch.setattr(duplicates, "_other_threads", lambda: False)
    found = duplicates.candidates_find(actor=None, region=region, business_ids=ids)
    stored = {
        (c.first_id, c.second_id): c.kind for c in DuplicateCandidate.objects.filter(region=region)
    }
    assert {Kind.NAME, Kind.FUZZY} <= set(expected.values())
    assert stored == expected
    assert found.found_total == len(expected)
    assert here == []  # every kelurahan was matched by a forked process
    # Under PARALLEL_MIN the same run stays in this process.
    DuplicateCandidate.objects.filter(region=region).delete()
    monkeypatch.setattr(duplicates, "PARALLEL_MIN", found.businesses + 1)
    duplicates.candidates_find(actor=None, region=region, business_ids=ids)
    assert here
    assert set(
        DuplicateCandidate.objects.filter(region=region).values_list("first_id", "second_id")
    ) == set(expected)


def test_no_worker_processes_are_forked_beside_other_threads(monkeypatch) -> None:
    """A fork copies only the calling thread; a lock another thread held
    would stay locked in the child: with threads running, one process."""
    import threading

    from kotacerdas.umkm.duplicates import services as duplicates

    monkeypatch.setattr(duplicates, "PARALLEL_MIN", 1)
    with monkeypatch.context() as alone:
        alone.setattr(duplicates.threading, "active_count", lambda: 1)
        assert duplicates._workers(10, 5) > 0
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert duplicates._workers(10, 5) == 0
    finally:
        stop.set()
        other.join()
