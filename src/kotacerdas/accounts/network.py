"""The client's address for sign-in throttling (``AXES_CLIENT_IP_CALLABLE``).

Behind reverse proxies ``REMOTE_ADDR`` is the proxy's: every user would share
one address and a lockout would hold a username everywhere. With N trusted
proxies (``KOTACERDAS_NUM_PROXIES``, which the API's rate limits use too) the
client is the N-th address from the right of ``X-Forwarded-For``, the one the
nearest trusted proxy saw."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.KOTACERDAS_NUM_PROXIES
    if proxies > 0:
        chain = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(chain) >= proxies:
            return chain[-proxies]
    return remote
