"""The offline registration form in a real Chromium: an enumerator opens the
form, loses the signal, fills two entries (one new, one whose NIB is
already registered), gets the signal back and syncs; the new business is
saved once, the other is shown as a possible duplicate with what to do, and
nothing of a saved entry stays on the phone. On a phone viewport a refused
entry is fixed from the queue and saved."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.models import Business, FieldSubmission
from kotacerdas.umkm.registry import services as registry
from tests.browser.a11y import assert_accessible
from tests.factories import PASSWORD, RegionFactory, make_user

NIB = "9120001234567"
NIK = "1472016010850004"


@pytest.fixture
def enumerator(transactional_db):  # type: ignore[no-untyped-def]
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    registry.business_create(
        actor=None,
        region=region,
        data={"name": "Toko Berkah", "nib": NIB, "kelurahan_code": "14.72.01.1003"},
    )
    return region


def queued_on_device(page: Page) -> Any:
    """How many entries the page's IndexedDB queue holds."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const app = document.getElementById("field-app");
            const open = indexedDB.open(app.dataset.store, 1);
            open.onsuccess = () => {
              const request = open.result.transaction("entries").objectStore("entries").count();
              request.onsuccess = () => { open.result.close(); resolve(request.result); };
            };
            open.onerror = () => reject(open.error);
        })"""
    )


def fill(page: Page, name: str, *, nik: str = NIK, nib: str = "") -> None:
    page.fill("input[name=name]", name)
    page.fill("input[name=owner_name]", "Amat Sulaiman")
    page.fill("input[name=owner_nik]", nik)
    page.fill("input[name=nib]", nib)
    page.select_option("select[name=kelurahan_code]", "14.72.01.1003")
    page.fill("input[name=workers]", "3 orang")
    page.get_by_role("button", name="Simpan ke antrean").click()


def open_form(page: Page, live_url: Any) -> None:
    page.goto(live_url("umkm:field_form", "14.72"))
    # The worker controls the page once it has kept the form and its assets.
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) {
              await new Promise((done) =>
                navigator.serviceWorker.addEventListener("controllerchange", done, { once: true })
              );
            }
        }"""
    )


def test_entries_made_offline_are_synced_once_with_their_conflicts(
    page, live_server, live_url, login, enumerator
) -> None:
    login(page, live_server, "rina", PASSWORD)
    open_form(page, live_url)

    page.context.set_offline(True)
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker  # there is no network
    expect(page.get_by_test_id("field-network")).to_contain_text("Luring")
    fill(page, "Warung Sate Pak Amat")
    expect(page.get_by_test_id("field-count")).to_have_text("1 menunggu dikirim")
    fill(page, "Toko Berkah Cabang", nik="1472015507900123", nib=NIB)
    expect(page.get_by_test_id("field-count")).to_have_text("2 menunggu dikirim")
    assert queued_on_device(page) == 2
    assert Business.objects.count() == 1

    page.context.set_offline(False)
    page.get_by_role("button", name="Kirim sekarang").click()

    entries = page.get_by_test_id("field-entry")
    saved = entries.filter(has_text="Warung Sate Pak Amat")
    conflict = entries.filter(has_text="Toko Berkah Cabang")
    expect(saved).to_have_attribute("data-state", "saved")
    expect(conflict).to_have_attribute("data-state", "conflict")
    expect(conflict).to_contain_text("NIB 9120001234567 sudah terdaftar untuk Toko Berkah")
    expect(conflict.get_by_role("link", name="Toko Berkah")).to_be_visible()
    expect(page.get_by_test_id("field-count")).to_have_text(
        "Tidak ada isian yang menunggu dikirim."
    )
    created = Business.objects.get(name="Warung Sate Pak Amat")
    assert (created.owner_nik, created.workers) == (NIK, 3)
    assert Business.objects.filter(nib=NIB).count() == 1
    assert FieldSubmission.objects.get().business == created
    assert queued_on_device(page) == 1  # the saved entry left the phone

    page.get_by_role("button", name="Kirim sekarang").click()  # nothing is sent twice
    assert Business.objects.count() == 2
    page.once("dialog", lambda dialog: dialog.accept())
    conflict.get_by_role("button", name="Buang dari perangkat").click()
    expect(conflict).to_have_count(0)
    assert queued_on_device(page) == 0


def test_on_a_phone_a_refused_entry_is_fixed_from_the_queue(
    browser: Browser, live_server, live_url, login, enumerator
) -> None:
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, "rina", PASSWORD)
        open_form(page, live_url)
        fill(page, "Kedai Kopi Dumai", nik="147201601085000")

        refused = page.get_by_test_id("field-entry").filter(has_text="Kedai Kopi Dumai")
        expect(refused).to_have_attribute("data-state", "refused")
        expect(refused).to_contain_text("NIK pemilik")
        expect(refused).to_contain_text("16 digit")
        assert not Business.objects.filter(name="Kedai Kopi Dumai").exists()
        assert_accessible(page, "field form on a phone, with a refused entry")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

        refused.get_by_role("button", name="Perbaiki").click()
        expect(page.locator("input[name=owner_nik]")).to_have_value("147201601085000")
        expect(page.locator("input[name=owner_nik]")).to_have_attribute("aria-invalid", "true")
        page.fill("input[name=owner_nik]", NIK)
        page.get_by_role("button", name="Simpan ke antrean").click()

        saved = page.get_by_test_id("field-entry").filter(has_text="Kedai Kopi Dumai")
        expect(saved).to_have_attribute("data-state", "saved")
        assert Business.objects.get(name="Kedai Kopi Dumai").owner_nik == NIK
        assert queued_on_device(page) == 0
    finally:
        context.close()


