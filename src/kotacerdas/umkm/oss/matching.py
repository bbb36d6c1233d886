"""Matching the rows of an OSS-RBA NIB list to a region's registry. Pure:
records in, outcomes out (:func:`kotacerdas.umkm.oss.services.oss_job_run`
reads the region and writes the results).

Rules, in order; the first that finds a business decides:

1. **NIB**: a business of the region with the same NIB. Certain.
2. **NIK + name**: a business whose owner NIK is the row's and whose name
   key (:func:`kotacerdas.umkm.identifiers.name_key`: TOKO/UD/CV… and
   punctuation dropped) is the row's. Certain when exactly one; several, or
   the same NIK with a name at least :data:`NIK_REVIEW_NAME_MIN` alike, go to
   review.
3. **Name + address**: businesses sharing a distinctive word of the name (or
   a spelling one letter apart), in the row's kelurahan when the file names
   one, scored like duplicate candidates (:mod:`kotacerdas.umkm.duplicates.matching`:
   name 70 %, street and house number 30 %). Certain only when the name keys
   are equal, the address scores at least :data:`CERTAIN_ADDRESS_MIN` and no
   other candidate comes within :data:`AMBIGUITY_MARGIN`; to review from a
   name similarity of :data:`REVIEW_NAME_MIN` and a combined score of
   :data:`REVIEW_SCORE_MIN`.

A certain match (rules 2–3) to a business that already holds a *different*
NIB is a **conflict**, never an overwrite. A NIB given to a business by a
certain match counts for the following rows of the same file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kotacerdas.umkm import identifiers
from kotacerdas.umkm.duplicates.matching import (
    Record,
    address_key,
    address_similarity,
    canonical_words,
    frequent_tokens,
    fuzzy_score,
    name_similarity,
    spellings,
)
from kotacerdas.umkm.oss.models import OssRow
from kotacerdas.umkm.oss.reading import OssEntry

Outcome = OssRow.Outcome
Rule = OssRow.Rule

NIK_REVIEW_NAME_MIN = 60  # same NIK, names at least this alike: review
CERTAIN_ADDRESS_MIN = 90  # same name key and addresses at least this alike: certain
REVIEW_NAME_MIN = 85  # names less alike than this are never proposed
REVIEW_SCORE_MIN = 75  # combined name/address score from which a pair is proposed
AMBIGUITY_MARGIN = 5  # a runner-up this close makes a certain match a review
MAX_BLOCK = 200  # a word shared by more businesses than this starts no comparison


@dataclass(frozen=True)
class Found:
    outcome: str
    rule: str = ""
    business_id: int | None = None
    score: int | None = None


class Matcher:
    """The registry of one region, indexed for the three rules."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.records = {r.id: r for r in records}
        self.nib_of = {r.id: r.nib for r in self.records.values()}
        self.by_nib = {r.nib: r.id for r in self.records.values() if r.nib}
        self.by_nik: dict[str, list[int]] = defaultdict(list)
        for r in self.records.values():
            if r.owner_nik:
                self.by_nik[r.owner_nik].append(r.id)
        keys = [r.name_key for r in self.records.values()]
        self.frequent = frequent_tokens(keys)
        self.canonical = canonical_words(keys, self.frequent)
        self.words: dict[int, str] = {}
        self.index: dict[str, list[int]] = defaultdict(list)
        for r in self.records.values():
            words = self._words(r.name_key)
            self.words[r.id] = words
            for key in self._block_keys(words):
                self.index[key].append(r.id)
        self.addresses: dict[int, str] = {}

    def _words(self, name_key: str) -> str:
        return " ".join(self.canonical.get(w, w) for w in name_key.split())

    def _block_keys(self, words: str) -> set[str]:
        rare = [w for w in words.split() if w not in self.frequent]
        if not rare:
            return {"=" + " ".join(sorted(set(words.split())))}
        return {key for w in rare for key in spellings(w)}

    def _address(self, business_id: int) -> str:
        if business_id not in self.addresses:
            self.addresses[business_id] = address_key(self.records[business_id].address)
        return self.addresses[business_id]

    def _certain(self, entry: OssEntry, business_id: int, rule: str, score: int) -> Found:
        held = self.nib_of.get(business_id, "")
        if held and held != entry.nib:
            return Found(Outcome.CONFLICT, rule, business_id, score)
        self.nib_of[business_id] = entry.nib
        self.by_nib[entry.nib] = business_id
        return Found(Outcome.MATCHED, rule, business_id, score)

    def match(self, entry: OssEntry, kelurahan_code: str = "") -> Found:
        found = self.by_nib.get(entry.nib)
        if found is not None:
            return Found(Outcome.MATCHED, Rule.NIB, found, 100)
        key = identifiers.name_key(entry.name)
        by_nik = self._by_nik(entry, key)
        if by_nik is not None:
            return by_nik
        by_name = self._by_name_address(entry, key, kelurahan_code)
        if by_name is not None:
            return by_name
        return Found(Outcome.UNMATCHED)

    def _by_nik(self, entry: OssEntry, key: str) -> Found | None:
        if not entry.owner_nik:
            return None
        ids = self.by_nik.get(entry.owner_nik, [])
        same = [i for i in ids if self.records[i].name_key == key]
        if len(same) == 1:
            return self._certain(entry, same[0], Rule.NIK_NAME, 100)
        if len(same) > 1:
            return Found(Outcome.REVIEW, Rule.NIK_NAME, min(same), 100)
        words = self._words(key)
        scored = sorted(
            ((round(name_similarity(words, self.words[i], self.frequent)), i) for i in ids),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if scored and scored[0][0] >= NIK_REVIEW_NAME_MIN:
            return Found(Outcome.REVIEW, Rule.NIK_NAME, scored[0][1], scored[0][0])
        return None

    def _by_name_address(self, entry: OssEntry, key: str, kelurahan_code: str) -> Found | None:
        words = self._words(key)
        candidates: set[int] = set()
        for block in self._block_keys(words):
            members = self.index.get(block, [])
            if len(members) <= MAX_BLOCK:
                candidates.update(members)
        if kelurahan_code:
            candidates = {i for i in candidates if self.records[i].kelurahan_code == kelurahan_code}
        if not candidates:
            return None
        address = address_key(entry.address)
        distinctive = any(w not in self.frequent for w in words.split())
        scored: list[tuple[int, int, float]] = []
        for i in sorted(candidates):
            name = name_similarity(words, self.words[i], self.frequent)
            if name < REVIEW_NAME_MIN:
                continue
            place = address_similarity(address, self._address(i))
            scored.append((fuzzy_score(name, place, distinctive=distinctive), i, place))
        scored.sort(key=lambda item: (-item[0], item[1]))
        if not scored or scored[0][0] < REVIEW_SCORE_MIN:
            return None
        score, best, place = scored[0]
        score = min(score, 100)
        close = len(scored) > 1 and scored[1][0] >= scored[0][0] - AMBIGUITY_MARGIN
        if self.records[best].name_key == key and place >= CERTAIN_ADDRESS_MIN and not close:
            return self._certain(entry, best, Rule.NAME_ADDRESS, score)
        return Found(Outcome.REVIEW, Rule.NAME_ADDRESS, best, score)


def match_all(
    entries: Sequence[OssEntry], records: Iterable[Record], kelurahan: Sequence[str]
) -> list[Found]:
    """The outcome of each entry (``kelurahan[i]`` the code read for
    ``entries[i]``, "" when none): rejected rows and repeats of a NIB earlier
    in the file are not matched."""
    matcher = Matcher(records)
    seen: set[str] = set()
    results: list[Found] = []
    for entry, code in zip(entries, kelurahan, strict=True):
        if entry.rejected:
            results.append(Found(Outcome.REJECTED))
        elif entry.nib in seen:
            results.append(Found(Outcome.REPEATED))
        else:
            seen.add(entry.nib)
            results.append(matcher.match(entry, code))
    return results
