"""Helpers of the accounts tests: signing in through the real login form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user


def sign_in(
    client: Client, username: str, password: str = PASSWORD, *, ip: str = "10.0.0.1", next: str = ""
) -> Any:
    data = {"username": username, "password": password}
    if next:
        data["next"] = next
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


@pytest.fixture
def dashboard(world: Any) -> str:
    return reverse("masterplan:dashboard", args=[world.region.code])


@pytest.fixture
def citizen(db: None) -> Any:
    """Wati, a user with no role: a second factor is optional for her, so her
    sign-in goes straight in (every role needs one; tests/accounts/test_mfa.py)."""
    return make_user("wati")
