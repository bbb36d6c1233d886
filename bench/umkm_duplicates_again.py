"""Benchmark: the duplicate search again, on a database bench/umkm_duplicates.py built.

    KOTACERDAS_DATA_DIR=/tmp/kc-bench-dup-XXXX python bench/umkm_duplicates_again.py --rows 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench_duplicates \\
        python bench/umkm_duplicates_again.py --rows 1000000

Setting up a million businesses takes longer than searching them; this
deletes the region's candidates and times ``candidates_find`` again, with
the same figures (the planted pairs are generated again from the same seed).
``--rows`` and ``--planted`` must be those of the run that built the database.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--planted", type=float, default=0.03)
    parser.add_argument(
        "--serial", action="store_true", help="the kelurahan passes in this process only"
    )
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.settings"
    import django

    django.setup()
    import umkm_duplicates as bench
    from django.db import connection

    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.models import Business, DuplicateCandidate

    region = Region.objects.get(code=bench.REGION_CODE)
    DuplicateCandidate.objects.filter(region=region).delete()
    ids = Business.all_rows.filter(region=region).order_by("id").values_list("id", flat=True)
    lowest = ids.first() or 0
    planted = {
        (lowest + row[5], lowest + position)
        for position, row in enumerate(bench.generate(args.rows, args.planted))
        if row[5] is not None
    }
    load = os.getloadavg()[0]
    with bench.PeakRss() as memory:
        found, seconds, cpu_seconds = bench.search(region, args.serial)
    pairs = set(
        DuplicateCandidate.objects.filter(region=region).values_list("first_id", "second_id")
    )
    hits = len(planted & pairs)
    sys.stdout.write(
        f"{connection.vendor}: {args.rows:,} businesses, load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after\n"
        f"candidates_find{' (serial)' if args.serial else ''}: {seconds:.2f} s, "
        f"{cpu_seconds:.2f} s of CPU with the workers' (target ≤ 60 s)\n"
        f"candidates: {found.found_total:,} {found.found}\n"
        f"recall: {hits:,}/{len(planted):,} = {hits / len(planted):.2%}; "
        f"precision: {hits / len(pairs):.2%}\n"
        f"peak RSS during the search: {memory.peak / 2**20:.0f} MiB "
        f"({memory.start / 2**20:.0f} MiB before)\n"
    )


if __name__ == "__main__":
    main()
