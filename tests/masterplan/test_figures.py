"""The figures of a masterplan (selectors.py): the counting rule, every scope,
quick wins, the JSON shape and a query count that does not grow with the data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Masterplan, Programme
from kotacerdas.masterplan.selectors import (
    Figures,
    MasterplanFigures,
    Ratio,
    Scope,
    current_masterplan,
    figure_explain,
    figures_with_overrides,
    masterplan_figures,
)
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    element_of,
    figures_scenario,
    make_action_plan,
    make_masterplan,
    make_programme,
)

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

# masterplan_figures loads plans, programmes, pillars (+ their elements) and
# agencies: five queries, whatever the size of the masterplan.
FIGURE_QUERIES = 5


def counts(fig: Figures) -> tuple[tuple[int, int], tuple[int, int]]:
    """((action plans in implementation, counted), (programmes running, counted))"""
    return (
        (fig.action_plans.numerator, fig.action_plans.denominator),
        (fig.programmes.numerator, fig.programmes.denominator),
    )


def figures_of(world):
    return masterplan_figures(masterplan=world.masterplan)


def set_status(plan: ActionPlan, status: str) -> None:
    services.action_plan_update(actor=None, action_plan=plan, status=status)


@pytest.fixture
def scenario(world):
    return figures_scenario(world)


# --- The rule, one case at a time ------------------------------------------------------------


def test_it_counts_running_and_done_action_plans_as_in_implementation(world):
    assert counts(figures_of(world).overall) == ((0, 2), (0, 1))

    set_status(world.plan_a, "berjalan")
    assert counts(figures_of(world).overall) == ((1, 2), (1, 1))

    set_status(world.plan_b, "selesai")
    assert counts(figures_of(world).overall) == ((2, 2), (1, 1))


def test_it_leaves_a_cancelled_action_plan_out_of_numerator_and_denominator(world):
    set_status(world.plan_a, "selesai")
    set_status(world.plan_b, "selesai")
    assert counts(figures_of(world).overall)[0] == (2, 2)

    set_status(world.plan_b, "dibatalkan")

    assert counts(figures_of(world).overall)[0] == (1, 1)
    assert figures_of(world).overall.action_plans.percent == Decimal("100.00")


def test_it_keeps_a_postponed_action_plan_in_the_denominator(world):
    set_status(world.plan_a, "berjalan")
    set_status(world.plan_b, "ditunda")

    overall = figures_of(world).overall

    assert counts(overall)[0] == (1, 2)
    assert overall.action_plans.percent == Decimal("50.00")


def test_it_does_not_count_a_programme_whose_action_plans_are_all_cancelled(world):
    set_status(world.plan_a, "dibatalkan")
    assert counts(figures_of(world).overall) == ((0, 1), (0, 1))

    set_status(world.plan_b, "dibatalkan")
    overall = figures_of(world).overall

    assert counts(overall) == ((0, 0), (0, 0))
    assert overall.action_plans.percent is None
    assert overall.programmes.percent is None


def test_it_keeps_a_programme_with_only_postponed_plans_counted_and_not_running(world):
    set_status(world.plan_a, "ditunda")
    set_status(world.plan_b, "dibatalkan")

    assert counts(figures_of(world).overall) == ((0, 1), (0, 1))


def test_it_counts_a_programme_without_action_plans_as_not_running(world):
    make_programme(world.masterplan, lead_agency=world.agency_b, pillar="environment")
    set_status(world.plan_a, "berjalan")

    assert counts(figures_of(world).overall)[1] == (1, 2)


# --- Every scope of a hand-built masterplan ---------------------------------------------------


def test_it_counts_the_whole_masterplan(scenario, world):
    overall = figures_of(world).overall

    assert counts(overall) == ((5, 9), (3, 6))
    assert overall.action_plans.percent == Decimal("55.56")
    assert overall.programmes.percent == Decimal("50.00")
    assert overall.label == "Keseluruhan"


def test_it_counts_each_pillar_in_domain_order(scenario, world):
    pillars = figures_of(world).pillars

    assert [(p.scope.key, *counts(p)) for p in pillars] == [
        ("governance", (2, 3), (1, 1)),
        ("branding", (0, 0), (0, 1)),
        ("economy", (1, 3), (1, 2)),
        ("living", (2, 3), (1, 1)),
        ("society", (0, 0), (0, 1)),
        ("environment", (0, 0), (0, 0)),
    ]
    assert [(p.action_plans.percent, p.programmes.percent) for p in pillars] == [
        (Decimal("66.67"), Decimal("100.00")),
        (None, Decimal("0.00")),
        (Decimal("33.33"), Decimal("50.00")),
        (Decimal("66.67"), Decimal("100.00")),
        (None, Decimal("0.00")),
        (None, None),
    ]
    assert pillars[0].label == "Smart Governance"


def test_it_counts_each_element(scenario, world):
    pillars = {p.scope.key: p for p in figures_of(world).pillars}

    assert [(e.label, *counts(e)) for e in pillars["governance"].elements] == [
        ("Pelayanan publik", (2, 3), (1, 1)),
        ("Manajemen birokrasi yang efisien", (0, 0), (0, 0)),
        ("Efisiensi kebijakan publik", (0, 0), (0, 0)),
    ]
    assert [counts(e) for e in pillars["economy"].elements] == [
        ((1, 1), (1, 1)),
        ((0, 2), (0, 1)),
        ((0, 0), (0, 0)),
    ]
    assert pillars["living"].elements[0].scope.key == str(element_of(world.masterplan, "living").pk)


def test_it_counts_each_agency_by_the_plans_it_owns_and_the_programmes_it_leads(scenario, world):
    agencies = figures_of(world).agencies

    assert [(a.label, *counts(a)) for a in agencies] == [
        ("Diskominfo", (4, 5), (3, 3)),
        ("Dispar", (1, 4), (0, 3)),
    ]
    assert agencies[0].action_plans.percent == Decimal("80.00")
    assert agencies[1].action_plans.percent == Decimal("25.00")
    assert agencies[0].scope.key == str(world.agency_a.pk)


def test_it_counts_each_year_with_the_plans_of_that_year(scenario, world):
    years = figures_of(world).years

    assert [(y.scope.key, *counts(y)) for y in years] == [
        ("2024", (3, 4), (2, 4)),
        ("2025", (1, 4), (1, 5)),
        ("2026", (1, 1), (1, 5)),
    ]


def test_it_follows_a_status_change_made_through_the_service(scenario, world):
    set_status(scenario["k1"], "berjalan")

    figures = figures_of(world)

    assert counts(figures.overall) == ((6, 9), (4, 6))
    economy = next(p for p in figures.pillars if p.scope.key == "economy")
    assert counts(economy) == ((2, 3), (2, 2))


# --- Quick wins ------------------------------------------------------------------------------


def test_it_lists_quick_wins_newest_year_first_in_pillar_order(scenario, world):
    quick_wins = figures_of(world).quick_wins

    assert [
        (q.code, q.year, q.pillar_code, q.lead_agency, q.status, q.status_label) for q in quick_wins
    ] == [
        ("FIG-P5", 2025, "living", "Diskominfo", "berjalan", "Berjalan"),
        ("FIG-P6", 2025, "society", "Dispar", "belum_dimulai", "Belum dimulai"),
        ("FIG-P3", 2024, "economy", "Diskominfo", "selesai", "Selesai"),
    ]
    assert [(q.plans_in_implementation, q.plans_total) for q in quick_wins] == [
        (2, 3),
        (0, 0),
        (1, 1),  # the cancelled q2 is not counted
    ]
    assert quick_wins[0].pillar_name == "Smart Living"


def test_it_reports_a_quick_win_with_only_postponed_plans_as_not_started(scenario, world):
    set_status(scenario["q1"], "ditunda")

    economy = next(q for q in figures_of(world).quick_wins if q.pillar_code == "economy")

    assert (economy.status, economy.plans_in_implementation, economy.plans_total) == (
        "belum_dimulai",
        0,
        1,
    )


def test_a_quick_win_whose_plans_are_all_cancelled_is_cancelled_not_not_started(scenario, world):
    set_status(scenario["q1"], "dibatalkan")  # q2 already is

    quick_wins = {q.code: q for q in figures_of(world).quick_wins}

    economy = quick_wins["FIG-P3"]
    assert (economy.status, economy.status_label, economy.plans_total) == (
        "dibatalkan",
        "Dibatalkan",
        0,
    )
    # Without any action plan it has not started (P6), which is another thing.
    assert quick_wins["FIG-P6"].status == "belum_dimulai"


def test_the_year_explanation_states_its_rule(scenario, world):
    explanation = figure_explain(
        masterplan=world.masterplan, metric="programmes", scope=Scope("year", "2024")
    )
    assert "semua rencana aksinya tahun itu dibatalkan tidak dihitung" in explanation.note
    assert "di dalam tahun pelaksanaan programnya" in explanation.note
    overall = figure_explain(
        masterplan=world.masterplan, metric="programmes", scope=Scope("overall")
    )
    assert overall.note == ""


# --- The JSON shape --------------------------------------------------------------------------


def test_it_gives_the_json_shape_of_the_figures(scenario, world):
    data = figures_of(world).as_dict()

    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "region",
        "region_name",
        "masterplan",
        "rule_version",
        "computed_at",
        "action_plans",
        "programmes",
        "quick_wins",
        "pillars",
        "agencies",
        "years",
    }
    assert data["region"] == "14.72"
    assert data["region_name"] == "Kota Dumai"
    assert data["masterplan"] == {
        "id": world.masterplan.pk,
        "title": "Masterplan Smart City Uji 2022–2032",
        "period": "2022–2032",
        "legal_basis": "Peraturan Wali Kota Uji Nomor 1 Tahun 2023",
    }
    assert data["action_plans"] == {"total": 9, "in_implementation": 5, "percent": "55.56"}
    assert data["programmes"] == {"total": 6, "running": 3, "percent": "50.00"}
    assert data["quick_wins"]["total"] == 3
    assert data["quick_wins"]["items"][2] == {
        "code": "FIG-P3",
        "name": "Program P3",
        "year": 2024,
        "pillar": "economy",
        "lead_agency": "Diskominfo",
        "status": "selesai",
    }
    assert [p["code"] for p in data["pillars"]] == [
        "governance",
        "branding",
        "economy",
        "living",
        "society",
        "environment",
    ]
    branding = data["pillars"][1]
    assert set(branding) == {"code", "name", "action_plans", "programmes", "elements"}
    assert branding["action_plans"] == {"total": 0, "in_implementation": 0, "percent": None}
    assert branding["programmes"] == {"total": 1, "running": 0, "percent": "0.00"}
    assert len(branding["elements"]) == 3
    assert set(branding["elements"][0]) == {"name", "action_plans", "programmes"}
    assert data["agencies"][0]["short_name"] == "Diskominfo"
    assert [y["year"] for y in data["years"]] == [2024, 2025, 2026]


def test_it_gives_a_ratio_as_total_numerator_and_percent():
    assert Ratio(63, 103).as_dict("in_implementation") == {
        "total": 103,
        "in_implementation": 63,
        "percent": "61.17",
    }
    assert Ratio(0, 0).as_dict("running") == {"total": 0, "running": 0, "percent": None}


# --- Query count -------------------------------------------------------------------------------


def big_masterplan(programmes: int, plans_per_programme: int) -> Masterplan:
    """A masterplan of another region, filled with ``bulk_create`` for speed
    (the period triggers still check every row)."""
    region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    masterplan = make_masterplan(region)
    agencies = [AgencyFactory(region=region, short_name=f"OPD-{i}") for i in range(4)]
    pillars = ("governance", "branding", "economy", "living", "society", "environment")
    elements = [element_of(masterplan, p, i) for p in pillars for i in range(3)]
    rows = Programme.objects.bulk_create(
        Programme(
            masterplan=masterplan,
            code=f"BIG-{n:03d}",
            name=f"Program {n}",
            element=elements[n % len(elements)],
            horizon="medium",
            lead_agency=agencies[n % 4],
            start_year=2023,
            end_year=2030,
            funding_source="apbd",
        )
        for n in range(programmes)
    )
    statuses = ("belum_dimulai", "berjalan", "selesai", "ditunda", "dibatalkan")
    ActionPlan.objects.bulk_create(
        ActionPlan(
            masterplan=masterplan,
            programme=programme,
            code=f"{programme.code}.{k}",
            year=2023 + (n + k) % 5,
            agency=agencies[(n + k) % 4],
            activity=f"Kegiatan {n}.{k}",
            status=statuses[(n + k) % 5],
        )
        for n, programme in enumerate(rows)
        for k in range(plans_per_programme)
    )
    return masterplan


def test_it_computes_all_figures_in_a_fixed_number_of_queries(world):
    make_programme(world.masterplan, lead_agency=world.agency_b, pillar="living")
    big = big_masterplan(programmes=40, plans_per_programme=3)
    assert Programme.objects.filter(masterplan=big).count() == 40
    assert ActionPlan.objects.filter(masterplan=big).count() == 120

    with CaptureQueriesContext(connection) as small_queries:
        small = masterplan_figures(masterplan=world.masterplan)
    with CaptureQueriesContext(connection) as big_queries:
        large = masterplan_figures(masterplan=big)

    assert len(small_queries) == len(big_queries) == FIGURE_QUERIES
    assert small.overall.programmes.denominator == 2
    # 120 plans in five statuses evenly: 24 cancelled, 48 running or done.
    assert counts(large.overall)[0] == (48, 96)
    assert len(large.agencies) == 4


def every_scope(figures: MasterplanFigures) -> list[Figures]:
    return [
        figures.overall,
        *figures.pillars,
        *(e for p in figures.pillars for e in p.elements),
        *figures.agencies,
        *figures.years,
    ]


@pytest.mark.parametrize("size", ["scenario", "big"])
def test_every_scope_counts_as_its_explanation_does(size, scenario, world):
    """masterplan_figures counts every scope in one pass; figure_explain
    applies the rule to one scope at a time. They must agree everywhere."""
    masterplan = world.masterplan if size == "scenario" else big_masterplan(40, 3)
    figures = masterplan_figures(masterplan=masterplan)
    scopes = every_scope(figures)
    assert len(scopes) > 10
    for fig in scopes:
        for metric in ("action_plans", "programmes"):
            explained = figure_explain(masterplan=masterplan, metric=metric, scope=fig.scope)
            assert explained.ratio == getattr(fig, metric), (fig.scope.slug, metric)
            assert explained.scope_label == fig.label


def test_figures_with_overrides_equal_the_figures_loaded_with_them(scenario, world):
    overrides = {
        scenario["k1"].pk: "berjalan",  # postponed → running
        scenario["g4"].pk: "selesai",  # cancelled → done: counted again
        scenario["l1"].pk: "dibatalkan",  # running → cancelled
        scenario["plan_b"].pk: "selesai",  # unchanged
    }
    official = masterplan_figures(masterplan=world.masterplan)
    loaded = masterplan_figures(masterplan=world.masterplan, status_overrides=overrides)
    with CaptureQueriesContext(connection) as queries:
        derived = figures_with_overrides(figures=official, status_overrides=overrides)

    assert len(queries) == 0  # counted from the official figures' rows
    shape = {**loaded.as_dict(), "computed_at": None}
    assert {**derived.as_dict(), "computed_at": None} == shape
    assert derived.quick_wins == loaded.quick_wins
    assert derived.overall != official.overall  # the overrides moved something
    assert official.as_dict() == {
        **masterplan_figures(masterplan=world.masterplan).as_dict(),
        "computed_at": official.computed_at.isoformat(),
    }  # and left the official figures alone


# --- The masterplan in force -----------------------------------------------------------------


def test_it_prefers_the_enacted_masterplan_covering_this_year(world):
    year = timezone.localdate().year
    region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    in_force = make_masterplan(region, start_year=year - 2, end_year=year + 8, title="Berlaku")
    make_masterplan(
        region, start_year=year + 1, end_year=year + 11, title="Rancangan baru", status="draft"
    )

    assert current_masterplan(region=region) == in_force


def test_it_falls_back_to_the_most_recent_masterplan(world):
    year = timezone.localdate().year
    region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    make_masterplan(region, start_year=year - 12, end_year=year - 2, title="Lama")
    newest = make_masterplan(
        region, start_year=year + 1, end_year=year + 11, title="Rancangan", status="draft"
    )

    assert current_masterplan(region=region) == newest
    assert current_masterplan(region=RegionFactory(code="33.05", name="Kab. Kebumen")) is None


def test_it_keeps_figures_of_two_masterplans_apart(scenario, world):
    big = big_masterplan(programmes=3, plans_per_programme=2)
    make_action_plan(Programme.objects.filter(masterplan=big).first(), status="selesai")

    assert counts(figures_of(world).overall) == ((5, 9), (3, 6))
