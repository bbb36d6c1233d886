"""Rate limits of anonymous forms that cost something when repeated: the
password-reset mail (a mail flood, at someone's inbox) and the public UMKM
self-registration (a flood of pending entries). Issue 14 sent 15 reset mails
in one second and 29 registrations in 1,4 seconds.

Each limit counts hits per key (the client's address, or the account the
request is about) in fixed windows, in the cache every process shares
(``settings.CACHES``: a folder on one machine, Redis or Valkey across
several nodes, so a client that alternates between nodes is counted once).
Keys are hashed: no address or e-mail is written to the cache. A window's
counter is created with ``add`` and counted with ``incr``: on Redis both are
single atomic commands, so the count is exact however many processes and
nodes count at once; on the file cache ``incr`` is a read and a write, and a
burst may pass a hit or two beyond the limit, never hundreds. A cache that
cannot be reached (a Redis restarting) lets the request through and logs a
warning: the forms stay usable, unlimited for that moment.

``client_address`` is the one reading of the client's address behind
``KOTACERDAS_NUM_PROXIES`` trusted proxies (sign-in throttling uses it too,
through ``accounts.network.client_ip``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or with N trusted proxies the
    N-th address from the right of ``X-Forwarded-For`` (the one the nearest
    trusted proxy saw)."""
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


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per key every ``seconds``."""

    scope: str
    count: int
    seconds: int

    def minutes(self) -> int:
        return max(1, self.seconds // 60)


def _cache_key(limit: Limit, key: str, now: float) -> str:
    window = int(now // limit.seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
    return f"kc:ratelimit:{limit.scope}:{window}:{digest}"


def _count(cache_key: str, timeout: int) -> int:
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def limits_hit(checks: Iterable[tuple[Limit, str]]) -> Limit | None:
    """Count one hit for each (limit, key) with a non-empty key; the first
    limit now exceeded, or None when every one still allows the request."""
    now = time.time()
    exceeded: Limit | None = None
    for limit, key in checks:
        if not key:
            continue
        cache_key = _cache_key(limit, key, now)
        try:
            hits = _count(cache_key, limit.seconds + 60)
        except Exception:  # the cache's own failures, whatever its backend
            logger.warning("Rate limit %s not counted: cache unavailable", limit.scope)
            continue
        if hits > limit.count and exceeded is None:
            exceeded = limit
    return exceeded
