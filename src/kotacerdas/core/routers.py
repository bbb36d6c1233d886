"""Reads that tolerate lag go to a PostgreSQL streaming replica (issue 16).

Enabled by ``KOTACERDAS_REPLICA_URL`` (settings: the ``replica`` database
alias and :class:`ReplicaRouter`). Deny by default: a read goes to the
replica only when all of these hold, and to the primary otherwise.

- The request is a GET or HEAD whose URL namespace is in
  ``KOTACERDAS_REPLICA_NAMESPACES`` (the public portal, the API) or whose view
  says so with :func:`replica_reads` (the comparison pages to come).
- It carries no ``Authorization`` header: an API client signs each request
  with its token and keeps no cookie, so it could not be pinned (below) and
  would not see its own writes; its reads stay on the primary.
- The visitor did not write within ``KOTACERDAS_REPLICA_PIN_SECONDS``: any
  POST, PUT, PATCH or DELETE, and any request that wrote through the ORM,
  answers with the cookie :data:`PIN_COOKIE`, and while it lasts the
  visitor's reads go to the primary (read-your-writes across nodes: the
  cookie travels with the browser, whichever node answers).
- The model is not one whose reads decide access or run the queue
  (:data:`PRIMARY_APPS`: users, sessions, roles, tokens, sign-in throttling,
  second factors, the audit trail, tasks): a role withdrawn or a token
  revoked on the primary must not still count on a replica a second behind.
- No transaction is open on the primary (reads inside it must see its
  writes), and nothing was written in this request so far (after the first
  write the rest of the request reads the primary).

Writes always go to the primary; migrations run only on the primary.

**Cached pages and lag.** Pages are cached under a data version
(:mod:`kotacerdas.core.caching`) that a committed change bumps; a page built
from a replica that has not yet replayed that change would be cached, stale,
under the new number. So a bump also records the primary's WAL position
(:func:`wal_position`), and a request about to build such a page on the
replica first checks that the replica has replayed up to it
(:func:`replica_caught_up`); if not, the rest of the request reads the
primary (:func:`read_primary`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "kc_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# App labels whose rows are always read on the primary.
PRIMARY_APPS = frozenset(
    {
        "auth",
        "sessions",
        "contenttypes",
        "admin",
        "accounts",
        "core",
        "api",
        "axes",
        "otp_totp",
        "otp_static",
        "django_otp",
        "django_tasks_db",
    }
)
V = TypeVar("V", bound=Callable[..., Any])


@dataclass
class RequestReads:
    """Where this request's reads go: ``replica`` once the middleware found
    the request eligible, cleared by its first write (``wrote``)."""

    replica: bool = False
    wrote: bool = False


_current: ContextVar[RequestReads | None] = ContextVar("kotacerdas_request_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reading_replica() -> bool:
    """True while this request's reads go to the replica."""
    reads = _current.get()
    return reads is not None and reads.replica


def read_primary() -> None:
    """Send the rest of this request's reads to the primary."""
    reads = _current.get()
    if reads is not None:
        reads.replica = False


def wal_position() -> str | None:
    """The primary's current WAL position (PostgreSQL with a replica), else None."""
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return str(cursor.fetchone()[0])


def replica_caught_up(position: str) -> bool:
    """Whether the replica has replayed the primary's WAL up to ``position``.
    A replica that cannot say (not in recovery: promoted) counts as caught up."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_last_wal_replay_lsn() IS NULL OR pg_last_wal_replay_lsn() >= %s::pg_lsn",
            [position],
        )
        return bool(cursor.fetchone()[0])


class ReplicaRouter:
    """The database router of a deployment with a replica (see the module)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        reads = _current.get()
        if (
            reads is not None
            and reads.replica
            and model._meta.app_label not in PRIMARY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        reads = _current.get()
        if reads is not None:
            reads.replica = False
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool:
        # Both aliases hold the same rows: an object read on the replica may
        # be linked to one read on the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def replica_reads(view: V) -> V:
    """Mark ``view`` as one whose GET/HEAD reads tolerate lag (published
    figures), for a URL outside ``KOTACERDAS_REPLICA_NAMESPACES``."""
    view.replica_reads = True  # type: ignore[attr-defined]
    return view


def pinned(request: HttpRequest, *, now: float | None = None) -> bool:
    """True while the visitor's last write is younger than the pin."""
    value = request.COOKIES.get(PIN_COOKIE, "")
    try:
        until = float(value)
    except ValueError:
        return bool(value)  # a cookie we cannot read still pins: the safe side
    return until > (time.time() if now is None else now)


def eligible(request: HttpRequest, view: Callable[..., Any]) -> bool:
    """Whether this request's reads may go to the replica (see the module)."""
    if request.method not in SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return False
    match = request.resolver_match
    marked = getattr(view, "replica_reads", False) or (
        match is not None
        and bool(set(match.namespaces) & set(settings.KOTACERDAS_REPLICA_NAMESPACES))
    )
    return bool(marked) and not pinned(request)


class ReplicaReadsMiddleware:
    """Sets where the request reads (:class:`RequestReads`) and pins a visitor
    who wrote to the primary with :data:`PIN_COOKIE`. Not loaded at all
    without a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reads = RequestReads()
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if reads.wrote or request.method not in SAFE_METHODS:
            seconds = settings.KOTACERDAS_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        reads = _current.get()
        if reads is not None and not reads.wrote and eligible(request, view):
            reads.replica = True
