"""The second step of signing in, for browser tests: after the password form
was submitted, enter a code computed from the user's TOTP device (the OTP
step), or enrol a device for a user who must have one and has none."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

from kotacerdas.accounts.services import mfa_enrolment_start
from tests.logins import totp_code


def pass_second_factor(page: Page, username: str) -> None:
    login, otp, mfa = reverse("login"), reverse("accounts:otp"), reverse("accounts:mfa")
    page.wait_for_url(lambda url: urlsplit(url).path != login)
    path = urlsplit(page.url).path
    if path not in (otp, mfa):
        return
    user = get_user_model().objects.get(username=username)
    if path == mfa:
        device = mfa_enrolment_start(user=user)
    else:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
    form = page.locator("form", has=page.locator("input[name=token]"))
    form.locator("input[name=token]").fill(totp_code(device))
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    if path == mfa:  # the recovery codes, shown once
        with page.expect_navigation():
            page.locator("#recovery-codes ~ a").click()
    if urlsplit(page.url).path in (otp, mfa):
        raise AssertionError(f"The second factor of {username!r} was refused.")


def signed_in_page(
    browser: Browser,
    live_server: Any,
    username: str,
    password: str,
    *,
    width: int = 1280,
    height: int = 900,
) -> Page:
    """A new browser context at ``width``×``height`` (Indonesian), signed in
    as ``username`` through the login form and the second factor."""
    page = browser.new_context(
        locale="id-ID", viewport={"width": width, "height": height}
    ).new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].btn-primary")
    pass_second_factor(page, username)
    return page
