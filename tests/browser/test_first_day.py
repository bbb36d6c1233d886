"""The first day of each persona (issue 21), walked in Chromium on the demo
that ``make run`` serves: the real console script, a fresh SQLite data
directory, ``kotacerdas demo`` and ``kotacerdas serve`` (web + worker).

Each persona signs in through the login form and enrols its authenticator the
way a person does (reading the key the enrolment page shows), then walks its
first day at a desk (1366×900) in Indonesian; the same person then turns to a
phone (390×844), switches to English with the language buttons and walks
again. Every step is a click on a link or button the previous page shows (a
page without a way on is a dead end and fails), answers without an error,
passes axe-core's WCAG 2.1 A/AA rules (tests/browser/a11y.py) and leaves a
screenshot in ``var/test-artifacts/first-day/<persona>/<combo>/``.

The other two combinations — the phone in Indonesian, the desk in English —
visit the same pages again, switched with the same language buttons, each
checked the same way (error, way on, heading, axe, screenshot) without
clicking the journey through a third and fourth time: the click-through
already proved the links at both widths and in both languages, and a walk
that wrote something would not write it twice.

Marker ``walk``: the walks start their own server on SQLite whatever
DATABASE_URL says, so CI runs them once in their own step
(``pytest -m walk``), not in each database's ``make test``."""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from kotacerdas.demo.loader import DEMO_PASSWORD
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import ARTIFACTS_DIR

pytestmark = pytest.mark.walk

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
REGION = "14.72"
WALKS_DIR = ARTIFACTS_DIR / "first-day"
# A reporting period, and the one in progress, in the period list.
A_PERIOD = "main a[href^='/periode/']:not([href*='/buka/']):not([href*='/tutup/'])"
OPEN_PERIOD = "main tr:has(.period-open) a[href^='/periode/']"


# --- The make run demo, once for the module ---------------------------------------------


@dataclass
class Demo:
    url: str
    data_dir: Path


