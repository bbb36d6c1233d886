"""The client's address for sign-in throttling (``AXES_CLIENT_IP_CALLABLE``).

Behind reverse proxies ``REMOTE_ADDR`` is the proxy's: every user would share
one address and a lockout would hold a username everywhere. With N trusted
proxies (``KOTACERDAS_NUM_PROXIES``, which the API's rate limits use too) the
client is the N-th address from the right of ``X-Forwarded-For``, the one the
nearest trusted proxy saw. The rule has one home, ``core.ratelimit``."""

from __future__ import annotations

from django.http import HttpRequest

from kotacerdas.core.ratelimit import client_address


def client_ip(request: HttpRequest) -> str:
    return client_address(request)
