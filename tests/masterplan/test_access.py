"""Scoped querysets: what each persona may see and change (masterplan/access.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kotacerdas.core.access import fetch, regions_for, roles_of
from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.core.services import membership_grant
from kotacerdas.masterplan.access import (
    action_plans_for,
    agencies_for,
    masterplans_for,
    programmes_for,
)
from tests.factories import (
    AgencyFactory,
    RegionFactory,
    make_action_plan,
    make_masterplan,
    make_programme,
    make_user,
)

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def ids(queryset) -> set[int]:
    return set(queryset.values_list("id", flat=True))


@pytest.fixture
def pekanbaru(world):
    """A second region with its own masterplan, agency, programme and plan, and
    its own admin."""
    region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    masterplan = make_masterplan(region, title="Masterplan Pekanbaru")
    agency = AgencyFactory(region=region, short_name="Diskominfo PKU")
    programme = make_programme(masterplan, lead_agency=agency)
    plan = make_action_plan(programme)
    admin = make_user("eko")
    Membership.objects.create(user=admin, region=region, role=Role.ADMIN)
    return {
        "region": region,
        "masterplan": masterplan,
        "agency": agency,
        "programme": programme,
        "plan": plan,
        "admin": admin,
    }


def test_it_lets_an_agency_editor_change_only_its_own_agencys_action_plans(world, editor_a):
    assert ids(action_plans_for(editor_a, "change")) == {world.plan_a.pk}
    assert ids(action_plans_for(editor_a, "view")) == {world.plan_a.pk, world.plan_b.pk}


def test_it_lets_the_other_editor_change_only_the_other_plan(world, editor_b):
    assert ids(action_plans_for(editor_b, "change")) == {world.plan_b.pk}


def test_it_gives_agency_editors_no_add_or_delete_of_action_plans(world, editor_a):
    assert ids(action_plans_for(editor_a, "add")) == set()
    assert ids(action_plans_for(editor_a, "delete")) == set()


def test_it_lets_the_region_admin_do_everything_with_its_action_plans(world, admin_user):
    both = {world.plan_a.pk, world.plan_b.pk}

    for action in ("view", "change", "add", "delete"):
        assert ids(action_plans_for(admin_user, action)) == both, action
    assert ids(programmes_for(admin_user, "change")) == {world.programme.pk}
    assert ids(masterplans_for(admin_user, "change")) == {world.masterplan.pk}
    assert ids(agencies_for(admin_user, "change")) == {world.agency_a.pk, world.agency_b.pk}


def test_it_lets_an_assessor_view_but_not_change(world, assessor):
    assert ids(action_plans_for(assessor, "view")) == {world.plan_a.pk, world.plan_b.pk}
    assert ids(action_plans_for(assessor, "change")) == set()
    assert ids(programmes_for(assessor, "view")) == {world.programme.pk}
    assert ids(programmes_for(assessor, "change")) == set()
    assert ids(masterplans_for(assessor, "view")) == {world.masterplan.pk}
    assert ids(masterplans_for(assessor, "change")) == set()
    assert ids(agencies_for(assessor, "change")) == set()


def test_it_lets_an_agency_head_view_but_not_change(world):
    head = make_user("kepala")
    Membership.objects.create(
        user=head, region=world.region, role=Role.AGENCY_HEAD, agency=world.agency_a
    )

    assert ids(action_plans_for(head, "view")) == {world.plan_a.pk, world.plan_b.pk}
    assert ids(action_plans_for(head, "change")) == set()


def test_it_lets_an_editor_change_programmes_of_no_one(world, editor_a):
    assert ids(programmes_for(editor_a, "view")) == {world.programme.pk}
    assert ids(programmes_for(editor_a, "change")) == set()
    assert ids(masterplans_for(editor_a, "change")) == set()


def test_it_offers_an_editor_only_its_own_agency_for_action_plans(world, editor_a):
    assert ids(agencies_for(editor_a, "change")) == {world.agency_a.pk}
    assert ids(agencies_for(editor_a, "view")) == {world.agency_a.pk, world.agency_b.pk}


def test_it_lets_an_editor_of_two_agencies_change_both(world):
    user = make_user("ganda")
    for agency in (world.agency_a, world.agency_b):
        Membership.objects.create(
            user=user, region=world.region, role=Role.AGENCY_EDITOR, agency=agency
        )

    assert ids(action_plans_for(user, "change")) == {world.plan_a.pk, world.plan_b.pk}


@pytest.mark.parametrize("action", ["view", "change", "add", "delete"])
def test_it_shows_nothing_to_anonymous_users(world, action):
    anonymous = AnonymousUser()

    assert not action_plans_for(anonymous, action).exists()
    assert not programmes_for(anonymous, action).exists()
    assert not masterplans_for(anonymous, action).exists()
    assert not agencies_for(anonymous, action).exists()
    assert not regions_for(anonymous, action).exists()


def test_it_shows_nothing_to_a_logged_in_user_without_a_role(world):
    stranger = make_user("tamu")

    assert not action_plans_for(stranger, "view").exists()
    assert not regions_for(stranger, "view").exists()


def test_it_shows_nothing_to_an_inactive_member(world, admin_user):
    admin_user.is_active = False

    assert not action_plans_for(admin_user, "view").exists()
    assert not masterplans_for(admin_user, "view").exists()


def test_it_keeps_regions_apart(world, pekanbaru, admin_user, editor_a, assessor):
    other_admin = pekanbaru["admin"]
    ours = {world.plan_a.pk, world.plan_b.pk}

    assert ids(action_plans_for(other_admin, "view")) == {pekanbaru["plan"].pk}
    assert ids(action_plans_for(other_admin, "change")) == {pekanbaru["plan"].pk}
    assert not ids(programmes_for(other_admin, "view")) & {world.programme.pk}
    assert ids(masterplans_for(other_admin, "view")) == {pekanbaru["masterplan"].pk}
    assert ids(agencies_for(other_admin, "view")) == {pekanbaru["agency"].pk}
    for persona in (admin_user, editor_a, assessor):
        assert ids(action_plans_for(persona, "view")) <= ours
        assert ids(regions_for(persona, "view")) == {world.region.pk}


def test_it_lets_a_superuser_see_every_region(world, pekanbaru):
    operator = make_user("operator", is_superuser=True)

    assert ids(action_plans_for(operator, "change")) == {
        world.plan_a.pk,
        world.plan_b.pk,
        pekanbaru["plan"].pk,
    }
    assert ids(regions_for(operator, "change")) == {world.region.pk, pekanbaru["region"].pk}


def test_it_fetches_a_permitted_object(world, editor_a):
    plan = fetch(
        action_plans_for(editor_a, "view"), action_plans_for(editor_a, "change"), pk=world.plan_a.pk
    )

    assert plan == world.plan_a


def test_it_forbids_an_object_that_is_visible_but_not_permitted(world, editor_a):
    with pytest.raises(PermissionDenied):
        fetch(
            action_plans_for(editor_a, "view"),
            action_plans_for(editor_a, "change"),
            pk=world.plan_b.pk,
        )


def test_it_hides_an_object_of_another_region_as_not_found(world, pekanbaru, editor_a):
    with pytest.raises(Http404):
        fetch(
            action_plans_for(editor_a, "view"),
            action_plans_for(editor_a, "change"),
            pk=pekanbaru["plan"].pk,
        )
    with pytest.raises(Http404):
        fetch(
            masterplans_for(pekanbaru["admin"], "view"),
            masterplans_for(pekanbaru["admin"], "change"),
            pk=world.masterplan.pk,
        )


def test_it_answers_not_found_for_anonymous_users_and_missing_objects(world):
    anonymous = AnonymousUser()
    operator = make_user("operator", is_superuser=True)

    with pytest.raises(Http404):
        fetch(
            action_plans_for(anonymous), action_plans_for(anonymous, "change"), pk=world.plan_a.pk
        )
    with pytest.raises(Http404):
        fetch(action_plans_for(operator), action_plans_for(operator, "change"), pk=-1)


# --- Memberships -----------------------------------------------------------------------------


def test_it_requires_an_agency_for_an_agency_role(world):
    user = make_user("tanpa_opd")

    with pytest.raises(ValidationError) as excinfo:
        membership_grant(actor=None, user=user, region=world.region, role=Role.AGENCY_EDITOR)

    assert (
        "Peran perangkat daerah wajib menyebut perangkat daerahnya; peran lain tidak."
        in excinfo.value.messages
    )
    assert not Membership.objects.filter(user=user).exists()


def test_it_refuses_an_agency_on_a_role_that_is_not_an_agency_role(world):
    user = make_user("asesor2")

    with pytest.raises(ValidationError):
        membership_grant(
            actor=None, user=user, region=world.region, role=Role.ASSESSOR, agency=world.agency_a
        )


def test_it_refuses_an_agency_of_another_region(world, pekanbaru):
    user = make_user("salah_wilayah")

    with pytest.raises(ValidationError) as excinfo:
        membership_grant(
            actor=None,
            user=user,
            region=world.region,
            role=Role.AGENCY_EDITOR,
            agency=pekanbaru["agency"],
        )

    assert excinfo.value.message_dict["agency"] == [
        "Perangkat daerah ini bukan dari wilayah keanggotaan."
    ]
    assert not action_plans_for(user, "change").exists()


def test_it_grants_a_role_once_and_audits_it(world):
    user = make_user("baru")
    count = AuditEvent.objects.count()

    first = membership_grant(
        actor=None, user=user, region=world.region, role=Role.AGENCY_EDITOR, agency=world.agency_b
    )
    again = membership_grant(
        actor=None, user=user, region=world.region, role=Role.AGENCY_EDITOR, agency=world.agency_b
    )

    assert first.pk == again.pk
    assert AuditEvent.objects.count() == count + 1
    event = AuditEvent.objects.latest("id")
    assert event.after == {
        "user": user.pk,
        "region": world.region.pk,
        "role": "agency_editor",
        "agency": world.agency_b.pk,
    }
    assert ids(action_plans_for(user, "change")) == {world.plan_b.pk}


def test_it_reads_roles_once_per_user_object(world, editor_a, django_assert_num_queries):
    roles_of(editor_a)

    with django_assert_num_queries(0):
        roles = roles_of(editor_a)

    assert roles.editor_agencies == frozenset({world.agency_a.pk})
    assert roles.member_regions == frozenset({world.region.pk})
    assert not roles.is_admin_of(world.region.pk)
