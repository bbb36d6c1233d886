"""No list page grows with the data (issue 15): the programme list is paged
like the action plan list (kotacerdas.core.paging: ``halaman``, ``per`` in
the query string, so a page is a shareable URL), and a page of the largest
size over a big masterplan stays under 150 KB of HTML."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Element, Programme
from tests.factories import make_programme

pytestmark = pytest.mark.django_db

MAX_PAGE_BYTES = 150 * 1024
PROGRAMMES = 400
ROW = re.compile(r'<td class="code">(BIG-\d+)</td>')
ANY_ROW = re.compile(r'<td class="code">([^<]+)</td>')


@pytest.fixture
def big_masterplan(world):  # type: ignore[no-untyped-def]
    """400 programmes with long names over every element, 2,000 action plans."""
    elements = list(Element.objects.filter(pillar__masterplan=world.masterplan))
    template = make_programme(world.masterplan, lead_agency=world.agency_a)
    Programme.objects.bulk_create(
        Programme(
            masterplan=world.masterplan,
            code=f"BIG-{index:04d}",
            name=f"Program percepatan transformasi digital layanan publik daerah nomor {index} "
            * 3,
            element=elements[index % len(elements)],
            horizon=template.horizon,
            lead_agency=world.agency_a,
            start_year=2023,
            end_year=2027,
            funding_source=template.funding_source,
            estimated_cost=template.estimated_cost,
        )
        for index in range(PROGRAMMES)
    )
    big = list(Programme.objects.filter(code__startswith="BIG-").order_by("code"))
    ActionPlan.objects.bulk_create(
        ActionPlan(
            masterplan=world.masterplan,
            programme=big[index % len(big)],
            code=f"BIG-PLAN-{index:05d}",
            year=2024 + index % 3,
            agency=world.agency_a,
            activity="Penyusunan dan pelaksanaan kegiatan uji yang panjang sekali " * 4,
            target="1 dokumen",
            status=ActionPlanStatus.values[index % len(ActionPlanStatus.values)],
        )
        for index in range(5 * PROGRAMMES)
    )
    return world


def _programme_list(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("masterplan:programme_list", args=[world.region.code])


def test_the_programme_list_is_paged_and_small_at_any_size(big_masterplan, personas) -> None:  # type: ignore[no-untyped-def]
    client = personas["admin"]
    total = Programme.objects.filter(masterplan=big_masterplan.masterplan).count()
    first = client.get(_programme_list(big_masterplan))
    html = first.content.decode()
    assert len(first.content) < MAX_PAGE_BYTES
    assert f"{total} program · menampilkan 1–25" in html
    assert 'data-testid="pager"' in html
    largest = client.get(_programme_list(big_masterplan) + "?per=100")
    assert len(largest.content) < MAX_PAGE_BYTES
    assert len(ANY_ROW.findall(largest.content.decode())) == 100


def test_the_pages_are_shareable_urls_that_list_every_programme_once(
    big_masterplan, personas
) -> None:  # type: ignore[no-untyped-def]
    client = personas["admin"]
    url = _programme_list(big_masterplan)
    seen: list[str] = []
    pages = -(-PROGRAMMES // 100) + 1  # the world's own programmes need no more than one page
    for number in range(1, pages + 1):
        html = client.get(url, {"per": 100, "halaman": number}).content.decode()
        seen += ROW.findall(html)
    assert sorted(seen) == [f"BIG-{index:04d}" for index in range(PROGRAMMES)]
    assert len(seen) == len(set(seen))
    # A fresh client opening the link of page 2 sees the same page.
    again = personas["admin"].get(url + "?per=100&halaman=2").content.decode()
    assert ROW.findall(again) == ROW.findall(
        client.get(url, {"per": 100, "halaman": 2}).content.decode()
    )


def test_the_pager_keeps_the_filters_and_the_size(big_masterplan, personas) -> None:  # type: ignore[no-untyped-def]
    html = (
        personas["admin"]
        .get(_programme_list(big_masterplan), {"per": 50, "pillar": "governance"})
        .content.decode()
    )
    found = re.search(r'rel="next" href="\?([^"]+)"', html)
    assert found, "no link to the next page"
    link = found.group(1).replace("&amp;", "&")
    assert "per=50" in link and "pillar=governance" in link and "halaman=2" in link


def test_the_largest_action_plan_page_stays_small(big_masterplan, personas) -> None:  # type: ignore[no-untyped-def]
    url = reverse("masterplan:action_plan_list", args=[big_masterplan.region.code])
    response = personas["admin"].get(url, {"per": 100})
    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES
