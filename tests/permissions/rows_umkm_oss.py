"""Permission matrix rows for the OSS-RBA NIB list import and its review:
registry officers and admins of the region; the region's other members get
403."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kotacerdas.umkm.oss.models import OssImport, OssRow
from tests.conftest import World
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, region, row
from tests.umkm.oss.files import run, write_csv

REGISTRY = row(LOGIN, 200, 403, 403, 403, officer=200)
# A decision is a POST that redirects back to the review (302).
DECIDES = row(LOGIN, 302, 403, 403, 403, officer=302)
GET_NOT_ALLOWED = row(LOGIN, 405, 405, 405, 405)


def done_job(w: World) -> OssImport:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(
            Path(folder) / "nib.csv",
            [("1234567890123", "Warung Baru", "", "", "Jl. A 1", "Purnama", "Dumai Barat")],
        )
        return run(w.region, path)


def job(w: World) -> list[object]:
    return [done_job(w).pk]


def unmatched_row(w: World) -> list[object]:
    return [OssRow.objects.get(job=done_job(w)).pk]


ROWS: Rows = {
    "umkm:oss_list": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    # An empty POST is a form with errors: shown again (200).
    "umkm:oss_upload": (region, {}, {"GET": REGISTRY, "POST": REGISTRY}),
    "umkm:oss_detail": (job, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:oss_review": (job, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:oss_unmatched": (job, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:oss_decide": (
        unmatched_row,
        {"decision": "reject"},
        {"GET": GET_NOT_ALLOWED, "POST": DECIDES},
    ),
    "umkm:oss_register": (
        unmatched_row,
        {},
        {"GET": GET_NOT_ALLOWED, "POST": DECIDES},
    ),
}
