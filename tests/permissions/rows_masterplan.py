"""Permission matrix rows for the foundation: sign-in, language, health, the
masterplan pages."""

from __future__ import annotations

from tests.permissions.matrix import (
    ADMIN_ONLY,
    LOGIN,
    PUBLIC_SAFE_ONLY,
    READ,
    SAFE_ONLY,
    Rows,
    none,
    plan_a,
    programme,
    region,
    row,
)

ROWS: Rows = {
    # One region: straight to its dashboard (the second region's admin to
    # theirs); no region (the analysts, the deployment admin): the picker.
    "home": (
        none,
        {},
        {"GET": row(200, 302, 302, 302, 302, admin_2=302), "POST": PUBLIC_SAFE_ONLY},
    ),
    "login": (
        none,
        {},
        {"GET": row(200, 200, 200, 200, 200), "POST": row(200, 200, 200, 200, 200)},
    ),
    "logout": (
        none,
        {},
        {"GET": row(405, 405, 405, 405, 405), "POST": row(302, 302, 302, 302, 302)},
    ),
    "set_language": (
        none,
        {"language": "en"},
        {"GET": row(302, 302, 302, 302, 302), "POST": row(302, 302, 302, 302, 302)},
    ),
    "healthz": (none, {}, {"GET": row(200, 200, 200, 200, 200), "POST": PUBLIC_SAFE_ONLY}),
    "masterplan:method": (
        none,
        {},
        {"GET": row(200, 200, 200, 200, 200), "POST": PUBLIC_SAFE_ONLY},
    ),
    "masterplan:dashboard": (region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:masterplan_edit": (region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:explain": (
        lambda w: [w.region.code, "action_plans", "overall"],
        {},
        {"GET": READ, "POST": SAFE_ONLY},
    ),
    "masterplan:programme_list": (region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:programme_create": (region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:action_plan_list": (region, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:programme_detail": (programme, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:programme_edit": (programme, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    # The programme still has action plans: the admin sees why it cannot go.
    "masterplan:programme_delete": (programme, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:action_plan_create": (programme, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "masterplan:action_plan_detail": (plan_a, {}, {"GET": READ, "POST": SAFE_ONLY}),
    "masterplan:action_plan_edit": (
        plan_a,
        {},
        {"GET": row(LOGIN, 200, 200, 403, 403), "POST": row(LOGIN, 200, 200, 403, 403)},
    ),
    "masterplan:action_plan_status": (
        plan_a,
        {"status": "berjalan"},
        {"GET": SAFE_ONLY, "POST": row(LOGIN, 302, 302, 403, 403)},
    ),
    # The team's correction of a status without a report (decisions §11).
    "masterplan:action_plan_correct": (
        plan_a,
        {"status": "berjalan", "reason": "Berita acara serah terima."},
        {"GET": ADMIN_ONLY, "POST": row(LOGIN, 302, 403, 403, 403)},
    ),
    "masterplan:action_plan_delete": (
        plan_a,
        {},
        {"GET": ADMIN_ONLY, "POST": row(LOGIN, 302, 403, 403, 403)},
    ),
    "masterplan:history": (
        lambda w: ["program", w.programme.pk],
        {},
        {"GET": READ, "POST": SAFE_ONLY},
    ),
}
