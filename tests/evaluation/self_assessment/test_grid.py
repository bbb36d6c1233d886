"""The self-assessment grid (issue 21, point 8): all items of a dimension on
one page, saved together, row by row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.evaluation.models import Answer, Item
from kotacerdas.evaluation.self_assessment import services as sa
from tests.evaluation.factories import make_cycle
from tests.evaluation.region_factories import force_state, item

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def cycle(world):
    return make_cycle(world.region)


def _grid(cycle: Any, dimension_item: Item) -> str:
    return reverse("evaluation:answer_grid", args=[cycle.pk, dimension_item.dimension_id])


def _loaded(client: Client, url: str) -> dict[str, str]:
    """The form data as the page shows it (what a browser would send back
    untouched), keyed by item code for the rows: ``{"BL-1": "butir-0"}``."""
    response = client.get(url)
    assert response.status_code == 200
    formset = response.context["formset"]
    data: dict[str, str] = {
        f"butir-{key}": str(value) for key, value in formset.management_form.initial.items()
    }
    for form in formset.forms:
        for name in ("item", "version", "text", "claimed_score"):
            value = form.initial.get(name)
            data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def _prefix(cycle: Any, data: dict[str, str], code: str) -> str:
    pk = str(item(cycle, code).pk)
    key = next(k for k, v in data.items() if k.endswith("-item") and v == pk)
    return key.removesuffix("-item")


def test_it_lists_every_item_of_the_dimension_with_a_labelled_control(cycle, personas):
    bl1 = item(cycle)
    response = personas["admin"].get(_grid(cycle, bl1))
    assert response.status_code == 200
    page = response.content.decode()
    items = Item.objects.filter(dimension_id=bl1.dimension_id)
    others = Item.objects.filter(instrument=cycle.instrument).exclude(dimension_id=bl1.dimension_id)
    assert items.count() > 1
    for each in items:
        assert f'id="butir-{each.pk}"' in page
        assert reverse("evaluation:answer_edit", args=[cycle.pk, each.pk]) in page
    assert all(f'id="butir-{each.pk}"' not in page for each in others)
    assert len(response.context["formset"].forms) == items.count()
    # Every control has its label, and the label names the item.
    form = response.context["formset"].forms[0]
    assert f'<label for="{form["claimed_score"].id_for_label}">' in page
    assert f'<label for="{form["text"].id_for_label}">' in page


def test_it_saves_the_filled_rows_and_leaves_empty_ones_unanswered(cycle, personas, admin_user):
    bl1 = item(cycle)
    url = _grid(cycle, bl1)
    data = _loaded(personas["admin"], url)
    first = _prefix(cycle, data, "BL-1")
    data[f"{first}-claimed_score"] = "3,5"
    data[f"{first}-text"] = "SK tim smart city ada."
    others = [k for k in data if k.endswith("-item") and not k.startswith(first + "-")]
    second = others[0].removesuffix("-item")
    data[f"{second}-claimed_score"] = "2"
    data[f"{second}-text"] = "Sebagian."
    response = personas["admin"].post(url, data)
    assert response.status_code == 302
    saved = {a.item_id: a for a in Answer.objects.filter(cycle=cycle)}
    assert set(saved) == {bl1.pk, int(data[f"{second}-item"])}
    assert saved[bl1.pk].claimed_score == Decimal("3.5")
    assert saved[bl1.pk].text == "SK tim smart city ada."
    assert saved[bl1.pk].updated_by == admin_user
    # Audited as the per-item page's saves are.
    assert AuditEvent.objects.filter(content_type__model="answer", action="update").count() == 2


def test_bad_rows_are_explained_beside_them_while_good_rows_are_saved(cycle, personas):
    url = _grid(cycle, item(cycle))
    data = _loaded(personas["admin"], url)
    good = _prefix(cycle, data, "BL-1")
    bad = next(
        k.removesuffix("-item")
        for k in data
        if k.endswith("-item") and not k.startswith(good + "-")
    )
    data[f"{good}-claimed_score"] = "3"
    data[f"{good}-text"] = "Baik."
    data[f"{bad}-claimed_score"] = "9"
    data[f"{bad}-text"] = "Teks yang diketik tidak hilang"
    response = personas["admin"].post(url, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nilai harus antara 0 dan 4 (skala instrumen)." in page
    assert "Teks yang diketik tidak hilang</textarea>" in page
    assert 'value="9"' in page
    bad_item = int(data[f"{bad}-item"])
    # The error sits in the bad row (between its anchor and the next row).
    row = page.split(f'id="butir-{bad_item}"', 1)[1].split('class="sa-grid-row', 1)[0]
    assert "Nilai harus antara" in row
    assert Answer.objects.get(item=item(cycle)).claimed_score == Decimal(3)
    assert not Answer.objects.filter(item_id=bad_item).exists()
    # Fixing the bad row and sending again saves it without touching the good one twice.
    form_data = {k: str(v) for k, v in response.context["formset"].data.items()}
    form_data[f"{bad}-claimed_score"] = "2,5"
    assert personas["admin"].post(url, form_data).status_code == 302
    assert Answer.objects.get(item_id=bad_item).claimed_score == Decimal("2.5")


def test_the_english_page_explains_a_bad_row_in_english(cycle, personas):
    url = _grid(cycle, item(cycle))
    data = _loaded(personas["admin"], url)
    row = _prefix(cycle, data, "BL-1")
    data[f"{row}-claimed_score"] = "abc"
    personas["admin"].cookies["django_language"] = "en"
    page = personas["admin"].post(url, data).content.decode()
    assert "not saved yet" in page


def test_a_row_changed_by_someone_else_is_not_overwritten(cycle, personas, editor_a):
    bl1 = item(cycle)
    url = _grid(cycle, bl1)
    data = _loaded(personas["admin"], url)
    row = _prefix(cycle, data, "BL-1")
    # A colleague saves BL-1 after the page was loaded.
    sa.answer_save(
        actor=editor_a, cycle=cycle, item=bl1, text="Versi rekan", claimed_score=Decimal(2)
    )
    data[f"{row}-claimed_score"] = "4"
    data[f"{row}-text"] = "Versi saya"
    response = personas["admin"].post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "setelah halaman Anda dimuat" in page
    assert "Versi rekan" in page  # what is stored now is shown
    assert "Versi saya</textarea>" in page  # what was typed is kept
    answer = Answer.objects.get(item=bl1)
    assert (answer.text, answer.claimed_score) == ("Versi rekan", Decimal(2))
    # Sending again, having seen the colleague's version, overwrites deliberately.
    again = {k: str(v) for k, v in response.context["formset"].data.items()}
    assert personas["admin"].post(url, again).status_code == 302
    answer.refresh_from_db()
    assert (answer.text, answer.claimed_score) == ("Versi saya", Decimal(4))


def test_an_untouched_row_changed_meanwhile_is_left_alone(cycle, personas, editor_a):
    bl1 = item(cycle)
    url = _grid(cycle, bl1)
    data = _loaded(personas["admin"], url)
    sa.answer_save(
        actor=editor_a, cycle=cycle, item=bl1, text="Versi rekan", claimed_score=Decimal(2)
    )
    assert personas["admin"].post(url, data).status_code == 302
    assert Answer.objects.get(item=bl1).text == "Versi rekan"


def test_an_agency_editor_gets_only_the_delegated_rows(cycle, personas, world, admin_user):
    bl1 = item(cycle)
    sa.answer_delegate(actor=admin_user, cycle=cycle, item=bl1, agency=world.agency_a)
    url = _grid(cycle, bl1)
    response = personas["editor_a"].get(url)
    assert response.status_code == 200
    assert [f.initial["item"] for f in response.context["formset"].forms] == [bl1.pk]
    assert personas["editor_b"].get(url).status_code == 403
    assert personas["assessor"].get(url).status_code == 403
    # A row the editor may not write cannot be smuggled in.
    data = _loaded(personas["editor_a"], url)
    data["butir-0-item"] = str(item(cycle, "OP-1").pk)
    data["butir-0-text"] = "Diselundupkan"
    data["butir-0-claimed_score"] = "1"
    assert personas["editor_a"].post(url, data).status_code == 422
    assert not Answer.objects.filter(text="Diselundupkan").exists()


def test_a_submitted_self_assessment_is_read_only(cycle, personas, admin_user):
    bl1 = item(cycle)
    sa.answer_save(actor=admin_user, cycle=cycle, item=bl1, text="Ada", claimed_score=Decimal(3))
    force_state(cycle, "in_assessment")
    url = _grid(cycle, bl1)
    response = personas["admin"].get(url)
    assert response.status_code == 200
    assert response.context["formset"] is None
    assert "<textarea" not in response.content.decode()
    response = personas["admin"].post(url, {"butir-TOTAL_FORMS": "0"})
    assert response.status_code == 302
    assert Answer.objects.get(item=bl1).text == "Ada"


def test_a_dimension_of_another_instrument_is_404(cycle, personas, world):
    other = make_cycle(world.region, year=2026)
    assert personas["admin"].get(_grid(cycle, item(other))).status_code == 404


def test_its_query_count_does_not_grow_with_the_answers(cycle, personas, admin_user):
    # The dimension with the most items.
    dimension = cycle.instrument.dimensions.annotate(n=Count("items")).order_by("-n", "pk")[0]
    bl1 = Item.objects.filter(dimension=dimension).order_by("order", "pk")[0]
    assert dimension.items.count() > 2
    url = _grid(cycle, bl1)

    def answer(each: Item) -> None:
        sa.answer_save(
            actor=admin_user, cycle=cycle, item=each, text="Ada.", claimed_score=Decimal(3)
        )
        sa.evidence_add_link(actor=admin_user, cycle=cycle, item=each, url="https://a.go.id")

    answer(bl1)
    personas["admin"].get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        personas["admin"].get(url)
    for each in Item.objects.filter(dimension_id=bl1.dimension_id).exclude(pk=bl1.pk):
        answer(each)
    with CaptureQueriesContext(connection) as every:
        personas["admin"].get(url)
    assert len(every.captured_queries) == len(one.captured_queries)
