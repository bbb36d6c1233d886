"""``kotacerdas compare --json``, run for real: one row per region, nulls
where nothing is published, the province filter, a clear refusal."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import RegionFactory
from tests.national.helpers import plan_ratio, programme_ratio, region_with_plan

pytestmark = pytest.mark.django_db

DUMAI = [["berjalan", "belum_dimulai"], ["dibatalkan"]]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("compare", *args, stdout=out)
    return out.getvalue()


def test_it_prints_one_row_per_region_with_exact_and_rounded_figures():
    region_with_plan("14.72", "Kota Dumai", DUMAI)
    RegionFactory(code="32.73", name="Kota Bandung")

    rows = json.loads(run("--json"))

    assert [row["code"] for row in rows] == ["14.72", "32.73"]
    dumai, bandung = rows
    numerator, denominator = plan_ratio(DUMAI)
    assert dumai["action_plans"]["exact"] == f"{numerator}/{denominator}"
    assert dumai["action_plans"]["percent"] == f"{numerator * 100 / denominator:.2f}"
    running, counted = programme_ratio(DUMAI)
    assert (dumai["programmes"]["numerator"], dumai["programmes"]["denominator"]) == (
        running,
        counted,
    )
    assert dumai["province"]["code"] == "14"
    assert dumai["period"]["year"] == 2024 and dumai["period"]["closed_on"]
    assert dumai["quick_wins"] == {"total": 0, "in_implementation": 0, "done": 0}
    assert dumai["evaluation"] is None
    for key in ("period", "action_plans", "programmes", "quick_wins", "evaluation"):
        assert bandung[key] is None


def test_it_filters_by_province():
    region_with_plan("14.72", "Kota Dumai", DUMAI)
    RegionFactory(code="32.73", name="Kota Bandung")

    assert [row["code"] for row in json.loads(run("--province", "32", "--json"))] == ["32.73"]
    assert "Kota Dumai" in run()


def test_it_refuses_an_unknown_province_in_both_languages(db):
    with pytest.raises(CommandError) as raised:
        run("--province", "14.72", "--json")
    assert "tidak dikenal" in str(raised.value) and "Unknown province" in str(raised.value)
