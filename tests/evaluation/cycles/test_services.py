"""Cycles: creation on the active instrument, schedule, and the state machine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.audit import history_for
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.cycles import services
from kotacerdas.evaluation.instruments import services as instruments
from kotacerdas.evaluation.models import EvaluationCycle
from tests.evaluation.assessment_factories import (
    JAMBI_ITEMS,
    assign,
    consolidate_all,
    operator,
    published_cycle,
)
from tests.evaluation.factories import active_instrument, make_cycle
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_a_cycle_keeps_the_version_it_was_opened_with():
    region = RegionFactory()
    cycle = make_cycle(region)
    original = cycle.instrument
    newer = instruments.instrument_new_version(actor=None, instrument=original)
    instruments.instrument_activate(actor=None, instrument=newer)

    cycle.refresh_from_db()

    assert cycle.instrument == original
    assert cycle.instrument.state == "retired"


def test_it_refuses_a_cycle_without_an_active_instrument_for_its_year():
    with pytest.raises(ValidationError) as raised:
        services.cycle_create(actor=None, region=RegionFactory(), year=2031, stage="tahap_1")

    assert raised.value.message_dict == {
        "year": ["Belum ada instrumen evaluasi yang aktif untuk tahun 2031."]
    }


def test_it_refuses_a_second_cycle_for_the_same_stage_and_a_schedule_out_of_order():
    region = RegionFactory()
    make_cycle(region)
    with pytest.raises(ValidationError) as raised:
        services.cycle_create(actor=None, region=region, year=2025, stage="tahap_1")
    assert "sudah punya siklus untuk tahun dan tahap ini" in str(raised.value)

    with pytest.raises(ValidationError) as raised:
        services.cycle_create(
            actor=None,
            region=region,
            year=2025,
            stage="tahap_2",
            interview_date=dt.date(2025, 11, 5),
            evidence_deadline=dt.date(2025, 11, 4),
        )
    assert "Batas bukti dukung tidak boleh sebelum tanggal wawancara." in str(raised.value)


def test_it_attaches_the_readiness_instrument_when_asked():
    active_instrument(2025, "readiness")
    cycle = make_cycle(RegionFactory(), with_readiness=True)

    assert cycle.readiness_instrument is not None
    assert cycle.readiness_instrument.kind == "readiness"


def test_it_moves_a_cycle_only_along_allowed_transitions_and_published_is_final():
    cycle = make_cycle(RegionFactory())

    with pytest.raises(ValidationError) as raised:
        services.cycle_advance(actor=None, cycle=cycle, state="published")
    assert raised.value.messages == [
        "Siklus dalam keadaan “Persiapan” tidak dapat diubah menjadi “Diumumkan”."
    ]

    for state in ("in_assessment", "preparing", "in_assessment"):
        services.cycle_advance(actor=None, cycle=cycle, state=state)
    # "Scored" needs every item consolidated by the lead assessor.
    consolidate_all(assign(cycle, "lead", lead=True), JAMBI_ITEMS)
    for state in ("scored", "published"):
        services.cycle_advance(actor=operator(), cycle=cycle, state=state)
    cycle.refresh_from_db()
    assert cycle.state == "published"

    for state in ("scored", "in_assessment", "preparing"):
        with pytest.raises(ValidationError):
            services.cycle_advance(actor=None, cycle=cycle, state=state)
    with pytest.raises(ValidationError):
        services.cycle_set_schedule(
            actor=None,
            cycle=cycle,
            self_assessment_due=None,
            interview_date=None,
            evidence_deadline=None,
        )
    states = [
        e.after["state"]
        for e in history_for(cycle).order_by("occurred_at", "id")
        if e.action == "update"
    ]
    assert states == ["in_assessment", "preparing", "in_assessment", "scored", "published"]
    assert EvaluationCycle.objects.get(pk=cycle.pk).state == "published"


def test_every_state_a_cycle_can_reach_says_who_moves_it_there():
    targets = {state for following in services.TRANSITIONS.values() for state in following}

    assert set(services.TRANSITIONS) == set(EvaluationCycle.State.values)
    assert targets == set(services.MOVERS)
    assert services.MOVERS[EvaluationCycle.State.PUBLISHED] == services.Mover.MINISTRY


def test_the_lead_and_the_ministry_move_a_cycle_through_the_one_state_machine():
    cycle, _revision = published_cycle(RegionFactory())
    refusal = [
        "Siklus yang sudah diumumkan tidak dapat diubah menjadi “Diumumkan”; "
        "koreksi dibuat sebagai revisi."
    ]

    with pytest.raises(ValidationError) as published_again:
        assessment.cycle_publish(actor=operator(), cycle=cycle)
    with pytest.raises(ValidationError) as advanced:
        services.cycle_advance(actor=operator(), cycle=cycle, state="published")

    assert published_again.value.messages == advanced.value.messages == refusal
