"""Browser tests: Playwright for Python driving Debian's Chromium against
pytest-django's ``live_server``.

Playwright's own browser download is not used (and not available here):
``scripts/ensure-chromium`` installs ``/usr/bin/chromium``; set
``KOTACERDAS_CHROMIUM`` to use another Chromium/Chrome executable.

Fixtures:
- ``browser``  one Chromium for the session;
- ``page``     a fresh context per test (locale id-ID, 1280x800, 10 s timeout);
  a failing test leaves a screenshot and the page's HTML in var/test-artifacts/;
- ``live_url`` ``live_url("login")`` or ``live_url("/masuk/")`` → absolute URL;
- ``login``    ``login(page, live_server, username, password)`` signs in
  through the login form, then completes the second factor: the OTP step with
  a code computed from the user's TOTP device, or enrolment of a new device
  for a user who must have one (tests/browser/second_factor.py).

Every test in this directory is marked ``browser`` (``pytest -m "not browser"``
skips them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse database access from it (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.second_factor import pass_second_factor

CHROMIUM = os.environ.get("KOTACERDAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so ``page`` can tell a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium tidak ada di {CHROMIUM}; jalankan scripts/ensure-chromium. / "
            f"Chromium is missing at {CHROMIUM}; run scripts/ensure-chromium.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed:
        _save_artifacts(page, request.node.nodeid)
    context.close()


def _save_artifacts(page: Page, nodeid: str) -> None:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
        (ARTIFACTS_DIR / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # the page may be gone; the test's own error matters more
        print(f"(no screenshot for {nodeid}: {exc})")  # noqa: T201


@pytest.fixture
def live_url(live_server: Any) -> Callable[..., str]:
    """``live_url("admin:login")`` or ``live_url("/masuk/")``; extra arguments
    go to ``reverse``."""

    def build(name_or_path: str, *args: Any, **kwargs: Any) -> str:
        path = (
            name_or_path
            if name_or_path.startswith("/")
            else reverse(name_or_path, args=args or None, kwargs=kwargs or None)
        )
        return f"{live_server.url}{path}"

    return build


@pytest.fixture
def login() -> Callable[..., None]:
    """``login(page, live_server, username, password)``: sign in through the
    login form (``reverse("login")``, or ``login_path=``) and fail with a
    readable message if the form rejects it."""

    def sign_in(
        page: Page,
        live_server: Any,
        username: str,
        password: str,
        *,
        login_path: str | None = None,
    ) -> None:
        login_path = login_path or reverse("login")
        page.goto(f"{live_server.url}{login_path}")
        form = page.locator("form", has=page.locator("input[name=username]"))
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("[type=submit]").first.click()
        if urlsplit(page.url).path == login_path:
            raise AssertionError(f"Login as {username!r} failed; the login form was shown again.")
        pass_second_factor(page, username)

    return sign_in
