"""Permission matrix rows for the per-agency progress workbook. Only those who
may write agency A's reports use agency A's workbook: its editor and the
smart city team. The editor of agency B may not even see them (404); the
assessor sees every report but writes none (403)."""

from __future__ import annotations

from tests.conftest import World
from tests.monitoring_fixtures import period
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, row

WRITE = row(LOGIN, 200, 200, 404, 403)
# A forged token: back to the upload page, nothing applied.
POST_TOKEN = row(LOGIN, 302, 302, 404, 403)


def open_period(w: World) -> list[object]:
    return [period(w).pk]


def agency_a(w: World) -> list[object]:
    return [period(w).pk, w.agency_a.pk]


ROWS: Rows = {
    # Without a chosen agency, writers are sent back to the board; the
    # assessor may write no agency's reports at all.
    "monitoring:workbook_choose": (
        open_period,
        {},
        {"GET": row(LOGIN, 302, 302, 302, 403), "POST": SAFE_ONLY},
    ),
    "monitoring:workbook_export": (agency_a, {}, {"GET": WRITE, "POST": SAFE_ONLY}),
    # POST without a file: the form again, with its error.
    "monitoring:workbook_upload": (agency_a, {}, {"GET": WRITE, "POST": WRITE}),
    "monitoring:workbook_confirm": (
        agency_a,
        {"token": "palsu"},
        {"GET": SAFE_ONLY, "POST": POST_TOKEN},
    ),
    "monitoring:workbook_cancel": (
        agency_a,
        {"token": "palsu"},
        {"GET": SAFE_ONLY, "POST": POST_TOKEN},
    ),
}
