"""Tokens follow their owner: when the owner's credentials change (a new
password, an MFA reset, deactivation; ``accounts.services.credentials_changed``)
their tokens are revoked as their sessions are ended. Connected in
``ApiConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from kotacerdas.accounts.services import credentials_changed
from kotacerdas.api import services


@receiver(credentials_changed, dispatch_uid="api_credentials_changed")
def _credentials_changed(sender: Any, user: Any, reason: str, actor: Any, **kwargs: Any) -> None:
    services.tokens_revoke_for_user(actor=actor, user=user, reason=reason)
