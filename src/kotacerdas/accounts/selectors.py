"""Reads of the accounts app: what resetting MFA would remove (the admin
action's confirmation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import UserSession


@dataclass(frozen=True)
class MfaResetPreview:
    """Per user: the authenticator apps and recovery-code sets a reset
    removes, and the sessions it ends."""

    user: Any
    authenticators: int
    recovery_sets: int
    sessions: int


def mfa_reset_preview(users: Iterable[Any]) -> list[MfaResetPreview]:
    """Three queries, whatever the number of users."""
    users = list(users)
    ids = [u.pk for u in users]

    def counts(model: Any) -> dict[int, int]:
        return dict(
            model.objects.filter(user_id__in=ids)
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"))
            .values_list("user_id", "n")
        )

    totp, static, sessions = counts(TOTPDevice), counts(StaticDevice), counts(UserSession)
    return [
        MfaResetPreview(u, totp.get(u.pk, 0), static.get(u.pk, 0), sessions.get(u.pk, 0))
        for u in users
    ]
