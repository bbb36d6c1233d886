"""Resolving the kecamatan and kelurahan/desa a survey row names to the
Kemendagri kelurahan code inside the region.

Rows write "Dumai Barat", "DUMAI BARAT", "Kec. Dumai Barat", "14.72.01" or a
misspelling ("Pangkalan Sesei"). An exact normalised match comes first; then
rapidfuzz within the kecamatan (when the row names one) or the whole region,
accepting a name at or above :data:`FUZZY_THRESHOLD` only when no other name
comes close. Anything else is refused with a reason that names the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kotacerdas.regions.reference import kecamatan_of, kelurahan_of

FUZZY_THRESHOLD = 85
# The best fuzzy match must beat the second by this much to be taken.
FUZZY_MARGIN = 8

_NOT_WORD = re.compile(r"[^0-9A-Z]+")
_PREFIX = re.compile(r"^(?:KELURAHAN|KEL|DESA|DS|KECAMATAN|KEC)\b\s*")
_KELURAHAN_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})$")
_KECAMATAN_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})$")


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


@dataclass(frozen=True)
class Unresolved:
    """Why a place could not be resolved: a reason code and the value as typed."""

    code: str
    value: str


class Places:
    """The kecamatan and kelurahan of one region, ready for many look-ups."""

    def __init__(self, region_code: str) -> None:
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
        self._cache: dict[tuple[str, str], str | Unresolved] = {}

    def resolve(self, kelurahan: str, kecamatan: str) -> str | Unresolved:
        """The kelurahan code, or why there is none. Both arguments are the
        cells as text ("" when empty)."""
        key = (kelurahan, kecamatan)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(kelurahan, kecamatan)
            if len(self._cache) < 100_000:
                self._cache[key] = found
        return found

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

    def _resolve(self, kelurahan: str, kecamatan: str) -> str | Unresolved:
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
            return code
        name = normalise_place(kelurahan)
        names = self.by_kecamatan.get(district, {}) if district is not None else self.by_name
        codes = names.get(name)
        if codes is None:
            if district is not None and name in self.by_name:
                return Unresolved("kelurahan_other_kecamatan", kelurahan)
            codes = _fuzzy(name, names)
        if codes is None:
            return Unresolved("kelurahan_unknown", kelurahan)
        if len(codes) > 1:
            return Unresolved("kelurahan_ambiguous", kelurahan)
        return codes[0]


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
