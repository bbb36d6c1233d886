"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user
from tests.logins import login_verified


@pytest.fixture
def operator(db: None) -> Client:
    """The ministry's operator (a superuser), signed in."""
    client = Client()
    login_verified(client, make_user("operator", is_superuser=True, is_staff=True))
    return client