def queued_in(page: Page, store: str) -> Any:
    """How many entries the queue ``store`` holds (from any page of the site)."""
    return page.evaluate(
        """(store) => new Promise((resolve, reject) => {
            const open = indexedDB.open(store, 1);
            open.onupgradeneeded = () =>
              open.result.createObjectStore("entries", { keyPath: "key" });
            open.onsuccess = () => {
              const request = open.result.transaction("entries").objectStore("entries").count();
              request.onsuccess = () => { open.result.close(); resolve(request.result); };
            };
            open.onerror = () => reject(open.error);
        })""",
        store,
    )


def test_a_kept_page_opens_nothing_for_another_user_and_sign_out_keeps_the_queue(
    page, live_server, live_url, login, enumerator
) -> None:
    from kotacerdas.core.pages import DEVICE_USER_COOKIE

    login(page, live_server, "rina", PASSWORD)
    open_form(page, live_url)
    store = page.get_by_test_id("field-count").evaluate(
        "() => document.getElementById('field-app').dataset.store"
    )
    page.context.set_offline(True)
    fill(page, "Warung Sate Pak Amat")
    expect(page.get_by_test_id("field-count")).to_have_text("1 menunggu dikirim")

    # Someone else is signed in on this phone now (their key in the cookie),
    # and there is no signal: the kept page is rina's and opens nothing.
    page.context.add_cookies(
        [{"name": DEVICE_USER_COOKIE, "value": "orang-lain", "url": live_server.url}]
    )
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.get_by_test_id("field-notice")).to_contain_text("tersimpan untuk pengguna lain")
    expect(page.locator("#field-form")).to_be_hidden()
    expect(page.get_by_test_id("field-entry")).to_have_count(0)

    # Signing out clears kept pages, not the entries still to send.
    # (From another page: the form would send the entry as soon as it opens.)
    page.context.set_offline(False)
    page.goto(live_url("home"))
    with (
        page.expect_navigation(),
        page.expect_response(lambda r: "/keluar/" in r.url) as signed_out,
    ):
        # The sign-out button of the account menu, as the browser posts it.
        page.evaluate("() => document.querySelector('form[action$=\"/keluar/\"]').submit()")
    page.wait_for_load_state()
    assert signed_out.value.header_value("clear-site-data") == '"cache"'
    assert DEVICE_USER_COOKIE not in {c["name"] for c in page.context.cookies()}
    assert queued_in(page, store) == 1
    assert not Business.objects.filter(name="Warung Sate Pak Amat").exists()


def backdate(page: Page, name: str, days: int) -> None:
    """Make the queued entry ``name`` ``days`` older, as if made that long ago."""
    page.evaluate(
        """([name, days]) => new Promise((resolve, reject) => {
            const app = document.getElementById("field-app");
            const open = indexedDB.open(app.dataset.store, 1);
            open.onsuccess = () => {
              const tx = open.result.transaction("entries", "readwrite");
              const store = tx.objectStore("entries");
              store.getAll().onsuccess = (event) => {
                const entry = event.target.result.find((e) => e.name === name);
                entry.created -= days * 86400000;
                store.put(entry);
              };
              tx.oncomplete = () => { open.result.close(); resolve(null); };
              tx.onerror = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
        })""",
        [name, days],
    )


def test_on_a_phone_an_entry_unsent_for_days_is_flagged_and_can_be_discarded(
    browser: Browser, live_server, live_url, login, enumerator, settings
) -> None:
    """Unsent entries hold personal data and a resent key is recognised only
    for a limited time: past KOTACERDAS_FIELD_STALE_DAYS the queue says so
    and offers to discard; nothing is dropped by itself."""
    settings.KOTACERDAS_FIELD_STALE_DAYS = 7
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, "rina", PASSWORD)
        open_form(page, live_url)
        context.set_offline(True)
        page.reload()
        fill(page, "Warung Lama")
        fill(page, "Warung Baru")
        expect(page.get_by_test_id("field-stale")).to_be_hidden()
        backdate(page, "Warung Lama", 8)  # made 8 days ago: only that one is flagged
        page.reload()

        stale = page.get_by_test_id("field-stale")
        expect(stale).to_be_visible()
        expect(stale).to_contain_text("1 isian sudah lebih dari 7 hari")
        old = page.get_by_test_id("field-entry").filter(has_text="Warung Lama")
        new = page.get_by_test_id("field-entry").filter(has_text="Warung Baru")
        expect(old).to_have_attribute("data-stale", "yes")
        expect(old).to_contain_text("lebih dari 7 hari belum terkirim")
        expect(new).not_to_have_attribute("data-stale", "yes")
        assert_accessible(page, "field form on a phone, with an entry unsent for days")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        assert queued_on_device(page) == 2  # nothing dropped by itself

        page.once("dialog", lambda dialog: dialog.accept())
        old.get_by_role("button", name="Buang dari perangkat").click()
        expect(old).to_have_count(0)
        expect(stale).to_be_hidden()
        assert queued_on_device(page) == 1
        assert not Business.objects.filter(name__startswith="Warung").exists()
    finally:
        context.close()
