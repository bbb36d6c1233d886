"""Resolving the kecamatan and kelurahan/desa a survey row names to the
Kemendagri kelurahan code inside the region.

Rows write "Dumai Barat", "DUMAI BARAT", "Kec. Dumai Barat", "14.72.01" or a
misspelling ("Pangkalan Sesei"). The rules, in order, each reported with the
match (:data:`RULES`): a Kemendagri code; the official name; a name the
region's officers or its reference data gave the kelurahan (a former name, or
"treat X as Y from now on", :mod:`kotacerdas.umkm.imports.aliases`); the short
form people use without a generic leading word ("Nenas" for Bukit Nenas),
only when no other kelurahan of the kecamatan (or of the region, when the row
names no kecamatan) shares it; then rapidfuzz within the kecamatan (when the
row names one) or the whole region, accepting a name at or above
:data:`FUZZY_THRESHOLD` only when no other name comes close. Anything else is
refused with a reason that names the value, and an ambiguous value names the
candidates. Everything is precomputed once per import: a row costs a few
dictionary look-ups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from rapidfuzz import fuzz, process

from kotacerdas.regions.reference import kecamatan_of, kelurahan_of

FUZZY_THRESHOLD = 85
# The best fuzzy match must beat the second by this much to be taken.
FUZZY_MARGIN = 8

_NOT_WORD = re.compile(r"[^0-9A-Z]+")
_PREFIX = re.compile(r"^(?:KELURAHAN|KEL|DESA|DS|KECAMATAN|KEC)\b\s*")
_KELURAHAN_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})$")
_KECAMATAN_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})$")

# Generic first words of place names that people leave out ("Nenas" for
# Bukit Nenas, "Palas" for Tanjung Palas), after abbreviations are expanded.
GENERIC_WORDS = frozenset(
    {
        *("BUKIT", "TANJUNG", "SUNGAI", "TELUK", "KAMPUNG", "PANGKALAN", "SIMPANG"),
        *("LUBUK", "BAGAN", "BATU", "GUNUNG", "PULAU", "KUALA", "PASIR", "PADANG"),
    }
)

# How a kelurahan was recognised: reported with every match.
RULE_CODE = "code"
RULE_OFFICIAL = "official"
RULE_FORMER = "former"
RULE_ALIAS = "alias"
RULE_SHORT = "short"
RULE_FUZZY = "fuzzy"
RULES = (RULE_CODE, RULE_OFFICIAL, RULE_FORMER, RULE_ALIAS, RULE_SHORT, RULE_FUZZY)
# Rules whose matches the import reports to the clerk as a warning (the
# value was read as another name): all but the code and the official name.
REPORTED_RULES = frozenset({RULE_FORMER, RULE_ALIAS, RULE_SHORT, RULE_FUZZY})


# Abbreviations of place-name words common in survey sheets (Riau and beyond).
_ABBREVIATIONS = {
    "SEI": "SUNGAI",
    "SGI": "SUNGAI",
    "SEL": "SELATAN",
    "TIM": "TIMUR",
    "BAR": "BARAT",
    "KP": "KAMPUNG",
    "KPG": "KAMPUNG",
    "TG": "TANJUNG",
    "TJ": "TANJUNG",
    "SMP": "SIMPANG",
    "PKL": "PANGKALAN",
}


def normalise_place(text: str) -> str:
    """ "Kel. Pangkalan  Sesai" → "PANGKALAN SESAI"; "Sei Sembilan" →
    "SUNGAI SEMBILAN"."""
    words = _NOT_WORD.sub(" ", text.upper()).strip()
    words = _PREFIX.sub("", words).strip() or words
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words.split())


def short_form(name: str) -> str | None:
    """The normalised name without its generic first word ("BUKIT NENAS" →
    "NENAS"), or None when it has none or nothing would be left."""
    first, _, rest = name.partition(" ")
    return rest if first in GENERIC_WORDS and rest else None


@dataclass(frozen=True)
class Unresolved:
    """Why a place could not be resolved: a reason code, the value as typed
    and, for an ambiguous value, the codes it could be."""

    code: str
    value: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A resolved kelurahan: its code and the rule that recognised it."""

    code: str
    rule: str


