"""API tokens: created and revoked by their owner on /akun/token-api/, stored
as a hash only, scoped to read or write, refused when revoked or expired."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.api.models import ApiToken
from kotacerdas.api.services import token_create, token_revoke
from kotacerdas.core.audit import history_for
from kotacerdas.core.pages import CONFIRM_FIELD
from tests.api.helpers import Api, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def test_it_shows_the_secret_once_and_stores_only_its_hash(world, personas, editor_a):
    client = personas["editor_a"]
    response = client.post(
        reverse("apiweb:token_list"), {"name": "Satu Data", "scope": "read", "validity": "90"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=editor_a)
    secret = response.context["created"].secret
    assert secret.startswith(f"kc_{token.prefix}_")
    assert secret in response.content.decode()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in token.__dict__.values())
    assert token.scope == "read"
    assert token.expires_at is not None
    again = client.get(reverse("apiweb:token_list"))
    assert secret not in again.content.decode()
    assert "Satu Data" in again.content.decode()


def test_it_audits_creation_and_revocation_without_the_secret(world, editor_a):
    created = token_create(actor=editor_a, user=editor_a, name="Sinkron", scope="write")
    token_revoke(actor=editor_a, token=created.token)
    events = history_for(created.token).order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert all(created.secret not in str(e.after) + str(e.before) for e in events)
    assert events[1].after["revoked_at"] is not None


def test_it_answers_with_the_token_owner(world, editor_a):
    response = Api(token_for(editor_a, "read")).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == editor_a.username
    assert body["auth"] == "token"
    assert body["scope"] == "read"
    assert body["memberships"][0]["agency"] == "Diskominfo"


def test_revoking_goes_through_a_confirmation(world, personas, editor_a):
    token_for(editor_a)
    token = ApiToken.objects.get(user=editor_a)
    url = reverse("apiweb:token_revoke", args=[token.pk])
    client = personas["editor_a"]
    listing = client.get(reverse("apiweb:token_list")).content.decode()
    assert f'href="{url}"' in listing and f'action="{url}"' not in listing
    page = client.get(url)
    assert page.status_code == 200
    lines = {c.testid: c.count for c in page.context["confirmation"].consequences if c.testid}
    assert token.prefix in lines["token-name"]
    assert lines["token-last-used"] == "belum pernah"
    assert "tidak dapat diaktifkan lagi" in page.content.decode()
    # A POST without the confirmation's field revokes nothing.
    assert client.post(url).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_refuses_a_revoked_token(world, personas, editor_a):
    secret = token_for(editor_a)
    token = ApiToken.objects.get(user=editor_a)
    response = personas["editor_a"].post(
        reverse("apiweb:token_revoke", args=[token.pk]), {CONFIRM_FIELD: "1"}
    )
    assert response.status_code == 302
    result = Api(secret).get("/me")
    assert result.status_code == 401
    assert result["WWW-Authenticate"].startswith("Bearer")
    assert result.json()["errors"][0]["message"] == "Token ini sudah dicabut."


def test_it_refuses_an_expired_token(world, editor_a):
    secret = token_for(editor_a, expires_at=timezone.now() + dt.timedelta(days=1))
    ApiToken.objects.filter(user=editor_a).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = Api(secret).get("/me")
    assert response.status_code == 401
    assert "habis" in response.json()["errors"][0]["message"]


def test_it_refuses_an_unknown_token_and_a_malformed_header(world):
    assert Api("kc_00000000_bukan-token").get("/me").status_code == 401
    client = Api()
    client.headers = {"Authorization": "Basic dXNlcjpwYXNz"}
    assert client.get("/me").status_code == 401
    assert Api().get("/me").status_code == 401


def test_it_refuses_a_token_of_an_inactive_user(world, editor_a):
    secret = token_for(editor_a)
    editor_a.is_active = False
    editor_a.save(update_fields=["is_active"])
    assert Api(secret).get("/me").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(world, personas, editor_a):
    token_for(editor_a)
    token = ApiToken.objects.get(user=editor_a)
    url = reverse("apiweb:token_revoke", args=[token.pk])
    assert personas["editor_b"].get(url).status_code == 404
    response = personas["editor_b"].post(url, {CONFIRM_FIELD: "1"})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_refuses_two_active_tokens_with_one_name(world, personas, editor_a):
    client = personas["editor_a"]
    data = {"name": "Sinkron", "scope": "read", "validity": ""}
    client.post(reverse("apiweb:token_list"), data)
    response = client.post(reverse("apiweb:token_list"), data)
    assert response.context["created"] is None
    assert "sudah punya token aktif" in response.content.decode()
    assert ApiToken.objects.filter(user=editor_a).count() == 1


def test_it_notes_when_a_token_was_last_used(world, editor_a):
    secret = token_for(editor_a, "read")
    Api(secret).get("/me")
    assert ApiToken.objects.get(user=editor_a).last_used_at is not None


def test_token_pages_need_a_login(world, personas):
    response = personas["anonymous"].get(reverse("apiweb:token_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
