"""Masterplan invariants: readable Indonesian messages from ``full_clean()`` and
the same rules held by the database when ``clean()`` is bypassed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    element_of,
    make_action_plan,
    make_masterplan,
    make_programme,
)


def messages_of(excinfo: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return excinfo.value.message_dict[field]


def assert_database_refuses(queryset, **values) -> None:
    """Bypass ``clean()`` entirely and expect the database to say no."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def quick_win(masterplan, *, lead_agency, pillar="economy", year=2024, **data):
    fields = {"start_year": year, "end_year": year, "quick_win_year": year, **data}
    return make_programme(
        masterplan, lead_agency=lead_agency, pillar=pillar, horizon="quick_win", **fields
    )


# --- Codes ------------------------------------------------------------------------------


def test_it_refuses_a_programme_code_used_twice_in_one_masterplan(world):
    with pytest.raises(ValidationError) as excinfo:
        make_programme(world.masterplan, lead_agency=world.agency_a, code=world.programme.code)

    assert "Kode program sudah dipakai di masterplan ini." in excinfo.value.messages
    assert Programme.objects.filter(code=world.programme.code).count() == 1


def test_it_holds_programme_codes_unique_in_the_database(world):
    other = make_programme(world.masterplan, lead_agency=world.agency_a)

    assert_database_refuses(Programme.objects.filter(pk=other.pk), code=world.programme.code)


def test_it_allows_the_same_codes_in_two_masterplans(world):
    pekanbaru = RegionFactory(code="14.71", name="Kota Pekanbaru")
    masterplan = make_masterplan(pekanbaru)
    agency = AgencyFactory(region=pekanbaru, short_name="Diskominfo")

    programme = make_programme(masterplan, lead_agency=agency, code=world.programme.code)
    plan = make_action_plan(programme, code=world.plan_a.code)

    assert Programme.objects.filter(code=world.programme.code).count() == 2
    assert ActionPlan.objects.filter(code=plan.code).count() == 2


def test_it_refuses_an_action_plan_code_used_twice_in_one_masterplan(world):
    with pytest.raises(ValidationError) as excinfo:
        make_action_plan(world.programme, code=world.plan_a.code)

    assert "Kode rencana aksi sudah dipakai di masterplan ini." in excinfo.value.messages
    assert_database_refuses(ActionPlan.objects.filter(pk=world.plan_b.pk), code=world.plan_a.code)


def test_it_refuses_a_second_masterplan_starting_in_the_same_year(world):
    with pytest.raises(ValidationError) as excinfo:
        make_masterplan(world.region, title="Masterplan kedua")

    assert (
        "Wilayah ini sudah memiliki masterplan yang mulai pada tahun tersebut."
        in excinfo.value.messages
    )
    assert Masterplan.objects.count() == 1


# --- Years inside the masterplan period ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"), [("start_year", 2019), ("end_year", 2035), ("quick_win_year", 2040)]
)
def test_it_refuses_programme_years_outside_the_masterplan_period(world, field, value):
    data = {"horizon": "quick_win", "quick_win_year": 2024, field: value}

    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=None, programme=world.programme, **data)

    assert f"Tahun {value} di luar periode masterplan 2022–2032." in messages_of(excinfo, field)
    world.programme.refresh_from_db()
    assert (world.programme.start_year, world.programme.end_year) == (2023, 2027)


@pytest.mark.parametrize(
    "values",
    [
        {"start_year": 2019},
        {"end_year": 2035},
        {"horizon": "quick_win", "quick_win_year": 2021},
        {"horizon": "quick_win", "quick_win_year": 2033},
    ],
)
def test_it_keeps_programme_years_inside_the_period_in_the_database(world, values):
    assert_database_refuses(Programme.objects.filter(pk=world.programme.pk), **values)

    world.programme.refresh_from_db()
    assert (world.programme.start_year, world.programme.end_year) == (2023, 2027)


def test_it_refuses_an_action_plan_year_outside_the_masterplan_period(world):
    with pytest.raises(ValidationError) as excinfo:
        services.action_plan_update(actor=None, action_plan=world.plan_a, year=2033)

    assert messages_of(excinfo, "year") == ["Tahun 2033 di luar periode masterplan 2022–2032."]
    assert ActionPlan.objects.get(pk=world.plan_a.pk).year == 2024


def test_it_keeps_action_plan_years_inside_the_period_in_the_database(world):
    assert_database_refuses(ActionPlan.objects.filter(pk=world.plan_a.pk), year=2021)
    assert_database_refuses(ActionPlan.objects.filter(pk=world.plan_a.pk), year=2033)

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.create(
            masterplan=world.masterplan,
            programme=world.programme,
            code="RA-LUAR",
            year=2040,
            agency=world.agency_a,
            activity="Di luar periode",
        )

    assert not ActionPlan.objects.filter(code="RA-LUAR").exists()


