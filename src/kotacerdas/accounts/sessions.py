"""Sessions in the database, read through the shared cache (Django's
``cached_db``), made to survive a cache that cannot be reached (a Redis
restarting on a deployment of several nodes, issue 16): the database then
answers alone, slower, and a signed-in page is still served.

One thing a cache outage can cost: a session ended while the cache cannot be
told keeps a copy there. That copy lives at most :data:`CACHE_SECONDS`
(not the session's 12 hours), after which the database, where the session
is gone, decides. Every failure is logged (docs/decisions.md)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)

# How long a session's copy stays in the cache at most.
CACHE_SECONDS = 300


class SessionStore(cached_db.SessionStore):
    @property
    def _shared(self) -> Any:
        return self._cache  # type: ignore[attr-defined]

    def _cache_seconds(self, **kwargs: Any) -> int:
        return min(self.get_expiry_age(**kwargs), CACHE_SECONDS)

    def load(self) -> dict[str, Any]:
        try:
            data = self._shared.get(self.cache_key)
        except Exception:  # the cache's own failure, or a key it refuses
            data = None
        if data is not None:
            return dict(data)
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._shared.set(self.cache_key, data, self._cache_seconds(expiry=stored.expire_date))
        except Exception as error:
            logger.warning("Session cache unavailable (%s)", type(error).__name__)
        return dict(data)

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._shared:
                return True
        except Exception as error:
            logger.warning("Session cache unavailable (%s)", type(error).__name__)
        return bool(DBStore.exists(self, session_key))

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        try:
            self._shared.set(self.cache_key, self._session, self._cache_seconds())  # type: ignore[attr-defined]
        except Exception as error:
            logger.warning("Session cache unavailable (%s)", type(error).__name__)

    def delete(self, session_key: str | None = None) -> None:
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._shared.delete(self.cache_key_prefix + session_key)
        except Exception as error:
            logger.error(
                "A session ended but its cached copy could not be removed (%s); it lapses "
                "within %s s",
                type(error).__name__,
                CACHE_SECONDS,
            )
