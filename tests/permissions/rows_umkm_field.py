"""Permission matrix rows for the offline registration form of field
enumerators: the same people as the officer's registration form (registry
officers and admins of the region); the region's other members get 403."""

from __future__ import annotations

from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, region, row

REGISTRY = row(LOGIN, 200, 403, 403, 403, officer=200)
POST_ONLY = row(LOGIN, 405, 405, 405, 405, officer=405)

ROWS: Rows = {
    "umkm:field_form": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:field_worker": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    "umkm:field_token": (region, {}, {"GET": REGISTRY, "POST": SAFE_ONLY}),
    # An empty entry comes back refused, with its field messages (400).
    "umkm:field_submit": (
        region,
        {},
        {"GET": POST_ONLY, "POST": row(LOGIN, 400, 403, 403, 403, officer=400)},
    ),
}
