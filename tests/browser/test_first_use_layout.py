"""First use at a desk (1366×900), issue 21 point 10: a filter changed twice
leaves each parameter once in the address bar; status dropdowns show their
whole label; the per-agency table fits in its card or scrolls inside its own
container, never clipped by the page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.regions.models import Region
from tests.browser.second_factor import pass_second_factor
from tests.factories import demo_load_on_empty_database

DESK = {"width": 1366, "height": 900}


@pytest.fixture
def demo(transactional_db):
    demo_load_on_empty_database()


@pytest.fixture
def admin_page(browser, live_server, demo):
    context = browser.new_context(viewport=DESK, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].btn-primary")
    pass_second_factor(page, "admin")
    yield page
    context.close()


def _region_code() -> str:
    region = Region.objects.filter(masterplans__isnull=False).first()
    assert region is not None
    return region.code


def test_a_filter_changed_twice_keeps_each_parameter_once(admin_page, live_server):
    page = admin_page
    path = reverse("masterplan:action_plan_list", args=[_region_code()])
    page.goto(live_server.url + path)
    form = page.locator("form.filters")
    status = form.locator("select[name=status]")
    values = [v for v in status.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    assert len(values) >= 2
    for value in values[:2]:
        with page.expect_response(lambda r: r.url.startswith(live_server.url + path)):
            status.select_option(value)
        page.wait_for_url(lambda url, v=value: f"status={v}" in url)
    url = urlsplit(page.url)
    assert url.path == path
    keys = [k for k, _v in parse_qsl(url.query, keep_blank_values=True)]
    assert len(keys) == len(set(keys)), page.url
    assert dict(parse_qsl(url.query))["status"] == values[1]


def test_status_dropdowns_show_whole_labels_and_tables_scroll_in_place(admin_page, live_server):
    page = admin_page
    code = _region_code()
    page.goto(live_server.url + reverse("masterplan:action_plan_list", args=[code]))
    selects = page.locator("select.status-select, form.filters select")
    assert selects.count() > 0
    cut = page.evaluate(
        """() => [...document.querySelectorAll('select.status-select, form.filters select')]
            .map(s => {
              const probe = document.createElement('span');
              const style = getComputedStyle(s);
              probe.style.font = style.font;
              probe.style.position = 'absolute';
              probe.style.visibility = 'hidden';
              document.body.appendChild(probe);
              let text = 0, longest = '';
              for (const o of s.options) {
                probe.textContent = o.text;
                const w = probe.getBoundingClientRect().width;
                if (w > text) { text = w; longest = o.text; }
              }
              probe.remove();
              const room = s.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight) - 16;
              return {name: s.name, text: longest, textWidth: text, room: room,
                      scroll: s.scrollWidth, client: s.clientWidth};
            })"""
    )
    assert all(c["scroll"] <= c["client"] for c in cut), cut
    cut_off = [c for c in cut if c["textWidth"] > c["room"]]
    assert not cut_off, cut_off

    page.goto(live_server.url + reverse("masterplan:dashboard", args=[code]))
    table = page.locator("section.card:has(> h2:text-is('Per perangkat daerah')) table.table")
    expect(table).to_be_visible()
    fit = table.evaluate(
        """t => {
          const wrap = t.closest('.table-wrap');
          const card = t.closest('.card').getBoundingClientRect();
          const w = wrap.getBoundingClientRect();
          return {table: t.scrollWidth, wrap: wrap.clientWidth,
                  overflow: getComputedStyle(wrap).overflowX,
                  wrapRight: w.right, cardRight: card.right,
                  page: document.documentElement.scrollWidth - window.innerWidth};
        }"""
    )
    assert fit["page"] <= 0, fit
    assert fit["wrapRight"] <= fit["cardRight"] + 0.5, fit
    assert fit["table"] <= fit["wrap"] or fit["overflow"] in ("auto", "scroll"), fit

    # The wrapping filters still fit a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("masterplan:action_plan_list", args=[code]))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
