from __future__ import annotations

import pytest

from kotacerdas.masterplan.models import ActionPlan, Horizon
from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.portal import selectors
from tests.conftest import World
from tests.factories import make_action_plan, make_programme
from tests.monitoring_fixtures import period, report
from tests.portal.helpers import add_photo, close

pytestmark = pytest.mark.usefixtures("shared_world")


def _snapshot(w: World) -> selectors.PublishedSnapshot | None:
    return selectors.published_snapshot(masterplan=w.masterplan)


def test_it_publishes_nothing_before_a_period_is_closed(world):
    ActionPlan.objects.filter(pk=world.plan_a.pk).update(status="berjalan")  # live, unpublished
    overview = selectors.public_overview(region=world.region)
    assert overview.snapshot is None
    assert overview.action_plans is None and overview.programmes is None
    assert [p.code for p in overview.pillars] == [
        "governance",
        "branding",
        "economy",
        "living",
        "society",
        "environment",
    ]
    plans = selectors.public_action_plans(masterplan=world.masterplan, snapshot=None)
    assert {p.status for p in plans} == {""}
    programmes = selectors.public_programmes(masterplan=world.masterplan, snapshot=None)
    assert programmes[0].running is None


def test_it_freezes_the_figures_of_masterplan_figures_at_close(world):
    report(world, "verified")
    at_close = masterplan_figures(masterplan=world.masterplan).as_dict()
    close(world)
    snapshot = _snapshot(world)
    assert snapshot is not None
    overview = selectors.public_overview(region=world.region)
    assert overview.action_plans is not None and overview.programmes is not None
    assert overview.action_plans.numerator == at_close["action_plans"]["in_implementation"] == 1
    assert overview.action_plans.denominator == at_close["action_plans"]["total"] == 2
    assert str(overview.action_plans.percent) == at_close["action_plans"]["percent"] == "50.00"
    assert overview.programmes.numerator == at_close["programmes"]["running"]
    governance = next(p for p in overview.pillars if p.code == "governance")
    frozen = next(p for p in at_close["pillars"] if p["code"] == "governance")
    assert governance.action_plans is not None
    assert governance.action_plans.numerator == frozen["action_plans"]["in_implementation"]


def test_it_shows_the_snapshot_status_not_the_live_one(world):
    report(world, "verified")
    close(world)
    ActionPlan.objects.filter(pk=world.plan_b.pk).update(status="selesai")  # after the close
    snapshot = _snapshot(world)
    plans = {
        p.code: p.status
        for p in selectors.public_action_plans(masterplan=world.masterplan, snapshot=snapshot)
    }
    assert plans == {world.plan_a.code: "berjalan", world.plan_b.code: "belum_dimulai"}
    overview = selectors.public_overview(region=world.region)
    assert overview.action_plans is not None and overview.action_plans.numerator == 1


def test_it_uses_the_latest_closed_period(world):
    from tests.monitoring_fixtures import period

    close(world)
    period(world, "closed", number=4)
    snapshot = _snapshot(world)
    assert snapshot is not None and snapshot.number == 4
    assert [s.number for s in selectors.published_snapshots(masterplan=world.masterplan)] == [3, 4]


def test_it_shows_only_public_photos_of_verified_reports(world):
    programme = make_programme(
        world.masterplan, lead_agency=world.agency_a, horizon=Horizon.QUICK_WIN, quick_win_year=2024
    )
    # plan_a belongs to world.programme; move the photo's plan under the quick win.
    ActionPlan.objects.filter(pk=world.plan_a.pk).update(programme=programme)
    world.plan_a.refresh_from_db()
    public = add_photo(world, public=True)
    private = add_photo(world, public=False)
    report(world, "submitted")
    close(world)
    snapshot = _snapshot(world)
    quick_wins = selectors.public_quick_wins(masterplan=world.masterplan, snapshot=snapshot)
    assert [q.code for q in quick_wins] == [programme.code]
    assert quick_wins[0].photos == ()  # the report is not verified
    with pytest.raises(LookupError):
        selectors.public_photo(region=world.region, pk=public.pk)
    public.report.state = "verified"
    public.report.save(update_fields=["state"])
    # Verified after the close: the published period did not choose it.
    quick_wins = selectors.public_quick_wins(masterplan=world.masterplan, snapshot=snapshot)
    assert quick_wins[0].photos == ()
    with pytest.raises(LookupError):
        selectors.public_photo(region=world.region, pk=public.pk)
    period(world, "closed", number=4)  # the next close chooses it
    snapshot = _snapshot(world)
    quick_wins = selectors.public_quick_wins(masterplan=world.masterplan, snapshot=snapshot)
    assert [p.id for p in quick_wins[0].photos] == [public.pk]
    shown = selectors.public_photo(region=world.region, pk=public.pk)
    assert (shown.id, shown.file_name) == (public.pk, public.file_name)
    with pytest.raises(LookupError):
        selectors.public_photo(region=world.region, pk=private.pk)


