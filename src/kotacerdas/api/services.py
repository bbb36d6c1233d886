"""Creating and revoking API tokens, and finding the token of a request.

A token reads ``kc_<prefix>_<secret>``; the database keeps the prefix (to
tell tokens apart on the page) and the SHA-256 of the whole token. A random
secret of 256 bits needs no slow hash: nobody can guess it, and a leaked
table gives no usable token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.api.models import ApiToken
from kotacerdas.core.audit import Actor, audit_record, snapshot
from kotacerdas.core.models import AuditEvent

TOKEN_START = "kc_"  # noqa: S105 (the visible start of every token, not a secret)
AUDIT_FIELDS = ("user", "name", "scope", "prefix", "expires_at", "revoked_at")
# last_used_at is written at most once per this interval, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # the whole token; shown once, never stored


def _snapshot(token: ApiToken) -> dict[str, object]:
    data = snapshot(token, AUDIT_FIELDS)
    for name in ("expires_at", "revoked_at"):
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return data


def token_create(
    *,
    actor: Actor,
    user: Any,
    name: str,
    scope: str,
    expires_at: dt.datetime | None = None,
) -> CreatedToken:
    """A new token of ``user``. Users create their own tokens (from a
    logged-in session), so ``actor`` is normally ``user``."""
    name = name.strip()
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Tanggal berlaku harus di masa depan.")})
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        prefix=prefix,
        key_hash=token_hash(secret),
        expires_at=expires_at,
    )
    with transaction.atomic():
        token.full_clean()
        token.save()
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, instance=token, after=_snapshot(token)
        )
    return CreatedToken(token=token, secret=secret)


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token for good; revoking a revoked token changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        before = _snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=token,
            before=before,
            after=_snapshot(token),
        )
    return token


def token_lookup(secret: str) -> ApiToken | None:
    """The token whose secret this is, whatever its state (the caller tells
    revoked and expired tokens apart); None for an unknown secret."""
    if not secret.startswith(TOKEN_START) or len(secret) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()


def token_touch(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used (not audited: it is not a change of data)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
