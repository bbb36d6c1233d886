"""Instruments as data (versions, weights, items, activation)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from kotacerdas.core.audit import history_for
from kotacerdas.core.models import AuditEvent
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.models import Dimension, EvaluationCycle, Instrument, Item
from tests.evaluation.factories import active_instrument, make_cycle
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

DEFAULT = {
    "baseline": Decimal(10),
    "output": Decimal(20),
    "outcome": Decimal(30),
    "impact": Decimal(20),
    "quick_win": Decimal(20),
}


def weights_of(instrument: Instrument) -> dict[str, Decimal]:
    return {d.code: d.weight for d in instrument.dimensions.order_by("order")}


def test_it_creates_an_instrument_with_the_five_dimensions_and_default_weights():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)

    assert (instrument.version, instrument.state) == (1, "draft")
    assert weights_of(instrument) == DEFAULT
    assert list(weights_of(instrument)) == ["baseline", "output", "outcome", "impact", "quick_win"]
    assert (instrument.scale_min, instrument.scale_max, instrument.scale_places) == (0, 4, 2)
    assert instrument.aggregation == "mean"
    # Illustrative items: at least one per dimension, one quick win item per pillar.
    assert all(d.items.exists() for d in instrument.dimensions.all())
    assert sorted(
        instrument.items.filter(dimension__code="quick_win").values_list("pillar", flat=True)
    ) == sorted(["governance", "branding", "economy", "living", "society", "environment"])
    event = history_for(instrument).get()
    assert event.action == AuditEvent.Action.CREATE
    assert event.after["weights"]["outcome"] == "30"


def test_it_seeds_the_readiness_instrument_with_three_parts_of_three_elements():
    readiness = services.instrument_create(actor=None, kind="readiness", year=2025)

    assert list(weights_of(readiness)) == ["struktur", "infrastruktur", "suprastruktur"]
    assert sum(weights_of(readiness).values()) == 100
    assert [d.items.count() for d in readiness.dimensions.order_by("order")] == [3, 3, 3]
    assert "SDM" in readiness.items.get(code="ST-1").question


def test_it_refuses_weights_that_do_not_sum_to_100_and_names_the_sum():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)

    with pytest.raises(ValidationError) as raised:
        services.instrument_set_weights(
            actor=None, instrument=instrument, weights={**DEFAULT, "impact": Decimal(30)}
        )

    assert raised.value.messages == ["Jumlah bobot dimensi harus tepat 100%, bukan 110%."]
    assert weights_of(instrument) == DEFAULT


def test_it_sets_the_alternative_published_weights_and_audits_each_change():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)
    new = {**DEFAULT, "impact": Decimal(30), "quick_win": Decimal(10)}

    services.instrument_set_weights(actor=None, instrument=instrument, weights=new)

    assert weights_of(instrument) == new
    impact = instrument.dimensions.get(code="impact")
    assert history_for(impact).get().before["weight"] == "20"


def test_it_refuses_a_missing_dimension_weight():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)
    weights = dict(DEFAULT)
    del weights["baseline"]
    weights["output"] = Decimal(30)

    with pytest.raises(ValidationError) as raised:
        services.instrument_set_weights(actor=None, instrument=instrument, weights=weights)

    assert raised.value.messages == ["Bobot dimensi belum diisi: baseline."]


def test_it_adds_edits_and_removes_items_of_a_draft():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)
    output = instrument.dimensions.get(code="output")

    item = services.item_create(
        actor=None,
        instrument=instrument,
        dimension=output,
        code="OP-9",
        question="Rencana induk SPBE selaras dengan masterplan.",
        evidence="Dokumen SPBE.",
        pillar="governance",
    )
    assert item.order == 4
    services.item_update(actor=None, item=item, question="Pertanyaan baru.")
    item.refresh_from_db()
    assert item.question == "Pertanyaan baru."
    services.item_delete(actor=None, item=item)
    assert not Item.objects.filter(pk=item.pk).exists()
    assert [e.action for e in AuditEvent.objects.filter(object_repr__startswith="OP-9")] == [
        "delete",
        "update",
        "create",
    ]


def test_it_refuses_a_duplicate_item_code_and_an_empty_question():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)
    output = instrument.dimensions.get(code="output")

    with pytest.raises(ValidationError) as raised:
        services.item_create(
            actor=None, instrument=instrument, dimension=output, code="OP-1", question="Lagi."
        )
    assert "Kode butir ini sudah dipakai di instrumen ini." in str(raised.value)

    with pytest.raises(ValidationError) as raised:
        services.item_create(
            actor=None, instrument=instrument, dimension=output, code="OP-7", question=""
        )
    assert "question" in raised.value.error_dict


def test_the_database_refuses_invalid_rows_written_around_the_services():
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2025)
    dimension = instrument.dimensions.get(code="output")
    with pytest.raises(IntegrityError), transaction.atomic():
        Dimension.objects.filter(pk=dimension.pk).update(weight=Decimal(101))
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            instrument=instrument, dimension=dimension, code="OP-1", question="Ganda"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.filter(pk=instrument.pk).update(scale_max=Decimal(0))


def test_it_activates_one_version_per_year_and_retires_the_previous():
    first = services.instrument_create(actor=None, kind="evaluation", year=2025)
    services.instrument_activate(actor=None, instrument=first)
    second = services.instrument_new_version(actor=None, instrument=first)

    services.instrument_activate(actor=None, instrument=second)

    first.refresh_from_db()
    assert (first.state, second.state) == ("retired", "active")
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.filter(pk=first.pk).update(state="active")


def test_it_refuses_to_activate_a_version_with_an_empty_dimension():
    instrument = services.instrument_create(
        actor=None, kind="evaluation", year=2025, with_items=False
    )

    with pytest.raises(ValidationError) as raised:
        services.instrument_activate(actor=None, instrument=instrument)

    assert "Dimensi tanpa butir tidak dapat dinilai: Baseline, Output" in raised.value.messages[0]
    instrument.refresh_from_db()
    assert instrument.state == "draft"


def test_an_active_version_is_never_edited_in_place_only_copied():
    instrument = active_instrument(2025)
    item = instrument.items.get(code="OP-1")

    for attempt in (
        lambda: services.item_update(actor=None, item=item, question="Diubah"),
        lambda: services.item_delete(actor=None, item=item),
        lambda: services.instrument_set_weights(actor=None, instrument=instrument, weights=DEFAULT),
        lambda: services.instrument_update(actor=None, instrument=instrument, name="Baru"),
    ):
        with pytest.raises(ValidationError) as raised:
            attempt()
        assert "buat versi baru" in raised.value.messages[0]

    copy = services.instrument_new_version(actor=None, instrument=instrument)
    services.item_update(actor=None, item=copy.items.get(code="OP-1"), question="Diubah")

    assert (copy.version, copy.state, copy.based_on) == (2, "draft", instrument)
    assert item.question == Item.objects.get(pk=item.pk).question != "Diubah"
    assert copy.items.count() == instrument.items.count()
    assert weights_of(copy) == weights_of(instrument)


def test_the_command_seeds_an_active_readiness_instrument():
    out = StringIO()

    call_command(
        "evaluation",
        "instrument",
        "--kind",
        "readiness",
        "--year",
        "2025",
        "--activate",
        stdout=out,
    )

    readiness = Instrument.objects.get(kind="readiness", year=2025)
    assert readiness.state == "active"
    assert "Instrumen Kesiapan Daerah 2025 v1 dibuat (aktif), 9 butir." in out.getvalue()
    call_command("evaluation", "instrument", "--kind", "readiness", "--year", "2025", stdout=out)
    assert list(
        Instrument.objects.filter(kind="readiness").order_by("version").values_list("state")
    ) == [("active",), ("draft",)]
    with pytest.raises(CommandError):
        call_command("evaluation", "instrument", "--kind", "readiness", "--year", "1999")


def test_the_database_keeps_an_active_version_frozen_and_cycles_on_it():
    instrument = active_instrument(2025)
    item = instrument.items.get(code="OP-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(question="Diubah diam-diam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Dimension.objects.filter(instrument=instrument).update(weight=Decimal(20))
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            instrument=instrument,
            dimension=instrument.dimensions.get(code="output"),
            code="OP-99",
            question="Sisipan",
        )
    draft = services.instrument_new_version(actor=None, instrument=instrument)
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(instrument=draft, code="OP-1").update(
            dimension=instrument.dimensions.get(code="output")
        )
    cycle = make_cycle(RegionFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationCycle.objects.filter(pk=cycle.pk).update(instrument=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationCycle.objects.filter(pk=cycle.pk).update(year=2026)
    assert Item.objects.get(pk=item.pk).question != "Diubah diam-diam"
