"""Permission matrix rows for the evaluation report (page, PDF, XLSX).

The report is for whoever may read the cycle: the region's smart city team
(admin), superusers and the assessors assigned to the cycle. Agency editors,
registry officers and an assessor of the region who is not assigned get 403
(tests/evaluation/test_reports.py covers the assigned and the unassigned
assessor and other regions). The matrix cycle is not scored yet, so the
report is a draft without figures: it must still render for the team."""

from __future__ import annotations

from tests.conftest import World
from tests.evaluation.factories import make_cycle
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, row

TEAM_READ = row(LOGIN, 200, 403, 403, 403)


def cycle(w: World) -> list[object]:
    return [make_cycle(w.region).pk]


ROWS: Rows = {
    "evaluation:report": (cycle, {}, {"GET": TEAM_READ, "POST": SAFE_ONLY}),
    "evaluation:report_pdf": (cycle, {}, {"GET": TEAM_READ, "POST": SAFE_ONLY}),
    "evaluation:report_xlsx": (cycle, {}, {"GET": TEAM_READ, "POST": SAFE_ONLY}),
}
