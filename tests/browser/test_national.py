"""The comparison page in Chromium (issue 16): a superuser sorts the regions
by a column, both ways, and filters them by province."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible
from tests.factories import PASSWORD, make_user
from tests.national.helpers import plan_ratio, region_with_plan

REGIONS = {
    "14.72": ("Kota Dumai", [["berjalan", "belum_dimulai"], ["belum_dimulai"]]),
    "14.71": ("Kota Pekanbaru", [["selesai"]]),
    "32.73": ("Kota Bandung", [["selesai"], ["berjalan", "ditunda"]]),
}


@pytest.fixture
def regions(transactional_db: None) -> None:
    for code, (name, programmes) in REGIONS.items():
        region_with_plan(code, name, programmes)
    make_user("menteri", is_superuser=True)


def _codes(page: Page) -> list[str]:
    return page.locator("[data-testid=comparison] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )


def test_a_superuser_sorts_and_filters_the_comparison(
    page: Page, live_server, live_url, login, regions
) -> None:
    def share(code: str) -> float:
        numerator, denominator = plan_ratio(REGIONS[code][1])
        return numerator / denominator

    by_share = sorted(REGIONS, key=share)
    login(page, live_server, "menteri", PASSWORD)
    page.goto(live_url("national:compare"))
    expect(page.locator("[data-testid=comparison] tbody tr")).to_have_count(3)
    assert_accessible(page, "perbandingan")

    page.locator("thead a[data-sort=rencana_aksi]").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Capaian rencana aksi")
    assert _codes(page) == by_share
    page.locator("thead a[data-sort=rencana_aksi]").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Capaian rencana aksi")
    assert _codes(page) == list(reversed(by_share))

    page.locator("[data-testid=province-filter]").select_option("14")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("[data-testid=comparison] tbody tr")).to_have_count(2)
    assert _codes(page) == [code for code in reversed(by_share) if code.startswith("14.")]
    page.goto(live_url("national:public"))
    expect(page.locator("li[data-code]")).to_have_count(3)
    assert_accessible(page, "nasional")
