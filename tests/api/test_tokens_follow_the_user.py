"""Tokens follow their owner (issue 14, point 4): a token acts only while its
owner could sign in and act with the same rights now, and a new password, an
MFA reset or deactivation revokes the owner's tokens and tells them by mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.accounts.models import PasswordRecord
from kotacerdas.accounts.services import mfa_reset
from kotacerdas.api.models import ApiToken
from kotacerdas.core.audit import history_for
from kotacerdas.core.models import Membership, Role
from tests.api.helpers import Api, token_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(world):
    """A user with no role: no second factor required."""
    return make_user("budi", email="budi@example.go.id")


def test_a_token_stops_when_its_owner_becomes_admin_without_mfa_and_resumes_after_enrolment(
    world, citizen
):
    secret = token_for(citizen, "read")
    assert Api(secret).get("/me").status_code == 200

    Membership.objects.create(user=citizen, region=world.region, role=Role.ADMIN)
    refused = Api(secret).get("/me")

    assert refused.status_code == 401
    assert "verifikasi dua langkah" in refused.json()["errors"][0]["message"]
    TOTPDevice.objects.create(user=citizen, name="ponsel", confirmed=True)
    assert Api(secret).get("/me").status_code == 200


def test_a_token_stops_while_its_owners_password_has_expired(world, citizen, settings):
    settings.KOTACERDAS_PASSWORD_MAX_AGE_DAYS = 90
    secret = token_for(citizen, "read")
    PasswordRecord.objects.filter(user=citizen).update(
        changed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=91)
    )

    refused = Api(secret).get("/me")

    assert refused.status_code == 401
    assert "kedaluwarsa" in refused.json()["errors"][0]["message"]


def _revoked_and_told(user, secret: str, reason: str) -> None:
    assert Api(secret).get("/me").status_code == 401
    token = ApiToken.objects.get(user=user)
    assert token.revoked_at is not None
    assert history_for(token).order_by("-id").first().after["reason"] == reason
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert token.name in mail.outbox[0].body
    assert secret not in mail.outbox[0].body


def test_a_new_password_revokes_the_owners_tokens_and_tells_them(
    world, citizen, django_capture_on_commit_callbacks
):
    secret = token_for(citizen, "write")
    with django_capture_on_commit_callbacks(execute=True):
        citizen.set_password("kata-sandi-baru-yang-panjang")
        citizen.save()

    _revoked_and_told(citizen, secret, "password")
    assert "kata sandi" in mail.outbox[0].body


def test_an_mfa_reset_revokes_the_owners_tokens_and_tells_them(
    world, editor_a, admin_user, django_capture_on_commit_callbacks
):
    editor_a.email = "bob@example.go.id"
    editor_a.save(update_fields=["email"])
    secret = token_for(editor_a, "write")
    with django_capture_on_commit_callbacks(execute=True):
        mfa_reset(actor=admin_user, user=editor_a)

    _revoked_and_told(editor_a, secret, "mfa_reset")
    token = ApiToken.objects.get(user=editor_a)
    assert history_for(token).order_by("-id").first().actor_id == admin_user.pk


def test_deactivation_revokes_the_owners_tokens_and_tells_them(
    world, citizen, django_capture_on_commit_callbacks
):
    secret = token_for(citizen, "read")
    with django_capture_on_commit_callbacks(execute=True):
        citizen.is_active = False
        citizen.save(update_fields=["is_active"])

    _revoked_and_told(citizen, secret, "deactivated")


def test_nothing_is_sent_when_the_owner_has_no_active_token(
    world, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        citizen.set_password("kata-sandi-baru-yang-panjang")
        citizen.save()

    assert mail.outbox == []


def test_a_token_of_another_user_is_untouched(world, citizen, editor_a):
    other = token_for(editor_a, "read")
    citizen.set_password("kata-sandi-baru-yang-panjang")
    citizen.save()

    assert Api(other).get("/me").status_code == 200
