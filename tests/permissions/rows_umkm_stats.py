"""Permission matrix rows for the registry statistics: the officers' pages
(statistics, CSV, map and its points) are for registry officers and admins of
the region; the public statistics page is open to everyone."""

from __future__ import annotations

from tests.permissions.matrix import LOGIN, PUBLIC_SAFE_ONLY, SAFE_ONLY, Rows, region, row

REGISTRY_READ = row(LOGIN, 200, 403, 403, 403, officer=200)
PUBLIC_READ = row(200, 200, 200, 200, 200)

ROWS: Rows = {
    "umkm:statistics": (region, {}, {"GET": REGISTRY_READ, "POST": SAFE_ONLY}),
    "umkm:statistics_csv": (region, {}, {"GET": REGISTRY_READ, "POST": SAFE_ONLY}),
    "umkm:map": (region, {}, {"GET": REGISTRY_READ, "POST": SAFE_ONLY}),
    "umkm:map_points": (region, {}, {"GET": REGISTRY_READ, "POST": SAFE_ONLY}),
    "umkm:map_boundaries": (region, {}, {"GET": REGISTRY_READ, "POST": SAFE_ONLY}),
    "umkm:public_statistics": (region, {}, {"GET": PUBLIC_READ, "POST": PUBLIC_SAFE_ONLY}),
}
