"""Benchmark: matching an OSS-RBA NIB list of M rows to a registry of N
businesses (the pure matcher, :func:`kotacerdas.umkm.oss.matching.match_all`).

    python bench/umkm_oss.py [--businesses 100000] [--rows 20000] [--json]

Generates N deterministic synthetic businesses over Kota Dumai's kelurahan
(names from common words, shop prefixes and distinctive words; addresses on
a few dozen streets; a third with a NIB, half with an owner NIK) and an OSS
list of M rows: a quarter with a NIB the registry holds, a quarter with the
owner's NIK and the same name, a quarter with a variant of a name at the same
address (prefix changed, a typo), a quarter of new businesses. It times
``match_all`` and, in the same run, the anchor: the duplicate finder's
``candidate_pairs`` over the same N businesses (the same scoring
functions, the registry's existing measured pass), and prints both with the
ratio, the outcome counts and how many planted rows found their business.
No database: the records are what the services read from it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

COMMON = ["BERKAH", "JAYA", "MAKMUR", "SEJAHTERA", "ABADI", "MANDIRI", "SENTOSA", "BARU"]
PREFIXES = ["TOKO", "WARUNG", "UD", "CV", "RM", "KEDAI", ""]
STREETS = [f"JL {w}" for w in ("SUDIRMAN", "SULTAN", "OMBAK", "NANGKA", "CEMPEDAK", "MELATI")]
STREETS += [f"GG {w}" for w in ("MAWAR", "KENANGA", "DAMAI", "ANGGREK", "TERATAI", "SAKURA")]
SYLLABLES = ["KA", "RI", "MU", "SO", "TA", "NE", "LI", "BA", "DU", "PE", "RO", "GI", "WA", "SU"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def _nik(rng: random.Random) -> str:
    born = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(60, 99)}"
    return f"147201{born}{rng.randint(1, 9999):04d}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    k = rng.randrange(1, len(word) - 1)
    return word[:k] + word[k + 1 :]


def build(
    businesses: int, rows: int, seed: int = 20
) -> tuple[list[Any], list[Any], list[str], dict[int, int]]:
    from kotacerdas.regions.reference import kelurahan_of
    from kotacerdas.umkm.duplicates.matching import Record
    from kotacerdas.umkm.identifiers import name_key
    from kotacerdas.umkm.oss.reading import OssEntry

    rng = random.Random(seed)
    places = [area.code for area in kelurahan_of("14.72")]
    records = []
    names: dict[int, str] = {}
    for i in range(1, businesses + 1):
        words = [_word(rng), rng.choice(COMMON)] if rng.random() < 0.7 else [_word(rng), _word(rng)]
        name = " ".join([rng.choice(PREFIXES), *words]).strip()
        names[i] = name
        records.append(
            Record(
                id=i,
                kelurahan_code=rng.choice(places),
                name_key=name_key(name),
                owner_nik=_nik(rng) if rng.random() < 0.5 else "",
                nib=f"{i:013d}" if rng.random() < 0.34 else "",
                address=f"{rng.choice(STREETS)} NO {rng.randint(1, 200)}",
            )
        )
    entries: list[Any] = []
    kelurahan: list[str] = []
    expected: dict[int, int] = {}  # entry index → the business it should find
    with_nib = [r for r in records if r.nib]
    with_nik = [r for r in records if r.owner_nik and not r.nib]
    for n in range(rows):
        kind = n % 4
        nib = f"{9_000_000_000_000 + n:013d}"
        if kind == 0:
            r = rng.choice(with_nib)
            entries.append(OssEntry(row=n + 2, nib=r.nib, name=names[r.id], address=r.address))
            kelurahan.append(r.kelurahan_code)
            expected[n] = r.id
        elif kind == 1:
            r = rng.choice(with_nik)
            entries.append(
                OssEntry(row=n + 2, nib=nib, name=names[r.id].upper(), owner_nik=r.owner_nik)
            )
            kelurahan.append("")
            expected[n] = r.id
        elif kind == 2:
            r = rng.choice(records)
            words = r.name_key.split()
            variant = " ".join([rng.choice(PREFIXES), *(_typo(rng, w) for w in words)]).strip()
            entries.append(
                OssEntry(row=n + 2, nib=nib, name=variant, address=r.address.replace("NO ", ""))
            )
            kelurahan.append(r.kelurahan_code)
            expected[n] = r.id
        else:
            entries.append(
                OssEntry(row=n + 2, nib=nib, name=f"{_word(rng)} {_word(rng)} {_word(rng)}")
            )
            kelurahan.append(rng.choice(places))
    return records, entries, kelurahan, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    import django

    django.setup()
    from kotacerdas.umkm.duplicates.matching import candidate_pairs
    from kotacerdas.umkm.oss.matching import match_all

    records, entries, kelurahan, expected = build(args.businesses, args.rows)
    started = time.perf_counter()
    found = match_all(entries, records, kelurahan)
    matching = time.perf_counter() - started
    started = time.perf_counter()
    pairs = candidate_pairs(records)
    anchor = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for f in found:
        outcomes[str(f.outcome)] = outcomes.get(str(f.outcome), 0) + 1
    hits = sum(1 for i, business in expected.items() if found[i].business_id == business)
    result = {
        "businesses": args.businesses,
        "rows": args.rows,
        "matching_s": round(matching, 2),
        "anchor_duplicates_s": round(anchor, 2),
        "ratio": round(matching / anchor, 2) if anchor else None,
        "anchor_pairs": len(pairs),
        "outcomes": outcomes,
        "planted": len(expected),
        "planted_found": hits,
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
