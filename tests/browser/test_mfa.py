"""Two-step sign-in in a real Chromium under the site's CSP: an agency editor
enrols an authenticator app (QR code, confirm, recovery codes), signs out,
and signs in again with a code from the app."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from tests.factories import PASSWORD, AgencyFactory, RegionFactory, make_user
from tests.logins import totp_code


@pytest.fixture
def editor(transactional_db):  # type: ignore[no-untyped-def]
    region = RegionFactory()
    agency = AgencyFactory(region=region, short_name="Diskominfo", name="Dinas Kominfo")
    user = make_user("bob")
    Membership.objects.create(user=user, region=region, role=Role.AGENCY_EDITOR, agency=agency)
    return user


def test_an_editor_enrols_and_signs_in_with_a_code(page, live_url, editor) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    page.goto(live_url("login"))
    page.locator("input[name=username]").fill("bob")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Aktifkan verifikasi dua langkah")).to_be_visible()
    qr = page.locator("img.mfa-qr")
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())

    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    page.locator("input[name=token]").fill(totp_code(device))
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    expect(page.locator("details.usermenu")).to_be_visible()

    page.locator("details.usermenu > summary").click()
    page.get_by_role("button", name="Keluar").click()
    page.locator("input[name=username]").fill("bob")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    page.locator("input[name=token]").fill(totp_code(device))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("details.usermenu")).to_be_visible()
    assert "/masuk/" not in page.url
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
