"""Tokens and an API client for the API tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from kotacerdas.accounts.policy import mfa_required
from kotacerdas.api import services
from tests.logins import mfa_device


def token_for(user: Any, scope: str = "write", **extra: Any) -> str:
    """A token of ``user``, who is enrolled in MFA where their role needs it
    (a token acts only while its owner could sign in now)."""
    if mfa_required(user):
        mfa_device(user)
    return services.token_create(
        actor=user,
        user=user,
        name=f"uji {scope} {dt.datetime.now().timestamp()}",
        scope=scope,
        **extra,
    ).secret


class Api:
    """A test client that calls /api/v1/ with a bearer token."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def url(self, path: str) -> str:
        return "/api/v1" + path

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self.url(path), params, headers=self.headers)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            self.url(path), data or {}, content_type="application/json", headers=self.headers
        )

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(self.url(path), data, headers=self.headers)
