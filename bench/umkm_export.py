"""Benchmark: a registry export of N businesses made by the worker's code.

    python bench/umkm_export.py [--rows 460000] [--formats csv,xlsx] [--json]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL),
inserts N synthetic businesses as bench/umkm_stats.py does, then for each
format queues an export as a registry officer
(``umkm.pdp.services.export_job_create``) and runs it as the worker does
(``umkm.pdp.services.run_export_job``), reporting the wall time, rows per
second, the file's size, and the growth of the process's peak memory (the
export reads in chunks and streams the file, so it should not grow with N).
The caps are lifted for the run. Writers meanwhile: bench/contention.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from umkm_stats import REGION_CODE, _insert, _setup  # noqa: E402


def _reset_peak() -> None:
    """Start the peak (VmHWM) afresh, where Linux allows it."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=460_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from kotacerdas.core.models import Membership, Role
    from kotacerdas.core.storage import private_storage
    from kotacerdas.regions.models import Region
    from kotacerdas.umkm.models import Business
    from kotacerdas.umkm.pdp.services import export_job_create, run_export_job

    settings.KOTACERDAS_EXPORT_MAX_ROWS = settings.KOTACERDAS_EXPORT_MAX_BYTES = 1 << 40
    settings.KOTACERDAS_EXPORT_MAX_SECONDS = 24 * 3600
    region, _created = Region.objects.get_or_create(
        code=REGION_CODE, defaults={"name": "Kota Dumai"}
    )
    Business.objects.filter(region=region).delete()
    insert_seconds = _insert(args.rows, region.pk)
    officer, _created = get_user_model().objects.get_or_create(username="bench-officer")
    Membership.objects.get_or_create(user=officer, region=region, role=Role.REGISTRY_OFFICER)

    results = {"rows": args.rows, "insert_seconds": round(insert_seconds, 1), "exports": []}
    for fmt in args.formats.split(","):
        job = export_job_create(
            actor=officer,
            region=region,
            personal=True,
            purpose="pengukuran kinerja ekspor registri",
            fmt=fmt,
        )
        _reset_peak()
        before = _current_mb()
        started = time.perf_counter()
        outcome = run_export_job(job)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        results["exports"].append(
            {
                "format": fmt,
                "state": job.state,
                "rows": outcome.get("rows"),
                "seconds": round(seconds, 1),
                "rows_per_second": round((outcome.get("rows") or 0) / seconds),
                "size_mb": round((job.size or 0) / 1024 / 1024, 1),
                "peak_memory_growth_mb": round(_peak_mb() - before, 1),
            }
        )
        if job.stored_name:
            private_storage.delete(job.stored_name)
    if args.json:
        print(json.dumps(results))
        return
    print(f"{args.rows} businesses inserted in {results['insert_seconds']} s")
    for item in results["exports"]:
        print(
            f"{item['format']}: {item['state']}, {item['rows']} rows in {item['seconds']} s "
            f"({item['rows_per_second']}/s), {item['size_mb']} MB, "
            f"peak memory +{item['peak_memory_growth_mb']} MB"
        )


if __name__ == "__main__":
    main()
