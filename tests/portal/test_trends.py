"""The public portal's trend: published (closed) periods only, frozen at each
close (tests/trend_fixtures.py has the hand-computed figures)."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kotacerdas.masterplan import services as masterplan_services
from kotacerdas.portal.selectors import public_trends
from tests.factories import make_action_plan
from tests.monitoring_fixtures import period
from tests.trend_fixtures import three_closed_periods, verified_report


def _panel(world, page: str = "home") -> str:
    html = Client().get(reverse(f"portal:{page}", args=[world.region.code])).content.decode()
    start = html.index('data-testid="trend-panel"')
    return html[start : html.index("</section>", start)]


def _values(panel: str) -> list[str]:
    return re.findall(r'data-value="([^"]+)"', panel)


def test_it_shows_the_published_figures_of_each_closed_period(world):
    three_closed_periods(world)
    home = _panel(world)
    assert _values(home) == ["0,00%", "50,00%", "100,00%", "0,00%", "100,00%", "100,00%"]
    assert "TW III 2024" in home
    # The home page stays light: pillars and agencies are on the trend page.
    assert 'data-key="Dispar"' not in home
    assert reverse("portal:trend", args=[world.region.code]) in home
    page = _panel(world, "trend")
    overall = page.split('data-testid="trend-pillars"')[0]
    assert _values(overall) == _values(home)
    dispar = page.split('data-key="Dispar"')[1].split("</tr>")[0]
    assert "100,00%" in dispar and "(1/1)" in dispar and "+100,00" in dispar


def test_a_live_change_after_publication_does_not_move_the_public_trend(world):
    three_closed_periods(world)
    before = _panel(world)
    before_page = _panel(world, "trend")
    trends = public_trends(masterplan=world.masterplan)
    world.plan_b.refresh_from_db()
    masterplan_services.action_plan_status_correct(
        actor=None, action_plan=world.plan_b, status="belum_dimulai", reason="Salah input."
    )
    extra = make_action_plan(world.programme)
    q4 = period(world, state="open", number=4)
    verified_report(q4, extra, "berjalan")  # verified, but its period is still open
    cache.clear()
    assert _panel(world) == before
    assert _panel(world, "trend") == before_page
    assert public_trends(masterplan=world.masterplan) == trends


def test_one_published_period_is_not_a_trend_and_the_page_says_so(world):
    period(world, state="closed", number=1)
    panel = _panel(world)
    assert 'data-testid="trend-empty"' in panel
    assert "<svg" not in panel
