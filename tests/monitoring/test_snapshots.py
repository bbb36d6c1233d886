"""What a closed period froze, read and written through one typed owner
(kotacerdas.monitoring.snapshots): the close writes the current layout, and
snapshots stored before layouts existed are still read as they were."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.masterplan.selectors import Scope, masterplan_figures
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
from kotacerdas.monitoring.selectors import periods_compare
from kotacerdas.monitoring.snapshots import (
    LAYOUT,
    Frozen,
    FrozenFigures,
    FrozenPublished,
    FrozenRatio,
)
from kotacerdas.portal import datasets, selectors
from tests.conftest import World
from tests.monitoring_fixtures import period, report

pytestmark = pytest.mark.usefixtures("shared_world")


def _pair(plans: tuple[int, int, str | None], programmes: tuple[int, int, str | None]) -> Any:
    return {
        "action_plans": {"total": plans[1], "in_implementation": plans[0], "percent": plans[2]},
        "programmes": {"total": programmes[1], "running": programmes[0], "percent": programmes[2]},
    }


# As the close wrote ``PeriodSnapshot.figures`` before the layout column existed
# (the JSON of ``masterplan_figures(...).as_dict()``), with figures no live
# count of the test world gives, so a reader that recounts would be caught.
STORED_FIGURES: dict[str, Any] = {
    "region": "14.72",
    "region_name": "Kota Dumai",
    "masterplan": {
        "id": 1,
        "title": "Masterplan Smart City Uji 2022–2032",
        "period": "2022–2032",
        "legal_basis": "Peraturan Wali Kota Uji Nomor 1 Tahun 2023",
    },
    "rule_version": "1",
    "computed_at": "2024-10-01T02:15:00.123456+00:00",
    **_pair((63, 103, "61.17"), (43, 51, "84.31")),
    "quick_wins": {
        "total": 1,
        "items": [
            {
                "code": "P-001",
                "name": "Layanan publik terpadu",
                "year": 2024,
                "pillar": "governance",
                "lead_agency": "Diskominfo",
                "status": "berjalan",
            }
        ],
    },
    "pillars": [
        {
            "code": "governance",
            "name": "Smart Governance",
            **_pair((20, 30, "66.67"), (9, 10, "90.00")),
            "elements": [
                {"name": "Pelayanan publik", **_pair((20, 30, "66.67"), (9, 10, "90.00"))}
            ],
        },
        {
            "code": "branding",
            "name": "Smart Branding",
            **_pair((0, 0, None), (0, 0, None)),
            "elements": [],
        },
    ],
    "agencies": [{"short_name": "Diskominfo", **_pair((63, 103, "61.17"), (43, 51, "84.31"))}],
    "years": [{"year": 2024, **_pair((63, 103, "61.17"), (43, 51, "84.31"))}],
}
TAKEN_AT = dt.datetime(2024, 10, 1, 2, 15, tzinfo=dt.UTC)


def _stored_statuses(w: World) -> dict[str, str]:
    return {w.plan_a.code: "berjalan", w.plan_b.code: "belum_dimulai"}


def _stored_before_layouts(w: World, number: int = 3) -> PeriodSnapshot:
    """A closed period whose snapshot was stored before the layout column: the
    migration gave it layout 1."""
    services.periods_generate(actor=None, masterplan=w.masterplan, year=2024)
    closed = ReportingPeriod.objects.get(masterplan=w.masterplan, year=2024, number=number)
    ReportingPeriod.objects.filter(pk=closed.pk).update(state="closed", closed_at=TAKEN_AT)
    return PeriodSnapshot.objects.create(
        period=closed,
        layout=1,
        rule_version="1",
        taken_at=TAKEN_AT,
        figures=copy.deepcopy(STORED_FIGURES),
        plan_statuses=_stored_statuses(w),
    )


def test_it_reads_a_snapshot_stored_before_layouts_existed(world):
    stored = _stored_before_layouts(world)
    frozen = Frozen.of(PeriodSnapshot.objects.get(pk=stored.pk))

    assert frozen.layout == 1
    assert frozen.rule_version == "1"
    assert frozen.taken_at == TAKEN_AT
    overall = frozen.figures.overall.action_plans
    assert (overall.numerator, overall.denominator, overall.percent) == (63, 103, Decimal("61.17"))
    assert frozen.figures.overall.programmes.percent == Decimal("84.31")
    governance = frozen.figures.pillar("governance")
    assert governance is not None and governance.programmes.numerator == 9
    assert governance.elements[0].name == "Pelayanan publik"
    assert frozen.figures.ratio("action_plans", Scope("pillar", "branding")) == FrozenRatio(
        numerator=0, denominator=0, percent=None
    )
    assert frozen.figures.ratio("action_plans", Scope("pillar", "unknown")) is None
    assert frozen.figures.ratio("action_plans", Scope("agency", "1")) is None
    assert [(q.code, q.status, q.pillar_code) for q in frozen.figures.quick_wins] == [
        ("P-001", "berjalan", "governance")
    ]
    assert frozen.figures.agencies[0].short_name == "Diskominfo"
    assert frozen.figures.years[0].year == 2024
    assert frozen.status_of(world.plan_a.code) == "berjalan"
    assert frozen.status_of("P-999.001") is None
    # Read and written back, the stored JSON is unchanged to the last key.
    assert frozen.figures.as_json() == STORED_FIGURES
    assert frozen.as_fields()["plan_statuses"] == _stored_statuses(world)


def test_the_portal_publishes_a_snapshot_stored_before_layouts_existed(world):
    _stored_before_layouts(world)

    overview = selectors.public_overview(region=world.region)

    assert overview.action_plans is not None and overview.programmes is not None
    assert (overview.action_plans.numerator, overview.action_plans.denominator) == (63, 103)
    assert overview.programmes.percent == Decimal("84.31")
    assert [q.code for q in overview.quick_wins] == ["P-001"]
    rows = datasets.public_dataset(region=world.region, slug="capaian-periode").rows
    assert [(r["lingkup"], r["capaian_rencana_aksi_persen"]) for r in rows] == [
        ("overall", "61.17"),
        ("governance", "66.67"),
        ("branding", ""),
    ]


def test_it_compares_a_stored_snapshot_with_a_new_one(world):
    older = _stored_before_layouts(world, number=2).period
    newer = period(world, "closed", number=3)

    comparison = periods_compare(older=older, newer=newer)

    overall = next(
        d for d in comparison.deltas if d.scope == "overall" and d.metric == "action_plans"
    )
    assert (overall.before, overall.after) == (Decimal("61.17"), Decimal("0.00"))
    assert [c.code for c in comparison.changes] == [world.plan_a.code]


def test_the_close_writes_the_current_layout(world):
    report(world, "verified")
    closed = period(world, "closed")
    snapshot = PeriodSnapshot.objects.get(period=closed)

    assert snapshot.layout == LAYOUT
    frozen = Frozen.of(snapshot)
    assert frozen.as_fields() == {
        "layout": LAYOUT,
        "rule_version": snapshot.rule_version,
        "taken_at": snapshot.taken_at,
        "figures": snapshot.figures,
        "plan_statuses": snapshot.plan_statuses,
        "published": snapshot.published,
    }
    assert frozen.published is not None
    assert frozen.figures.overall.action_plans.ratio.numerator == 1


def test_layout_1_is_the_json_the_close_wrote_before_it_had_a_name(world):
    # Until the layout changes, the frozen figures are exactly the JSON of
    # masterplan_figures, which is what every stored layout-1 snapshot holds.
    report(world, "verified")
    live = masterplan_figures(masterplan=world.masterplan)

    assert FrozenFigures.of(live).as_json() == live.as_dict()


def test_it_refuses_a_layout_it_does_not_know(world):
    stored = _stored_before_layouts(world)
    PeriodSnapshot.objects.filter(pk=stored.pk).update(layout=LAYOUT + 1)

    with pytest.raises(ValueError, match="layout"):
        Frozen.of(PeriodSnapshot.objects.get(pk=stored.pk))


def test_it_freezes_the_percentage_as_rounded_at_the_close(world):
    report(world, "verified")
    frozen = Frozen.freeze(
        figures=masterplan_figures(masterplan=world.masterplan),
        plan_statuses={},
        taken_at=timezone.now(),
        published=FrozenPublished.collect(masterplan=world.masterplan),
    )

    assert frozen.figures.overall.action_plans.percent == Decimal("50.00")
    assert frozen.figures.as_json()["action_plans"] == {
        "total": 2,
        "in_implementation": 1,
        "percent": "50.00",
    }
