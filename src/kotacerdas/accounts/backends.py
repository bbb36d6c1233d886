"""django-axes' backend, tolerant of calls without a request.

Every sign-in over HTTP (the login form, the Django admin's) passes the
request, and is throttled. ``authenticate()`` without a request (a script,
Django's test ``Client.login``) has no address to throttle by; axes' own
backend raises there, this one lets the next backend decide."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class AxesBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None