def test_it_explains_a_figure_from_the_snapshot(world):
    report(world, "verified")
    close(world)
    ActionPlan.objects.filter(pk=world.plan_b.pk).update(status="selesai")
    explained = selectors.public_figure_explain(
        masterplan=world.masterplan,
        snapshot=_snapshot(world),
        metric="action_plans",
        scope="overall",
    )
    assert explained.published.numerator == 1
    assert explained.explanation.ratio == explained.published
    assert [i.code for i in explained.explanation.numerator_items] == [world.plan_a.code]
    assert not explained.structure_changed
    make_action_plan(world.programme, agency=world.agency_a)  # added after the snapshot
    again = selectors.public_figure_explain(
        masterplan=world.masterplan,
        snapshot=_snapshot(world),
        metric="action_plans",
        scope="overall",
    )
    assert again.explanation.ratio.denominator == 2  # the new plan is not in the snapshot


@pytest.mark.parametrize("scope", ["agency:1", "nonsense", "pillar:unknown", "year:2024"])
def test_it_refuses_scopes_that_are_not_published(world, scope):
    close(world)
    with pytest.raises(LookupError):
        selectors.public_figure_explain(
            masterplan=world.masterplan,
            snapshot=_snapshot(world),
            metric="action_plans",
            scope=scope,
        )


def test_it_searches_names_of_programmes_and_plans(world):
    close(world)
    results = selectors.public_search(
        masterplan=world.masterplan, snapshot=_snapshot(world), query=world.programme.name.upper()
    )
    assert [p.id for p in results.programmes] == [world.programme.pk]
    assert selectors.public_search(masterplan=world.masterplan, snapshot=None, query="x").count == 0


def test_it_lists_regions_with_an_enacted_masterplan(world):
    from tests.factories import RegionFactory, make_masterplan

    draft_only = RegionFactory(code="14.71", name="Kota Pekanbaru")
    make_masterplan(draft_only, status="draft")
    assert selectors.public_regions() == [world.region]


def test_it_never_publishes_a_report_that_was_not_verified(world):
    report(world, "submitted", status="berjalan")
    close(world)
    plans = {
        p.code: p.status
        for p in selectors.public_action_plans(
            masterplan=world.masterplan, snapshot=_snapshot(world)
        )
    }
    assert plans[world.plan_a.code] == "belum_dimulai"
    overview = selectors.public_overview(region=world.region)
    assert overview.action_plans is not None and overview.action_plans.numerator == 0


def test_it_finds_a_regions_public_plan_in_one_place(world):
    from tests.factories import RegionFactory, make_masterplan

    plan = selectors.public_plan(code=world.region.code)
    assert plan is not None
    assert (plan.region, plan.masterplan, plan.snapshot) == (world.region, world.masterplan, None)
    close(world)
    plan = selectors.public_plan(code=world.region.code)
    assert plan is not None and plan.snapshot is not None and plan.snapshot.number == 3
    assert selectors.public_plan(code="99.99") is None
    make_masterplan(RegionFactory(code="14.71", name="Kota Pekanbaru"), status="draft")
    assert selectors.public_plan(code="14.71") is None


def test_programmes_are_filtered_by_the_search_rule(world):
    words = " ".join(reversed(world.programme.name.upper().split()))
    found = selectors.public_programmes(masterplan=world.masterplan, snapshot=None, query=words)
    assert [p.id for p in found] == [world.programme.pk]
    assert selectors.public_programmes(masterplan=world.masterplan, snapshot=None, query="zz") == []
    matches = selectors.query_matcher("UJI  p-0")
    assert matches("P-003", "Program uji 3") and not matches("P-003", "Program lain")
    assert selectors.query_matcher("")("apa saja")
