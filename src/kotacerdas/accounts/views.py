"""Sign-in (password, then the second factor), MFA enrolment and recovery
codes, password change and reset, and the lockout page."""

from __future__ import annotations

import logging
from base64 import b32encode
from datetime import timedelta
from typing import Any

import django_otp
import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.core.forms import LoginForm
from kotacerdas.core.pages import DEVICE_USER_COOKIE
from kotacerdas.core.ratelimit import Limit, client_address, limits_hit

from . import policy, services
from .forms import EnrolForm, OTPForm

logger = logging.getLogger("kotacerdas.accounts")

# Password-reset mails: per client address and per e-mail address asked for
# (core.ratelimit). Enough for a person who mistypes; not a mail flood.
RESET_PER_CLIENT = Limit("password_reset_client", count=10, seconds=60 * 60)
RESET_PER_ACCOUNT = Limit("password_reset_account", count=3, seconds=60 * 60)


class LogoutView(auth_views.LogoutView):
    """Sign-out that also tells the browser to drop the pages it keeps
    (the offline form's cached page names the user). "cache" and not
    "storage": entries queued offline and not yet sent must survive."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        response.delete_cookie(DEVICE_USER_COOKIE, samesite="Lax")
        return response


def _next(request: HttpRequest) -> str:
    """A safe local address to continue to after a step (default: home)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _step(route: str, target: str) -> HttpResponseRedirect:
    return redirect(f"{reverse(route)}?{urlencode({'next': target})}")


def _after_second_factor(request: HttpRequest, target: str) -> HttpResponseRedirect:
    if request.session.get(policy.PASSWORD_EXPIRED):
        return _step("accounts:password_change", target)
    return redirect(target)


class LoginView(auth_views.LoginView):
    """Step one: the password. Then the second factor, enrolment or a new
    password, as the session needs."""

    template_name = "registration/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        target = self.get_success_url()
        if self.request.session.get(policy.MFA_NEEDED):
            has_device = django_otp.user_has_device(self.request.user)
            return _step("accounts:otp" if has_device else "accounts:mfa", target)
        if self.request.session.get(policy.PASSWORD_EXPIRED):
            return _step("accounts:password_change", target)
        return response


def _verified(request: HttpRequest, device: Any) -> None:
    """Mark the session verified by ``device`` under a new session key."""
    django_otp.login(request, device)
    old_key = request.session.session_key
    request.session.cycle_key()
    services.user_session_remove(session_key=old_key)
    services.user_session_add(user=request.user, session_key=request.session.session_key)


def otp(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app or a recovery code."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    target = _next(request)
    if is_verified(request.user):
        return redirect(target)
    if not django_otp.user_has_device(request.user):
        if request.session.get(policy.MFA_NEEDED):
            return _step("accounts:mfa", target)
        return redirect(target)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            _verified(request, device)
            if not isinstance(device, TOTPDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(
                    request,
                    ngettext(
                        "Anda masuk dengan kode pemulihan; sisa %(left)d kode. "
                        "Buat kode baru di halaman verifikasi dua langkah bila hampir habis.",
                        "Anda masuk dengan kode pemulihan; sisa %(left)d kode. "
                        "Buat kode baru di halaman verifikasi dua langkah bila hampir habis.",
                        left,
                    )
                    % {"left": left},
                )
            return _after_second_factor(request, target)
        form.add_error(
            "token",
            _(
                "Kode tidak cocok atau sudah dipakai. Periksa jam ponsel Anda dan coba "
                "kode yang baru; setelah beberapa kali salah, tunggu sebentar."
            ),
        )
    return render(request, "accounts/otp.html", {"form": form, "next": target})


def _enrolment_context(device: TOTPDevice) -> dict[str, Any]:
    secret = b32encode(device.bin_key).decode()
    return {
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@login_required
def mfa(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code, confirm with a code, recovery codes
    shown once), or see that it is active."""
    target = _next(request)
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed is not None:
        if request.method == "POST":
            return redirect("accounts:mfa")
        left = StaticToken.objects.filter(device__user=request.user).count()
        return render(
            request,
            "accounts/mfa_status.html",
            {
                "device": confirmed,
                "codes_left": left,
                "required": policy.mfa_required(request.user),
            },
        )
    device = services.mfa_enrolment_start(user=request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.mfa_enrolment_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            request.session[policy.MFA_NEEDED] = True
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target})
        form.add_error(
            "token",
            _(
                "Kode tidak cocok. Pastikan jam ponsel tepat, lalu masukkan kode "
                "yang sedang tampil."
            ),
        )
    context = {"form": form, "next": target, "required": policy.mfa_required(request.user)}
    return render(request, "accounts/mfa_enrol.html", context | _enrolment_context(device))


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if not has_device or not is_verified(request.user):
        return redirect("accounts:mfa")
    codes = services.mfa_recovery_codes_regenerate(actor=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse(settings.LOGIN_REDIRECT_URL)},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password; also where an expired password leads. Every other
    session of the user ends (the signal on the user's save); this one goes on
    under a new key."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return _next(self.request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = _next(self.request)
        context["expired"] = bool(self.request.session.get(policy.PASSWORD_EXPIRED))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[policy.PASSWORD_EXPIRED] = False
        services.user_session_add(
            user=self.request.user, session_key=self.request.session.session_key
        )
        messages.success(self.request, _("Kata sandi Anda sudah diganti."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_extra_email_context(self) -> dict[str, Any]:
        return {"base_url": settings.KOTACERDAS_BASE_URL}

    def form_valid(self, form: Any) -> HttpResponse:
        # Links are built on KOTACERDAS_BASE_URL, never on the request's Host header.
        self.extra_email_context = self.get_extra_email_context()
        email = str(form.cleaned_data["email"]).strip().lower()
        exceeded = limits_hit(
            [(RESET_PER_CLIENT, client_address(self.request)), (RESET_PER_ACCOUNT, email)]
        )
        if exceeded is not None:
            # The same answer whether or not the address has an account.
            logger.warning("Password-reset rate limit reached (%s)", exceeded.scope)
            return render(
                self.request,
                "accounts/rate_limited.html",
                {"minutes": exceeded.minutes()},
                status=429,
            )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once a username has failed too often from one address."""
    cool_off = get_cool_off(request) or timedelta(0)
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
