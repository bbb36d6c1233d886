"""The second factor: who must use it, enrolment, the OTP step, recovery
codes and the operator's reset."""

from __future__ import annotations

import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.accounts import policy, services
from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.evaluation.models import Assignment
from tests.accounts.conftest import sign_in
from tests.evaluation.assessment_factories import in_assessment
from tests.factories import make_user
from tests.logins import login_verified, mfa_device, totp_code

MFA = reverse("accounts:mfa")
OTP = reverse("accounts:otp")


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.ADMIN, True),
        (Role.AGENCY_EDITOR, True),
        (Role.AGENCY_HEAD, True),
        (Role.ASSESSOR, True),
        (Role.REGISTRY_OFFICER, True),
    ],
)
def test_it_requires_mfa_by_role(world, role: str, required: bool) -> None:  # type: ignore[no-untyped-def]
    user = make_user("pengguna")
    agency = world.agency_a if role in (Role.AGENCY_EDITOR, Role.AGENCY_HEAD) else None
    Membership.objects.create(user=user, region=world.region, role=role, agency=agency)
    assert policy.mfa_required(user) is required


def test_it_requires_mfa_of_staff_and_superusers(db) -> None:  # type: ignore[no-untyped-def]
    assert policy.mfa_required(make_user("op", is_staff=True))
    assert policy.mfa_required(make_user("root", is_superuser=True))
    assert not policy.mfa_required(make_user("warga"))


def test_it_requires_mfa_of_an_external_assessor_with_an_assignment(world) -> None:  # type: ignore[no-untyped-def]
    """The ministry's assessors have no membership in the region; their
    assignment to a cycle is what obliges them to use a second factor."""
    assessor = make_user("asesor.kementerian")
    assert not policy.mfa_required(assessor)
    cycle = in_assessment(world.region)
    Assignment.objects.create(cycle=cycle, assessor=assessor)
    assert policy.mfa_required(assessor)


def test_a_user_who_must_have_mfa_is_sent_to_enrolment(editor_a, dashboard) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = sign_in(client, "bob", next=dashboard)
    assert response.status_code == 302
    assert response["Location"] == f"{MFA}?next={dashboard.replace('/', '%2F')}"
    # Every other page sends them back there until they enrol.
    page = client.get(dashboard)
    assert page.status_code == 302 and page["Location"].startswith(MFA)
    assert client.get(reverse("masterplan:programme_list", args=["14.72"]))["Location"].startswith(
        MFA
    )
    assert client.get("/api/v1/apa-saja/").status_code == 403
    assert client.post(reverse("logout")).status_code == 302


