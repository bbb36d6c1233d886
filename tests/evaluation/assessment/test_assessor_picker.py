"""The assessor picker (issue 21, point 7): only accounts with the assessor
role that are not the assessed region's own staff, shown as "Full Name —
Institution" and sorted; the conflict rules stated on the page; and an
excluded account sent by a crafted POST, or by a direct service call,
refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kotacerdas.accounts.services import profile_update
from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.assessment.forms import AssignForm
from kotacerdas.evaluation.assessment.selectors import assessor_candidates, assessor_label
from kotacerdas.evaluation.models import Assignment, EvaluationCycle
from kotacerdas.regions.models import Region
from tests.evaluation.assessment_factories import operator
from tests.evaluation.factories import make_cycle
from tests.factories import make_user
from tests.logins import login_verified


def person(username: str, full_name: str, institution: str = "") -> Any:
    first, _sep, last = full_name.partition(" ")
    user = make_user(username, first_name=first, last_name=last)
    if institution:
        profile_update(actor=None, user=user, institution=institution)
    return user


@pytest.fixture
def setting(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The world's region with its own staff, three outside assessors and an
    assessor who also edits for one of the region's agencies."""
    region = world.region
    other = Region.objects.create(code="14.71", name="Kota Pekanbaru")
    people = {
        "zainal": person("zainal", "Zainal Abidin", "Universitas Riau"),
        "budi": person("budi", "Budi Santoso", "Kementerian Komunikasi dan Digital"),
        "ani": person("ani", "Ani Lestari"),
        "admin": person("alice", "Alice Tim Smart City", "Diskominfotiksan"),
        "editor": person("bob", "Bob Editor"),
        "officer": person("rina", "Rina Petugas"),
        "double": person("dedi", "Dedi Rangkap", "Dinas Kominfo"),
        "plain": person("pak.umum", "Pak Umum", "Tanpa peran"),
        "inactive": person("nonaktif", "Nona Aktif", "Universitas Riau"),
    }
    people["inactive"].is_active = False
    people["inactive"].save(update_fields=["is_active"])
    rows = [
        ("zainal", other, Role.ASSESSOR, None),  # the role held in another region
        ("budi", region, Role.ASSESSOR, None),  # as the demo's asesor holds it
        ("ani", other, Role.ASSESSOR, None),
        ("ani", other, Role.ADMIN, None),  # staff elsewhere: no tie to this region
        ("admin", region, Role.ADMIN, None),
        ("editor", region, Role.AGENCY_EDITOR, world.agency_a),
        ("officer", region, Role.REGISTRY_OFFICER, None),
        ("double", other, Role.ASSESSOR, None),
        ("double", region, Role.AGENCY_HEAD, world.agency_b),
        ("inactive", other, Role.ASSESSOR, None),
    ]
    for key, where, role, agency in rows:
        Membership.objects.create(user=people[key], region=where, role=role, agency=agency)
    return {"region": region, "cycle": make_cycle(region), **people}


def manage_url(cycle: EvaluationCycle) -> str:
    return reverse("evaluation:assignment_manage", args=[cycle.pk])


def test_it_offers_only_assessors_who_are_not_the_regions_staff_sorted_by_name(setting):
    offered = [u.get_username() for u in assessor_candidates(setting["region"])]

    assert offered == ["ani", "budi", "zainal"]


def test_it_shows_each_assessor_by_full_name_and_institution(setting):
    form = AssignForm(region=setting["region"])
    labels = [label for value, label in form.fields["assessor"].choices if value]

    assert labels == [
        "Ani Lestari",
        "Budi Santoso — Kementerian Komunikasi dan Digital",
        "Zainal Abidin — Universitas Riau",
    ]
    assert assessor_label(make_user("tanpa.nama")) == "tanpa.nama"


def test_the_page_lists_the_candidates_and_states_the_conflict_rules(setting):
    ops = login_verified(Client(), operator())

    page = ops.get(manage_url(setting["cycle"])).content.decode()

    assert "Aturan benturan kepentingan" in page
    assert "tidak dapat menilai wilayahnya sendiri" in page
    assert "Zainal Abidin — Universitas Riau" in page
    for excluded in ("Alice Tim Smart City", "Bob Editor", "Rina Petugas", "Dedi Rangkap"):
        assert excluded not in page
    assert "Pak Umum" not in page and "Nona Aktif" not in page


def test_the_page_states_the_rules_in_english_too(setting):
    ops = login_verified(Client(), operator())

    with translation.override("en"):
        page = ops.get(manage_url(setting["cycle"]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()

    assert "Conflict-of-interest rules" in body
    assert "cannot assess their own region" in body


@pytest.mark.parametrize("key", ["admin", "editor", "officer", "double", "plain", "inactive"])
def test_a_crafted_post_with_an_excluded_account_is_refused_with_the_rule(setting, key):
    ops = login_verified(Client(), operator())
    events = AuditEvent.objects.count()

    response = ops.post(manage_url(setting["cycle"]), {"assessor": setting[key].pk})

    assert response.status_code == 200
    assert "Akun ini tidak dapat ditugaskan" in response.content.decode()
    assert not Assignment.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_allowed_assessor_is_assigned_from_the_picker(setting):
    ops = login_verified(Client(), operator())

    response = ops.post(manage_url(setting["cycle"]), {"assessor": setting["zainal"].pk})

    assert response.status_code == 302
    assert list(Assignment.objects.values_list("assessor__username", flat=True)) == ["zainal"]


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("admin", "tidak dapat menilai wilayahnya sendiri"),
        ("editor", "tidak dapat menilai wilayahnya sendiri"),
        ("double", "Kepala perangkat daerah"),
        ("plain", "tidak berperan asesor"),
        ("inactive", "tidak aktif"),
    ],
)
def test_the_service_refuses_an_excluded_account_whoever_calls_it(setting, key, reason):
    with pytest.raises(ValidationError) as raised:
        assessment.assignment_create(
            actor=operator(), cycle=setting["cycle"], assessor=setting[key]
        )

    assert reason in " ".join(raised.value.messages)
    assert not Assignment.objects.exists()


def test_an_assigned_assessor_is_not_offered_twice(setting):
    assessment.assignment_create(actor=None, cycle=setting["cycle"], assessor=setting["budi"])

    form = AssignForm(region=setting["region"], exclude=[setting["budi"].pk])

    offered = [u.get_username() for u in form.fields["assessor"].queryset]
    assert offered == ["ani", "zainal"]


def test_staff_of_another_region_assigned_as_assessor_finds_their_assignments(setting):
    from kotacerdas.evaluation.assessment.templatetags import has_assignments

    ani = setting["ani"]  # admin of Pekanbaru, assessor
    assert not has_assignments(ani)
    assessment.assignment_create(actor=None, cycle=setting["cycle"], assessor=ani)

    assert has_assignments(ani)
    assert not has_assignments(setting["admin"])
