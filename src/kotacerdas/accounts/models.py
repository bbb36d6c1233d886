"""What sign-in needs to remember besides Django's own tables: when a
password was last set (for the optional BSSN expiry) and which sessions
belong to which user (so that deactivation or a new password can end them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordRecord(models.Model):
    """When the user's password was last set. Users without a row fall back to
    their join date."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_record",
    )
    changed_at = models.DateTimeField(_("kata sandi diubah"), default=timezone.now)

    class Meta:
        verbose_name = _("riwayat kata sandi")
        verbose_name_plural = _("riwayat kata sandi")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.changed_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A session a user signed in with; filled on ``user_logged_in``, removed on
    ``user_logged_out``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sesi pengguna")
        verbose_name_plural = _("sesi pengguna")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created_at:%Y-%m-%d %H:%M}"


class Profile(models.Model):
    """What an account says about its person beyond Django's user row: the
    institution they work for. The assessor picker shows it beside the full
    name, so the ministry's operator tells two assessors apart and sees where
    each one comes from (a conflict of interest is often an institution)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
    )
    institution = models.CharField(
        _("institusi"),
        max_length=200,
        blank=True,
        help_text=_("Instansi, kampus atau lembaga tempat orang ini bekerja."),
    )

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profil")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.institution}"
