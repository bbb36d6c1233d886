"""Every figure explains itself: formula, numerator, denominator and the items
behind each, matching the figure exactly (DESIGN.md "Figures")."""

from __future__ import annotations

import pytest

from kotacerdas.masterplan.models import ActionPlan, Programme
from kotacerdas.masterplan.selectors import (
    Explanation,
    Scope,
    figure_explain,
    masterplan_figures,
)
from tests.factories import AgencyFactory, RegionFactory, figures_scenario

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def scenario(world):
    return figures_scenario(world)


def all_scopes(masterplan) -> list[tuple[Scope, object]]:
    figures = masterplan_figures(masterplan=masterplan)
    found = [(figures.overall.scope, figures.overall)]
    for pillar in figures.pillars:
        found.append((pillar.scope, pillar))
        found += [(element.scope, element) for element in pillar.elements]
    found += [(fig.scope, fig) for fig in (*figures.agencies, *figures.years)]
    return found


def ids_in_scope(masterplan, metric: str, scope: Scope) -> set[int]:
    """The items a scope covers, computed from the database independently of
    the selector."""
    if metric == "action_plans":
        qs = ActionPlan.objects.filter(masterplan=masterplan)
        by = {
            "pillar": "programme__element__pillar__code",
            "element": "programme__element_id",
            "agency": "agency_id",
            "year": "year",
        }
    else:
        qs = Programme.objects.filter(masterplan=masterplan)
        by = {
            "pillar": "element__pillar__code",
            "element": "element_id",
            "agency": "lead_agency_id",
        }
        if scope.kind == "year":
            qs = qs.filter(start_year__lte=int(scope.key), end_year__gte=int(scope.key))
    if scope.kind in by:
        qs = qs.filter(**{by[scope.kind]: scope.key})
    return set(qs.values_list("id", flat=True))


def item_ids(explanation: Explanation) -> list[int]:
    return [
        item.id
        for group in (
            explanation.numerator_items,
            explanation.other_counted_items,
            explanation.excluded_items,
        )
        for item in group
    ]


@pytest.mark.parametrize("metric", ["action_plans", "programmes"])
def test_it_explains_every_figure_with_items_that_add_up(scenario, world, metric):
    scopes = all_scopes(world.masterplan)
    assert len(scopes) == 1 + 6 + 18 + 2 + 3

    for scope, figure in scopes:
        explanation = figure_explain(masterplan=world.masterplan, metric=metric, scope=scope)

        ratio = getattr(figure, metric)
        assert explanation.ratio == ratio, scope
        assert len(explanation.numerator_items) == ratio.numerator, scope
        assert (
            len(explanation.numerator_items) + len(explanation.other_counted_items)
            == ratio.denominator
        ), scope
        ids = item_ids(explanation)
        assert len(ids) == len(set(ids)), scope
        assert set(ids) == ids_in_scope(world.masterplan, metric, scope), scope
        assert explanation.scope_label == figure.label


def test_it_lists_the_action_plans_behind_the_overall_figure(scenario, world):
    explanation = figure_explain(
        masterplan=world.masterplan, metric="action_plans", scope=Scope("overall")
    )

    codes = [
        sorted(item.code for item in group)
        for group in (
            explanation.numerator_items,
            explanation.other_counted_items,
            explanation.excluded_items,
        )
    ]
    assert codes == [
        sorted([world.plan_a.code, world.plan_b.code, "FIG-q1", "FIG-l1", "FIG-l3"]),
        ["FIG-g3", "FIG-k1", "FIG-k2", "FIG-l2"],
        ["FIG-g4", "FIG-h1", "FIG-h2", "FIG-q2"],
    ]
    assert {item.reason for item in explanation.excluded_items} == {"dibatalkan: tidak dihitung"}
    assert {item.status_label for item in explanation.excluded_items} == {"Dibatalkan"}
    assert explanation.formula == (
        "Capaian rencana aksi = rencana aksi terimplementasi ÷ rencana aksi dihitung"
    )
    assert explanation.ratio.percent is not None
    assert str(explanation.ratio.percent) == "55.56"


def test_it_says_why_each_programme_is_or_is_not_running(scenario, world):
    explanation = figure_explain(
        masterplan=world.masterplan, metric="programmes", scope=Scope("overall")
    )

    reasons = {
        item.code: (group, item.reason)
        for group, items in (
            ("numerator", explanation.numerator_items),
            ("other", explanation.other_counted_items),
            ("excluded", explanation.excluded_items),
        )
        for item in items
    }
    assert reasons[world.programme.code] == ("numerator", "rencana aksi terimplementasi: 2/3")
    assert reasons["FIG-P1"] == ("excluded", "semua rencana aksinya dibatalkan")
    assert reasons["FIG-P2"] == ("other", "belum ada rencana aksi")
    assert reasons["FIG-P4"] == ("other", "belum ada rencana aksi yang berjalan atau selesai")
    assert reasons["FIG-P5"] == ("numerator", "rencana aksi terimplementasi: 2/3")
    assert explanation.formula == "Implementasi program = program berjalan ÷ program dihitung"


def test_it_explains_a_year_with_only_the_plans_of_that_year(scenario, world):
    explanation = figure_explain(
        masterplan=world.masterplan, metric="programmes", scope=Scope("year", "2026")
    )

    assert [item.code for item in explanation.numerator_items] == ["FIG-P5"]
    assert explanation.numerator_items[0].reason == "rencana aksi terimplementasi: 1/1"
    # P1's plans are all cancelled, but it has none in 2026: counted, not running.
    assert "FIG-P1" in {item.code for item in explanation.other_counted_items}


@pytest.mark.parametrize(
    "scope",
    [
        Scope("pillar", "smart"),
        Scope("element", "999999999"),
        Scope("element", "abc"),
        Scope("agency", "999999999"),
        Scope("agency", "abc"),
        Scope("year", "abc"),
        Scope("year", "1999"),
        Scope("year", "2033"),
    ],
)
def test_it_raises_lookup_error_for_an_unknown_scope(world, scope):
    with pytest.raises(LookupError):
        figure_explain(masterplan=world.masterplan, metric="action_plans", scope=scope)


def test_it_does_not_explain_an_agency_of_another_region(world):
    foreign = AgencyFactory(region=RegionFactory(code="14.71", name="Kota Pekanbaru"))

    with pytest.raises(LookupError):
        figure_explain(
            masterplan=world.masterplan, metric="programmes", scope=Scope("agency", str(foreign.pk))
        )


def test_it_raises_lookup_error_for_an_unknown_metric(world):
    with pytest.raises(LookupError):
        figure_explain(masterplan=world.masterplan, metric="anggaran", scope=Scope("overall"))  # type: ignore[arg-type]


def test_it_round_trips_every_scope_through_its_slug(scenario, world):
    for scope, _figure in all_scopes(world.masterplan):
        assert Scope.parse(scope.slug) == scope

    assert Scope("overall").slug == "overall"
    assert Scope("pillar", "economy").slug == "pillar:economy"
    assert Scope.parse("year:2024") == Scope("year", "2024")


@pytest.mark.parametrize(
    "slug",
    ["", "overall:1", "pillar", "pillar:", "wilayah:14.72", ":governance", "Overall", "year"],
)
def test_it_rejects_a_malformed_scope_slug(slug):
    with pytest.raises(ValueError):
        Scope.parse(slug)
