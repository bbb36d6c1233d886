"""A survey import in a real Chromium: the registry officer uploads a small
CSV, checks the column mapping, and watches the progress panel (polled by
htmx) turn into the summary when the worker has run the task."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm import tasks
from kotacerdas.umkm.models import Business, ImportJob
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_import import SURVEY_CSV


@pytest.fixture
def rina(transactional_db: None) -> Any:
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    return user


def test_an_officer_imports_a_survey_and_sees_the_summary(page, live_server, login, rina, tmp_path):
    survey = tmp_path / "survei-dumai.csv"
    survey.write_bytes(SURVEY_CSV)
    login(page, live_server, "rina", PASSWORD)
    page.goto(live_server.url + reverse("umkm:import_list", args=["14.72"]))
    page.get_by_role("link", name="Unggah berkas survei").click()
    page.set_input_files("input[type=file]", str(survey))
    page.get_by_role("button", name="Unggah dan periksa kolom").click()

    expect(page.locator("h1")).to_have_text("Kolom mana mengisi data apa?")
    expect(page.get_by_test_id("header-row")).to_have_text("baris 3")
    expect(page.get_by_label("Nama Usaha")).to_have_value("name")
    expect(page.get_by_label("Kelurahan")).to_have_value("kelurahan")
    page.get_by_label("No HP").select_option("")  # the officer leaves the phone out
    page.get_by_role("button", name="Simpan pemetaan dan mulai impor").click()

    expect(page.get_by_test_id("import-state")).to_have_text("Dalam antrean")
    job = ImportJob.objects.get()
    # What `kotacerdas worker` does; the open page polls and shows the result.
    tasks.import_run.call(job_id=job.pk)
    expect(page.get_by_test_id("import-state")).to_have_text("Selesai")
    expect(page.get_by_test_id("count-rows")).to_have_text("2")
    expect(page.get_by_test_id("count-imported")).to_have_text("2")
    expect(page.get_by_test_id("count-rejected")).to_have_text("0")
    expect(page.get_by_test_id("report-link")).to_be_visible()
    assert set(Business.objects.values_list("phone", flat=True)) == {""}
