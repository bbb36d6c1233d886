"""The region's own clock in the browser (issue 13, "Done when": dates
correct at 00:30 WIB). The server's clock is frozen with time-machine: the
live server runs in a thread of this process, so the travel covers it; the
browser only reads the pages.

A period of Kota Dumai closed at 00:30 WIB on 7 December 2026, which is
17:30 UTC on 6 December: the portal must say "dibekukan 7 Desember 2026".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.portal.helpers import published_world_build

HALF_PAST_MIDNIGHT_WIB = dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def at_half_past_midnight_wib() -> Iterator[None]:
    # tick: the clock runs on from 00:30 WIB, so the browser's waits still work.
    with time_machine.travel(HALF_PAST_MIDNIGHT_WIB, tick=True):
        yield


@pytest.fixture
def closed_at_midnight(transactional_db: None, at_half_past_midnight_wib: None) -> World:
    return published_world_build()


def test_at_half_past_midnight_wib_the_portal_shows_dumais_date(
    page: Page, live_url, closed_at_midnight: World
) -> None:
    code = closed_at_midnight.region.code
    page.goto(live_url("portal:home", code))
    expect(page.get_by_text("Data periode Triwulan III 2024")).to_contain_text(
        "dibekukan 7 Desember 2026"
    )
    page.goto(live_url("portal:catalogue", code))
    expect(page.locator("#potret")).to_contain_text("7 Desember 2026")
    expect(page.locator("body")).not_to_contain_text("6 Desember 2026")
