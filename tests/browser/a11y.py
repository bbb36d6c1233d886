"""Accessibility check for browser tests: axe-core (the copy bundled with the
``axe-playwright-python`` dev dependency, so nothing is downloaded) runs in
the page with the WCAG 2.0/2.1 level A and AA rules; any violation fails the
test with the rule, its impact and the offending elements.

Playwright's ``evaluate`` runs the script through the DevTools protocol, so
the site's Content-Security-Policy (no inline or foreign scripts) stays as it
is in production."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from playwright.sync_api import Page

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source() -> str:
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_A_AA,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(node['target'])}: {node.get('failureSummary', '')[:200]}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core (WCAG 2.1 A/AA) menemukan pelanggaran / found violations on "
        f"{where or page.url}:\n{describe(violations)}"
    )
