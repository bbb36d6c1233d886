"""Permission matrix rows for the national systems (issue 20): the SIDT-KUMKM
export holds personal data (registry officers only); the SIINas page is for
whoever sees the registry, its target is entered by the region admin."""

from __future__ import annotations

from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, region, row

REGISTRY_READ = row(LOGIN, 200, 403, 403, 403, officer=200)
REVEAL_POST = row(LOGIN, 403, 403, 403, 403, officer=302)
ADMIN_POST = row(LOGIN, 302, 403, 403, 403, officer=403)

ROWS: Rows = {
    "umkm:sidt_export": (
        region,
        {"fmt": "csv", "purpose": "pemutakhiran data SIDT-KUMKM"},
        {"GET": SAFE_ONLY, "POST": REVEAL_POST},
    ),
    "umkm:siinas": (
        region,
        {"year": "2026", "target": "50"},
        {"GET": REGISTRY_READ, "POST": ADMIN_POST},
    ),
}
