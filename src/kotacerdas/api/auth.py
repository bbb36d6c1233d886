"""Who is calling: an API token (``Authorization: Bearer kc_...``) or the
Django session of a logged-in browser (with its CSRF token for writes, so
the interactive docs work). Every operation receives a :class:`Principal`
in ``request.auth``; access is then checked by the apps' own scoped
helpers with ``principal.user``, exactly as the web pages do.

- an unknown, revoked or expired token, or an owner who could not sign in
  and act now (inactive, MFA required but not enrolled, password expired;
  ``accounts.policy.standing_refusal``): 401;
- a read-only token on a write: 403 (``require_write``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kotacerdas.accounts.policy import standing_refusal
from kotacerdas.api import services
from kotacerdas.api.errors import ApiRefusal
from kotacerdas.api.models import ApiToken
from kotacerdas.core.access import User

# Why a token's owner cannot act now (accounts.policy.standing_refusal).
STANDING_REFUSALS = {
    "inactive": _("Akun pemilik token tidak aktif."),
    "mfa_not_enrolled": _(
        "Pemilik token wajib memakai verifikasi dua langkah: masuk ke situs dan daftarkan "
        "aplikasi autentikator, lalu token ini berlaku lagi."
    ),
    "password_expired": _(
        "Kata sandi pemilik token sudah kedaluwarsa: masuk ke situs dan ganti kata sandi, "
        "lalu token ini berlaku lagi."
    ),
}


class TokenRefused(AuthenticationError):
    def __init__(self, message: Any) -> None:
        super().__init__(401, str(message))
        self.message_lazy = message


@dataclass(frozen=True)
class Principal:
    user: User
    token: ApiToken | None = None
    via: str = "anonymous"  # "token", "session" or "anonymous"

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def can_write(self) -> bool:
        if self.via == "token":
            return self.token is not None and self.token.can_write
        return self.via == "session"


class BearerToken(HttpBearer):
    """A personal API token, created at /akun/token-api/."""

    def __call__(self, request: HttpRequest) -> Principal | None:
        # First check of every operation: parse the query string here, so a
        # request with too many parameters is refused (400, TooManyFieldsSent)
        # also by operations that read none (issue 14, point 10).
        request.GET  # noqa: B018 - read for its check
        header = request.headers.get("Authorization", "")
        if header and not header.lower().startswith("bearer "):
            raise TokenRefused(_("Header Authorization harus berbentuk: Bearer <token>."))
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = services.token_lookup(token.strip())
        if found is None:
            raise TokenRefused(_("Token tidak dikenal."))
        now = timezone.now()
        if found.revoked_at is not None:
            raise TokenRefused(_("Token ini sudah dicabut."))
        if found.expires_at is not None and found.expires_at <= now:
            raise TokenRefused(_("Masa berlaku token ini sudah habis."))
        # The token acts only while its owner could sign in and act now.
        refusal = standing_refusal(found.user, now=now)
        if refusal is not None:
            raise TokenRefused(STANDING_REFUSALS[refusal])
        services.token_touch(found, now)
        return Principal(user=found.user, token=found, via="token")


class SessionCookie(APIKeyCookie):
    """The session of a logged-in browser; unsafe methods need the CSRF token
    (header X-CSRFToken), like every form of the site."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.headers.get("Authorization") or not request.user.is_authenticated:
            return None  # a token is judged by itself; no session, nothing to check
        if check_csrf(request) is not None:
            raise ApiRefusal(
                403,
                _("Token CSRF tidak ada atau salah: kirim header X-CSRFToken bersama cookie sesi."),
                code="csrf",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if key and user.is_authenticated and user.is_active:
            return Principal(user=user, via="session")
        return None


def anonymous(request: HttpRequest) -> Principal:
    """Last in the list of public operations: no credentials is fine there."""
    return Principal(user=AnonymousUser())


REQUIRED = [BearerToken(), SessionCookie()]
OPTIONAL = [*REQUIRED, anonymous]


def principal(request: HttpRequest) -> Principal:
    found = getattr(request, "auth", None)
    return found if isinstance(found, Principal) else Principal(user=AnonymousUser())


def require_write(request: HttpRequest) -> Principal:
    """The caller, if allowed to write at all; a read-only token gets 403."""
    caller = principal(request)
    if not caller.can_write:
        raise ApiRefusal(
            403,
            _("Token ini hanya untuk membaca (cakupan baca). Buat token dengan cakupan tulis."),
            code="read_only_token",
        )
    return caller