def test_it_accepts_years_on_the_edges_of_the_period(world):
    programme = make_programme(
        world.masterplan, lead_agency=world.agency_a, start_year=2022, end_year=2032
    )
    first = make_action_plan(programme, year=2022)
    last = make_action_plan(programme, year=2032)

    assert (first.year, last.year) == (2022, 2032)


def test_it_refuses_to_shrink_a_period_that_would_strand_programmes_in_the_database(world):
    # world.programme runs 2023–2027 and its action plans are in 2024.
    assert_database_refuses(Masterplan.objects.filter(pk=world.masterplan.pk), end_year=2026)
    assert_database_refuses(Masterplan.objects.filter(pk=world.masterplan.pk), start_year=2024)

    world.masterplan.refresh_from_db()
    assert world.masterplan.period_label == "2022–2032"


def test_it_refuses_to_shrink_a_period_that_would_strand_action_plans_in_the_database(world):
    # An action plan's year also lies within its programme's (migration 0005),
    # so the programme reaches back to 2022 with it.
    services.programme_update(actor=None, programme=world.programme, start_year=2022)
    services.action_plan_update(actor=None, action_plan=world.plan_a, year=2022)
    services.action_plan_update(actor=None, action_plan=world.plan_b, year=2025)

    assert_database_refuses(Masterplan.objects.filter(pk=world.masterplan.pk), start_year=2023)


def test_it_refuses_to_shrink_a_period_through_the_service_with_a_readable_message(world):
    count = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.masterplan_update(actor=None, masterplan=world.masterplan, end_year=2026)

    assert excinfo.value.messages == [
        "Periode 2022–2026 tidak mencakup tahun 1 program dan 0 rencana aksi yang sudah ada; "
        "ubah tahunnya lebih dulu."
    ]
    assert Masterplan.objects.get(pk=world.masterplan.pk).end_year == 2032
    assert AuditEvent.objects.count() == count


def test_it_allows_shrinking_a_period_that_still_holds_everything(world):
    services.masterplan_update(actor=None, masterplan=world.masterplan, end_year=2027)

    assert Masterplan.objects.get(pk=world.masterplan.pk).period_label == "2022–2027"


def test_it_refuses_a_period_that_ends_before_it_starts(db):
    with pytest.raises(ValidationError) as excinfo:
        make_masterplan(start_year=2032, end_year=2022)

    assert "Tahun akhir tidak boleh sebelum tahun mulai." in excinfo.value.messages
    assert not Masterplan.objects.exists()


def test_it_refuses_a_programme_that_ends_before_it_starts(world):
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=None, programme=world.programme, end_year=2022)

    assert "Tahun akhir program tidak boleh sebelum tahun mulai." in excinfo.value.messages
    assert_database_refuses(Programme.objects.filter(pk=world.programme.pk), end_year=2022)


# --- Cost, horizon and quick wins ------------------------------------------------------


def test_it_refuses_a_negative_estimated_cost(world):
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=None, programme=world.programme, estimated_cost=-1)

    assert "estimated_cost" in excinfo.value.message_dict
    assert_database_refuses(Programme.objects.filter(pk=world.programme.pk), estimated_cost=-1)
    assert Programme.objects.get(pk=world.programme.pk).estimated_cost == 1_000_000


def test_it_requires_a_quick_win_year_for_a_quick_win(world):
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=None, programme=world.programme, horizon="quick_win")

    assert (
        "Program quick win wajib memiliki tahun quick win; program lain tidak."
        in excinfo.value.messages
    )
    assert_database_refuses(Programme.objects.filter(pk=world.programme.pk), horizon="quick_win")


def test_it_refuses_a_quick_win_year_on_a_programme_that_is_not_a_quick_win(world):
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=None, programme=world.programme, quick_win_year=2024)

    assert (
        "Program quick win wajib memiliki tahun quick win; program lain tidak."
        in excinfo.value.messages
    )
    assert_database_refuses(Programme.objects.filter(pk=world.programme.pk), quick_win_year=2024)


def test_it_refuses_a_quick_win_year_outside_the_programme_years(world):
    with pytest.raises(ValidationError) as excinfo:
        quick_win(world.masterplan, lead_agency=world.agency_a, year=2024, quick_win_year=2025)

    assert messages_of(excinfo, "quick_win_year") == [
        "Tahun quick win harus di dalam tahun pelaksanaan program."
    ]


def test_it_allows_one_quick_win_per_pillar_per_year(world):
    first = quick_win(world.masterplan, lead_agency=world.agency_a, pillar="economy", year=2024)

    with pytest.raises(ValidationError) as excinfo:
        quick_win(world.masterplan, lead_agency=world.agency_b, pillar="economy", year=2024)

    (message,) = messages_of(excinfo, "quick_win_year")
    assert message.startswith("Pilar ini sudah punya quick win tahun 2024")
    assert first.code in message
    assert Programme.objects.filter(horizon="quick_win").count() == 1


