"""Permission matrix rows for the monitoring cycle. Agency editors see and
write only their own agencies' reports (editor_b gets 404 for agency A's);
only the smart city team manages periods and verifies."""

from __future__ import annotations

from kotacerdas.core.pages import CONFIRM_FIELD
from tests.conftest import World
from tests.monitoring_fixtures import file_evidence, link_evidence, period, report
from tests.permissions.matrix import ADMIN_ONLY, LOGIN, READ, SAFE_ONLY, Rows, plan_a, region, row

POST_ADMIN = row(LOGIN, 302, 403, 403, 403)
# Report routes for plan_a (agency A): editor_b may not even see them.
REPORT_WRITE = row(LOGIN, 302, 302, 404, 403)
REPORT_VERIFY = row(LOGIN, 302, 403, 404, 403)


def open_period(w: World) -> list[object]:
    return [period(w).pk]


def planned_period(w: World) -> list[object]:
    return [period(w, state="planned", number=4).pk]


def closed_period(w: World) -> list[object]:
    return [period(w, state="closed", number=2).pk]


def draft_report(w: World) -> list[object]:
    return [report(w).pk]


def submitted_report(w: World) -> list[object]:
    return [report(w, state="submitted").pk]


ROWS: Rows = {
    "monitoring:period_list": (region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "monitoring:period_generate": (
        region,
        {"year": "2025"},
        {"GET": SAFE_ONLY, "POST": POST_ADMIN},
    ),
    # Without two chosen periods the comparison sends readers back to the list.
    "monitoring:compare": (region, {}, {"GET": row(LOGIN, 302, 302, 302, 302), "POST": SAFE_ONLY}),
    "monitoring:period_detail": (open_period, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "monitoring:period_open": (planned_period, {}, {"GET": SAFE_ONLY, "POST": POST_ADMIN}),
    # GET is the confirmation page; only its own POST (the confirm field) closes.
    "monitoring:period_close": (
        open_period,
        {CONFIRM_FIELD: "1"},
        {"GET": ADMIN_ONLY, "POST": POST_ADMIN},
    ),
    "monitoring:snapshot_detail": (closed_period, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "monitoring:report_edit": (
        lambda w: [period(w).pk, w.plan_a.pk],
        {},
        {"GET": row(LOGIN, 200, 200, 404, 403), "POST": row(LOGIN, 200, 200, 404, 403)},
    ),
    "monitoring:report_detail": (
        draft_report,
        {},
        {"GET": row(LOGIN, 200, 200, 404, 200), "POST": SAFE_ONLY},
    ),
    "monitoring:report_submit": (draft_report, {}, {"GET": SAFE_ONLY, "POST": REPORT_WRITE}),
    "monitoring:report_verify": (submitted_report, {}, {"GET": SAFE_ONLY, "POST": REPORT_VERIFY}),
    "monitoring:report_return": (
        submitted_report,
        {"reason": "Kurang bukti"},
        {"GET": SAFE_ONLY, "POST": REPORT_VERIFY},
    ),
    "monitoring:evidence_upload": (draft_report, {}, {"GET": SAFE_ONLY, "POST": REPORT_WRITE}),
    "monitoring:evidence_link": (
        draft_report,
        {"url": "https://example.org/a"},
        {"GET": SAFE_ONLY, "POST": REPORT_WRITE},
    ),
    "monitoring:evidence_delete": (
        lambda w: [link_evidence(w).pk],
        {},
        {"GET": SAFE_ONLY, "POST": REPORT_WRITE},
    ),
    "monitoring:evidence_download": (
        lambda w: [file_evidence(w).pk],
        {},
        {"GET": row(LOGIN, 200, 200, 404, 200), "POST": SAFE_ONLY},
    ),
    "monitoring:timeline": (plan_a, {}, {"GET": row(LOGIN, 200, 200, 403, 200), "POST": SAFE_ONLY}),
}
