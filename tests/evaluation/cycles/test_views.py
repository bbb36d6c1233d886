"""The cycle pages as a region's smart city team and the ministry's operator
(a superuser) use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.models import EvaluationCycle
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assign,
    consolidate_all,
    in_assessment,
)
from tests.evaluation.factories import active_instrument, make_cycle
from tests.factories import RegionFactory

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def test_the_team_creates_a_cycle_sets_its_schedule_and_moves_it(world, personas):
    active_instrument(2025)
    admin = personas["admin"]

    response = admin.post(
        reverse("evaluation:cycle_create", args=[world.region.code]),
        {
            "year": "2025",
            "stage": "tahap_2",
            "self_assessment_due": "2025-10-01",
            "interview_date": "2025-11-04",
            "evidence_deadline": "2025-11-05",
        },
    )
    cycle = EvaluationCycle.objects.get(region=world.region)
    assert response["Location"] == reverse("evaluation:cycle_detail", args=[cycle.pk])

    bad = admin.post(
        reverse("evaluation:cycle_schedule", args=[cycle.pk]),
        {"interview_date": "2025-11-04", "evidence_deadline": "2025-11-03"},
    )
    assert "Batas bukti dukung tidak boleh sebelum tanggal wawancara." in bad.content.decode()

    advance = reverse("evaluation:cycle_advance", args=[cycle.pk])
    admin.post(advance, {"state": "in_assessment"})
    # "Scored" is the lead assessor's, once every item is consolidated.
    assert admin.post(advance, {"state": "scored"}).status_code == 403
    cycle.refresh_from_db()
    lead = assign(cycle, "lead", lead=True)
    consolidate_all(lead, JAMBI_ITEMS)
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.state == "scored"

    page = admin.get(reverse("evaluation:cycle_detail", args=[cycle.pk])).content.decode()
    assert "4 November 2025" in page
    assert 'value="in_assessment"' in page
    assert 'value="published"' not in page  # publishing is the ministry's


def test_only_the_ministry_publishes_and_published_is_final(world, personas, operator):
    cycle = in_assessment(world.region)
    lead = assign(cycle, "lead", lead=True)
    consolidate_all(lead, JAMBI_ITEMS)
    assessment.cycle_mark_scored(actor=lead.assessor, cycle=cycle)
    url = reverse("evaluation:cycle_advance", args=[cycle.pk])

    assert personas["admin"].post(url, {"state": "published"}).status_code == 403
    # One publish action: a move to "published" is sent to its confirmation.
    response = operator.post(url, {"state": "published"})
    publish = reverse("evaluation:cycle_publish", args=[cycle.pk])
    assert response["Location"] == publish
    cycle.refresh_from_db()
    assert cycle.state == "scored"
    operator.post(publish, {CONFIRM_FIELD: "1"})
    cycle.refresh_from_db()
    assert cycle.state == "published"

    response = operator.post(url, {"state": "scored"}, follow=True)
    assert "tidak dapat diubah menjadi" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == "published"


def test_a_cycle_without_an_active_instrument_is_refused_on_the_form(world, personas):
    response = personas["admin"].post(
        reverse("evaluation:cycle_create", args=[world.region.code]),
        {"year": "2030", "stage": "tahap_1"},
    )

    assert response.status_code == 200
    assert "Belum ada instrumen evaluasi yang aktif untuk tahun 2030." in response.content.decode()


def test_other_regions_cycles_are_not_found(world, personas):
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    cycle = make_cycle(other)

    for persona in ("admin", "editor_a", "assessor", "officer"):
        client = personas[persona]
        assert client.get(reverse("evaluation:cycle_detail", args=[cycle.pk])).status_code == 404
        assert client.get(reverse("evaluation:cycle_list", args=[other.code])).status_code == 404
        response = client.post(
            reverse("evaluation:cycle_advance", args=[cycle.pk]), {"state": "in_assessment"}
        )
        assert response.status_code == 404
    cycle.refresh_from_db()
    assert cycle.state == "preparing"
