"""Data versions and what is cached under them: the one home of the rule
"rendered once per data version" (the portal's pages, the signed-in
dashboard's body, the public API's answers).

A *data version* is one number in Django's cache (a folder on one machine,
Redis or Valkey across several nodes: shared by every web worker and task
worker of every node, so a change on one node is seen by all; on Redis the
bump is one atomic ``INCR``). A committed change bumps it, so
everything cached under the old number is stale at once and rebuilt on its
next request. Two versions exist:

- ``PUBLISHED`` (``portal:data-version``): what the public sees. The portal
  connects its signals (kotacerdas.portal.caching) and leaves out changes it
  does not show (a live action plan's status);
- ``LIVE``: any committed save or delete of a row of the masterplan, the
  monitoring or the regions, the status changes included (:func:`watch_live`):
  the signed-in pages cached under it (the dashboard's body) show live data,
  so a status change must show at once. What else such a page shows per user
  (roles, agency, language, the day) belongs in its key, not in this
  number.

A cached body never holds a CSRF token: it is rendered with
:func:`without_csrf` (a placeholder in ``{% csrf_token %}``'s place) and
:func:`with_csrf` puts the request's own token in before it is sent.

Values also expire after :data:`FRAGMENT_TIMEOUT` as a safety net for writes
that bypass model signals (``QuerySet.update``, raw SQL, a restore).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from kotacerdas.core import routers

logger = logging.getLogger(__name__)

PUBLISHED = "portal:data-version"
LIVE = "live:data-version"
FRAGMENT_TIMEOUT = 60 * 60
T = TypeVar("T")

# The apps whose rows the pages cached under LIVE show. Sign-ins, the audit
# trail, the registry's imports and the evaluation do not empty that cache.
LIVE_APPS = frozenset({"masterplan", "monitoring", "regions"})


def data_version(key: str = PUBLISHED) -> int:
    version = cache.get(key)
    if version is None:
        # A fresh cache starts from the clock so it never reuses an old number.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key, 0)
    return int(version)


def bump(key: str = PUBLISHED) -> None:
    """Mark everything cached under ``key``'s data version stale. With a read
    replica, first record where the primary's WAL stands: a page of the new
    version is built on the replica only once it has replayed that far
    (:func:`cached`, kotacerdas.core.routers)."""
    position = routers.wal_position()
    if position is not None:
        cache.set(f"{key}:wal", position, timeout=None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), timeout=None)


def bump_live() -> None:
    bump(LIVE)


def cached(
    parts: tuple[Any, ...], build: Callable[[], T | None], *, version: str = PUBLISHED
) -> T | None:
    """``build()``'s value, cached under ``parts`` + language + data version.
    None (a page that does not exist) is not cached: unknown addresses must
    not fill the cache. A cache that cannot be reached (a Redis restarting)
    costs speed, not the page: it is built, uncached, and a warning logged."""
    try:
        return _cached(parts, build, version=version)
    except _CacheUnavailable:
        routers.read_primary()  # how far the replica must be is unknown now
        return build()


class _CacheUnavailable(Exception):
    pass


def _cache_call(call: Callable[[], T]) -> T:
    try:
        return call()
    except Exception as error:  # the cache's own failures, whatever its backend
        logger.warning("Cache unavailable (%s); the page is built uncached", type(error).__name__)
        raise _CacheUnavailable from error


def _cached(parts: tuple[Any, ...], build: Callable[[], T | None], *, version: str) -> T | None:
    prefix = "portal" if version == PUBLISHED else version.split(":", 1)[0]
    # The parts hashed: a key of any length and any characters (a role scope,
    # a region code) stays one that every cache backend accepts.
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    number = _cache_call(lambda: data_version(version))
    key = ":".join([prefix, str(number), get_language() or "", digest])
    value = _cache_call(lambda: cache.get(key))
    if value is None:
        if routers.reading_replica():
            position = _cache_call(lambda: cache.get(f"{version}:wal"))
            if position is not None and not routers.replica_caught_up(position):
                routers.read_primary()  # behind the change that made this version
        value = build()
        if value is not None:
            # Built already: a failure to keep it must not lose it.
            with contextlib.suppress(_CacheUnavailable):
                _cache_call(lambda: cache.set(key, value, FRAGMENT_TIMEOUT))
    return value


# What ``{% csrf_token %}`` writes (django.template.defaulttags.CsrfTokenNode).
# The whole tag is replaced, not the bare placeholder: data shown on a page
# is escaped, so it can never contain this tag.
_CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_CSRF_PLACEHOLDER = "kc-cached-csrf"


def stored(key: str, build: Callable[[], T], timeout: int = FRAGMENT_TIMEOUT) -> T:
    """``build()``'s value under the caller's own ``key`` (one that already
    says what the value depends on), or built each time while the cache
    cannot be reached."""
    try:
        value: T | None = _cache_call(lambda: cache.get(key))
    except _CacheUnavailable:
        return build()
    if value is None:
        value = build()
        with contextlib.suppress(_CacheUnavailable):
            _cache_call(lambda: cache.set(key, value, timeout))
    return value


def without_csrf(context: dict[str, Any]) -> dict[str, Any]:
    """``context`` for a body that will be cached: its ``{% csrf_token %}``
    tags write a placeholder (the template context wins over the context
    processor's token), never a user's token."""
    return {**context, "csrf_token": _CSRF_PLACEHOLDER}


def with_csrf(html: str, request: HttpRequest) -> str:
    """``html`` (rendered with :func:`without_csrf`) with this request's own
    CSRF token in the placeholders' place."""
    placeholder = _CSRF_INPUT.format(_CSRF_PLACEHOLDER)
    if placeholder not in html:
        return html
    return html.replace(placeholder, _CSRF_INPUT.format(get_token(request)))


def cached_unless_asked(
    request: Any, parts: tuple[Any, ...], build: Callable[[], T], *, version: str = LIVE
) -> T:
    """A signed-in page's body: cached under ``parts`` (+ language and the
    data version) when the request asks nothing; with any GET parameter (a
    filter, another page) built each time: what people type must not fill
    the cache."""
    if request.GET:
        return build()
    return cached(parts, build, version=version) or build()


def roles_version(user_id: int) -> str:
    """The key of one user's roles version: bumped after the commit of any
    change to the user's memberships (:func:`watch_roles`)."""
    return f"roles:data-version:{user_id}"


# How long a kept value lives at most. The version bump after a commit is
# what makes a change show at once; this bounds the harm of a bump that never
# arrived (the cache unreachable at that moment): roles kept are a user's
# rights, so two minutes, not the hour of a page fragment.
KEPT_TIMEOUT = 120


def kept(parts: tuple[Any, ...], build: Callable[[], T], *, version: str) -> T:
    """``build()``'s value kept under ``parts`` and the data version
    ``version`` (no language: for values, not pages). Inside a transaction
    it is built each time and never kept: that transaction may have changed
    the rows behind it, and a value read from uncommitted rows (perhaps
    rolled back later) must never reach another request. With the cache
    unreachable it is built each time (slower, never wrong)."""
    if connection.in_atomic_block:
        return build()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    try:
        number = _cache_call(lambda: data_version(version))
    except _CacheUnavailable:
        return build()
    return stored(":".join([version.split(":", 1)[0], str(number), digest]), build, KEPT_TIMEOUT)


def _roles_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    user_id = getattr(instance, "user_id", None)
    if user_id is not None:
        transaction.on_commit(lambda: _roles_bump(user_id))


def _roles_bump(user_id: int) -> None:
    try:
        bump(roles_version(user_id))
    except Exception as error:  # the cache's own failure: kept roles expire in KEPT_TIMEOUT
        logger.error(
            "Roles of user id %s changed but the cache could not be told (%s); the old "
            "roles stay at most %s s",
            user_id,
            type(error).__name__,
            KEPT_TIMEOUT,
        )


def watch_roles(membership: type[Model]) -> None:
    """Bump a user's roles version after the commit of every save or delete
    of one of their memberships (a deleted user's go with it)."""
    post_save.connect(_roles_changed, sender=membership, dispatch_uid="core-roles-save")
    post_delete.connect(_roles_changed, sender=membership, dispatch_uid="core-roles-delete")


def _live_changed(sender: type[Model], **kwargs: Any) -> None:
    if sender._meta.app_label not in LIVE_APPS:
        return
    # After the commit, as the portal does: bumping inside the transaction
    # would let a reader cache a page from the old rows under the new number.
    transaction.on_commit(bump_live)


def watch_live() -> None:
    """Bump ``LIVE`` on every committed save or delete in :data:`LIVE_APPS`."""
    post_save.connect(_live_changed, dispatch_uid="core-live-version-save")
    post_delete.connect(_live_changed, dispatch_uid="core-live-version-delete")


def cache_forget_all() -> int | None:
    """Empty this installation's cache after its database was replaced (a
    restore): pages, tallies, kept roles, sessions' cached copies. On a Redis
    or Valkey that other installations share (KOTACERDAS_CACHE_PREFIX), only
    the keys under this installation's prefix go: Django's ``clear()`` is
    FLUSHDB there, everyone's keys. Returns how many keys went on Redis;
    None where the whole (local) cache was cleared."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return None
    client: Any = backend._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    # make_key() writes "<prefix>:<version>:<key>": every key of this installation.
    gone = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{backend.key_prefix}:*", count=1000):
        batch.append(key)
        if len(batch) == 1000:
            gone += client.delete(*batch)
            batch = []
    if batch:
        gone += client.delete(*batch)
    return gone
