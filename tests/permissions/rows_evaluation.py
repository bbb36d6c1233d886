"""Permission matrix rows for the evaluation (phase 1: instruments and cycles).

Instruments are national: the smart city team of a region reads them, only
the ministry's operator (a superuser, not a persona here; see
tests/evaluation/test_views.py) changes them, so every persona gets 403 on
the writing routes. Cycles are the region's smart city team's; agency
editors, assessors and registry officers get 403."""

from __future__ import annotations

from kotacerdas.evaluation.instruments import services
from tests.conftest import World
from tests.evaluation.factories import active_instrument, make_cycle
from tests.permissions.matrix import LOGIN, SAFE_ONLY, Rows, every_outsider, row

# Instruments are national: any region's smart city team reads them (the
# second region's admin too); the province and ministry analysts and the
# deployment admin do not (not their data to read before it is published).
INSTRUMENT_READ = row(LOGIN, 200, 403, 403, 403, **every_outsider(403) | {"admin_2": 200})
ADMIN_READ = row(LOGIN, 200, 403, 403, 403)
ADMIN_POST = row(LOGIN, 302, 403, 403, 403)
OPERATOR_ONLY = row(LOGIN, 403, 403, 403, 403, **every_outsider(403))


def active(w: World) -> list[object]:
    return [active_instrument(2025).pk]


def active_list(w: World) -> list[object]:
    active_instrument(2025)
    return []


def draft(w: World) -> list[object]:
    return [services.instrument_create(actor=None, kind="evaluation", year=2026).pk]


def draft_item(w: World) -> list[object]:
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2026)
    return [instrument.items.get(code="OP-1").pk]


def region_with_instrument(w: World) -> list[object]:
    active_instrument(2025)
    return [w.region.code]


def cycle(w: World) -> list[object]:
    return [make_cycle(w.region).pk]


ROWS: Rows = {
    "evaluation:instrument_list": (active_list, {}, {"GET": INSTRUMENT_READ, "POST": SAFE_ONLY}),
    "evaluation:instrument_create": (
        lambda w: [],
        {"kind": "evaluation", "year": "2026"},
        {"GET": SAFE_ONLY, "POST": OPERATOR_ONLY},
    ),
    "evaluation:instrument_detail": (active, {}, {"GET": INSTRUMENT_READ, "POST": SAFE_ONLY}),
    "evaluation:instrument_export": (active, {}, {"GET": INSTRUMENT_READ, "POST": SAFE_ONLY}),
    "evaluation:instrument_edit": (draft, {}, {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:instrument_weights": (draft, {}, {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:instrument_new_version": (active, {}, {"GET": SAFE_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:instrument_activate": (draft, {}, {"GET": SAFE_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:instrument_import": (draft, {}, {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:item_create": (draft, {}, {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:item_edit": (draft_item, {}, {"GET": OPERATOR_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:item_delete": (draft_item, {}, {"GET": SAFE_ONLY, "POST": OPERATOR_ONLY}),
    "evaluation:cycle_list": (
        lambda w: [w.region.code],
        {},
        {"GET": ADMIN_READ, "POST": SAFE_ONLY},
    ),
    "evaluation:cycle_create": (
        region_with_instrument,
        {"year": "2025", "stage": "tahap_1"},
        {"GET": ADMIN_READ, "POST": ADMIN_POST},
    ),
    "evaluation:cycle_detail": (cycle, {}, {"GET": ADMIN_READ, "POST": SAFE_ONLY}),
    "evaluation:cycle_schedule": (
        cycle,
        {"interview_date": "2025-06-10"},
        {"GET": ADMIN_READ, "POST": ADMIN_POST},
    ),
    "evaluation:cycle_advance": (
        cycle,
        {"state": "in_assessment"},
        {"GET": SAFE_ONLY, "POST": ADMIN_POST},
    ),
}
