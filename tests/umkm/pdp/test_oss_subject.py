"""Rows of an OSS-RBA NIB list still waiting for a decision hold an owner's
NIK, the business name and address (issue 20, point 3): the data-subject
report shows them for that NIK, and anonymisation clears them whatever the
row's outcome (review, conflict, unmatched)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from kotacerdas.umkm.models import Business
from kotacerdas.umkm.oss.models import OssImport, OssRow
from kotacerdas.umkm.oss.services import oss_row_decide
from kotacerdas.umkm.pdp.services import businesses_anonymise, subject_report
from kotacerdas.umkm.registry import services
from tests.factories import RegionFactory
from tests.permissions.rows_umkm_registry import ADDRESS, NIK, make_business
from tests.umkm.oss.files import run, write_csv

OTHER_NIK = "1472016010850004"
PURPOSE = "permintaan pemilik data tanggal 7"


def _list(world, tmp_path: Path) -> OssImport:  # type: ignore[no-untyped-def]
    """A NIB list matched for real: the owner's NIK on a shop with another
    name (to review), a second NIB for a shop given one (a conflict), a
    licensed business unknown to the registry (unmatched), another person."""
    make_business(world, name="Kue Siti", address=ADDRESS)
    make_business(world, name="Bengkel Rahmat", owner_nik=OTHER_NIK, phone="")
    path = write_csv(
        tmp_path / "nib.csv",
        [
            ("9120000000001", "KUE SITI MANIS", NIK, "10710", "Jl. Kue 1", "Purnama", ""),
            ("9120000000002", "BENGKEL RAHMAT", OTHER_NIK, "45201", "Jl. Ombak 3", "", ""),
            ("9120000000003", "BENGKEL RAHMAT", OTHER_NIK, "45201", "Jl. Ombak 3", "", ""),
            ("9120000000004", "Sablon Baru", NIK, "18111", "Jl. Sablon 4", "Purnama", ""),
        ],
    )
    return run(world.region, path)


def test_waiting_rows_with_the_nik_are_in_the_subject_report(world, officer, tmp_path) -> None:
    job = _list(world, tmp_path)
    rows = {r.nib: r for r in OssRow.objects.filter(job=job)}
    assert (rows["9120000000001"].outcome, rows["9120000000004"].outcome) == (
        "review",
        "unmatched",
    )
    assert rows["9120000000003"].outcome == "conflict"

    report = subject_report(actor=officer, region=world.region, nik=NIK, purpose=PURPOSE)

    assert [r.nib for r in report.oss_rows] == ["9120000000001", "9120000000004"]
    _columns, table = report.rows()
    part = f"daftar_nib_oss_{job.pk}"
    assert [part, "", "", "", "owner_nik", NIK] in table
    assert [part, "", "", "", "address", "Jl. Sablon 4"] in table
    assert [part, rows["9120000000001"].business_id, "", "", "name", "KUE SITI MANIS"] in table
    # Another person's rows are not in it.
    assert not any(cell == OTHER_NIK for line in table for cell in line)


def test_a_decided_row_no_longer_holds_the_nik_and_leaves_the_report(
    world, officer, tmp_path
) -> None:
    job = _list(world, tmp_path)
    oss_row_decide(
        actor=officer, row=OssRow.objects.get(job=job, nib="9120000000001"), accept=False
    )

    report = subject_report(actor=officer, region=world.region, nik=NIK, purpose=PURPOSE)

    assert [r.nib for r in report.oss_rows] == ["9120000000004"]


def test_the_report_page_and_csv_show_the_waiting_rows(personas, world, tmp_path) -> None:
    job = _list(world, tmp_path)
    url = reverse("umkm:subject_report", args=[world.region.code])

    page = personas["officer"].post(url, {"nik": NIK, "purpose": PURPOSE, "fmt": "html"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="subject-oss-rows"' in text
    assert "Jl. Sablon 4" in text and "Sablon Baru" in text and job.filename in text
    assert OTHER_NIK not in text

    download = personas["officer"].post(url, {"nik": NIK, "purpose": PURPOSE, "fmt": "csv"})
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [f"daftar_nib_oss_{job.pk}", "", "", "", "owner_nik", NIK] in lines


def test_a_report_for_a_nik_only_in_another_regions_list_shows_nothing(
    world, officer, tmp_path
) -> None:
    elsewhere = OssImport.objects.create(
        region=RegionFactory(code="14.01", name="Kabupaten Kampar"), filename="nib.xlsx"
    )
    OssRow.objects.create(
        job=elsewhere,
        row_number=1,
        name="Toko",
        owner_nik=NIK,
        address=ADDRESS,
        outcome="unmatched",
    )

    report = subject_report(actor=officer, region=world.region, nik=NIK, purpose=PURPOSE)

    assert report.oss_rows == []


def test_anonymisation_clears_waiting_rows_of_every_outcome(world, tmp_path) -> None:
    job = _list(world, tmp_path)
    owner = Business.objects.get(region=world.region, owner_nik=NIK)
    services.business_set_status(actor=None, business=owner, status="closed")
    Business.objects.filter(pk=owner.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=365.25 * 6)
    )
    # The conflict's owner is anonymised too (closed as long ago).
    rahmat = Business.objects.get(region=world.region, owner_nik=OTHER_NIK)
    services.business_set_status(actor=None, business=rahmat, status="closed")
    Business.objects.filter(pk=rahmat.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=365.25 * 6)
    )
    waiting = OssRow.objects.filter(
        job=job, decision="", outcome__in=["review", "conflict", "unmatched"]
    )
    outcomes = set(waiting.exclude(owner_nik="", address="").values_list("outcome", flat=True))
    assert outcomes == {"review", "conflict", "unmatched"}

    result = businesses_anonymise(actor=None, regions=[world.region])

    assert result.total == 2
    assert not OssRow.objects.filter(job=job).exclude(owner_nik="", address="").exists()
    # Still waiting for the officer: the decision can be made without them.
    assert waiting.count() == 3
    # The business name and NIB stay, as the anonymised business keeps its name.
    assert OssRow.objects.filter(job=job, name="Sablon Baru", nib="9120000000004").exists()
