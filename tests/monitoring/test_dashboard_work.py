"""The work of the dashboard's body when it is rendered (its cached copy
stale, issues 15 and 16): the masterplan's rows are loaded and its figures
counted once per request (the monitoring panel's "bila laporan yang diajukan
diterima" column is counted from the same rows), in a number of queries that
does not grow with the masterplan, its periods or the number of regions."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.core import caching
from kotacerdas.masterplan import selectors as figures
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.trends import trend_charts
from tests.conftest import World
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
)
from tests.monitoring_fixtures import period, report

pytestmark = pytest.mark.usefixtures("shared_world")

# Queries of one cold request of the dashboard for the region's admin with a
# period open, one report submitted and two periods closed, with the whole
# cache emptied: the request's own (session, user, device, roles, region,
# masterplan and what the signed-in pages keep between requests, read again
# here), the figures' five, the monitoring panel, the trends and the agency's
# to-do. Pinned: a query added per programme, plan, period or region shows
# here first.
COLD_QUERIES = 25


def _url(world: World) -> str:
    return reverse("masterplan:dashboard", args=[world.region.code])


def _cold_queries(client, world: World) -> tuple[int, str]:
    cache.clear()  # nothing kept: the body and the trend panel drawn again
    caching.bump_live()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url(world))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _monitored(world: World) -> None:
    """Two closed periods (a trend) and the third open with a report of
    plan_a submitted, not yet verified."""
    period(world, "closed", number=1)
    period(world, "closed", number=2)
    report(world, state="submitted")
    assert ReportingPeriod.objects.filter(masterplan=world.masterplan, state="closed").count() == 2


def test_it_counts_the_masterplan_figures_once_per_request(world, personas):
    _monitored(world)
    caching.bump_live()
    with (
        mock.patch(
            "kotacerdas.masterplan.views.masterplan_figures", wraps=figures.masterplan_figures
        ) as in_view,
        mock.patch("kotacerdas.masterplan.selectors._load", wraps=figures._load) as loads,
        mock.patch(
            "kotacerdas.monitoring.selectors.masterplan_figures",
            wraps=figures.masterplan_figures,
        ) as in_panel,
    ):
        response = personas["admin"].get(_url(world))

    assert response.status_code == 200
    page = response.content.decode()
    # The panel shows both columns: the official and the self-reported figures.
    assert 'data-testid="verified-vs-reported"' in page
    assert "1 laporan menunggu verifikasi" in page
    assert in_view.call_count == 1
    assert in_panel.call_count == 0
    assert loads.call_count == 1


def test_the_self_reported_column_counts_the_submitted_report(world, personas):
    _monitored(world)
    _count, page = _cold_queries(personas["admin"], world)
    table = page.split('data-testid="verified-vs-reported"', 1)[1].split("</table>", 1)[0]
    # plan_a (submitted as running) is one of the world's two plans: 0 % official,
    # 50 % if the report is accepted.
    assert "0,00%" in table and "50,00%" in table


def test_a_cold_dashboard_takes_a_fixed_number_of_queries(world, personas):
    _monitored(world)
    before, _page = _cold_queries(personas["admin"], world)
    assert before == COLD_QUERIES

    # A bigger masterplan (five more programmes and plans, another agency's)
    # and another region with its own masterplan: the same number of queries.
    for n in range(5):
        programme = make_programme(world.masterplan, lead_agency=world.agency_b, pillar="living")
        make_action_plan(programme, agency=world.agency_a if n % 2 else world.agency_b)
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    make_programme(make_masterplan(other), lead_agency=AgencyFactory(region=other))

    after, page = _cold_queries(personas["admin"], world)
    assert "dari 7 rencana aksi terimplementasi" in page  # the new plans are counted
    assert after == before


def test_the_trend_panel_is_kept_until_a_period_closes(world, personas):
    _monitored(world)
    with mock.patch(
        "kotacerdas.monitoring.templatetags.monitoring.trend_charts", wraps=trend_charts
    ) as drawn:
        caching.bump_live()
        first = personas["admin"].get(_url(world)).content.decode()
        # Another change (a report verified): the body is rendered again,
        # the trends are not (no period closed).
        submitted = ProgressReport.objects.get(
            period__masterplan=world.masterplan, state="submitted"
        )
        services.report_verify(actor=None, report=submitted)
        caching.bump_live()
        second = personas["admin"].get(_url(world)).content.decode()
        assert drawn.call_count == 1
        # Closing the open period adds a snapshot: drawn again, three periods.
        period(world, "closed", number=3)
        caching.bump_live()
        third = personas["admin"].get(_url(world)).content.decode()
        assert drawn.call_count == 2

    def trend(page: str) -> str:
        return page.split('data-testid="trend-panel"', 1)[1].split("</section>", 1)[0]

    assert trend(first) == trend(second)
    assert "Angka beku 2 periode" in trend(first)
    assert "Angka beku 3 periode" in trend(third)
