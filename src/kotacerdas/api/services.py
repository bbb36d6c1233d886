"""Creating and revoking API tokens, and finding the token of a request.

A token reads ``kc_<prefix>_<secret>``; the database keeps the prefix (to
tell tokens apart on the page) and the SHA-256 of the whole token. A random
secret of 256 bits needs no slow hash: nobody can guess it, and a leaked
table gives no usable token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotacerdas.api.models import ApiToken
from kotacerdas.core.audit import Actor, audit_record, snapshot
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import full_clean

logger = logging.getLogger("kotacerdas.api")

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
        full_clean(token)
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


def _revocation_reason(reason: str) -> str:
    reasons = {
        "password": _("kata sandi akun Anda diganti atau diatur ulang"),
        "mfa_reset": _("verifikasi dua langkah akun Anda diatur ulang"),
        "deactivated": _("akun Anda dinonaktifkan"),
    }
    return reasons.get(reason, reason)


def tokens_revoke_for_user(*, actor: Actor, user: Any, reason: str) -> list[ApiToken]:
    """Revoke every active token of ``user`` because the credentials they
    were created under changed (``reason``: a new password, an MFA reset,
    deactivation), and tell the owner by e-mail once the change commits.
    Returns the tokens revoked (none: nothing is written or sent)."""
    revoked: list[ApiToken] = []
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        now = timezone.now()
        for token in active:
            before = _snapshot(token)
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                instance=token,
                before=before,
                after={**_snapshot(token), "reason": reason},
            )
            revoked.append(token)
        if revoked:
            names = [token.name for token in revoked]
            transaction.on_commit(lambda: _revocation_mail(user=user, reason=reason, names=names))
    if revoked:
        logger.warning("Revoked %d API token(s) of user id %s: %s", len(revoked), user.pk, reason)
    return revoked


def _revocation_mail(*, user: Any, reason: str, names: list[str]) -> None:
    """The owner learns that their tokens stopped, and why (a sign that
    someone else changed their credentials, if it was not them)."""
    if not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Token API Anda dicabut")
        body = _(
            "Token API Anda berikut dicabut karena %(reason)s:\n\n%(names)s\n\n"
            "Buat token baru di %(url)s bila masih diperlukan. Bila bukan Anda yang "
            "melakukan perubahan ini, segera hubungi admin KotaCerdas."
        ) % {
            "reason": _revocation_reason(reason),
            "names": "\n".join(f"- {name}" for name in names),
            "url": settings.KOTACERDAS_BASE_URL + reverse("apiweb:token_list"),
        }
    try:
        mail.send_mail(subject, body, None, [user.email])
    except (OSError, mail.BadHeaderError) as error:  # the revocation stands without the mail
        logger.error(
            "Token revocation mail to user id %s failed: %s", user.pk, type(error).__name__
        )