def test_it_counts_quick_wins_of_one_pillar_across_its_elements(world):
    quick_win(world.masterplan, lead_agency=world.agency_a, pillar="economy", year=2024)

    with pytest.raises(ValidationError):
        quick_win(
            world.masterplan,
            lead_agency=world.agency_a,
            pillar="economy",
            year=2024,
            element=element_of(world.masterplan, "economy", 2),
        )


def test_the_database_refuses_a_second_quick_win_that_skips_clean(world):
    quick_win(world.masterplan, lead_agency=world.agency_a, pillar="economy", year=2024)
    other = make_programme(world.masterplan, lead_agency=world.agency_b, pillar="economy")

    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=other.pk).update(horizon="quick_win", quick_win_year=2024)

    other.refresh_from_db()
    assert other.quick_win_year is None
    # The trigger still lets the existing quick win be updated in place.
    Programme.objects.filter(horizon="quick_win").update(name="DIGILOKA")


def test_it_allows_quick_wins_of_other_years_and_other_pillars(world):
    first = quick_win(world.masterplan, lead_agency=world.agency_a, pillar="economy", year=2024)
    quick_win(world.masterplan, lead_agency=world.agency_a, pillar="economy", year=2025)
    quick_win(world.masterplan, lead_agency=world.agency_a, pillar="branding", year=2024)

    services.programme_update(actor=None, programme=first, name="DIGILOKA")

    assert Programme.objects.filter(horizon="quick_win").count() == 3
    assert Programme.objects.get(pk=first.pk).name == "DIGILOKA"


# --- Belonging to the same masterplan and region --------------------------------------------


def test_it_refuses_an_element_of_another_masterplan(world):
    other = make_masterplan(world.region, start_year=2033, end_year=2042, title="Berikutnya")

    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(
            actor=None, programme=world.programme, element=element_of(other, "living")
        )

    assert messages_of(excinfo, "element") == ["Elemen ini bukan milik masterplan program."]


def test_it_refuses_agencies_of_another_region(world):
    pekanbaru = RegionFactory(code="14.71", name="Kota Pekanbaru")
    foreign = AgencyFactory(region=pekanbaru, short_name="Diskominfo")
    message = ["Perangkat daerah ini bukan dari wilayah masterplan."]

    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=None, programme=world.programme, lead_agency=foreign)
    assert messages_of(excinfo, "lead_agency") == message

    with pytest.raises(ValidationError) as excinfo:
        services.action_plan_update(actor=None, action_plan=world.plan_a, agency=foreign)
    assert messages_of(excinfo, "agency") == message

    assert ActionPlan.objects.get(pk=world.plan_a.pk).agency == world.agency_a


def test_it_refuses_a_duplicate_agency_short_name_in_a_region(world):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_create(
            actor=None, region=world.region, name="Dinas lain", short_name="Dispar"
        )

    assert "Singkatan perangkat daerah sudah dipakai." in excinfo.value.messages


# --- Deleting ---------------------------------------------------------------------------


def test_it_refuses_to_delete_an_agency_that_owns_action_plans(world):
    # agency_b leads no programme; it only owns plan_b.
    with pytest.raises(ProtectedError):
        world.agency_b.delete()

    assert Agency.objects.filter(pk=world.agency_b.pk).exists()
    assert ActionPlan.objects.filter(pk=world.plan_b.pk).exists()


def test_it_deletes_an_agency_without_action_plans_or_programmes(world):
    idle = AgencyFactory(region=world.region, short_name="Satpol PP")

    idle.delete()

    assert not Agency.objects.filter(short_name="Satpol PP").exists()


def test_it_refuses_to_delete_a_programme_that_has_action_plans(world):
    count = AuditEvent.objects.count()

    with pytest.raises(ProtectedError):
        services.programme_delete(actor=None, programme=world.programme)

    assert Programme.objects.filter(pk=world.programme.pk).exists()
    assert ActionPlan.objects.filter(programme=world.programme).count() == 2
    assert AuditEvent.objects.count() == count


def test_it_deletes_a_programme_without_action_plans_and_audits_it(world):
    programme = make_programme(world.masterplan, lead_agency=world.agency_b)
    pk = programme.pk

    services.programme_delete(actor=None, programme=programme)

    assert not Programme.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_id) == ("delete", str(pk))


# --- Status -------------------------------------------------------------------------------


def test_it_refuses_an_unknown_action_plan_status(world):
    with pytest.raises(ValidationError) as excinfo:
        services.action_plan_update(actor=None, action_plan=world.plan_a, status="hilang")

    assert "status" in excinfo.value.message_dict
    assert_database_refuses(ActionPlan.objects.filter(pk=world.plan_a.pk), status="hilang")
    assert ActionPlan.objects.get(pk=world.plan_a.pk).status == "belum_dimulai"