class Places:
    """The kecamatan and kelurahan of one region, ready for many look-ups."""

    def __init__(self, region_code: str, aliases: Iterable[tuple[str, str, str]] = ()) -> None:
        """``aliases``: (text, kelurahan code, rule) triples, the rule
        :data:`RULE_FORMER` or :data:`RULE_ALIAS`; codes outside the region
        are ignored."""
        self.region_code = region_code
        self.kecamatan_codes = {area.code for area in kecamatan_of(region_code)}
        self.kecamatan_by_name: dict[str, list[str]] = {}
        for area in kecamatan_of(region_code):
            self.kecamatan_by_name.setdefault(normalise_place(area.name), []).append(area.code)
        self.kelurahan_codes: set[str] = set()
        # normalised name → codes, region-wide and per kecamatan
        self.by_name: dict[str, list[str]] = {}
        self.by_kecamatan: dict[str, dict[str, list[str]]] = {}
        for area in kelurahan_of(region_code):
            name = normalise_place(area.name)
            self.kelurahan_codes.add(area.code)
            self.by_name.setdefault(name, []).append(area.code)
            self.by_kecamatan.setdefault(area.code[:8], {}).setdefault(name, []).append(area.code)
        self.names = {area.code: area.name for area in kelurahan_of(region_code)}
        # Short forms, region-wide and per kecamatan: a short form equal to an
        # official name is never one (that name wins).
        self.short: dict[str, list[str]] = {}
        self.short_by_kecamatan: dict[str, dict[str, list[str]]] = {}
        for code, official in self.names.items():
            short = short_form(normalise_place(official))
            if short is None or short in self.by_name:
                continue
            self.short.setdefault(short, []).append(code)
            self.short_by_kecamatan.setdefault(code[:8], {}).setdefault(short, []).append(code)
        # Aliases: normalised text → (codes, rule); an official name wins.
        self.aliases: dict[str, tuple[list[str], str]] = {}
        for text, code, rule in aliases:
            name = normalise_place(text)
            if code not in self.kelurahan_codes or not name or name in self.by_name:
                continue
            codes, _rule = self.aliases.setdefault(name, ([], rule))
            if code not in codes:
                codes.append(code)
        self._cache: dict[tuple[str, str], Match | Unresolved] = {}

    def resolve(self, kelurahan: str, kecamatan: str) -> str | Unresolved:
        """The kelurahan code, or why there is none. Both arguments are the
        cells as text ("" when empty)."""
        found = self.match(kelurahan, kecamatan)
        return found if found.__class__ is Unresolved else cast(Match, found).code  # type: ignore[return-value]

    def match(self, kelurahan: str, kecamatan: str) -> Match | Unresolved:
        """The kelurahan code and the rule that found it, or why there is none."""
        key = (kelurahan, kecamatan)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(kelurahan, kecamatan)
            if len(self._cache) < 100_000:
                self._cache[key] = found
        return found

    def name_of(self, code: str) -> str:
        """The official name of a kelurahan of the region ("" when none)."""
        return self.names.get(code, "")

    def describe(self, codes: Iterable[str]) -> str:
        """ "Bagan Besar (14.72.03.1004), Bagan Besar Timur (14.72.03.1006)"."""
        return ", ".join(f"{self.name_of(code)} ({code})" for code in codes)

    def _kecamatan(self, text: str) -> str | Unresolved:
        match = _KECAMATAN_CODE.match(text.strip())
        if match is not None:
            code = ".".join(match.groups())
            return code if code in self.kecamatan_codes else Unresolved("kecamatan_unknown", text)
        codes = self.kecamatan_by_name.get(normalise_place(text))
        if codes is None:
            codes = _fuzzy(normalise_place(text), self.kecamatan_by_name)
        if codes is None:
            return Unresolved("kecamatan_unknown", text)
        if len(codes) > 1:
            return Unresolved("kecamatan_ambiguous", text)
        return codes[0]

    def _resolve(self, kelurahan: str, kecamatan: str) -> Match | Unresolved:
        kelurahan = kelurahan.strip()
        if not kelurahan:
            return Unresolved("kelurahan_missing", "")
        district: str | None = None
        if kecamatan.strip():
            found = self._kecamatan(kecamatan)
            if isinstance(found, Unresolved):
                return found
            district = found
        match = _KELURAHAN_CODE.match(kelurahan)
        if match is not None:
            code = ".".join(match.groups())
            if code not in self.kelurahan_codes:
                return Unresolved("kelurahan_unknown", kelurahan)
            if district is not None and code[:8] != district:
                return Unresolved("kelurahan_other_kecamatan", kelurahan)
            return Match(code, RULE_CODE)
        name = normalise_place(kelurahan)
        names = self.by_kecamatan.get(district, {}) if district is not None else self.by_name
        codes = names.get(name)
        rule = RULE_OFFICIAL
        if codes is None and name in self.aliases:
            codes, rule = self.aliases[name]
            if district is not None:
                codes = [code for code in codes if code[:8] == district] or None
                if codes is None:
                    return Unresolved("kelurahan_other_kecamatan", kelurahan)
        if codes is None:
            if district is not None and name in self.by_name:
                return Unresolved("kelurahan_other_kecamatan", kelurahan)
            shorts = (
                self.short_by_kecamatan.get(district, {}) if district is not None else self.short
            )
            codes, rule = shorts.get(name), RULE_SHORT
        if codes is None:
            codes, rule = _fuzzy(name, names), RULE_FUZZY
        if codes is None:
            return Unresolved("kelurahan_unknown", kelurahan)
        if len(codes) > 1:
            return Unresolved("kelurahan_ambiguous", kelurahan, tuple(codes))
        return Match(codes[0], rule)


def _fuzzy(name: str, names: dict[str, list[str]]) -> list[str] | None:
    """The codes of the one name close enough to ``name``; the codes of both
    (ambiguous) when two names are about as close; None when none is."""
    if not name or not names:
        return None
    found = process.extract(
        name, list(names), scorer=fuzz.ratio, limit=2, score_cutoff=FUZZY_THRESHOLD
    )
    if not found:
        return None
    if len(found) > 1 and found[0][1] - found[1][1] < FUZZY_MARGIN:
        return [*names[found[0][0]], *names[found[1][0]]]
    return names[found[0][0]]
