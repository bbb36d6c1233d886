"""The SIDT-KUMKM export in a real Chromium (issue 20): the officer asks for
it on the registry's export page, the worker makes the file, the officer
downloads it and finds the ministry's columns with Kemendagri codes."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm import tasks
from kotacerdas.umkm.models import ExportJob
from kotacerdas.umkm.national.sidt import HEADER
from tests.browser.a11y import assert_accessible
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_registry import NIK, make_business

PURPOSE = "pemutakhiran basis data tunggal KUMKM"


@pytest.fixture
def rina(transactional_db: None) -> Any:
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    make_business(region, nib="9120001234567")
    make_business(region, name="Kue Siti", owner_nik="", phone="", kbli_code="47111")
    return user


def test_an_officer_downloads_the_sidt_kumkm_export(
    page, live_server, live_url, login, rina, tmp_path: Path
) -> None:
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_url("umkm:business_export", "14.72"))
    page.select_option("#sidt-fmt", "csv")
    page.fill("#sidt-purpose", PURPOSE)
    page.get_by_role("button", name="Buat berkas SIDT-KUMKM").click()

    expect(page.get_by_test_id("export-state")).to_have_text("Dalam antrean")
    job = ExportJob.objects.get()
    tasks.export_run.call(job_id=job.pk)  # what `kotacerdas worker` does
    expect(page.get_by_test_id("export-state")).to_have_text("Siap diunduh")

    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.startswith("sidt-kumkm-14.72-") and saved.suffix == ".csv"
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == HEADER
    by_name = {row["nama_usaha"]: row for row in rows}
    assert by_name["Toko Berkah Jaya"]["nik_pemilik"] == NIK
    assert by_name["Toko Berkah Jaya"]["nib"] == "9120001234567"
    assert by_name["Toko Berkah Jaya"]["kode_kelurahan_desa"] == "14.72.01.1003"
    assert (by_name["Toko Berkah Jaya"]["ikm"], by_name["Kue Siti"]["ikm"]) == ("ya", "tidak")


def test_on_a_phone_the_sidt_form_and_its_job_page_fit_and_pass_axe(
    browser: Browser, live_server, live_url, login, rina
) -> None:
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, "rina", PASSWORD)
        page.goto(live_url("umkm:business_export", "14.72"))
        expect(page.locator("#sidt-purpose")).to_be_visible()
        assert_accessible(page, "registry export page (SIDT-KUMKM form) on a phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the export page scrolls sideways on a phone ({width}px)"

        page.select_option("#sidt-fmt", "xlsx")
        page.fill("#sidt-purpose", PURPOSE)
        page.get_by_role("button", name="Buat berkas SIDT-KUMKM").click()
        tasks.export_run.call(job_id=ExportJob.objects.get().pk)
        expect(page.get_by_test_id("export-state")).to_have_text("Siap diunduh")
        assert_accessible(page, "SIDT-KUMKM export job on a phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the export job page scrolls sideways on a phone ({width}px)"
    finally:
        context.close()
