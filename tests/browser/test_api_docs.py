"""The API docs (/api/docs/) render in a real Chromium under the site's CSP:
Swagger UI comes from django-ninja's bundled static files, its settings from
a JSON data block, so no inline script and no CDN is needed; it loads the
schema and lists the operations. A signed-in user then sees the token page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, RegionFactory, make_user


@pytest.fixture
def region(transactional_db):  # type: ignore[no-untyped-def]
    return RegionFactory()


def test_the_docs_render_without_breaking_the_csp(page, live_url, region) -> None:
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_url("/")) else None,
    )
    page.goto(live_url("apiweb:docs"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("KotaCerdas API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/regions").first).to_be_visible()
    verify = page.locator(".opblock-summary-path", has_text="/api/v1/reports/{report_id}/verify")
    expect(verify).to_be_visible()
    assert not outside, outside
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_a_user_creates_a_token_in_the_browser(page, live_server, live_url, login, region) -> None:
    make_user("rina")
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_url("apiweb:token_list"))
    page.locator("input[name=name]").fill("Satu Data")
    page.locator("select[name=scope]").select_option("read")
    page.get_by_role("button", name="Buat token").click()
    expect(page.locator("#token-baru code.token-secret")).to_contain_text("kc_")
