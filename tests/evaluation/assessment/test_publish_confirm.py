"""Publishing has one action: a confirmation page that says what becomes
public and final, then ``cycle_publish`` through the cycle's state machine.
The cycle page offers no second publish button, and no POST without the
confirmation's own field publishes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.assessment.selectors import publish_preview
from kotacerdas.evaluation.models import EvaluationCycle, ResultRevision
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assign,
    consolidate_all,
    in_assessment,
)
from tests.evaluation.assessment_factories import operator as ministry

pytestmark = pytest.mark.usefixtures("shared_world")


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def _scored(region) -> EvaluationCycle:
    cycle = in_assessment(region)
    lead = assign(cycle, "lead", lead=True)
    consolidate_all(lead, JAMBI_ITEMS)
    assessment.summary_set(
        actor=lead.assessor, lead=lead, notes="Lengkap.", recommendations="Lanjutkan."
    )
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def test_the_preview_is_what_revision_1_freezes(world):
    cycle = _scored(world.region)
    preview = publish_preview(cycle)
    assert preview.items == len(JAMBI_ITEMS) and preview.missing == ()
    assert preview.has_notes and preview.has_recommendations and not preview.problem
    revision = assessment.cycle_publish(actor=ministry(), cycle=cycle)
    assert str(preview.index) == revision.result["index"]["index"]
    assert [str(v) for _n, v in preview.dimensions] == [
        d["shown"] for d in revision.result["dimensions"]
    ]


def test_the_confirmation_shows_what_becomes_public_and_final(world, operator):
    cycle = _scored(world.region)
    url = reverse("evaluation:cycle_publish", args=[cycle.pk])
    response = operator.get(url)
    assert response.status_code == 200
    preview = publish_preview(cycle)
    lines = {c.testid: c.count for c in response.context["confirmation"].consequences if c.testid}
    assert lines["publish-items"] == preview.items
    text = _text(response)
    assert "tidak dapat ditarik kembali" in text
    assert "revisi baru dengan alasan" in text
    cycle.refresh_from_db()
    assert cycle.state == "scored"  # showing the page publishes nothing


def test_a_plain_post_does_not_publish(world, operator):
    cycle = _scored(world.region)
    url = reverse("evaluation:cycle_publish", args=[cycle.pk])
    response = operator.post(url)
    assert response.status_code == 200
    cycle.refresh_from_db()
    assert cycle.state == "scored"
    assert not ResultRevision.objects.filter(cycle=cycle).exists()
    response = operator.post(url, {CONFIRM_FIELD: "1"})
    assert response["Location"] == reverse("evaluation:cycle_result", args=[cycle.pk])
    cycle.refresh_from_db()
    assert cycle.state == "published"
    assert ResultRevision.objects.filter(cycle=cycle).count() == 1


def test_the_cycle_page_has_one_publish_action(world, operator):
    cycle = _scored(world.region)
    page = operator.get(reverse("evaluation:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'value="published"' not in page  # no "Jadikan “Diumumkan”"
    publish = reverse("evaluation:cycle_publish", args=[cycle.pk])
    assert page.count(f'href="{publish}"') == 1
    assert f'action="{publish}"' not in page


def test_a_cycle_not_yet_scored_is_not_offered_for_publishing(world, operator):
    cycle = in_assessment(world.region)
    response = operator.get(reverse("evaluation:cycle_publish", args=[cycle.pk]))
    assert response.status_code == 302
    response = operator.post(
        reverse("evaluation:cycle_publish", args=[cycle.pk]), {CONFIRM_FIELD: "1"}
    )
    cycle.refresh_from_db()
    assert cycle.state == "in_assessment"
