"""Trends across closed periods (monitoring/trends.py) against the hand-made
world of tests/trend_fixtures.py, and the dashboard's trend panel."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.masterplan import services as masterplan_services
from kotacerdas.monitoring.trends import period_trends, trend_charts
from tests.factories import make_action_plan
from tests.monitoring_fixtures import period
from tests.trend_fixtures import three_closed_periods

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

D = Decimal


def _counts(points):
    return [None if r is None else (r.numerator, r.denominator) for r in points]


def test_it_reads_every_closed_period_oldest_first(world):
    closed = three_closed_periods(world)
    trends = period_trends(masterplan=world.masterplan)
    assert [p.pk for p in trends.periods] == [p.pk for p in closed]
    assert [p.short_label for p in trends.periods] == ["TW I 2024", "TW II 2024", "TW III 2024"]
    assert trends.enough
    assert trends.closed_total == 3


def test_the_overall_line_has_the_hand_computed_figures(world):
    three_closed_periods(world)
    overall = period_trends(masterplan=world.masterplan).overall
    assert _counts(overall.action_plans) == [(0, 2), (1, 2), (2, 2)]
    assert overall.percents("action_plans") == (D("0.00"), D("50.00"), D("100.00"))
    assert _counts(overall.programmes) == [(0, 1), (1, 1), (1, 1)]
    assert overall.percents("programmes") == (D("0.00"), D("100.00"), D("100.00"))
    assert overall.change("action_plans") == D("50.00")
    assert overall.change("programmes") == D("0.00")


def test_the_pillar_and_agency_lines_have_the_hand_computed_figures(world):
    three_closed_periods(world)
    trends = period_trends(masterplan=world.masterplan)
    governance = next(p for p in trends.pillars if p.key == "governance")
    assert _counts(governance.action_plans) == [(0, 2), (1, 2), (2, 2)]
    agencies = {a.key: a for a in trends.agencies}
    assert _counts(agencies["Diskominfo"].action_plans) == [(0, 1), (1, 1), (1, 1)]
    assert _counts(agencies["Dispar"].action_plans) == [(0, 1), (0, 1), (1, 1)]
    assert agencies["Dispar"].percents("programmes") == (None, None, None)
    assert agencies["Dispar"].change("action_plans") == D("100.00")


def test_a_live_change_after_the_close_does_not_move_the_trend(world):
    three_closed_periods(world)
    before = period_trends(masterplan=world.masterplan)
    world.plan_a.refresh_from_db()
    masterplan_services.action_plan_status_correct(
        actor=None, action_plan=world.plan_a, status="belum_dimulai", reason="Dibatalkan anggaran."
    )
    make_action_plan(world.programme)
    after = period_trends(masterplan=world.masterplan)
    assert after == before


def test_fewer_than_two_closed_periods_make_no_trend(world):
    period(world, state="closed", number=1)
    trends = period_trends(masterplan=world.masterplan)
    assert not trends.enough
    assert trend_charts(trends, prefix="t").overall is None


def test_it_keeps_the_latest_periods_and_counts_them_all(world):
    three_closed_periods(world)
    trends = period_trends(masterplan=world.masterplan, limit=2)
    assert [p.short_label for p in trends.periods] == ["TW II 2024", "TW III 2024"]
    assert trends.closed_total == 3


def test_the_chart_draws_the_figures_of_the_table(world):
    three_closed_periods(world)
    trends = period_trends(masterplan=world.masterplan)
    chart = trend_charts(trends, prefix="t").overall
    assert chart is not None
    assert [s.texts for s in chart.series] == [
        ("0,00%", "50,00%", "100,00%"),
        ("0,00%", "100,00%", "100,00%"),
    ]
    assert [m.value for m in chart.series[0].marks] == list(trends.overall.percents("action_plans"))


# --- The dashboard ---------------------------------------------------------------------------


def _panel(html: str) -> str:
    start = html.index('data-testid="trend-panel"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_shows_the_trend_with_the_same_numbers_as_its_table(world, personas):
    three_closed_periods(world)
    response = personas["editor_a"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    panel = _panel(response.content.decode())
    overall = panel.split('data-testid="trend-pillars"')[0]
    chart_values = re.findall(r'data-value="([^"]+)"', overall)
    table = panel.split('data-testid="chart-table"')[1].split("</table>")[0]
    table_values = re.findall(r'<td class="num">([^<]+)</td>', table)
    # The overall chart: one mark per period and series, the table a cell each.
    assert sorted(chart_values) == sorted(table_values)
    assert sorted(table_values) == sorted(
        ["0,00%", "50,00%", "100,00%", "0,00%", "100,00%", "100,00%"]
    )
    agencies = panel.split('data-testid="trend-agencies"')[1]
    dispar = agencies.split('data-key="Dispar"')[1].split("</tr>")[0]
    assert "100,00%" in dispar and "+100,00" in dispar


def test_the_dashboard_says_plainly_when_there_is_no_trend_yet(world, personas):
    period(world, state="closed", number=1)
    response = personas["admin"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    panel = _panel(response.content.decode())
    assert 'data-testid="trend-empty"' in panel
    assert "baru 1 periode" in panel
    assert "<svg" not in panel


def test_the_dashboard_query_count_stays_flat_with_more_periods(
    world, personas, django_assert_max_num_queries
):
    client = personas["admin"]
    url = reverse("masterplan:dashboard", args=[world.region.code])
    period(world, state="closed", number=1)
    period(world, state="closed", number=2)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    period(world, state="closed", number=3)
    period(world, state="closed", number=4)
    for _ in range(5):
        make_action_plan(world.programme)
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(url)


def test_the_trend_panel_speaks_english(world, personas):
    three_closed_periods(world)
    url = reverse("masterplan:dashboard", args=[world.region.code])
    panel = _panel(personas["admin"].get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Trend across periods" in panel
    assert "Trend, overall, per closed period" in panel
    assert "Qtr III 2024" in panel
    assert "Tren antarperiode" not in panel


def test_the_change_is_computed_from_the_exact_ratios_and_rounded_once() -> None:
    """63/103 after 58/103: 5/103 = 4,854… points, so 4,85 — not the
    difference of the two rounded percentages (61,17 − 56,31 = 4,86)."""
    from kotacerdas.monitoring.snapshots import FrozenRatio
    from kotacerdas.monitoring.trends import TrendLine

    line = TrendLine(
        key="overall",
        label="Keseluruhan",
        action_plans=(
            FrozenRatio(numerator=58, denominator=103, percent=Decimal("56.31")),
            FrozenRatio(numerator=63, denominator=103, percent=Decimal("61.17")),
        ),
        programmes=(
            FrozenRatio(numerator=43, denominator=51, percent=Decimal("84.31")),
            FrozenRatio(numerator=0, denominator=0, percent=None),
        ),
    )

    assert line.change("action_plans") == Decimal("4.85")
    assert line.change("programmes") is None
