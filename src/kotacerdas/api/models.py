"""Per-user API tokens. Only a hash of the secret is stored: the secret is
shown once, when the token is created, and cannot be read back."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Baca saja")
        WRITE = "write", _("Baca dan tulis")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nama"), max_length=100)
    scope = models.CharField(_("cakupan"), max_length=5, choices=Scope.choices)
    # The token's first characters, to tell tokens apart on the page; not secret.
    prefix = models.CharField(_("awalan"), max_length=16, unique=True)
    # SHA-256 of the whole token, hex; the token itself is never stored.
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_unique_active_name",
                violation_error_message=_("Anda sudah punya token aktif dengan nama ini."),
            ),
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write"]),
                name="api_token_scope_known",
                violation_error_message=_("Cakupan token harus baca atau tulis."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
