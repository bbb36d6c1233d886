"""Session lifetime, the second-factor gate and no-store caching.

Order in ``MIDDLEWARE``: after AuthenticationMiddleware, django-otp's
OTPMiddleware and MessageMiddleware."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.middleware import is_verified

from . import policy
from .signals import SEEN, STARTED, roles_stamp, session_flags_set

API_PREFIX = "/api/"
# How often (seconds) the last-seen time is written back to the session.
SEEN_RESOLUTION = 60


def now() -> int:
    """Seconds since the epoch; tests move it forward instead of sleeping."""
    return int(time.time())


def _signed_in(request: HttpRequest) -> bool:
    # Without a session cookie nobody is signed in: no session to load.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return SESSION_KEY in request.session


def _to(request: HttpRequest, route: str) -> HttpResponse:
    return redirect(f"{reverse(route)}?{urlencode({'next': request.get_full_path()})}")


class SessionTimeoutMiddleware:
    """Ends a session idle longer than ``KOTACERDAS_SESSION_IDLE_MINUTES`` or
    older than ``KOTACERDAS_SESSION_MAX_HOURS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request):
            current = now()
            started = request.session.setdefault(STARTED, current)
            seen = request.session.setdefault(SEEN, current)
            idle = current - seen > settings.KOTACERDAS_SESSION_IDLE_MINUTES * 60
            too_old = current - started > settings.KOTACERDAS_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                if request.path.startswith(API_PREFIX):
                    return self.get_response(request)
                messages.info(
                    request,
                    _("Sesi Anda berakhir karena terlalu lama tidak aktif. Silakan masuk lagi.")
                    if idle
                    else _("Sesi Anda sudah mencapai batas waktu. Silakan masuk lagi."),
                )
                return _to(request, "login")
            if current - seen >= SEEN_RESOLUTION:
                request.session[SEEN] = current
        return self.get_response(request)


class MFARequiredMiddleware:
    """A signed-in user who needs a second factor and has not given it this
    session reaches only the OTP step, enrolment, sign-out and the language
    switch. Then, with an expired password, only the password change.

    Paths under /api/ are answered 403 for such sessions; API requests
    authenticated by a token carry no session user and pass untouched."""

    MFA_OPEN = ("accounts:otp", "accounts:mfa", "logout", "set_language", "healthz")
    PASSWORD_OPEN = ("accounts:password_change", "logout", "set_language", "healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request):
            blocked = self._blocked(request)
            if blocked is not None:
                return blocked
        return self.get_response(request)

    def _blocked(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:  # the account is gone or inactive
            return None
        session = request.session
        stamp = roles_stamp(request.user)
        if (
            policy.MFA_NEEDED not in session
            or stamp is None
            or session.get(policy.ROLES_AT) != stamp
        ):
            # A session from before this gate existed, or the user's roles
            # changed since it was decided (a new admin must now give a
            # second factor): decide again.
            session_flags_set(request, request.user, stamp)
        api = request.path.startswith(API_PREFIX)
        if session[policy.MFA_NEEDED] and not is_verified(request.user):
            if api:
                return HttpResponseForbidden(_("Verifikasi dua langkah belum dilakukan."))
            view = self._view(request)
            if view in self.MFA_OPEN and view != "accounts:mfa":
                return None
            # Enrolment is open only to those without a device: it is no way
            # around the code.
            if user_has_device(request.user):
                return None if view == "accounts:otp" else _to(request, "accounts:otp")
            return None if view == "accounts:mfa" else _to(request, "accounts:mfa")
        if session.get(policy.PASSWORD_EXPIRED):
            if api:
                return HttpResponseForbidden(_("Kata sandi Anda sudah kedaluwarsa."))
            if self._view(request) not in self.PASSWORD_OPEN:
                return _to(request, "accounts:password_change")
        return None

    @staticmethod
    def _view(request: HttpRequest) -> str:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return ""


class NoStoreMiddleware:
    """Pages for signed-in users hold their data: no cache may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = _signed_in(request)
        response = self.get_response(request)
        session = request.session
        if signed_in or (session.accessed and SESSION_KEY in session):
            patch_cache_control(response, private=True, no_store=True)
        return response