def _kotacerdas_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "KOTACERDAS_ENV", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env["KOTACERDAS_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    script = Path(sys.executable).with_name("kotacerdas")
    data_dir = tmp_path_factory.mktemp("first-day")
    env = _kotacerdas_env(data_dir)
    for args in (("migrate", "--no-input", "--verbosity", "0"), ("demo", "--quiet")):
        done = subprocess.run(  # noqa: S603 - the project's own script, fixed arguments
            [str(script), *args], env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - the project's own script, fixed arguments
        [str(script), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz/", timeout=5):  # noqa: S310
                    break
            except OSError:
                assert server.poll() is None, "kotacerdas serve stopped before it was ready"
                assert time.monotonic() < deadline, "kotacerdas serve did not answer in 120 s"
                time.sleep(0.3)
        yield Demo(url=url, data_dir=data_dir)
    finally:
        server.terminate()
        server.wait(timeout=60)


# --- A person in a browser -----------------------------------------------------------------


@dataclass
class Person:
    """One persona's browser, with the authenticator it enrolled."""

    name: str
    page: Page
    base: str
    secret: bytes | None = None
    last_step: int = -1
    shots: int = 0
    # (label, path) of each page a walk reached, in order, for the revisits.
    visited: list[tuple[str, str]] = field(default_factory=list)

    # The authenticator app: RFC 6238 codes from the key the enrolment page showed.
    def code(self) -> str:
        assert self.secret is not None
        now = int(time.time() // 30)
        step = max(now, self.last_step + 1)
        self.last_step = step
        return str(totp(self.secret, t0=0, step=30, digits=6, drift=step - now)).zfill(6)

    @property
    def tag(self) -> str:
        width = self.page.viewport_size["width"] if self.page.viewport_size else 0
        lang = self.page.locator("html").get_attribute("lang") or "?"
        return f"{'phone' if width < 600 else 'desk'}-{lang}"

    def check(self, label: str) -> None:
        """The page now shown: no error, a way on, no accessibility violation,
        a screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        title = page.title()
        assert "Server Error" not in title and "Traceback" not in page.content(), (
            f"{self.name}: {label} shows an error page ({page.url})"
        )
        way_on = page.locator("main a[href], header a[href], nav a[href], main button, form button")
        assert way_on.count() > 0, f"{self.name}: {label} is a dead end ({page.url})"
        assert page.locator("h1").count() >= 1, f"{self.name}: {label} has no heading"
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        folder = WALKS_DIR / self.name / self.tag
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"{self.shots:02d}-{slug}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert_accessible(page, f"{self.name} / {self.tag} / {label} ({page.url})")

    def follow(self, label: str, selector: str) -> None:
        """Click the first visible element matching ``selector`` on the current
        page (it must be there: that is the way on), then check the new page."""
        page = self.page
        target = page.locator(selector).locator("visible=true").first
        if not target.count() and page.locator("details.usermenu").count():
            page.locator("details.usermenu > summary").click()  # links in the user menu
            target = page.locator(selector).locator("visible=true").first
        assert target.count(), (
            f"{self.name}: no way from {urlsplit(page.url).path} to {label} ({selector})"
        )
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        width = page.viewport_size["width"] if page.viewport_size else 0
        assert box is not None and box["x"] >= 0 and box["x"] + min(box["width"], 40) <= width, (
            f"{self.name}: {label} is off-screen at {width} px ({selector})"
        )
        with page.expect_navigation():
            target.click()
        self.check(label)
        url = urlsplit(page.url)
        self.visited.append((label, url.path + (f"?{url.query}" if url.query else "")))

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto(self.base + "/")
        self.check("beranda publik")
        self.follow("masuk", "a[href='/masuk/']")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit].btn-primary").click()
        if page.locator("#mfa-secret").count():  # the first sign-in: enrol an authenticator
            self.check("daftarkan autentikator")
            key = page.locator("#mfa-secret").inner_text().replace(" ", "").strip()
            self.secret = base64.b32decode(key + "=" * (-len(key) % 8), casefold=True)
            page.fill("input[name=token]", self.code())
            with page.expect_navigation():
                page.locator("form", has=page.locator("input[name=token]")).locator(
                    "[type=submit]"
                ).click()
            self.check("kode pemulihan")
            with page.expect_navigation():
                page.locator("#recovery-codes ~ a").click()
        elif page.locator("input[name=token]").count():
            page.fill("input[name=token]", self.code())
            with page.expect_navigation():
                page.locator("form", has=page.locator("input[name=token]")).locator(
                    "[type=submit]"
                ).click()
        assert urlsplit(page.url).path not in ("/masuk/",), f"{username} could not sign in"
        self.check("halaman pertama")

    def turn(self, viewport: dict[str, int], language: str) -> None:
        """To another screen, and to ``language`` with the language buttons
        (in the user menu when the page has one), as a person would."""
        page = self.page
        page.set_viewport_size(viewport)
        page.goto(self.base + "/")
        if page.locator("details.usermenu").count():
            page.locator("details.usermenu > summary").click()
        button = page.locator(f"button[name=language][value={language}]").locator("visible=true")
        with page.expect_navigation():
            button.first.click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        self.check("home" if language == "en" else "beranda")

    def revisit(self, pages: list[tuple[str, str]], language: str) -> None:
        """Open each page a walk reached, in ``language``, and check it as the
        walk did."""
        for label, path in pages:
            self.page.goto(self.base + path)
            expect(self.page.locator("html")).to_have_attribute("lang", language)
            self.check(label)


@pytest.fixture
def person(browser: Browser, demo: Demo) -> Iterator[Callable[[str], Person]]:
    contexts = []

    def open_as(name: str) -> Person:
        context = browser.new_context(locale="id-ID", viewport=DESK)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return Person(name=name, page=context.new_page(), base=demo.url)

    yield open_as
    for context in contexts:
        context.close()


def walk_everywhere(person: Person, walk: Callable[[Person], None]) -> None:
    """The walk clicked through at the desk in Indonesian and on the phone in
    English; its pages revisited on the phone in Indonesian and at the desk
    in English. Screenshots per combination: desk-id, phone-en, phone-id,
    desk-en. The sign-in's pages are not revisited (signed in, /masuk/ is
    not the form a person met)."""
    person.visited.clear()
    walk(person)
    pages = list(person.visited)
    person.turn(PHONE, "en")
    walk(person)
    person.turn(PHONE, "id")
    person.revisit(pages, "id")
    person.turn(DESK, "en")
    person.revisit(pages, "en")


# --- The personas ----------------------------------------------------------------------------


def test_a_citizen_finds_the_city_figures_and_registers_a_business(person):
    citizen = person("warga")

    def walk(p: Person) -> None:
        p.follow("portal kota", f"a[href='/publik/{REGION}/']")
        p.follow("pilar", f"a[href^='/publik/{REGION}/pilar/']")
        p.follow("program", f"a[href^='/publik/{REGION}/program/']")
        p.follow("penjelasan angka", f"a[href^='/publik/{REGION}/angka/']")
        p.follow("data terbuka", f"a[href='/publik/{REGION}/data/']")
        p.follow("statistik UMKM", f"a[href='/statistik-umkm/{REGION}/']")
        p.follow("daftarkan usaha", f"a[href='/daftar-umkm/{REGION}/']")
        p.follow("kembali ke beranda", "a.brand")

    citizen.page.goto(citizen.base + "/")
    citizen.check("beranda publik")
    walk_everywhere(citizen, walk)


def test_the_smart_city_team_reviews_the_city(person):
    admin = person("admin")
    admin.sign_in("admin")

    def walk(p: Person) -> None:
        p.follow("masterplan", f"nav a[href='/wilayah/{REGION}/program/']")
        p.follow("program", "main a[href^='/program/']")
        p.follow("rencana aksi", f"nav a[href='/wilayah/{REGION}/rencana-aksi/']")
        p.follow("satu rencana aksi", "main a[href^='/rencana-aksi/']")
        p.follow("monitoring", f"nav a[href='/wilayah/{REGION}/periode/']")
        p.follow("periode", A_PERIOD)
        p.follow("evaluasi", f"nav a[href='/wilayah/{REGION}/evaluasi/']")
        p.follow("ubah kata sandi", "a[href='/akun/kata-sandi/']")
        p.follow("verifikasi dua langkah", "a[href='/akun/mfa/']")
        p.follow("beranda", "a.brand")

    walk_everywhere(admin, walk)


def test_an_agency_editor_reports_progress(person):
    editor = person("editor-opd")
    editor.sign_in("opd.diskopukm")

    def walk(p: Person) -> None:
        p.follow("monitoring", f"nav a[href='/wilayah/{REGION}/periode/']")
        p.follow("periode berjalan", OPEN_PERIOD)
        p.follow("laporkan", "main a[href*='/laporan/']")
        p.follow("rencana aksi", f"nav a[href='/wilayah/{REGION}/rencana-aksi/']")
        p.follow("satu rencana aksi", "main a[href^='/rencana-aksi/']")
        p.follow("beranda", "a.brand")

    walk_everywhere(editor, walk)


def test_an_agency_head_follows_the_agency(person):
    head = person("kepala-opd")
    head.sign_in("kepala.diskopukm")

    def walk(p: Person) -> None:
        p.follow("monitoring", f"nav a[href='/wilayah/{REGION}/periode/']")
        p.follow("periode", A_PERIOD)
        p.follow("rencana aksi", f"nav a[href='/wilayah/{REGION}/rencana-aksi/']")
        p.follow("satu rencana aksi", "main a[href^='/rencana-aksi/']")
        p.follow("beranda", "a.brand")

    walk_everywhere(head, walk)


def test_a_registry_officer_works_the_registry(person):
    officer = person("petugas-umkm")
    officer.sign_in("umkm")

    def walk(p: Person) -> None:
        p.follow("registri", f"nav a[href='/wilayah/{REGION}/umkm/']")
        p.follow("satu usaha", "main a[href^='/umkm/']")
        p.follow("registri", f"nav a[href='/wilayah/{REGION}/umkm/']")
        p.follow("statistik", f"main a[href='/wilayah/{REGION}/umkm/statistik/']")
        p.follow("peta", f"main a[href='/wilayah/{REGION}/umkm/peta/']")
        p.follow("registri", f"nav a[href='/wilayah/{REGION}/umkm/']")
        p.follow("impor", f"main a[href='/wilayah/{REGION}/umkm/impor/']")
        p.follow("registri", f"nav a[href='/wilayah/{REGION}/umkm/']")
        p.follow("duplikat", f"main a[href='/wilayah/{REGION}/umkm/duplikat/']")
        # The national systems (issue 20): the sentra and the year's target,
        # the matched OSS NIB list and its pairs to review.
        p.follow("IKM (SIINas)", f"main a[href='/wilayah/{REGION}/umkm/siinas/']")
        p.follow("daftar NIB OSS", f"main a[href='/wilayah/{REGION}/umkm/oss/']")
        p.follow("satu daftar NIB", "main a[href^='/umkm/oss/']")
        p.follow("tinjau pasangan", "main a[href$='/tinjau/']")
        p.follow("beranda", "a.brand")

    walk_everywhere(officer, walk)


def test_an_assessor_finds_the_assignment(person):
    assessor = person("asesor")
    assessor.sign_in("asesor")

    def walk(p: Person) -> None:
        p.follow("penugasan saya", "nav a[href='/evaluasi/penugasan-saya/']")
        p.follow("satu penugasan", "main a[href*='/evaluasi/']")
        p.follow("beranda", "a.brand")

    walk_everywhere(assessor, walk)


def test_the_ministry_operator_looks_after_the_instrument(person):
    operator = person("operator")
    operator.sign_in("operator")

    def walk(p: Person) -> None:
        # The demo holds Kota Dumai and Provinsi Riau: the operator, who sees
        # every region, starts from the region picker.
        p.follow("Kota Dumai", f"main a[href='/wilayah/{REGION}/']")
        p.follow("evaluasi", f"nav a[href='/wilayah/{REGION}/evaluasi/']")
        p.follow("instrumen", "main a[href='/evaluasi/instrumen/']")
        p.follow("satu instrumen", "main a[href^='/evaluasi/instrumen/'][href$='/']")
        p.follow("beranda", "a.brand")

    walk_everywhere(operator, walk)
