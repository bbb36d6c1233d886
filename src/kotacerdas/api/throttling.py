"""Rate limits of the API: per client address for anonymous callers
(``KOTACERDAS_API_RATE_ANON``), per user for token and session callers
(``KOTACERDAS_API_RATE_USER``). Rates look like ``60/min``; they are read
from the settings on every request, so an operator's change (and a test's)
applies without rebuilding the API. Counters live in the default cache,
which every worker shares (settings.CACHES)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from kotacerdas.api.auth import principal


class _SettingsRate(SimpleRateThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class AnonThrottle(_SettingsRate):
    scope = "anon"

    def get_rate(self) -> str:
        return settings.KOTACERDAS_API_RATE_ANON

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if principal(request).is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_SettingsRate):
    scope = "user"

    def get_rate(self) -> str:
        return settings.KOTACERDAS_API_RATE_USER

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = principal(request)
        if not caller.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": caller.user.pk}
