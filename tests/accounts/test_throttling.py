"""Sign-in throttling (django-axes): a username that failed too often from one
address is held there, and only there."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD

WRONG = "salah-sekali-kata-sandinya"


@pytest.fixture(autouse=True)
def _limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3


def _fail(client: Client, username: str, times: int, ip: str = "10.0.0.1") -> list[int]:
    return [sign_in(client, username, WRONG, ip=ip).status_code for _ in range(times)]


def test_it_locks_out_a_username_after_the_limit(citizen) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert _fail(client, "wati", 3) == [200, 200, 429]
    response = sign_in(client, "wati")  # the right password, but too late
    assert response.status_code == 429
    text = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in text
    assert "15 menit" in text
    assert "Traceback" not in text
    assert "_auth_user_id" not in client.session


def test_it_holds_the_username_only_from_that_address(citizen) -> None:  # type: ignore[no-untyped-def]
    attacker = Client()
    _fail(attacker, "wati", 3, ip="203.0.113.9")
    assert sign_in(attacker, "wati", ip="203.0.113.9").status_code == 429
    # Wati at her office is not locked out by the attacker.
    response = sign_in(Client(), "wati", ip="10.0.0.1")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_it_does_not_hold_other_usernames_from_the_same_address(citizen, editor_a) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _fail(client, "wati", 3)
    response = sign_in(client, "bob")
    assert response.status_code == 302


def test_a_success_clears_the_count(citizen) -> None:  # type: ignore[no-untyped-def]
    _fail(Client(), "wati", 2)
    assert sign_in(Client(), "wati").status_code == 302
    _fail(Client(), "wati", 2)
    assert sign_in(Client(), "wati").status_code == 302


def test_it_logs_the_lockout(citizen, caplog) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _fail(client, "wati", 3)
    with caplog.at_level(logging.WARNING, logger="kotacerdas.accounts"):
        sign_in(client, "wati", ip="10.0.0.1")
    lockouts = [r for r in caplog.records if r.name == "kotacerdas.accounts"]
    assert lockouts, "a lockout must be logged"
    message = lockouts[0].getMessage()
    assert message == f"Sign-in locked out: user id {citizen.pk} from 10.0.0.1"


def test_behind_a_proxy_the_forwarded_client_address_counts(citizen, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KOTACERDAS_NUM_PROXIES = 1
    proxy = "10.9.9.9"

    def attempt(client_address: str, password: str = WRONG) -> int:
        return (
            Client()
            .post(
                reverse("login"),
                {"username": "wati", "password": password},
                REMOTE_ADDR=proxy,
                HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_address}",  # the first part is forgeable
            )
            .status_code
        )

    assert [attempt("203.0.113.9") for _ in range(3)] == [200, 200, 429]
    # Another client behind the same proxy is not held.
    assert attempt("198.51.100.7", PASSWORD) == 302


def test_without_proxies_the_forwarded_header_is_ignored(citizen) -> None:  # type: ignore[no-untyped-def]
    def sign_in_from(forwarded: str, password: str = WRONG) -> int:
        return (
            Client()
            .post(
                reverse("login"),
                {"username": "wati", "password": password},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=forwarded,
            )
            .status_code
        )

    # Changing a forged header does not escape the lockout.
    assert [sign_in_from(f"10.0.0.{n}") for n in range(3)] == [200, 200, 429]
    assert sign_in_from("10.0.0.99", PASSWORD) == 429


def test_a_locked_out_username_is_refused_by_authenticate_with_the_request(citizen) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    _fail(Client(), "wati", 3)
    request = RequestFactory().post(reverse("login"), REMOTE_ADDR="10.0.0.1")
    assert authenticate(request, username="wati", password=PASSWORD) is None
    # Without a request (a script) there is no address to hold; the password decides.
    assert authenticate(username="wati", password=PASSWORD) == citizen