def test_enrolment_shows_a_qr_code_confirms_with_a_code_and_shows_recovery_codes(  # type: ignore[no-untyped-def]
    editor_a, dashboard, settings
) -> None:
    # django-otp holds a device for a growing delay after a wrong code; this
    # test enters the right code at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    sign_in(client, "bob")
    page = client.get(MFA)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'src="data:image/svg+xml' in text
    device = TOTPDevice.objects.get(user=editor_a, confirmed=False)

    wrong = client.post(MFA, {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Kode tidak cocok" in wrong.content.decode()

    done = client.post(MFA, {"token": totp_code(device), "next": dashboard})
    assert done.status_code == 200
    codes = re.findall(r'<li><code class="code">([a-z2-7]{8})</code></li>', done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(
        StaticToken.objects.filter(device__user=editor_a).values_list("token", flat=True)
    ) == sorted(codes)
    assert AuditEvent.objects.filter(object_repr=str(device), action="create").exists()
    assert client.get(dashboard).status_code == 200
    # The codes are shown once: the MFA page now shows only how many are left.
    again = client.get(MFA).content.decode()
    assert codes[0] not in again and "10 kode pemulihan" in again


def test_sign_in_asks_for_the_code_of_an_enrolled_user(editor_a, dashboard, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code right after a wrong one
    device = mfa_device(editor_a)
    client = Client()
    response = sign_in(client, "bob", next=dashboard)
    assert response["Location"].startswith(OTP)
    assert client.get(dashboard)["Location"].startswith(OTP)
    # Enrolment is not a way around the code once a device exists.
    assert client.get(MFA)["Location"].startswith(OTP)

    refused = client.post(OTP, {"token": "12345x", "next": dashboard})
    assert refused.status_code == 200
    assert "Kode tidak cocok" in refused.content.decode()

    key_before = client.session.session_key
    done = client.post(OTP, {"token": totp_code(device), "next": dashboard})
    assert done.status_code == 302 and done["Location"] == dashboard
    assert client.session.session_key != key_before  # a new key once verified
    assert client.get(dashboard).status_code == 200


def test_the_otp_step_refuses_a_foreign_next_address(editor_a) -> None:  # type: ignore[no-untyped-def]
    device = mfa_device(editor_a)
    client = Client()
    sign_in(client, "bob")
    done = client.post(OTP, {"token": totp_code(device), "next": "https://jahat.example/"})
    assert done["Location"] == reverse("home")


def test_a_recovery_code_works_once_and_is_logged(editor_a, dashboard, caplog) -> None:  # type: ignore[no-untyped-def]
    mfa_device(editor_a)
    code = services._recovery_codes_replace(user=editor_a)[0]
    client = Client()
    sign_in(client, "bob")
    with caplog.at_level(logging.WARNING, logger="kotacerdas.accounts"):
        response = client.post(OTP, {"token": code.upper(), "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    assert any("recovery code used" in r.getMessage() for r in caplog.records)
    assert code not in caplog.text
    assert not StaticToken.objects.filter(token=code).exists()
    static = StaticDevice.objects.get(user=editor_a)
    assert AuditEvent.objects.filter(object_repr=str(static), action="update").exists()

    client.post(reverse("logout"))
    second = Client()
    sign_in(second, "bob")
    refused = second.post(OTP, {"token": code, "next": dashboard})
    assert refused.status_code == 200
    assert second.get(dashboard).status_code == 302


def test_new_recovery_codes_replace_the_old(editor_a) -> None:  # type: ignore[no-untyped-def]
    old = services._recovery_codes_replace(user=editor_a)
    client = login_verified(Client(), editor_a)
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 200
    new = set(StaticToken.objects.filter(device__user=editor_a).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)


def test_a_registry_officer_must_enrol_before_seeing_the_registry(officer, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: the one role that may reveal and export every NIK was exempt."""
    client = Client()
    response = sign_in(client, "rina")
    assert response["Location"].startswith(MFA)
    registry = client.get(reverse("umkm:business_list", args=[world.region.code]))
    assert registry.status_code == 302
    assert registry["Location"].startswith(MFA)


def test_an_officer_who_enrolled_is_asked_for_the_code(officer) -> None:  # type: ignore[no-untyped-def]
    mfa_device(officer)
    client = Client()
    assert sign_in(client, "rina")["Location"].startswith(OTP)


def test_every_role_that_may_reveal_personal_data_must_use_mfa(world) -> None:  # type: ignore[no-untyped-def]
    """Whoever umkm.access lets reveal a NIK in some region needs a second factor."""
    from kotacerdas.umkm.access import registry_region_ids

    for role in Role:
        user = make_user(f"peran-{role}")
        agency = world.agency_a if role in (Role.AGENCY_EDITOR, Role.AGENCY_HEAD) else None
        Membership.objects.create(user=user, region=world.region, role=role, agency=agency)
        if registry_region_ids(user, "reveal"):
            assert policy.mfa_required(user), role


def test_api_paths_are_left_to_the_api_without_a_session(db) -> None:  # type: ignore[no-untyped-def]
    # No session user (a token request): the gate does not answer.
    assert Client().get("/api/v1/apa-saja/").status_code == 404


def test_a_superuser_resets_a_users_mfa(editor_a, db) -> None:  # type: ignore[no-untyped-def]
    operator = make_user("root", is_superuser=True, is_staff=True)
    mfa_device(editor_a)
    services._recovery_codes_replace(user=editor_a)
    client = login_verified(Client(), editor_a)
    removed = services.mfa_reset(actor=operator, user=editor_a)
    assert removed == 2
    assert not TOTPDevice.objects.filter(user=editor_a).exists()
    assert not StaticDevice.objects.filter(user=editor_a).exists()
    assert AuditEvent.objects.filter(actor=operator, action="delete").count() == 2
    # The user's session ended; at the next sign-in they enrol again.
    assert client.get(reverse("accounts:mfa"))["Location"].startswith(reverse("login"))
    assert sign_in(Client(), "bob")["Location"].startswith(MFA)


def test_the_admin_action_resets_mfa(editor_a, db) -> None:  # type: ignore[no-untyped-def]
    operator = make_user("root", is_superuser=True, is_staff=True)
    mfa_device(editor_a)
    services._recovery_codes_replace(user=editor_a)
    client = login_verified(Client(), operator)
    url = reverse("admin:auth_user_changelist")
    chosen = {"action": "mfa_reset_action", "_selected_action": [editor_a.pk]}
    # The action first answers with a confirmation naming the user and what goes.
    page = client.post(url, chosen)
    assert page.status_code == 200
    lines = {c.testid: c.count for c in page.context["confirmation"].consequences}
    assert lines[f"mfa-user-{editor_a.pk}"].startswith("1 aplikasi autentikator, 1 set")
    assert page.context["confirmation"].hidden == (
        ("action", "mfa_reset_action"),
        ("_selected_action", str(editor_a.pk)),
    )
    assert TOTPDevice.objects.filter(user=editor_a).exists()
    response = client.post(url, {**chosen, CONFIRM_FIELD: "1"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor_a).exists()
    assert not StaticDevice.objects.filter(user=editor_a).exists()


def test_the_command_resets_mfa(editor_a) -> None:  # type: ignore[no-untyped-def]
    mfa_device(editor_a)
    out = StringIO()
    call_command("mfa_reset", "bob", stdout=out)
    assert "1 perangkat" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=editor_a).exists()


def test_the_command_explains_an_unknown_user(db) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="tidak ada"):
        call_command("mfa_reset", "siapa")


def test_unconfirmed_devices_do_not_count(editor_a) -> None:  # type: ignore[no-untyped-def]
    services.mfa_enrolment_start(user=editor_a)
    client = Client()
    assert sign_in(client, "bob")["Location"].startswith(MFA)


def test_a_session_from_before_the_gate_is_decided_on_its_first_request(
    editor_a, dashboard
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(editor_a)
    session = client.session
    del session[policy.MFA_NEEDED]
    session.save()
    assert client.get(dashboard)["Location"].startswith(MFA)


def test_a_role_given_mid_session_asks_for_the_second_factor_at_once(world, dashboard) -> None:  # type: ignore[no-untyped-def]
    """The flags were decided at sign-in; a role given afterwards (a region
    admin appointing, the deployment admin appointing) decides them again on
    the next request: no admin acts without a second factor until the
    session ends (security review, issue 16)."""
    from django.test import TestCase

    make_user("calon")
    client = Client()
    assert sign_in(client, "calon").status_code == 302
    assert client.get("/").status_code in (200, 302)
    assert client.get(dashboard).status_code == 404  # no role there yet, no MFA asked

    with TestCase.captureOnCommitCallbacks(execute=True):
        Membership.objects.create(user=_user("calon"), region=world.region, role=Role.ADMIN)

    page = client.get(dashboard)
    assert page.status_code == 302 and page["Location"].startswith(MFA)


def _user(username: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
