"""Passwords: length and common passwords always, long passphrases welcome,
BSSN composition and expiry when the operator switches them on; reset by
e-mail without telling who has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.models import PasswordRecord
from tests.accounts.conftest import sign_in
from tests.logins import login_verified

COMPOSITION = {"NAME": "kotacerdas.accounts.validators.CompositionValidator"}
CHANGE = reverse("accounts:password_change")


def test_it_accepts_a_long_passphrase(db) -> None:  # type: ignore[no-untyped-def]
    validate_password("kuda baterai stapler benar " * 8)  # 216 characters


def test_it_refuses_short_and_common_passwords(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        validate_password("Pendek-1!")
    with pytest.raises(ValidationError):
        validate_password("1qaz2wsx3edc")


def test_composition_is_off_by_default(db, settings) -> None:  # type: ignore[no-untyped-def]
    assert COMPOSITION not in settings.AUTH_PASSWORD_VALIDATORS
    validate_password("kalimat sandi tanpa angka")


def test_composition_when_switched_on(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AUTH_PASSWORD_VALIDATORS = [*settings.AUTH_PASSWORD_VALIDATORS, COMPOSITION]
    with pytest.raises(ValidationError) as refused:
        validate_password("kalimat sandi tanpa angka")
    assert "huruf besar, angka, simbol" in " ".join(refused.value.messages)
    validate_password("Kalimat-Sandi-Dengan-Angka-7")


def test_a_new_user_has_a_password_date(citizen) -> None:  # type: ignore[no-untyped-def]
    record = PasswordRecord.objects.get(user=citizen)
    assert timezone.now() - record.changed_at < timedelta(minutes=1)


def _age(user, days: int) -> None:  # type: ignore[no-untyped-def]
    PasswordRecord.objects.filter(user=user).update(
        changed_at=timezone.now() - timedelta(days=days)
    )


def test_an_old_password_is_fine_while_expiry_is_off(citizen) -> None:  # type: ignore[no-untyped-def]
    _age(citizen, 400)
    assert sign_in(Client(), "wati")["Location"] == reverse("home")


def test_an_expired_password_must_be_changed_at_sign_in(citizen, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KOTACERDAS_PASSWORD_MAX_AGE_DAYS = 90
    _age(citizen, 91)
    client = Client()
    url = reverse("apiweb:token_list")
    response = sign_in(client, "wati", next=url)
    assert response["Location"].startswith(CHANGE)
    assert client.get(url)["Location"].startswith(CHANGE)
    page = client.get(response["Location"]).content.decode()
    assert "melewati masa berlakunya" in page
    new = "kalimat sandi baru untuk tahun ini"
    done = client.post(
        response["Location"],
        {"old_password": "kata-sandi-uji-yang-panjang", "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302 and done["Location"] == url
    assert client.get(url).status_code == 200
    record = PasswordRecord.objects.get(user=citizen)
    assert timezone.now() - record.changed_at < timedelta(minutes=1)


def test_a_password_younger_than_the_limit_is_fine(citizen, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KOTACERDAS_PASSWORD_MAX_AGE_DAYS = 90
    _age(citizen, 89)
    assert sign_in(Client(), "wati")["Location"] == reverse("home")


def test_expiry_comes_after_the_second_factor(editor_a, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KOTACERDAS_PASSWORD_MAX_AGE_DAYS = 90
    _age(editor_a, 100)
    client = Client()
    assert sign_in(client, "bob")["Location"].startswith(reverse("accounts:mfa"))
    assert client.get(CHANGE)["Location"].startswith(reverse("accounts:mfa"))


def test_the_reset_mail_is_sent_with_a_link_on_the_base_url(citizen, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KOTACERDAS_BASE_URL = "https://kotacerdas.dumaikota.go.id"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "jahat.example"]  # a lax proxy
    citizen.email = "wati@dumaikota.go.id"
    citizen.save()
    client = Client()
    response = client.post(
        reverse("accounts:password_reset"),
        {"email": "Wati@dumaikota.go.id"},
        headers={"host": "jahat.example"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wati@dumaikota.go.id"]
    assert "kata sandi baru" in message.body and "new password" in message.body
    assert "jahat.example" not in message.body
    link = re.search(r"https://kotacerdas\.dumaikota\.go\.id(/\S+)", message.body)
    assert link is not None
    assert client.get(link.group(1), follow=True).status_code == 200


def test_the_reset_page_does_not_tell_who_has_an_account(citizen) -> None:  # type: ignore[no-untyped-def]
    citizen.email = "wati@dumaikota.go.id"
    citizen.save()
    known = Client().post(reverse("accounts:password_reset"), {"email": "wati@dumaikota.go.id"})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "siapa@contoh.id"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def test_a_reset_ends_every_session_of_the_user(editor_a, dashboard) -> None:  # type: ignore[no-untyped-def]
    editor_a.email = "bob@dumaikota.go.id"
    editor_a.save()
    signed_in = login_verified(Client(), editor_a)
    assert signed_in.get(dashboard).status_code == 200
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "bob@dumaikota.go.id"})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    form = client.get(path, follow=True)
    new = "kalimat sandi pengganti yang panjang"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert signed_in.get(dashboard)["Location"].startswith(reverse("login"))
    editor_a.refresh_from_db()
    assert editor_a.check_password(new)


def test_reset_mails_are_limited_per_account(citizen) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: 15 reset mails in one second reached one inbox."""
    from kotacerdas.accounts.views import RESET_PER_ACCOUNT

    citizen.email = "wati@dumaikota.go.id"
    citizen.save()
    answers = [
        Client()
        .post(
            reverse("accounts:password_reset"),
            {"email": "wati@dumaikota.go.id"},
            REMOTE_ADDR=f"10.0.0.{index}",  # a different address every time
        )
        .status_code
        for index in range(RESET_PER_ACCOUNT.count + 2)
    ]
    assert answers == [302] * RESET_PER_ACCOUNT.count + [429, 429]
    assert len(mail.outbox) == RESET_PER_ACCOUNT.count


def test_reset_requests_are_limited_per_client_address_and_say_so(citizen) -> None:  # type: ignore[no-untyped-def]
    from kotacerdas.accounts.views import RESET_PER_CLIENT

    client = Client()
    for index in range(RESET_PER_CLIENT.count):
        response = client.post(
            reverse("accounts:password_reset"), {"email": f"orang{index}@contoh.id"}
        )
        assert response.status_code == 302
    refused = client.post(reverse("accounts:password_reset"), {"email": "lain@contoh.id"})
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    other = Client().post(
        reverse("accounts:password_reset"), {"email": "lain@contoh.id"}, REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 302
