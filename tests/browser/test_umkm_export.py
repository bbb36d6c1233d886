"""A registry export in a real Chromium: the officer asks for an export with
personal data from the list, watches the export page (polled by htmx) turn
ready when the worker has made the file, downloads it, and finds both the
making and the download in the record of processing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm import tasks
from kotacerdas.umkm.models import ExportJob
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_registry import NIK, make_business

PURPOSE = "pendataan penerima bantuan modal 2026"


@pytest.fixture
def rina(transactional_db: None) -> Any:
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    make_business(region)
    make_business(region, name="Kue Siti", owner_nik="", phone="")
    return user


def test_an_officer_exports_in_the_background_and_downloads(
    page, live_server, live_url, login, rina, tmp_path: Path
) -> None:
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_url("umkm:business_list", "14.72"))
    page.get_by_text("Ekspor hasil saringan").click()
    page.select_option("#export-fmt", "csv")
    page.get_by_label("Sertakan data pribadi").check()
    page.fill("#export-purpose", PURPOSE)
    page.get_by_role("button", name="Buat berkas ekspor").click()

    expect(page.get_by_test_id("export-state")).to_have_text("Dalam antrean")
    job = ExportJob.objects.get()
    # What `kotacerdas worker` does; the open page polls and offers the file.
    tasks.export_run.call(job_id=job.pk)
    expect(page.get_by_test_id("export-state")).to_have_text("Siap diunduh")
    expect(page.get_by_test_id("progress-text")).to_contain_text("2 baris")

    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert NIK in text and "Kue Siti" in text
    assert saved.name.startswith("data-pribadi-14.72-") and saved.suffix == ".csv"

    page.goto(live_url("umkm:access_log", "14.72"))
    log = page.get_by_test_id("access-log")
    expect(log.get_by_text(PURPOSE, exact=True)).to_have_count(1)
    expect(log).to_contain_text(f"unduhan ekspor #{job.pk}")
    expect(log).not_to_contain_text(NIK)
