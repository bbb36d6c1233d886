"""The evaluation result's steps in the reader's language (issue 21, point 9):
a revision freezes them in Indonesian and in English, whatever the language
of the person who publishes, and the result page shows the reader's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from tests.evaluation.assessment_factories import published_cycle

pytestmark = pytest.mark.django_db


def _steps(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<ol class="formula">')
    return " ".join(strip_tags(html[start : html.index("</ol>", start)]).split())


def test_the_steps_follow_the_reader_not_the_publisher(world, personas):
    with translation.override("en"):
        cycle, revision = published_cycle(world.region)
    assert revision.result["explain"][0].startswith("Nilai dimensi = ")
    assert any(line.startswith("Indeks = Σ") for line in revision.result["explain"])
    assert revision.result["explain_en"][0].startswith("Dimension score = ")
    assert len(revision.result["explain_en"]) == len(revision.result["explain"])

    client = personas["admin"]
    url = reverse("evaluation:cycle_result", args=[cycle.pk])
    indonesian = _steps(client.get(url))
    assert "Indeks = Σ (bobot ÷ 100 × nilai dimensi)" in indonesian
    assert "Jumlah:" in indonesian and "Index =" not in indonesian

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _steps(client.get(url))
    assert "Index = Σ (weight ÷ 100 × dimension score)" in english
    assert "Sum:" in english and "Dimension score = " in english
    assert "Indeks" not in english and "Jumlah" not in english and "Dibulatkan" not in english
    # The figures keep their notation in both (docs/decisions.md §10).
    assert "3,475" in english and "3,475" in indonesian


def test_a_revision_frozen_before_keeps_its_indonesian_steps_in_english():
    from kotacerdas.evaluation.assessment.selectors import explanation_lines

    old = {"explain": ["Indeks = Σ …"]}
    both = {"explain": ["Indeks = Σ …"], "explain_en": ["Index = Σ …"]}
    with translation.override("en"):
        assert explanation_lines(old) == ("Indeks = Σ …",)
        assert explanation_lines(both) == ("Index = Σ …",)
    with translation.override("id"):
        assert explanation_lines(both) == ("Indeks = Σ …",)
