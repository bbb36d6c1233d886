"""Finding duplicate candidates in a region's registry.

Two passes, cheapest first:

1. **Exact keys**: the same owner NIK together with the same name key
   (``NIK_NAME``), the same NIB (``NIB``), the same normalised phone number
   (``PHONE``). Grouping by key costs one pass over the region.
2. **Fuzzy**: similar names and addresses within the same kelurahan
   (``FUZZY``). Comparing every business with every other is quadratic, so
   candidates are found by *blocking*: only businesses of the same kelurahan
   are compared, and within a kelurahan only names that share a distinctive
   word or two spellings of one (one typo apart: every word is indexed with
   each of its one-letter deletions, so "HARAPAN" and "HARAPN" meet), or,
   for names made only of common words, the same words. Each such pair is
   scored with rapidfuzz: the names (70 %; word by word, common words
   weighing little, typos forgiven) and the addresses (30 %; street and
   house number), and kept from :data:`FUZZY_THRESHOLD` up. Where a name has
   no distinctive word the address weighs 60 %.

Very common words (BERKAH, JAYA, MAKMUR…) say little about identity: "Berkah
Jaya" and "Jaya Abadi" are two shops. A word is *frequent* when it is in
:data:`COMMON_WORDS` or appears in at least :data:`FREQUENT_SHARE` of the
region's business names (at least :data:`FREQUENT_MIN` of them); frequent
words weigh :data:`FREQUENT_WEIGHT` of a distinctive word in the name score
and never start a comparison on their own. A misspelt frequent word
("SUMBBER", "BROKAH") is read as that word (:func:`canonical_words`).

These functions are pure (records in, pairs out):
:func:`kotacerdas.umkm.duplicates.services.candidates_find` reads the region
and stores the new pairs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from kotacerdas.umkm.duplicates.models import DuplicateCandidate

Kind = DuplicateCandidate.Kind

# Words of good omen and forms of address that half the shops of a town carry,
# and shop-type words that survive in a name when its prefix is misspelt.
COMMON_WORDS = frozenset(
    {
        "ABADI",
        "AGUNG",
        "ANEKA",
        "BAROKAH",
        "BARU",
        "BERKAH",
        "BERKAT",
        "BERSAMA",
        "BU",
        "BUNDA",
        "CAHAYA",
        "IBU",
        "INDAH",
        "JAYA",
        "KARYA",
        "LESTARI",
        "MAJU",
        "MAKMUR",
        "MANDIRI",
        "MUBAROK",
        "MULIA",
        "PAK",
        "PUTRA",
        "PUTRI",
        "REJEKI",
        "REZEKI",
        "REZKI",
        "RIZKI",
        "SAKTI",
        "SEJAHTERA",
        "SENTOSA",
        "SINAR",
        "SUMBER",
        "UTAMA",
        # shop types
        "DEPOT",
        "KEDAI",
        "MAKAN",
        "RUMAH",
        "TOKO",
        "USAHA",
        "WARUNG",
    }
)
FREQUENT_SHARE = 0.01
FREQUENT_MIN = 10
FREQUENT_WEIGHT = 0.15
TOKEN_MATCH = 80  # two words count as the same word from this ratio (typos)
NAME_MIN = 85  # names less alike than this are never a fuzzy candidate
FUZZY_THRESHOLD = 80  # stored from this combined score up
NAME_SHARE = 0.7  # the rest of the score is the address
COMMON_NAME_SHARE = 0.4  # the name's share when it has only frequent words
ADDRESS_UNKNOWN = 65  # the address score when either address is empty
CANONICAL_MIN_LENGTH = 5  # a word of 5+ letters one typo away from a frequent word is that word
MAX_GROUP = 12  # exact-key groups larger than this pair each member with the oldest
MAX_TOKEN_BLOCK = 100  # a word shared by more businesses of one kelurahan is not a block

_ADDRESS_NOISE = frozenset(
    {
        "JL",
        "JLN",
        "JALAN",
        "GG",
        "GANG",
        "NO",
        "NOMOR",
        "RT",
        "RW",
        "KEL",
        "KELURAHAN",
        "DESA",
        "KEC",
        "KECAMATAN",
        "KOTA",
        "KAB",
        "KABUPATEN",
        "DEPAN",
        "DEKAT",
        "SAMPING",
    }
)
_NOT_WORD = re.compile(r"[^0-9A-Z]+")


@dataclass(frozen=True)
class Record:
    """What the finder needs of one business."""

    id: int
    kelurahan_code: str
    name_key: str
    owner_nik: str = ""
    nib: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Pair:
    first: int
    second: int
    kind: str
    score: int


@dataclass
class FoundCandidates:
    """Pairs found per kind in this run, and how many of them were new."""

    businesses: int = 0
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Kind.values, 0))
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Kind.values, 0))

    @property
    def found_total(self) -> int:
        return sum(self.found.values())

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "businesses": self.businesses,
            "found": dict(self.found),
            "found_total": self.found_total,
            "created": dict(self.created),
            "created_total": self.created_total,
        }


# --- Pure functions ------------------------------------------------------------------


def frequent_tokens(name_keys: Iterable[str]) -> frozenset[str]:
    """The region's frequent words: :data:`COMMON_WORDS` and the words in at
    least :data:`FREQUENT_SHARE` of its names (document frequency)."""
    counts: Counter[str] = Counter()
    total = 0
    for key in name_keys:
        total += 1
        counts.update(set(key.split()))
    limit = max(FREQUENT_MIN, FREQUENT_SHARE * total)
    return COMMON_WORDS | {token for token, n in counts.items() if n >= limit}


def canonical_words(name_keys: Iterable[str], frequent: frozenset[str]) -> dict[str, str]:
    """Misspellings of frequent words ("SUMBBER", "BROKAH", "WARNUG") → the
    word, so that a typo does not turn a common word into a distinctive one.
    A misspelling is one edit away (a letter dropped, added, changed, or two
    letters swapped: optimal string alignment distance 1)."""
    # Sorted: a word one edit from two frequent words (BARKAH: BERKAH,
    # BAROKAH) always goes to the same one.
    known = sorted(w for w in frequent if len(w) >= CANONICAL_MIN_LENGTH)
    words = {w for key in name_keys for w in key.split()}
    mapping = {}
    for word in words - frequent:
        if len(word) < CANONICAL_MIN_LENGTH - 1:
            continue
        match = process.extractOne(word, known, scorer=OSA.distance, score_cutoff=1)
        if match is not None:
            mapping[word] = match[0]
    return mapping


def address_key(address: str) -> str:
    """An address for comparison: upper case, punctuation and the usual words
    (JL, GG, NO, RT, RW…) gone."""
    words = _NOT_WORD.sub(" ", address.upper()).split()
    return " ".join(w for w in words if w not in _ADDRESS_NOISE)


def _side(
    tokens: Sequence[str], other: Sequence[str], frequent: frozenset[str]
) -> tuple[float, float]:
    matched = total = 0.0
    for token in tokens:
        weight = FREQUENT_WEIGHT if token in frequent else 1.0
        total += weight
        if token in other:
            matched += weight
            continue
        best = process.extractOne(
            token, other, scorer=fuzz.ratio, processor=None, score_cutoff=TOKEN_MATCH
        )
        if best is not None:
            matched += weight * best[1] / 100
    return matched, total


def name_similarity(a: str, b: str, frequent: frozenset[str]) -> float:
    """0–100: the weighted share of words of either name found (or spelt
    almost alike) in the other; frequent words weigh little."""
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0
    matched_a, total_a = _side(ta, tb, frequent)
    matched_b, total_b = _side(tb, ta, frequent)
    return 100 * (matched_a + matched_b) / (total_a + total_b)


def address_similarity(a: str, b: str) -> float:
    """0–100 for two :func:`address_key` results: the street words (60 %) and
    the house number, the first number of each (40 %). Two shops on one
    street are not one shop."""
    if not a or not b:
        return ADDRESS_UNKNOWN
    words_a = [w for w in a.split() if not w.isdigit()]
    words_b = [w for w in b.split() if not w.isdigit()]
    numbers_a = [int(w) for w in a.split() if w.isdigit()]
    numbers_b = [int(w) for w in b.split() if w.isdigit()]
    street = fuzz.token_sort_ratio(" ".join(words_a), " ".join(words_b))
    if not numbers_a or not numbers_b:
        return 0.9 * street
    return 0.6 * street + (40.0 if numbers_a[0] == numbers_b[0] else 0.0)


def fuzzy_score(name: float, address: float, *, distinctive: bool = True) -> int:
    """The combined score; where a name has no distinctive word the address
    decides more (two "Berkah Jaya" of one kelurahan are one only at one
    address)."""
    share = NAME_SHARE if distinctive else COMMON_NAME_SHARE
    return round(share * name + (1 - share) * address)


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def exact_pairs(records: Sequence[Record], targets: frozenset[int] | None = None) -> list[Pair]:
    """Pairs sharing an exact key, the strongest kind first; a pair is found
    once, under its first kind."""
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for r in records:
        if r.owner_nik and r.name_key:
            groups[(Kind.NIK_NAME, r.owner_nik, r.name_key)].append(r.id)
        if r.nib:
            groups[(Kind.NIB, r.nib)].append(r.id)
        if r.phone:
            groups[(Kind.PHONE, r.phone)].append(r.id)
    seen: set[tuple[int, int]] = set()
    pairs: list[Pair] = []
    for kind in (Kind.NIK_NAME, Kind.NIB, Kind.PHONE):
        for key, ids in groups.items():
            if key[0] != kind or len(ids) < 2:
                continue
            ids = sorted(ids)
            # A phone shared by dozens (an office, a cooperative) would make
            # hundreds of pairs; past MAX_GROUP each is paired with the oldest.
            combos = (
                combinations(ids, 2) if len(ids) <= MAX_GROUP else ((ids[0], i) for i in ids[1:])
            )
            for a, b in combos:
                if targets is not None and a not in targets and b not in targets:
                    continue
                if (a, b) not in seen:
                    seen.add((a, b))
                    pairs.append(Pair(a, b, kind, 100))
    return pairs


def _spellings(token: str) -> set[str]:
    """The word and, from 4 letters on, each form of it with one letter
    deleted. Two words one edit apart (a letter added, dropped or changed,
    or two letters swapped) share at least one of these keys."""
    if len(token) < 4:
        return {token}
    return {token, *(token[:k] + token[k + 1 :] for k in range(len(token)))}


def _block_pairs(
    names: list[str], rare: list[list[str]], targets: list[bool] | None
) -> set[tuple[int, int]]:
    """Positions (i < j) in one kelurahan worth scoring: names sharing a
    distinctive word or two spellings of one (one edit apart); names without
    a distinctive word when they have the same words."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, tokens in enumerate(rare):
        if tokens:
            keys = {key for token in tokens for key in _spellings(token)}
        else:
            keys = {"=" + " ".join(sorted(set(names[i].split())))}
        for key in keys:
            index[key].append(i)
    found: set[tuple[int, int]] = set()
    for members in index.values():
        # A key shared by very many businesses of one kelurahan is a local
        # common word: it says as little as BERKAH does.
        if 1 < len(members) <= MAX_TOKEN_BLOCK:
            for i, j in combinations(members, 2):
                if targets is None or targets[i] or targets[j]:
                    found.add((i, j))
    return found


def fuzzy_pairs(
    records: Sequence[Record],
    frequent: frozenset[str],
    targets: frozenset[int] | None = None,
    skip: set[tuple[int, int]] | None = None,
    canonical: dict[str, str] | None = None,
) -> list[Pair]:
    """Pairs of the same kelurahan with similar names and addresses; ``skip``
    holds pairs already found by an exact key, ``canonical`` maps misspelt
    frequent words to the word (:func:`canonical_words`)."""
    skip = skip or set()
    canonical = canonical or {}
    blocks: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        blocks[r.kelurahan_code].append(r)
    pairs: list[Pair] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        marks = None if targets is None else [r.id in targets for r in block]
        if marks is not None and not any(marks):
            continue
        names = [" ".join(canonical.get(w, w) for w in r.name_key.split()) for r in block]
        rare = [[t for t in dict.fromkeys(n.split()) if t not in frequent] for n in names]
        addresses: dict[int, str] = {}
        for i, j in _block_pairs(names, rare, marks):
            a, b = block[i], block[j]
            key = _ordered(a.id, b.id)
            if key in skip:
                continue
            name = name_similarity(names[i], names[j], frequent)
            if name < NAME_MIN:
                continue
            for k in (i, j):
                if k not in addresses:
                    addresses[k] = address_key(block[k].address)
            score = fuzzy_score(
                name,
                address_similarity(addresses[i], addresses[j]),
                distinctive=bool(rare[i] and rare[j]),
            )
            if score >= FUZZY_THRESHOLD:
                pairs.append(Pair(key[0], key[1], Kind.FUZZY, min(score, 100)))
    return pairs


def candidate_pairs(
    records: Sequence[Record],
    *,
    targets: frozenset[int] | None = None,
    frequent: frozenset[str] | None = None,
) -> list[Pair]:
    """Every candidate pair among ``records`` (those involving one of
    ``targets`` when given). ``frequent`` defaults to the records' own."""
    if frequent is None:
        frequent = frequent_tokens(r.name_key for r in records)
    canonical = canonical_words((r.name_key for r in records), frequent)
    exact = exact_pairs(records, targets)
    skip = {(p.first, p.second) for p in exact}
    return exact + fuzzy_pairs(records, frequent, targets, skip, canonical)
