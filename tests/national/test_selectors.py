"""The comparison's selectors on small hand-built regions: only published
figures, nulls where nothing is published, both aggregate rules, a query
count that does not grow with the number of regions."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotacerdas.core.formatting import round_half_up
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.national import selectors
from kotacerdas.regions.models import Region
from tests.evaluation.assessment_factories import JAMBI_ITEMS, published_cycle
from tests.factories import RegionFactory, make_user
from tests.national.helpers import percent, plan_ratio, programme_ratio, region_with_plan

pytestmark = pytest.mark.django_db

DUMAI = [["berjalan", "belum_dimulai"], ["belum_dimulai", "dibatalkan"]]
BANDUNG = [["selesai"], ["berjalan", "berjalan", "ditunda"]]
DUMAI_QUICK_WIN = ["selesai", "berjalan"]
# Every programme of Dumai's masterplan, its quick win included.
DUMAI_ALL = [*DUMAI, DUMAI_QUICK_WIN]


@pytest.fixture
def two():
    return (
        region_with_plan("14.72", "Kota Dumai", DUMAI, quick_win=DUMAI_QUICK_WIN),
        region_with_plan("32.73", "Kota Bandung", BANDUNG),
    )


def test_it_derives_the_province_from_the_first_two_digits():
    assert selectors.province_code("14.72") == "14"
    assert selectors.province_code("32.73") == "32"
    assert selectors.province_code("14") == "14"
    assert selectors.province_name("14.72") == selectors.province_name("14")
    assert selectors.province_name("14").upper() == "RIAU"


def test_it_reads_each_regions_published_figures_exactly(two):
    found = selectors.comparison(regions=Region.objects.all())

    rows = {row.code: row for row in found.rows}
    for code, programmes in (("14.72", DUMAI_ALL), ("32.73", BANDUNG)):
        row = rows[code]
        assert row.action_plans is not None and row.programmes is not None
        assert (row.action_plans.numerator, row.action_plans.denominator) == plan_ratio(programmes)
        assert (row.programmes.numerator, row.programmes.denominator) == programme_ratio(programmes)
        assert row.period is not None and row.period.year == 2024 and row.period.number == 1
    dumai = rows["14.72"]
    assert dumai.province_code == "14"
    assert dumai.quick_wins is not None
    assert (dumai.quick_wins.total, dumai.quick_wins.in_implementation) == (1, 1)
    assert rows["32.73"].quick_wins is not None and rows["32.73"].quick_wins.total == 0


def test_it_pools_and_averages_by_their_own_rules(two):
    found = selectors.comparison(regions=Region.objects.all())

    plans = [plan_ratio(DUMAI_ALL), plan_ratio(BANDUNG)]
    mean = (percent(*plans[0]) + percent(*plans[1])) / 2
    pooled = (plans[0][0] + plans[1][0], plans[0][1] + plans[1][1])
    assert found.action_plans.regions == 2
    assert found.action_plans.mean == mean
    assert found.action_plans.mean_shown == round_half_up(mean)
    assert (found.action_plans.pooled.numerator, found.action_plans.pooled.denominator) == pooled
    assert found.action_plans.pooled_shown == round_half_up(percent(*pooled))
    # The two rules differ on these regions: the test can tell them apart.
    assert found.action_plans.mean_shown != found.action_plans.pooled_shown


def test_it_uses_only_what_the_close_froze(two):
    # A live change after the close does not move the comparison.
    before = {
        r.code: r.action_plans for r in selectors.comparison(regions=Region.objects.all()).rows
    }
    plan = ActionPlan.objects.filter(
        masterplan__region__code="14.72", status="belum_dimulai"
    ).first()
    assert plan is not None
    # The live row changes (as a correction after the close would change it).
    ActionPlan.objects.filter(pk=plan.pk).update(status="selesai")

    after = {
        r.code: r.action_plans for r in selectors.comparison(regions=Region.objects.all()).rows
    }
    assert after == before


def test_regions_without_a_published_period_appear_with_nulls(two):
    region_with_plan("14.71", "Kota Pekanbaru", [["selesai"]], close=False)
    region_with_plan("32.04", "Kabupaten Bandung", [["selesai"]], enacted=False)
    RegionFactory(code="34.71", name="Kota Yogyakarta")

    rows = {row.code: row for row in selectors.comparison(regions=Region.objects.all()).rows}

    assert set(rows) == {"14.72", "32.73", "14.71", "32.04", "34.71"}
    for code in ("14.71", "32.04", "34.71"):
        row = rows[code]
        assert (row.period, row.action_plans, row.programmes, row.quick_wins) == (
            None,
            None,
            None,
            None,
        )
        assert row.evaluation is None
    assert rows["14.71"].enacted and not rows["32.04"].enacted and not rows["34.71"].enacted
    found = selectors.comparison(regions=Region.objects.all())
    assert found.action_plans.regions == 2  # nulls are left out of the aggregates
    assert found.published == 2 and found.enacted == 3


def test_it_filters_by_province(two):
    region_with_plan("14.71", "Kota Pekanbaru", [["selesai"]])

    found = selectors.comparison(regions=Region.objects.all(), province="14")

    assert [row.code for row in found.rows] == ["14.71", "14.72"]
    assert selectors.provinces_of(Region.objects.all()) == [
        ("14", selectors.province_name("14")),
        ("32", selectors.province_name("32")),
    ]


def test_the_province_summary_states_the_enacted_share(two):
    region_with_plan("14.71", "Kota Pekanbaru", [["selesai"]], enacted=False, close=False)

    summary = selectors.province_summary(regions=Region.objects.all(), code="14")

    assert summary is not None
    assert (summary.enacted.numerator, summary.enacted.denominator) == (1, 2)
    from kotacerdas.regions import reference

    riau = len(reference.children("14"))
    assert riau > 2
    assert (summary.enacted_of_reference.numerator, summary.enacted_of_reference.denominator) == (
        1,
        riau,
    )
    assert selectors.province_summary(regions=Region.objects.all(), code="99") is None
    assert selectors.province_summary(regions=Region.objects.all(), code="34") is None


def test_it_reads_the_latest_published_index_and_its_change():
    region = region_with_plan("14.72", "Kota Dumai", DUMAI)
    lower = {code: "3" for code in JAMBI_ITEMS}
    _c, first = published_cycle(region, year=2024, by_code=lower, lead_name="lead24")
    _c, latest = published_cycle(region, year=2025, lead_name="lead25")

    row = selectors.comparison(regions=Region.objects.all()).rows[0]

    assert row.evaluation is not None
    current = Fraction(latest.result["index"]["fraction"])
    previous = Fraction(first.result["index"]["fraction"])
    assert (row.evaluation.year, row.evaluation.previous_year) == (2025, 2024)
    assert row.evaluation.index == current
    assert row.evaluation.change == current - previous
    assert row.evaluation.change_shown == round_half_up(current - previous)
    json_row = selectors.row_json(row)
    assert json_row["evaluation"]["index"] == str(round_half_up(current))


def test_the_query_count_does_not_grow_with_the_number_of_regions():
    codes = ["14.71", "14.72", "14.01", "14.02", "14.03", "14.04"]
    codes += ["32.73", "32.04", "32.01", "32.02", "32.03", "34.71"]

    def count(n: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            found = selectors.comparison(regions=Region.objects.filter(code__in=codes[:n]))
        assert len(found.rows) == n
        return len(queries)

    for index, code in enumerate(codes[:3]):
        region_with_plan(code, f"Wilayah {index}", [["selesai"]])
    three = count(3)
    for index, code in enumerate(codes[3:], start=3):
        region_with_plan(code, f"Wilayah {index}", [["berjalan"], ["belum_dimulai"]])
    twelve = count(12)

    assert twelve == three
    assert all(
        row.period is not None for row in selectors.comparison(regions=Region.objects.all()).rows
    )


def test_the_scope_is_every_region_for_a_superuser_and_the_members_regions_otherwise(two):
    from kotacerdas.core.models import Membership, Role

    dumai, bandung = two
    admin = make_user("admin-dumai")
    Membership.objects.create(user=admin, region=dumai, role=Role.ADMIN)
    boss = make_user("menteri", is_superuser=True)
    stranger = make_user("tamu")

    assert list(selectors.regions_in_scope(admin)) == [dumai]
    assert set(selectors.regions_in_scope(boss)) == {dumai, bandung}
    assert not selectors.regions_in_scope(stranger).exists()
    assert selectors.shows_comparison(boss) and not selectors.shows_comparison(admin)


def test_it_compares_the_masterplan_the_portal_shows():
    from kotacerdas.portal.selectors import public_masterplan, public_masterplans
    from tests.factories import make_masterplan

    current = RegionFactory(code="14.72", name="Kota Dumai")
    old = make_masterplan(current, start_year=2000, end_year=2010, title="Lama")
    covering = make_masterplan(current, start_year=2020, end_year=2099, title="Berlaku")
    later = RegionFactory(code="32.73", name="Kota Bandung")
    make_masterplan(later, start_year=2001, end_year=2005, title="Lama")
    latest = make_masterplan(later, start_year=2006, end_year=2010, title="Terakhir")
    make_masterplan(later, start_year=2011, end_year=2015, title="Draf", status="draft")

    chosen = public_masterplans(regions=[current, later])

    assert chosen == {current.pk: covering, later.pk: latest}
    assert old != covering
    assert public_masterplan(region=current) == covering
    assert public_masterplan(region=later) == latest


def test_the_headline_read_in_the_database_is_what_the_whole_figures_hold(two):
    from kotacerdas.monitoring.models import PeriodSnapshot
    from kotacerdas.monitoring.snapshots import Frozen, FrozenHeadline

    snapshots = PeriodSnapshot.objects.annotate(**FrozenHeadline.annotations())

    assert snapshots.count() == 2
    for snapshot in snapshots:
        whole = Frozen.figures_of(snapshot)
        headline = FrozenHeadline.of(snapshot)
        assert headline.overall == whole.overall
        assert headline.quick_wins == whole.quick_wins
