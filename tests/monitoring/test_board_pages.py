"""A period's reporting board in pages (issue 15: ≤ 150 KB of HTML): 100
plans by default or ``?per=25/50``, shareable ``?halaman=`` links that keep
the state filter, the counts over every plan of the period."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus
from tests.factories import make_programme

pytestmark = pytest.mark.django_db

MAX_PAGE_BYTES = 150 * 1024
PLANS = 600
ROW = re.compile(r'<td class="code"><a href="/rencana-aksi/\d+/">(BOARD-\d+)</a>')


@pytest.fixture
def big_board(world, open_period):  # type: ignore[no-untyped-def]
    programme = make_programme(world.masterplan, lead_agency=world.agency_a)
    ActionPlan.objects.bulk_create(
        ActionPlan(
            masterplan=world.masterplan,
            programme=programme,
            code=f"BOARD-{index:04d}",
            year=open_period.year,
            agency=world.agency_a,
            activity="Pelaksanaan kegiatan pemantauan yang cukup panjang uraiannya " * 3,
            target="1 dokumen",
            status=ActionPlanStatus.NOT_STARTED,
        )
        for index in range(PLANS)
    )
    return reverse("monitoring:period_detail", args=[open_period.pk])


def test_a_big_board_is_paged_and_small(big_board, personas) -> None:  # type: ignore[no-untyped-def]
    response = personas["admin"].get(big_board)
    html = response.content.decode()
    assert len(response.content) < MAX_PAGE_BYTES
    assert len(ROW.findall(html)) <= 100
    assert 'data-testid="pager"' in html
    everything = re.search(r"Semua \((\d+)\)", html)
    assert everything and int(everything.group(1)) >= PLANS  # the chips count every plan


def test_the_pages_list_every_plan_once_and_keep_the_filter(big_board, personas) -> None:  # type: ignore[no-untyped-def]
    client = personas["admin"]
    seen: list[str] = []
    number = 1
    while True:
        html = client.get(big_board, {"keadaan": "missing", "per": 50, "halaman": number})
        text = html.content.decode()
        seen += ROW.findall(text)
        if 'rel="next"' not in text:
            break
        link = re.search(r'rel="next" href="\?([^"]+)"', text)
        assert link and "keadaan=missing" in link.group(1) and "per=50" in link.group(1)
        number += 1
    assert sorted(seen) == [f"BOARD-{index:04d}" for index in range(PLANS)]
