"""Finding duplicate candidates in a region's registry.

Two passes, cheapest first:

1. **Exact keys**: the same owner NIK together with the same name key
   (``NIK_NAME``), the same NIB (``NIB``), the same normalised phone number
   (``PHONE``), and the same name written differently only in case, spacing,
   punctuation or Unicode form (:func:`exact_name`) together with a second
   signal — the same kelurahan (when the name has a distinctive word) or the
   same last :data:`PHONE_TAIL` digits of the phone (``NAME``). Grouping by
   key costs one pass; the region-wide keys are grouped by the database
   (:func:`kotacerdas.umkm.duplicates.selectors.region_linked_records`).
2. **Fuzzy**: similar names and addresses within the same kelurahan
   (``FUZZY``). Comparing every business with every other is quadratic, so
   candidates are found by *blocking*: only businesses of the same kelurahan
   are compared, and within a kelurahan only names whose distinctive words
   are the same but for at most one word spelt one typo apart (every word is
   indexed with each of its one-letter deletions, the other words as they
   are, so "SINAR HARAPAN" and "SINAR HARAPN" meet), or, for names made only
   of common words, the same words. A long name (:data:`HEAVY_WEIGHT`) also
   meets every name sharing one of its distinctive words: only there can a
   pair with a word left unmatched still reach :data:`NAME_MIN`. Each such
   pair is
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
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, repeat
from typing import Any, NamedTuple

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
PHONE_TAIL = 7  # the last digits of a phone that, with the same name, make a pair
# A name whose own weight (distinctive words 1, frequent ones FREQUENT_WEIGHT)
# reaches this may leave a distinctive word of a pair unmatched and still
# reach NAME_MIN: with a lighter pair (both sides under it) an unmatched
# word costs more than 100 - NAME_MIN of the score.
HEAVY_WEIGHT = 50 / (100 - NAME_MIN)

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
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc]")
_NOT_LETTER = re.compile(r"[\W_]+")


class Record(NamedTuple):
    """What the finder needs of one business (a named tuple: a million are
    built from database rows, four times faster than a frozen dataclass)."""

    id: int
    kelurahan_code: str
    name_key: str
    owner_nik: str = ""
    nib: str = ""
    phone: str = ""
    address: str = ""
    name: str = ""  # as entered; :func:`exact_name` of it (the name key when empty)


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
    return frequent_tokens_counted((key, 1) for key in name_keys)


def frequent_tokens_counted(key_counts: Iterable[tuple[str, int]]) -> frozenset[str]:
    """:func:`frequent_tokens` from (name key, number of businesses) pairs,
    as the database groups them."""
    counts: Counter[str] = Counter()
    total = 0
    for key, n in key_counts:
        total += n
        for token in set(key.split()):
            counts[token] += n
    limit = max(FREQUENT_MIN, FREQUENT_SHARE * total)
    return COMMON_WORDS | {token for token, n in counts.items() if n >= limit}


def exact_name(name: str) -> str:
    """A name with only its trivial variation taken out: Unicode
    compatibility forms (NFKC), case (casefold), apostrophes dropped, every
    other run of punctuation and spaces one space. "BATIK  TABIR-MELAYU 188."
    and "Batik Tabir Melayu 188" give the same. Prefixes are kept ("Toko X"
    and "X" are left to the fuzzy pass)."""
    if name.isascii():  # NFKC leaves ASCII alone, and its casefold is lower()
        text = name.lower()
        if "'" in text or "`" in text:
            text = _APOSTROPHES.sub("", text)
    else:
        text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(_NOT_LETTER.sub(" ", text).split())


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


def _address_parts(key: str) -> tuple[str, int | None]:
    """An :func:`address_key` as (its street words, its first number)."""
    words = key.split()
    numbers = [w for w in words if w.isdigit()]
    return " ".join(w for w in words if not w.isdigit()), int(numbers[0]) if numbers else None


# The address score of two addresses with different house numbers is at most this.
_OTHER_NUMBER = 60.0


def _address_score(a: tuple[str, int | None] | None, b: tuple[str, int | None] | None) -> float:
    if a is None or b is None:
        return ADDRESS_UNKNOWN
    street = fuzz.token_sort_ratio(a[0], b[0])
    if a[1] is None or b[1] is None:
        return 0.9 * street
    return 0.6 * street + (40.0 if a[1] == b[1] else 0.0)


def address_similarity(a: str, b: str) -> float:
    """0–100 for two :func:`address_key` results: the street words (60 %) and
    the house number, the first number of each (40 %). Two shops on one
    street are not one shop."""
    return _address_score(_address_parts(a) if a else None, _address_parts(b) if b else None)


def fuzzy_score(name: float, address: float, *, distinctive: bool = True) -> int:
    """The combined score; where a name has no distinctive word the address
    decides more (two "Berkah Jaya" of one kelurahan are one only at one
    address)."""
    share = NAME_SHARE if distinctive else COMMON_NAME_SHARE
    return round(share * name + (1 - share) * address)


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _distinctive(name_key: str, frequent: frozenset[str], canonical: dict[str, str]) -> bool:
    return any(canonical.get(w, w) not in frequent for w in name_key.split())


# Which pairs a kind of key makes: keys within a kelurahan are complete in one
# kelurahan's records, the others only in the region's linked records.
REGION = "region"
KELURAHAN = "kelurahan"
ALL = "all"
_EXACT_ORDER = (Kind.NIK_NAME, Kind.NIB, Kind.PHONE, Kind.NAME)


def _exact_keys(
    r: Record, frequent: frozenset[str], canonical: dict[str, str], scope: str
) -> Iterable[tuple[str, ...]]:
    if scope != KELURAHAN:
        if r.owner_nik and r.name_key:
            yield (Kind.NIK_NAME, r.owner_nik, r.name_key)
        if r.nib:
            yield (Kind.NIB, r.nib)
        if r.phone:
            yield (Kind.PHONE, r.phone)
    name = exact_name(r.name) if r.name else r.name_key.casefold()
    if not name:
        return
    if scope != KELURAHAN and r.phone:
        yield (Kind.NAME, "tel", name, r.phone[-PHONE_TAIL:])
    # Two "Berkah Jaya" of one kelurahan are one only at one address (the
    # fuzzy pass weighs it): the kelurahan alone is no second signal for them.
    if scope != REGION and _distinctive(r.name_key, frequent, canonical):
        yield (Kind.NAME, "kel", name, r.kelurahan_code)


def exact_pairs(
    records: Sequence[Record],
    targets: frozenset[int] | None = None,
    *,
    frequent: frozenset[str] = COMMON_WORDS,
    canonical: dict[str, str] | None = None,
    scope: str = ALL,
) -> list[Pair]:
    """Pairs sharing an exact key, the strongest kind first; a pair is found
    once, under its first kind. ``scope`` limits the keys: :data:`REGION`
    (NIK, NIB, phone, name with phone: complete among the records linked by
    one of them), :data:`KELURAHAN` (name with kelurahan: complete among one
    kelurahan's records) or :data:`ALL`."""
    canonical = canonical or {}
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for r in records:
        for key in _exact_keys(r, frequent, canonical, scope):
            groups[key].append(r.id)
    by_kind: dict[str, list[list[int]]] = defaultdict(list)
    for key, ids in groups.items():
        if len(ids) > 1:
            by_kind[key[0]].append(ids)
    seen: set[tuple[int, int]] = set()
    pairs: list[Pair] = []
    for kind in _EXACT_ORDER:
        for ids in by_kind[kind]:
            ids = sorted(set(ids))
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


def spellings(token: str) -> set[str]:
    """The word and, from 4 letters on, each form of it with one letter
    deleted. Two words one edit apart (a letter added, dropped or changed,
    or two letters swapped) share at least one of these keys."""
    if len(token) < 4:
        return {token}
    return {token, *(token[:k] + token[k + 1 :] for k in range(len(token)))}


def _neighbours(words: Iterable[str]) -> dict[str, list[str]]:
    """Each word → the other words one edit away from it (they share a
    one-letter deletion) and alike from :data:`TOKEN_MATCH`: the spellings a
    typo turns it into."""
    index: dict[str, list[str]] = defaultdict(list)
    for word in words:
        for key in spellings(word):
            index[key].append(word)
    found: dict[str, set[str]] = defaultdict(set)
    for members in index.values():
        for t, u in combinations(members, 2):
            if u not in found[t] and fuzz.ratio(t, u) >= TOKEN_MATCH:
                found[t].add(u)
                found[u].add(t)
    return {word: sorted(others) for word, others in found.items()}


def _common_only_pairs(
    members: list[int], numbers: Sequence[int | bool | None], targets: list[bool] | None
) -> Iterable[tuple[int, int]]:
    """Pairs of one block of names made only of frequent words that can
    reach the threshold: their score is decided by the address, so two with
    different house numbers, or one without an address, never do."""
    # The same words: a name score of 100, the address decides.
    without_address = fuzzy_score(100, ADDRESS_UNKNOWN, distinctive=False) >= FUZZY_THRESHOLD
    other_number = fuzzy_score(100, _OTHER_NUMBER, distinctive=False) >= FUZZY_THRESHOLD
    by_number: dict[int, list[int]] = defaultdict(list)
    unnumbered: list[int] = []
    for i in members:
        number = numbers[i]
        if number is False and not without_address:
            continue
        if number is None or number is False or other_number:
            unnumbered.append(i)
        else:
            by_number[number].append(i)
    groups = [*by_number.values()]
    everyone = [i for group in groups for i in group] + unnumbered
    seen: set[tuple[int, int]] = set()
    for group in groups:
        seen.update(combinations(sorted(group), 2))
    for i in unnumbered:
        for j in everyone:
            if i != j:
                seen.add((i, j) if i < j else (j, i))
    for i, j in seen:
        if targets is None or targets[i] or targets[j]:
            yield i, j


def _block_pairs(
    names: list[str],
    rare: list[list[str]],
    heavy: list[bool],
    targets: list[bool] | None,
    neighbours: dict[str, list[str]],
    numbers: Sequence[int | bool | None],
) -> set[tuple[int, int]]:
    """Positions (i < j) in one kelurahan worth scoring: names whose
    distinctive words are the same but for one, whose two spellings are one
    edit apart and alike (``neighbours``); names without a distinctive word
    when they have the same words and their addresses can agree
    (``numbers``: each address's first house number, None without one, False
    without an address); a heavy name (:data:`HEAVY_WEIGHT`) with every name
    sharing one distinctive word or two spellings of one."""
    index: dict[str, list[int]] = defaultdict(list)
    keys: list[list[str]] = []
    for i, tokens in enumerate(rare):
        if not tokens:
            index["=" + " ".join(sorted(set(names[i].split())))].append(i)
            keys.append([])
            continue
        words = sorted(tokens)
        key = " ".join(words)
        index[key].append(i)
        keys.append(words)
    found: set[tuple[int, int]] = set()
    for key, members in index.items():
        # A name shared by very many businesses of one kelurahan is a local
        # common name: it says as little as BERKAH does.
        if not 1 < len(members) <= MAX_TOKEN_BLOCK:
            continue
        if key.startswith("="):
            found.update(_common_only_pairs(members, numbers, targets))
        elif targets is None:
            found.update(combinations(members, 2))
        else:
            found.update((i, j) for i, j in combinations(members, 2) if targets[i] or targets[j])
    # One word spelt differently (a typo): look each name up with that word
    # replaced by each of its neighbours — once per distinct set of words,
    # and only by the neighbours some name of this kelurahan has (no other
    # can be a key here). A block's members are in ascending order: those
    # after ``i`` are the pairs (i < j).
    present = {w for words in keys for w in words}
    local: dict[str, list[str]] = {}
    for key, members in index.items():
        if key.startswith("="):
            continue
        words = key.split()
        for k, word in enumerate(words):
            near = local.get(word)
            if near is None:
                near = local[word] = [w for w in neighbours.get(word, ()) if w in present]
            for other in near:
                if len(words) == 1:
                    others = index.get(other)
                else:
                    others = index.get(" ".join(sorted([*words[:k], other, *words[k + 1 :]])))
                if not others or len(others) > MAX_TOKEN_BLOCK:
                    continue
                for i in members:
                    later = others[bisect_right(others, i) :]
                    if targets is None or targets[i]:
                        found.update(zip(repeat(i), later, strict=False))
                    else:
                        found.update((i, j) for j in later if targets[j])
    if any(heavy):
        found |= _heavy_pairs(rare, heavy, targets)
    return found


def _heavy_pairs(
    rare: list[list[str]], heavy: list[bool], targets: list[bool] | None
) -> set[tuple[int, int]]:
    """A heavy name with every name sharing a distinctive word or two
    spellings of one (the blocking of a lighter pair assumes that every
    distinctive word must be matched)."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, tokens in enumerate(rare):
        for key in {key for token in tokens for key in spellings(token)}:
            index[key].append(i)
    found: set[tuple[int, int]] = set()
    for members in index.values():
        if not 1 < len(members) <= MAX_TOKEN_BLOCK:
            continue
        for i in members:
            if not heavy[i]:
                continue
            for j in members:
                if i != j and (targets is None or targets[i] or targets[j]):
                    found.add((i, j) if i < j else (j, i))
    return found


def _weight(name: str, frequent: frozenset[str]) -> float:
    return sum(FREQUENT_WEIGHT if w in frequent else 1.0 for w in name.split())


def fuzzy_pairs(
    records: Sequence[Record],
    frequent: frozenset[str],
    targets: frozenset[int] | None = None,
    skip: set[tuple[int, int]] | None = None,
    canonical: dict[str, str] | None = None,
    neighbours: dict[str, list[str]] | None = None,
) -> list[Pair]:
    """Pairs of the same kelurahan with similar names and addresses; ``skip``
    holds pairs already found by an exact key, ``canonical`` maps misspelt
    frequent words to the word (:func:`canonical_words`), ``neighbours`` the
    distinctive words to their spellings one typo away (:func:`word_neighbours`;
    computed from ``records`` when not given)."""
    skip = skip or set()
    canonical = canonical or {}
    blocks: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        blocks[r.kelurahan_code].append(r)
    if neighbours is None:
        neighbours = word_neighbours((r.name_key for r in records), frequent, canonical)
    pairs: list[Pair] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        marks = None if targets is None else [r.id in targets for r in block]
        if marks is not None and not any(marks):
            continue
        names = [" ".join(canonical.get(w, w) for w in r.name_key.split()) for r in block]
        rare = [[t for t in dict.fromkeys(n.split()) if t not in frequent] for n in names]
        heavy = [_weight(n, frequent) >= HEAVY_WEIGHT for n in names]
        # Addresses are read when a pair needs them; those of names without
        # a distinctive word at once (their house numbers decide the blocking).
        address = _Addresses(block)
        numbers: list[int | bool | None] = [
            None if words else (False if (parts := address(k)) is None else parts[1])
            for k, words in enumerate(rare)
        ]
        ids = [r.id for r in block]
        for i, j in _block_pairs(names, rare, heavy, marks, neighbours, numbers):
            # Most pairs fail on the name: it is scored first.
            name = name_similarity(names[i], names[j], frequent)
            if name < NAME_MIN:
                continue
            key = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
            if key in skip:
                continue
            distinctive = bool(rare[i] and rare[j])
            first, second = address(i), address(j)
            if (
                first is not None
                and second is not None
                and first[1] is not None
                and second[1] is not None
                and first[1] != second[1]
                and fuzzy_score(name, _OTHER_NUMBER, distinctive=distinctive) < FUZZY_THRESHOLD
            ):
                continue
            score = fuzzy_score(name, _address_score(first, second), distinctive=distinctive)
            if score >= FUZZY_THRESHOLD:
                pairs.append(Pair(key[0], key[1], Kind.FUZZY, min(score, 100)))
    return pairs


class _Addresses:
    """The :func:`_address_parts` of a block's addresses, each read once, when
    first needed (None for an empty address)."""

    def __init__(self, block: Sequence[Record]) -> None:
        self.block = block
        self.parts: dict[int, tuple[str, int | None] | None] = {}

    def __call__(self, k: int) -> tuple[str, int | None] | None:
        if k not in self.parts:
            text = address_key(self.block[k].address)
            self.parts[k] = _address_parts(text) if text else None
        return self.parts[k]


def word_neighbours(
    name_keys: Iterable[str], frequent: frozenset[str], canonical: dict[str, str]
) -> dict[str, list[str]]:
    """The region's distinctive words → their spellings one typo away
    (computed once per run, used in every kelurahan)."""
    words = {canonical.get(w, w) for key in name_keys for w in key.split()}
    return _neighbours(w for w in words if w not in frequent)


def candidate_pairs(
    records: Sequence[Record],
    *,
    targets: frozenset[int] | None = None,
    frequent: frozenset[str] | None = None,
) -> list[Pair]:
    """Every candidate pair among ``records`` (those involving one of
    ``targets`` when given), in memory. ``frequent`` defaults to the
    records' own. The service finds the same pairs a kelurahan at a time
    (:func:`kotacerdas.umkm.duplicates.services.candidates_find`)."""
    if frequent is None:
        frequent = frequent_tokens(r.name_key for r in records)
    canonical = canonical_words((r.name_key for r in records), frequent)
    exact = exact_pairs(records, targets, frequent=frequent, canonical=canonical)
    skip = {(p.first, p.second) for p in exact}
    return exact + fuzzy_pairs(records, frequent, targets, skip, canonical)
