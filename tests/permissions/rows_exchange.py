"""Permission matrix rows for the masterplan workbook: everyone who may see
the region may download its export (all of it is visible to them already);
only the region's admins import. A forged token is refused with a redirect
back to the upload form, nothing applied."""

from __future__ import annotations

from tests.permissions.matrix import ADMIN_ONLY, LOGIN, READ, SAFE_ONLY, Rows, none, region, row

ROWS: Rows = {
    "exchange:template": (none, {}, {"GET": row(LOGIN, 200, 200, 200, 200), "POST": SAFE_ONLY}),
    "exchange:export": (region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    # POST without a file: the admin sees the form again with its error.
    "exchange:import": (region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "exchange:import_confirm": (
        region,
        {"token": "palsu"},
        {"GET": SAFE_ONLY, "POST": row(LOGIN, 302, 403, 403, 403)},
    ),
}
