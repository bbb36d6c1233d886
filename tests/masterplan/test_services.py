"""Masterplan services: one transaction, ``full_clean()``, only the changed
fields saved, and an audit event that says what changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Element, Pillar, Programme
from kotacerdas.masterplan.pillars import PILLARS
from tests.factories import (
    element_of,
    make_masterplan,
    make_programme,
)

# DOMAIN.md §1, in the order the product uses.
DOMAIN_PILLARS = [
    (
        "governance",
        "Smart Governance",
        "tata kelola cerdas",
        ["Pelayanan publik", "Manajemen birokrasi yang efisien", "Efisiensi kebijakan publik"],
    ),
    (
        "branding",
        "Smart Branding",
        "pemasaran daerah cerdas",
        ["Ekosistem pariwisata", "Ekosistem bisnis daerah", "Wajah kota"],
    ),
    (
        "economy",
        "Smart Economy",
        "ekonomi cerdas",
        [
            "Ekosistem industri yang berdaya saing",
            "Kesejahteraan rakyat",
            "Ekosistem transaksi keuangan",
        ],
    ),
    (
        "living",
        "Smart Living",
        "hunian cerdas",
        [
            "Harmonisasi tata ruang / pola hidup",
            "Sarana prasarana kesehatan",
            "Sarana transportasi",
        ],
    ),
    (
        "society",
        "Smart Society",
        "masyarakat cerdas",
        [
            "Interaksi masyarakat yang efisien",
            "Ekosistem belajar yang efisien",
            "Sistem keamanan masyarakat",
        ],
    ),
    (
        "environment",
        "Smart Environment",
        "lingkungan cerdas",
        [
            "Proteksi lingkungan",
            "Tata kelola sampah dan limbah",
            "Tata kelola energi yang bertanggung jawab",
        ],
    ),
]


def updates_in(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


# --- masterplan_create ----------------------------------------------------------------


def test_it_seeds_six_pillars_with_three_elements_each_in_domain_order(world):
    pillars = list(Pillar.objects.filter(masterplan=world.masterplan).order_by("order"))

    assert [(p.code, p.name, p.order) for p in pillars] == [
        (code, name, order) for order, (code, name, _id, _els) in enumerate(DOMAIN_PILLARS, 1)
    ]
    for pillar, (_code, _name, _id, elements) in zip(pillars, DOMAIN_PILLARS, strict=True):
        seeded = list(pillar.elements.order_by("order"))
        assert [e.name for e in seeded] == elements
        assert [e.order for e in seeded] == [1, 2, 3]
    assert Element.objects.filter(pillar__masterplan=world.masterplan).count() == 18


def test_it_names_every_pillar_in_indonesian_too():
    assert [(p.code, p.name_id.lower()) for p in PILLARS] == [
        (code, name_id) for code, _name, name_id, _els in DOMAIN_PILLARS
    ]


def test_it_audits_the_creation_of_a_masterplan(db):
    masterplan = make_masterplan(title="Masterplan Smart City Kota Dumai 2022–2032")

    event = AuditEvent.objects.filter(content_type__model="masterplan").get()
    assert event.object_id == str(masterplan.pk)
    assert event.action == "create"
    assert event.after["title"] == "Masterplan Smart City Kota Dumai 2022–2032"
    assert event.after["start_year"] == 2022
    assert event.region_code == "14.72"


def test_it_creates_nothing_when_a_masterplan_is_invalid(db):
    with pytest.raises(ValidationError) as excinfo:
        make_masterplan(title="", start_year=1990)

    assert set(excinfo.value.message_dict) == {"title", "start_year"}
    assert excinfo.value.message_dict["title"] == ["Field ini tidak boleh kosong."]
    assert not Pillar.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="masterplan").exists()


# --- Labels -------------------------------------------------------------------------------


def test_it_renames_a_pillar_and_an_element_and_audits_both(world, admin_user):
    pillar = world.masterplan.pillars.get(code="branding")
    element = element_of(world.masterplan, "branding", 2)

    services.pillar_update(actor=admin_user, pillar=pillar, name="Smart Branding Dumai")
    services.element_update(actor=admin_user, element=element, name="Wajah kota pesisir")

    assert Pillar.objects.get(pk=pillar.pk).name == "Smart Branding Dumai"
    assert Element.objects.get(pk=element.pk).name == "Wajah kota pesisir"
    pillar_event, element_event = AuditEvent.objects.order_by("-id")[:2][::-1]
    assert pillar_event.changed_fields() == [("name", "Smart Branding", "Smart Branding Dumai")]
    assert element_event.changed_fields() == [("name", "Wajah kota", "Wajah kota pesisir")]
    assert {pillar_event.actor_label, element_event.actor_label} == {"alice"}


def test_it_refuses_an_empty_label_in_indonesian(world):
    pillar = world.masterplan.pillars.get(code="society")
    count = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.pillar_update(actor=None, pillar=pillar, name="")

    assert excinfo.value.message_dict == {"name": ["Field ini tidak boleh kosong."]}
    assert Pillar.objects.get(pk=pillar.pk).name == "Smart Society"
    assert AuditEvent.objects.count() == count


def test_it_renames_several_labels_of_one_masterplan_at_once(world):
    other = make_masterplan(world.region, start_year=2033, end_year=2042, title="Berikutnya")
    living = world.masterplan.pillars.get(code="living")
    foreign = other.pillars.get(code="living")
    element = element_of(world.masterplan, "living", 1)

    changed = services.masterplan_labels_update(
        actor=None,
        masterplan=world.masterplan,
        pillar_names={living.pk: "Smart Living Dumai", foreign.pk: "Tidak boleh berubah"},
        element_names={element.pk: "Sarana kesehatan"},
    )

    assert changed == 2
    assert Pillar.objects.get(pk=living.pk).name == "Smart Living Dumai"
    assert Pillar.objects.get(pk=foreign.pk).name == "Smart Living"
    assert Element.objects.get(pk=element.pk).name == "Sarana kesehatan"


# --- programme_update -----------------------------------------------------------------------


def test_it_records_only_the_changed_fields_in_the_audit_diff(world, admin_user):
    programme = world.programme

    services.programme_update(
        actor=admin_user,
        programme=programme,
        name="Kampung Kuliner",
        estimated_cost=2_500_000,
        description=programme.description,
        start_year=programme.start_year,
    )

    event = AuditEvent.objects.latest("id")
    assert [name for name, _old, _new in event.changed_fields()] == ["estimated_cost", "name"]
    # Decimals are kept exact, as strings.
    assert Decimal(event.before["estimated_cost"]) == Decimal("1000000")
    assert Decimal(event.after["estimated_cost"]) == Decimal("2500000")
    assert set(event.before) == set(services.PROGRAMME_FIELDS)


def test_it_saves_only_the_changed_fields(world):
    """A concurrent edit of another field survives: only ``name`` is written."""
    programme = Programme.objects.get(pk=world.programme.pk)
    Programme.objects.filter(pk=programme.pk).update(description="Diubah oleh pengguna lain")

    with CaptureQueriesContext(connection) as queries:
        services.programme_update(actor=None, programme=programme, name="Tempat Los Kerja")

    saved = Programme.objects.get(pk=programme.pk)
    assert saved.name == "Tempat Los Kerja"
    assert saved.description == "Diubah oleh pengguna lain"
    (update,) = updates_in(queries)
    assert "name" in update
    assert "description" not in update


def test_it_writes_nothing_when_nothing_changes(world):
    programme = world.programme
    count = AuditEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        services.programme_update(
            actor=None,
            programme=programme,
            name=programme.name,
            lead_agency=world.agency_a,
            estimated_cost=1_000_000,
            supporting_agencies=[],
        )

    assert AuditEvent.objects.count() == count
    assert updates_in(queries) == []


def test_it_records_changes_of_supporting_agencies(world):
    programme = world.programme

    services.programme_update(actor=None, programme=programme, supporting_agencies=[world.agency_b])

    assert list(programme.supporting_agencies.all()) == [world.agency_b]
    event = AuditEvent.objects.latest("id")
    assert event.changed_fields() == [("supporting_agencies", [], [world.agency_b.pk])]


def test_it_saves_nothing_when_a_new_programme_is_invalid(world):
    count = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        make_programme(
            world.masterplan,
            lead_agency=world.agency_a,
            code="P-BARU",
            name="",
            start_year=2030,
            end_year=2040,
            funding_source="hibah-asing",
        )

    errors = excinfo.value.message_dict
    assert errors["name"] == ["Field ini tidak boleh kosong."]
    assert errors["end_year"] == ["Tahun 2040 di luar periode masterplan 2022–2032."]
    assert errors["funding_source"] == ["Nilai 'hibah-asing' bukan pilihan yang valid."]
    assert not Programme.objects.filter(code="P-BARU").exists()
    assert AuditEvent.objects.count() == count


# --- Action plans ---------------------------------------------------------------------------


def test_it_moves_an_action_plan_to_another_programme_of_the_masterplan(world):
    target = make_programme(world.masterplan, lead_agency=world.agency_b, pillar="branding")

    services.action_plan_update(actor=None, action_plan=world.plan_b, programme=target)

    plan = ActionPlan.objects.get(pk=world.plan_b.pk)
    assert plan.programme == target
    assert plan.masterplan == world.masterplan
    event = AuditEvent.objects.latest("id")
    assert event.changed_fields() == [("programme", world.programme.pk, target.pk)]


def test_it_refuses_to_move_an_action_plan_to_another_masterplans_programme(world):
    other = make_masterplan(world.region, start_year=2033, end_year=2042, title="Berikutnya")
    foreign = make_programme(other, lead_agency=world.agency_a, start_year=2033, end_year=2035)

    with pytest.raises(ValidationError) as excinfo:
        services.action_plan_update(actor=None, action_plan=world.plan_a, programme=foreign)

    assert excinfo.value.message_dict["year"] == [
        "Tahun 2024 di luar periode masterplan 2033–2042."
    ]
    plan = ActionPlan.objects.get(pk=world.plan_a.pk)
    assert (plan.programme, plan.masterplan) == (world.programme, world.masterplan)


def test_it_records_a_status_change_of_an_action_plan(world, editor_a):
    services.action_plan_update(actor=editor_a, action_plan=world.plan_a, status="berjalan")

    event = AuditEvent.objects.latest("id")
    assert event.actor == editor_a
    assert event.changed_fields() == [("status", "belum_dimulai", "berjalan")]
    assert ActionPlan.objects.get(pk=world.plan_a.pk).status == "berjalan"


def test_it_updates_an_agency_and_audits_it(world):
    services.agency_update(actor=None, agency=world.agency_b, head="Dra. Hj. Nurhayati")

    event = AuditEvent.objects.latest("id")
    assert event.changed_fields() == [("head", "Kepala Dinas", "Dra. Hj. Nurhayati")]
    assert event.region_code == "14.72"
