"""The portal on the Kota Dumai demo (51 programmes, 103 action plans) after
one period is closed: the published figures are the city's own 2024 figures,
every page answers, the home page stays light, and the number of queries
does not grow with the number of programmes."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from kotacerdas.masterplan.models import Pillar, Programme
from tests.factories import demo_loaded_once

pytestmark = pytest.mark.django_db
CODE = "14.72"


@pytest.fixture(scope="module")
def dumai(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    # The demo closes Triwulan III 2024 (its published figures) and keeps
    # Triwulan IV open with reports in every state: nothing to add here.
    with demo_loaded_once(django_db_blocker) as result:
        yield result


def _get(name: str, *args: object) -> str:
    response = Client().get(reverse(f"portal:{name}", args=args))
    assert response.status_code == 200, (name, args)
    return response.content.decode()


def test_it_publishes_the_citys_figures(dumai):
    home = _get("home", CODE)
    assert "61,17%" in home and "63/103" in home
    assert "84,31%" in home and "43/51" in home
    # The demo publishes Triwulan III 2024, long before any run of this test.
    assert "Data terakhir yang diterbitkan: Triwulan III 2024 — lebih lama dari jadwal" in home
    explained = _get("explain", CODE, "action_plans", "overall")
    assert 'data-testid="numerator">63<' in explained
    assert 'data-testid="denominator">103<' in explained


def test_the_home_page_of_a_full_masterplan_is_light(dumai):
    html = Client().get(reverse("portal:home", args=[CODE])).content
    css_path = finders.find("kotacerdas/portal.css")
    assert isinstance(css_path, str)
    with open(css_path, "rb") as css:
        assert len(html) + len(css.read()) < 60_000


def test_every_pillar_and_programme_page_answers_in_few_queries(
    dumai, django_assert_max_num_queries
):
    for pillar in Pillar.objects.filter(masterplan__region__code=CODE):
        with django_assert_max_num_queries(6):
            _get("pillar", CODE, pillar.code)
    for pk in Programme.objects.filter(masterplan__region__code=CODE).values_list("pk", flat=True):
        with django_assert_max_num_queries(6):
            _get("programme", CODE, pk)


def test_the_action_plans_download_lists_all_plans(dumai):
    response = Client().get(reverse("portal:download", args=[CODE, "rencana-aksi", "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 103
    in_implementation = [r for r in rows if r["status"] in ("berjalan", "selesai")]
    assert len(in_implementation) == 63
