"""Benchmark: duplicate candidates for N businesses of one region.

    python bench/umkm_duplicates.py [--rows 100000] [--planted 0.03] [--json]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL
when it is set, e.g. a PostgreSQL scratch database), generates N
deterministic synthetic businesses spread over Kota Dumai's 36 kelurahan
(names built from very common words such as BERKAH, JAYA, MAKMUR, shop-type
prefixes, person names and distinctive words; addresses on a few dozen
streets) and plants near-duplicates of about ``--planted`` of them in the
same kelurahan (prefix changed or dropped, a typo, a word abbreviated, the
address rewritten). It then times ``find_candidates`` and reports the
seconds, the candidates per kind, and the recall on the planted pairs.

Target (issue #4): 100,000 businesses in at most 30 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REGION_CODE = "14.72"
COMMON = [
    "BERKAH",
    "JAYA",
    "MAKMUR",
    "SEJAHTERA",
    "ABADI",
    "MANDIRI",
    "BAROKAH",
    "SUMBER",
    "REZEKI",
    "SINAR",
    "MAJU",
    "UTAMA",
    "INDAH",
    "LESTARI",
    "AGUNG",
]
TRADES = [
    "BANGUNAN",
    "SEMBAKO",
    "KOPI",
    "BAKSO",
    "SATE",
    "JAHIT",
    "LAUNDRY",
    "BENGKEL",
    "PULSA",
    "FOTOKOPI",
    "KUE",
    "MEBEL",
    "ELEKTRONIK",
    "APOTEK",
    "SALON",
    "PERCETAKAN",
    "TAMBAL BAN",
    "MIE AYAM",
]
PEOPLE = [
    "SITI",
    "AMINAH",
    "BUDI",
    "SRI",
    "AHMAD",
    "YANTI",
    "RAHMAT",
    "DEWI",
    "HENDRA",
    "NURUL",
    "AGUS",
    "RINA",
    "JOKO",
    "FITRI",
    "SUSANTI",
    "IWAN",
    "LINDA",
    "BAMBANG",
    "WATI",
    "ZULKIFLI",
]
PREFIXES = ["TOKO", "WARUNG", "UD", "CV", "RM", "KEDAI", "", "", ""]
PREFIX_SWAP = {"TOKO": "TK", "WARUNG": "WRG", "UD": "", "CV": "", "RM": "RUMAH MAKAN", "KEDAI": ""}
SYLLABLES = ["KA", "RA", "SI", "TI", "MA", "NU", "DE", "WI", "LA", "SA", "PU", "RI", "YA"]
SYLLABLES += ["NI", "TO", "BE", "GA", "HA", "JU", "LO", "DI", "KE", "MU", "RO"]
STREETS = [f"{w}" for w in ("SUDIRMAN", "DIPONEGORO", "SUKAJADI", "KESEHATAN", "SULTAN SYARIF")]
STREETS += [f"{a} {b}" for a in ("MERDEKA", "PATIMURA", "NANGKA", "CEMPAKA") for b in ("RAYA", "I")]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["KOTACERDAS_DATA_DIR"] = tempfile.mkdtemp(prefix="kc-bench-dup-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _distinct_words(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))))
    return sorted(words)


def _name(rng: random.Random, words: list[str]) -> str:
    prefix = rng.choice(PREFIXES)
    shape = rng.random()
    if shape < 0.15:
        core = f"{rng.choice(COMMON)} {rng.choice(COMMON)}"
    elif shape < 0.45:
        core = f"{rng.choice(COMMON)} {rng.choice(words)}"
    elif shape < 0.65:
        core = f"{rng.choice(('BU', 'PAK'))} {rng.choice(PEOPLE)} {rng.choice(words)}"
    elif shape < 0.85:
        core = f"{rng.choice(TRADES)} {rng.choice(words)} {rng.choice(COMMON)}"
    else:
        core = f"{rng.choice(words)} {rng.choice(words)}"
    return f"{prefix} {core}".strip()


def _address(rng: random.Random) -> str:
    return (
        f"Jl. {rng.choice(STREETS).title()} No. {rng.randint(1, 250)} "
        f"RT {rng.randint(1, 20):02d} RW {rng.randint(1, 8):02d}"
    )


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    change = rng.random()
    if change < 0.4:
        return word[:i] + word[i + 1 :]  # a letter dropped
    if change < 0.7:
        return word[:i] + word[i] + word[i:]  # a letter doubled
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # two letters swapped


def _variant(rng: random.Random, name: str, address: str) -> tuple[str, str]:
    words = name.split()
    if words and words[0] in PREFIX_SWAP and rng.random() < 0.6:
        words[0] = PREFIX_SWAP[words[0]]
    elif rng.random() < 0.3:
        words.insert(0, "TOKO")
    first = (
        1
        if len(words) > 1 and words[0] in {"TOKO", "RUMAH", *PREFIX_SWAP, *PREFIX_SWAP.values()}
        else 0
    )
    longest = max(range(first, len(words)), key=lambda k: len(words[k]))
    if rng.random() < 0.5:
        words[longest] = _typo(rng, words[longest])
    name = " ".join(w for w in words if w)
    name = name.title() if rng.random() < 0.5 else name
    if rng.random() < 0.4:
        address = address.replace("Jl.", "Jalan").replace(" RW", ", RW")
    elif rng.random() < 0.4:
        address = address.split(" RT")[0]
    elif rng.random() < 0.3:
        address = ""
    return name, address


def generate(rows: int, planted_share: float, seed: int = 20241118) -> tuple[list[Any], int]:
    """(businesses to insert, number of planted pairs); a planted copy
    follows its original in the list (``source_row`` holds the original's
    row number)."""
    from kotacerdas.regions.reference import kelurahan_of
    from kotacerdas.umkm.identifiers import name_key
    from kotacerdas.umkm.models import Business

    rng = random.Random(seed)
    words = _distinct_words(rng, 4000)
    kelurahan = [area.code for area in kelurahan_of(REGION_CODE)]
    planted = int(rows * planted_share)
    originals = rows - planted
    plant_at = set(rng.sample(range(originals), planted))
    out: list[Any] = []

    def add(name: str, kel: str, address: str, phone: str, nik: str, src: Any) -> None:
        out.append(
            Business(
                region_id=0,
                name=name,
                name_key=name_key(name),
                kelurahan_code=kel,
                kecamatan_code=kel[:8],
                address=address,
                phone=phone,
                owner_nik=nik,
                source=Business.Source.IMPORT,
                source_row=src,
            )
        )

    for row in range(originals):
        kel = rng.choice(kelurahan)
        name, address = _name(rng, words), _address(rng)
        phone = (
            f"628{rng.randint(11, 59)}{rng.randint(1_000_000, 99_999_999)}"
            if rng.random() < 0.6
            else ""
        )
        day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
        birth = f"{day:02d}{rng.randint(1, 12):02d}{rng.randint(50, 99)}"
        nik = f"147201{birth}{rng.randint(1, 9999):04d}" if rng.random() < 0.7 else ""
        add(name, kel, address, phone, nik, None)
        if row in plant_at:
            v_name, v_address = _variant(rng, name, address)
            # Planted copies rarely carry the same phone or NIK (a second
            # survey by another officer): most must be found by the fuzzy pass.
            v_phone = phone if rng.random() < 0.2 else ""
            v_nik = nik if rng.random() < 0.1 else ""
            add(v_name, kel, v_address, v_phone, v_nik, len(out) - 1)
    return out, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--planted", type=float, default=0.03)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _setup()

    from django.db import connection

    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.duplicates.services import candidates_find
    from kotacerdas.umkm.models import Business, DuplicateCandidate

    region, _created = Region.objects.get_or_create(
        code=REGION_CODE, defaults={"name": "Kota Dumai"}
    )
    DuplicateCandidate.objects.filter(region=region).delete()
    Business.objects.filter(region=region).delete()
    started = time.perf_counter()
    businesses, planted = generate(args.rows, args.planted)
    for b in businesses:
        b.region_id = region.pk
    # Copies point to their original through source_row (the list position);
    # ids come back in insertion order on both SQLite and PostgreSQL.
    created = Business.objects.bulk_create(businesses, batch_size=5000)
    setup_seconds = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    found = candidates_find(actor=None, region=region)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started

    pairs = set(
        DuplicateCandidate.objects.filter(region=region).values_list("first_id", "second_id")
    )
    planted_pairs = {
        tuple(sorted((created[b.source_row].pk, b.pk))) for b in created if b.source_row is not None
    }
    hits = len(planted_pairs & pairs)
    result = {
        "database": connection.vendor,
        "businesses": len(created),
        "planted_pairs": len(planted_pairs),
        "setup_seconds": round(setup_seconds, 1),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "candidates": found.found_total,
        "per_kind": found.found,
        "recall": round(hits / len(planted_pairs), 4) if planted_pairs else None,
        "target_seconds": 30,
    }
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        sys.stdout.write(
            f"{result['database']}: {len(created):,} businesses, {planted} planted pairs\n"
            f"find_candidates: {seconds:.2f} s, {cpu_seconds:.2f} s of CPU (target ≤ 30 s)\n"
            f"candidates: {found.found_total:,} {found.found}\n"
            f"recall on planted pairs: {hits}/{len(planted_pairs)} = {result['recall']:.2%}\n"
        )


if __name__ == "__main__":
    main()
