"""An action plan's year lies within its programme's years: the form, the
service (``clean()``), the workbook import and the database all say so, with
the same readable message where a person reads it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Programme
from tests.factories import make_action_plan

pytestmark = pytest.mark.django_db

# world.programme runs 2023–2027 inside the masterplan's 2022–2032.
MESSAGE = "Tahun 2030 di luar tahun pelaksanaan program {code} (2023–2027)."


def test_the_service_refuses_a_year_outside_the_programme_years(world):
    with pytest.raises(ValidationError) as caught:
        services.action_plan_update(actor=None, action_plan=world.plan_a, year=2030)
    assert caught.value.message_dict["year"] == [MESSAGE.format(code=world.programme.code)]
    with pytest.raises(ValidationError, match="di luar tahun pelaksanaan program"):
        make_action_plan(world.programme, year=2022)
    assert ActionPlan.objects.get(pk=world.plan_a.pk).year == 2024


def test_the_form_shows_the_message_and_keeps_the_plan(world, personas):
    url = reverse("masterplan:action_plan_edit", args=[world.plan_a.pk])
    response = personas["admin"].post(
        url,
        {
            "programme": world.programme.pk,
            "code": world.plan_a.code,
            "year": 2030,
            "agency": world.agency_a.pk,
            "activity": "Kegiatan",
            "target": "",
            "status": "belum_dimulai",
        },
    )
    assert response.status_code == 200
    assert MESSAGE.format(code=world.programme.code) in response.content.decode()
    assert ActionPlan.objects.get(pk=world.plan_a.pk).year == 2024


def test_a_programme_cannot_shrink_past_its_action_plans_years(world):
    with pytest.raises(ValidationError) as caught:
        services.programme_update(actor=None, programme=world.programme, start_year=2025)
    assert "tidak mencakup tahun rencana aksi" in " ".join(caught.value.messages)
    assert world.plan_a.code in " ".join(caught.value.messages)
    assert Programme.objects.get(pk=world.programme.pk).start_year == 2023


def test_the_database_holds_the_rule_when_clean_is_bypassed(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.filter(pk=world.plan_a.pk).update(year=2030)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=world.programme.pk).update(end_year=2023)
    # Inside the programme's years the database agrees.
    ActionPlan.objects.filter(pk=world.plan_a.pk).update(year=2027)
    assert ActionPlan.objects.get(pk=world.plan_a.pk).year == 2027


def test_the_demo_keeps_every_action_plan_inside_its_programme(dumai):
    plans = ActionPlan.objects.filter(masterplan__region__code="14.72").select_related("programme")
    assert plans.exists()
    assert all(p.programme.start_year <= p.year <= p.programme.end_year for p in plans)
