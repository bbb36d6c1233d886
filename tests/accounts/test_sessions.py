"""Sessions: a list per user, ended by sign-out, deactivation, a new password;
idle and absolute lifetimes (time moved forward, no sleeping)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kotacerdas.accounts import middleware
from kotacerdas.accounts.models import PasswordRecord, UserSession
from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD
from tests.logins import login_verified

LOGIN = reverse("login")


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_records_the_session_and_sign_out_ends_it(citizen) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, "wati")
    key = client.session.session_key
    assert UserSession.objects.filter(user=citizen, session_key=key).exists()
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_sign_out_tells_the_browser_to_drop_kept_pages_but_not_queued_entries(  # type: ignore[no-untyped-def]
    citizen,
) -> None:
    """The offline form's kept page names its user: sign-out clears the cache
    (not "storage": entries queued offline and unsent must survive) and the
    cookie that says whom kept pages are for."""
    from kotacerdas.core.pages import DEVICE_USER_COOKIE

    client = Client()
    sign_in(client, "wati")
    client.cookies[DEVICE_USER_COOKIE] = "kunci-perangkat"

    response = client.post(reverse("logout"))

    assert response["Clear-Site-Data"] == '"cache"'
    assert response.cookies[DEVICE_USER_COOKIE].value == ""
    assert response.cookies[DEVICE_USER_COOKIE]["max-age"] == 0


def test_sign_in_starts_a_new_session_key(citizen) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(LOGIN)
    client.cookies["sessionid"] = "bukan-kunci-dari-server"
    sign_in(client, "wati")
    assert client.session.session_key != "bukan-kunci-dari-server"


def test_deactivating_a_user_ends_all_their_sessions(editor_a, dashboard) -> None:  # type: ignore[no-untyped-def]
    office, home = login_verified(Client(), editor_a), login_verified(Client(), editor_a)
    assert office.get(dashboard).status_code == 200
    editor_a.is_active = False
    editor_a.save()
    for client in (office, home):
        response = client.get(dashboard)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not UserSession.objects.filter(user=editor_a).exists()


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(editor_a, dashboard) -> None:  # type: ignore[no-untyped-def]
    here, elsewhere = login_verified(Client(), editor_a), login_verified(Client(), editor_a)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "kalimat sandi baru yang panjang sekali",
            "new_password2": "kalimat sandi baru yang panjang sekali",
        },
    )
    assert response.status_code == 302
    assert here.get(dashboard).status_code == 200
    assert elsewhere.get(dashboard)["Location"].startswith(LOGIN)
    assert UserSession.objects.filter(user=editor_a).count() == 1


def test_a_rehashed_password_is_no_change(citizen, settings) -> None:  # type: ignore[no-untyped-def]
    # A new hasher upgrades the stored hash at sign-in: the password itself did
    # not change, so its age (for the optional expiry) stays.
    record = PasswordRecord.objects.get(user=citizen)
    record.changed_at -= timedelta(days=40)
    record.save()
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    sign_in(Client(), "wati")
    citizen.refresh_from_db()
    assert citizen.password.startswith("pbkdf2_sha1$")
    assert PasswordRecord.objects.get(user=citizen).changed_at == record.changed_at


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Move the middleware's clock: ``clock(minutes=31)``."""
    start = middleware.now()

    def move(*, minutes: int = 0, hours: int = 0) -> None:
        monkeypatch.setattr(middleware, "now", lambda: start + minutes * 60 + hours * 3600)

    return move


def test_an_idle_session_ends(citizen, world, clock) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, "wati")
    url = reverse("apiweb:token_list")
    clock(minutes=29)
    assert client.get(url).status_code == 200
    clock(minutes=29 + 31)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url.replace('/', '%2F')}"
    assert not _signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "terlalu lama tidak aktif" in page


def test_the_idle_limit_is_configurable(citizen, world, clock, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KOTACERDAS_SESSION_IDLE_MINUTES = 5
    client = Client()
    sign_in(client, "wati")
    clock(minutes=6)
    assert client.get(reverse("accounts:mfa")).status_code == 302
    assert not _signed_in(client)


def test_an_active_session_ends_at_its_absolute_lifetime(citizen, clock) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, "wati")
    url = reverse("accounts:mfa")
    for quarter in range(1, 48):  # a request every 15 minutes for 11¾ hours
        clock(minutes=15 * quarter)
        assert client.get(url).status_code == 200, quarter
    clock(hours=12, minutes=5)
    response = client.get(url)
    assert response.status_code == 302 and not _signed_in(client)
    assert "batas waktu" in client.get(response["Location"]).content.decode()


def test_an_ended_session_on_the_api_is_simply_anonymous(citizen, clock) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, "wati")
    clock(hours=13)
    response = client.get("/api/v1/apa-saja/")
    assert response.status_code == 404
    assert not _signed_in(client)
