"""Receivers that keep the session list and the password record current and
log lockouts. Connected in ``AccountsConfig.ready``."""

from __future__ import annotations

import logging
import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from kotacerdas.core import caching

from . import policy, services

logger = logging.getLogger("kotacerdas.accounts")

# Session keys of the timeout middleware (seconds since the epoch).
STARTED = "kc_started"
SEEN = "kc_seen"


def roles_stamp(user: Any) -> int | None:
    """The user's roles version (core/caching.py, bumped after any change to
    their roles); None when the cache cannot say."""
    try:
        return caching.data_version(caching.roles_version(user.pk))
    except Exception:  # the cache's own failure: decide again on every request
        return None


def session_flags_set(request: HttpRequest, user: Any, stamp: int | None = None) -> None:
    """Decide what the session still needs (a second factor, a new
    password), at sign-in and again whenever the user's roles change, so
    other requests read it from the session."""
    request.session[policy.MFA_NEEDED] = policy.mfa_needed(user)
    request.session[policy.PASSWORD_EXPIRED] = policy.password_expired(user, now=timezone.now())
    request.session[policy.ROLES_AT] = roles_stamp(user) if stamp is None else stamp


@receiver(user_logged_in, dispatch_uid="accounts_logged_in")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now
    session_flags_set(request, user)
    if request.session.session_key is None:
        request.session.save()
    services.user_session_add(user=user, session_key=request.session.session_key)


@receiver(user_logged_out, dispatch_uid="accounts_logged_out")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.user_session_remove(session_key=request.session.session_key)


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_user_saved")
def _user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # ``_password`` holds the new raw password between set_password() and the
    # end of save(); a hasher upgrade at sign-in clears it first, so only real
    # changes count.
    if getattr(instance, "_password", None) is not None or created:
        services.password_record_touch(user=instance)
        if not created:
            services.user_sessions_end(user=instance)
            _credentials_changed(instance, "password")
    if not instance.is_active and not created:
        services.user_sessions_end(user=instance)
        _credentials_changed(instance, "deactivated")


def _credentials_changed(user: Any, reason: str) -> None:
    services.credentials_changed.send(sender=type(user), user=user, reason=reason, actor=None)


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    # The user id, not the typed username: people sometimes type their password
    # into the username field.
    user_id = (
        get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        if username
        else None
    )
    who = f"user id {user_id}" if user_id is not None else "an unknown username"
    logger.warning("Sign-in locked out: %s from %s", who, ip_address)
