"""The action plan list in pages (issue 21, point 13): 25 rows by default or
the size chosen, the count and the rows shown, an order, and pager links that
keep the filters, the order and the size."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from kotacerdas.masterplan.models import ActionPlan
from tests.factories import make_action_plan, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]

ROW_CODE = re.compile(r'<td class="code"><a href="/rencana-aksi/\d+/">([^<]+)</a>')


@pytest.fixture
def listing(world) -> str:  # type: ignore[no-untyped-def]
    """Sixty plans more in the world's masterplan, years 2024–2026."""
    programme = make_programme(world.masterplan, lead_agency=world.agency_a, pillar="economy")
    for i in range(60):
        make_action_plan(programme, year=2024 + i % 3, status=("berjalan", "ditunda")[i % 2])
    return reverse("masterplan:action_plan_list", args=[world.region.code])


def _codes(html: str) -> list[str]:
    return ROW_CODE.findall(html)


def _next_link(html: str) -> str:
    found = re.search(r'<a class="btn btn-quiet" rel="next" href="([^"]+)"', html)
    assert found, "no link to the next page"
    return found.group(1).replace("&amp;", "&")


def test_it_shows_25_rows_with_the_count_and_the_range(world, personas, listing):
    total = ActionPlan.objects.filter(masterplan=world.masterplan).count()
    html = personas["admin"].get(listing).content.decode()
    assert len(_codes(html)) == 25
    assert f"{total} rencana aksi · menampilkan 1–25" in html
    pages = -(-total // 25)
    assert f"Halaman 1 dari {pages}" in html


def test_the_pages_together_list_every_plan_once(world, personas, listing):
    client = personas["admin"]
    seen: list[str] = []
    url = listing + "?per=50"
    while True:
        html = client.get(url).content.decode()
        seen += _codes(html)
        if 'rel="next"' not in html:
            break
        url = listing + _next_link(html)
    expected = ActionPlan.objects.filter(masterplan=world.masterplan).values_list("code", flat=True)
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))


def test_the_pager_keeps_the_filters_the_order_and_the_size(world, personas, listing):
    html = personas["admin"].get(listing, {"status": "berjalan", "urut": "tahun", "per": "25"})
    link = _next_link(html.content.decode())
    query = parse_qs(urlsplit(link).query)
    assert query == {"status": ["berjalan"], "urut": ["tahun"], "per": ["25"], "halaman": ["2"]}
    second = personas["admin"].get(listing + link).content.decode()
    codes = _codes(second)
    assert codes
    statuses = set(ActionPlan.objects.filter(code__in=codes).values_list("status", flat=True))
    assert statuses == {"berjalan"}


def test_it_sorts_by_year(world, personas, listing):
    html = personas["admin"].get(listing, {"urut": "tahun", "per": "100"}).content.decode()
    years = dict(ActionPlan.objects.values_list("code", "year"))
    shown = [years[c] for c in _codes(html)]
    assert shown == sorted(shown)
    assert len(set(shown)) == 3


def test_the_status_cell_is_the_same_when_only_read(world, personas, listing):
    html = personas["assessor"].get(listing).content.decode()
    plan = ActionPlan.objects.get(code=_codes(html)[0])
    assert f'<div class="status-cell" id="status-{plan.pk}">' in html
    assert f'<span class="status status-{plan.status}">{plan.get_status_display()}</span>' in html
    assert "<select" not in html.split("<table", 1)[1]


def test_a_page_size_not_offered_changes_nothing(world, personas, listing):
    html = personas["admin"].get(listing, {"per": "7"}).content.decode()
    assert len(_codes(html)) == 25
