"""The self-assessment grid in a real Chromium, by keyboard only: the team
fills two rows of a dimension, tabbing from control to control in row
order, and saves both with Enter on the save button; on a phone the rows
stack."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.evaluation.models import Answer, Item
from tests.evaluation.factories import make_cycle
from tests.factories import PASSWORD, RegionFactory, make_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture
def cycle(transactional_db):
    region = RegionFactory()
    Membership.objects.create(user=make_user("alice"), region=region, role=Role.ADMIN)
    return make_cycle(region)


def test_two_rows_are_filled_and_saved_by_keyboard(
    browser: Browser, page, login, live_server, cycle
):
    first = cycle.instrument.items.get(code="BL-1")
    rows = list(Item.objects.filter(dimension_id=first.dimension_id).order_by("order", "id"))
    second = rows[1]
    login(page, live_server, "alice", PASSWORD)
    page.goto(live_server.url + reverse("evaluation:answer_list", args=[cycle.pk]))
    page.locator(".sa-dimension-head a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(first.dimension.name)

    score = page.get_by_label(f"Nilai {first.code}", exact=True)
    score.focus()
    page.keyboard.type("3,5")
    page.keyboard.press("Tab")  # to the row's answer
    page.keyboard.type("SK tim smart city sudah ditetapkan.")
    page.keyboard.press("Tab")  # to the row's evidence link
    expect(page.locator(f"#butir-{first.pk} .sa-grid-evidence a")).to_be_focused()
    page.keyboard.press("Tab")  # to the next row's score
    expect(page.get_by_label(f"Nilai {second.code}", exact=True)).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("Sebagian perangkat daerah.")
    page.get_by_role("button", name="Simpan semua baris").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".msg-success")).to_contain_text(f"{first.code}, {second.code}")
    saved = {a.item_id: a for a in Answer.objects.filter(cycle=cycle)}
    assert set(saved) == {first.pk, second.pk}
    assert saved[first.pk].claimed_score == Decimal("3.5")
    assert saved[second.pk].text == "Sebagian perangkat daerah."
    expect(page.get_by_label(f"Nilai {first.code}", exact=True)).to_have_value("3,5")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "evaluation-grid.png"), full_page=True)

    phone = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}).new_page()
    login(phone, live_server, "alice", PASSWORD)
    phone.goto(page.url)
    row = phone.locator(f"#butir-{first.pk}")
    score_box = row.locator(".sa-grid-score").bounding_box()
    text_box = row.locator(".sa-grid-text").bounding_box()
    assert score_box and text_box and text_box["y"] >= score_box["y"] + score_box["height"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(ARTIFACTS / "evaluation-grid-phone.png"), full_page=True)
