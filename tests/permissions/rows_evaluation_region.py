"""Permission matrix rows for the region side of the evaluation: the
self-assessment, its evidence, evidence requests and the application
inventory.

The world's cycle has item BL-1 delegated to agency A: editor_a sees and
writes that item only; editor_b (agency B) gets 403. The assessor persona
holds Role.ASSESSOR in the region but is not assigned to the cycle, so it
must not see any answer (403); assigned assessors are tested in
tests/evaluation/test_region_views.py. Delegating, submitting and the
application inventory are the smart city team's alone."""

from __future__ import annotations

from kotacerdas.evaluation.models import Application, EvaluationCycle
from kotacerdas.evaluation.self_assessment import services as sa
from tests.conftest import World
from tests.evaluation.factories import make_cycle
from tests.evaluation.region_factories import evidence_request, item
from tests.monitoring_fixtures import pdf_upload
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, row

TEAM_READ = row(LOGIN, 200, 403, 403, 403)
TEAM_POST = row(LOGIN, 302, 403, 403, 403)
DELEGATED_READ = row(LOGIN, 200, 200, 403, 403)
DELEGATED_POST = row(LOGIN, 302, 302, 403, 403)


def _cycle(w: World) -> EvaluationCycle:
    cycle = make_cycle(w.region)
    sa.answer_delegate(actor=None, cycle=cycle, item=item(cycle), agency=w.agency_a)
    return cycle


def cycle(w: World) -> list[object]:
    return [_cycle(w).pk]


def cycle_item(w: World) -> list[object]:
    c = _cycle(w)
    return [c.pk, item(c).pk]


def cycle_dimension(w: World) -> list[object]:
    c = _cycle(w)
    return [c.pk, item(c).dimension_id]


def link(w: World) -> list[object]:
    c = _cycle(w)
    return [sa.evidence_add_link(actor=None, cycle=c, item=item(c), url="https://a.go.id").pk]


def upload(w: World) -> list[object]:
    c = _cycle(w)
    return [sa.evidence_add_file(actor=None, cycle=c, item=item(c), upload=pdf_upload()).pk]


def open_request(w: World) -> list[object]:
    c = _cycle(w)
    sa.self_assessment_submit(actor=None, cycle=c)
    return [evidence_request(c).pk]


def cycle_region(w: World) -> list[object]:
    _cycle(w)
    return [w.region.code]


def application(w: World) -> list[object]:
    return [Application.objects.create(region=w.region, name="Dumai Smart Service").pk]


def region(w: World) -> list[object]:
    return [w.region.code]


ROWS: Rows = {
    "evaluation:answer_list": (cycle, {}, {"GET": DELEGATED_READ, "POST": SAFE_ONLY}),
    "evaluation:answer_edit": (
        cycle_item,
        {"text": "Sudah ada SK tim.", "claimed_score": "3,5"},
        {"GET": DELEGATED_READ, "POST": DELEGATED_POST},
    ),
    # An empty POST (no management form) is answered with a message and a
    # redirect, for whoever may write a row of the dimension.
    "evaluation:answer_grid": (
        cycle_dimension,
        {},
        {"GET": DELEGATED_READ, "POST": DELEGATED_POST},
    ),
    "evaluation:answer_delegate": (cycle_item, {}, {"GET": SAFE_ONLY, "POST": TEAM_POST}),
    "evaluation:answer_evidence_upload": (
        cycle_item,
        {},
        {"GET": SAFE_ONLY, "POST": DELEGATED_POST},
    ),
    "evaluation:answer_evidence_link": (
        cycle_item,
        {"url": "https://dumaikota.go.id/sk"},
        {"GET": SAFE_ONLY, "POST": DELEGATED_POST},
    ),
    "evaluation:answer_evidence_pick": (
        cycle_item,
        {"progress_evidence": "0"},
        {"GET": DELEGATED_READ, "POST": DELEGATED_POST},
    ),
    "evaluation:answer_evidence_delete": (link, {}, {"GET": SAFE_ONLY, "POST": DELEGATED_POST}),
    "evaluation:answer_evidence_download": (
        upload,
        {},
        {"GET": DELEGATED_READ, "POST": SAFE_ONLY},
    ),
    "evaluation:self_assessment_submit": (cycle, {}, {"GET": TEAM_READ, "POST": TEAM_POST}),
    "evaluation:evidence_request_respond": (
        open_request,
        {"response": "SK terlampir."},
        {"GET": DELEGATED_READ, "POST": DELEGATED_POST},
    ),
    # Every agency member of the region may look (editor_b finds an empty list).
    "evaluation:contribution_list": (
        cycle_region,
        {},
        {"GET": row(LOGIN, 200, 200, 200, 403), "POST": SAFE_ONLY},
    ),
    "evaluation:application_list": (region, {}, {"GET": TEAM_READ, "POST": SAFE_ONLY}),
    "evaluation:application_create": (
        region,
        {"name": "SIPADU", "status": "live"},
        {"GET": TEAM_READ, "POST": TEAM_POST},
    ),
    "evaluation:application_edit": (
        application,
        {"name": "SIPADU", "status": "live"},
        {"GET": TEAM_READ, "POST": TEAM_POST},
    ),
    "evaluation:application_delete": (application, {}, {"GET": SAFE_ONLY, "POST": TEAM_POST}),
}
