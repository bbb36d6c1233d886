"""Personal data (UU 27/2022): reveal, export, the per-person report, the
record of processing, anonymisation at the end of retention, and logs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kotacerdas.core.audit import history_for
from kotacerdas.core.logging import RedactPersonalData, UTCFormatter, redact
from kotacerdas.umkm.models import Business, ExportJob, PersonalDataAccess, RegistrySettings
from kotacerdas.umkm.pdp.services import businesses_anonymise
from kotacerdas.umkm.registry import services
from tests.permissions.rows_umkm_registry import ADDRESS, NIK, PHONE_STORED, make_business
from tests.umkm.pdp.exporting import body, export_download

PURPOSE = "verifikasi lapangan atas permintaan pemilik"


@pytest.fixture
def business(world) -> Business:
    return make_business(world)


# --- Reveal --------------------------------------------------------------------------------------


def test_reveal_shows_the_data_once_and_records_who_why(personas, officer, business) -> None:
    response = personas["officer"].post(
        reverse("umkm:business_reveal", args=[business.pk]), {"purpose": PURPOSE}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert NIK in body and PHONE_STORED in body and ADDRESS in body
    assert "no-store" in response["Cache-Control"]
    record = PersonalDataAccess.objects.get()
    assert record.action == PersonalDataAccess.Action.REVEAL
    assert record.actor == officer and record.actor_label == "rina"
    assert record.purpose == PURPOSE
    assert record.business_ids == [business.pk] and record.record_count == 1
    assert set(record.fields) == {
        "owner_name",
        "owner_nik",
        "phone",
        "address",
        "capital",
        "annual_sales",
    }


def test_a_nik_or_phone_typed_in_the_purpose_is_masked_on_the_record(personas, business) -> None:
    """Issue 14: a NIK typed as the purpose appeared in full on the record."""
    typed = f"cek pemilik NIK {NIK[:4]} {NIK[4:8]} {NIK[8:12]} {NIK[12:]}, HP 0813-3769-8718"
    response = personas["officer"].post(
        reverse("umkm:business_reveal", args=[business.pk]), {"purpose": typed}
    )
    assert response.status_code == 200
    record = PersonalDataAccess.objects.get()
    assert record.purpose == "cek pemilik NIK [NIK disamarkan], HP [telepon disamarkan]"
    log = personas["officer"].get(reverse("umkm:access_log", args=[business.region.code]))
    assert NIK[:4] + " " + NIK[4:8] not in log.content.decode()
    assert "[NIK disamarkan]" in log.content.decode()


def test_reveal_needs_a_purpose(personas, business) -> None:
    response = personas["officer"].post(
        reverse("umkm:business_reveal", args=[business.pk]), {"purpose": "  "}
    )
    assert response.status_code == 400
    assert NIK not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_admins_may_not_reveal(personas, business) -> None:
    response = personas["admin"].post(
        reverse("umkm:business_reveal", args=[business.pk]), {"purpose": PURPOSE}
    )
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


# --- Export --------------------------------------------------------------------------------------


def _export(client, world, **data):  # type: ignore[no-untyped-def]
    """Ask for an export as the list's form does, let the worker make it, and
    download it: the response of the download (or of the refused request)."""
    return export_download(client, world, data)


def test_an_officer_exports_personal_data_and_it_is_recorded(personas, world, business) -> None:
    other = make_business(
        world, name="Bengkel Laut", owner_nik="", phone="", kelurahan_code="14.72.05.1002"
    )
    response = _export(
        personas["officer"], world, fmt="csv", personal="on", purpose=PURPOSE, kecamatan="14.72.01"
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Toko Berkah Jaya"]  # the kecamatan filter applies
    assert rows[0]["owner_nik"] == NIK and rows[0]["phone"] == PHONE_STORED
    made, downloaded = PersonalDataAccess.objects.order_by("id")
    for record in (made, downloaded):
        assert record.action == PersonalDataAccess.Action.EXPORT
        assert record.business_ids == [business.pk] and record.record_count == 1
        assert other.pk not in record.business_ids
    assert PURPOSE in made.purpose and PURPOSE in downloaded.purpose


def test_the_personal_export_as_xlsx_keeps_the_nik_as_text(personas, world, business) -> None:
    response = _export(personas["officer"], world, fmt="xlsx", personal="on", purpose=PURPOSE)
    sheet = load_workbook(io.BytesIO(body(response))).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["owner_nik"] == NIK  # a string, not a float that loses digits
    assert values["capital"] == 50_000_000


def test_a_personal_export_needs_a_purpose(personas, world, business) -> None:
    response = _export(personas["officer"], world, fmt="csv", personal="on", purpose="")
    assert response.status_code == 302
    assert not PersonalDataAccess.objects.exists()
    assert not ExportJob.objects.exists()


def test_admins_may_not_export_personal_data(personas, world, business) -> None:
    response = _export(personas["admin"], world, fmt="csv", personal="on", purpose=PURPOSE)
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_the_export_without_personal_data_is_open_to_admins(personas, world, business) -> None:
    services.business_update(actor=None, business=business, data={"npwp": NIK})
    response = _export(personas["admin"], world, fmt="csv")
    text = body(response).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Toko Berkah Jaya" in text
    assert NIK not in text and PHONE_STORED not in text and ADDRESS not in text
    assert NIK[:6] + "*" * 10 in text  # an individual's NPWP is their NIK: masked
    assert "owner_name" not in text
    assert not PersonalDataAccess.objects.exists()


def test_the_csv_export_never_writes_a_formula(personas, world) -> None:
    make_business(world, name="=HYPERLINK(1)", owner_nik="", phone="")
    text = body(_export(personas["admin"], world, fmt="csv")).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


# --- Per-person report ---------------------------------------------------------------------------


def _report(client, world, **data):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("umkm:subject_report", args=[world.region.code]),
        {"nik": NIK, "purpose": "permintaan pemilik data tanggal 1", **data},
    )


def test_the_subject_report_lists_data_accesses_and_history(personas, world, business) -> None:
    second = make_business(world, name="Kue Siti", phone="")
    stranger = make_business(world, name="Toko Lain", owner_nik="1472010507900124", phone="")
    personas["officer"].post(
        reverse("umkm:business_reveal", args=[business.pk]), {"purpose": PURPOSE}
    )
    response = _report(personas["officer"], world, fmt="html")
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Toko Berkah Jaya" in body and "Kue Siti" in body and "Toko Lain" not in body
    assert NIK in body and ADDRESS in body
    assert PURPOSE in body  # the earlier reveal
    assert "dibuat" in body  # audit history
    record = PersonalDataAccess.objects.filter(action="subject_report").get()
    assert sorted(record.business_ids) == sorted([business.pk, second.pk])
    assert stranger.pk not in record.business_ids


def test_the_subject_report_downloads_as_csv_and_xlsx(personas, world, business) -> None:
    response = _report(personas["officer"], world, fmt="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["bagian", "usaha", "waktu_utc", "pelaku", "tindakan", "rincian"]
    assert ["data", str(business.pk), "", "", "owner_nik", NIK] in rows
    assert any(r[0] == "akses" and r[3] == "rina" for r in rows)
    response = _report(personas["officer"], world, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(row[5] == NIK for row in sheet.iter_rows(values_only=True))
    assert PersonalDataAccess.objects.filter(action="subject_report").count() == 2


def test_the_subject_report_refuses_an_invalid_nik(personas, world, business) -> None:
    response = _report(personas["officer"], world, nik="1472010507900000")
    assert response.status_code == 400
    assert "0000" in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


# --- Record of processing -------------------------------------------------------------------------


def test_the_access_log_shows_who_did_what_why(personas, world, business) -> None:
    personas["officer"].post(
        reverse("umkm:business_reveal", args=[business.pk]), {"purpose": PURPOSE}
    )
    url = reverse("umkm:access_log", args=[world.region.code])
    body = personas["admin"].get(url).content.decode()
    assert "rina" in body and PURPOSE in body and "membuka data pribadi" in body
    assert "NIK pemilik" in body  # the fields by their labels
    assert NIK not in body
    assert PURPOSE not in personas["admin"].get(url, {"action": "export"}).content.decode()


def test_the_access_log_is_append_only(business, officer) -> None:
    from kotacerdas.core.models import AppendOnlyError
    from kotacerdas.umkm.pdp.services import business_reveal

    business_reveal(actor=officer, business=business, purpose=PURPOSE)
    with pytest.raises(AppendOnlyError):
        PersonalDataAccess.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        PersonalDataAccess.objects.update(purpose="x")


# --- Anonymisation ----------------------------------------------------------------------


def _closed(world, years_ago: float, **data):  # type: ignore[no-untyped-def]
    business = make_business(world, **data)
    services.business_set_status(actor=None, business=business, status="closed")
    Business.objects.filter(pk=business.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=365.25 * years_ago)
    )
    business.refresh_from_db()
    return business


def test_it_anonymises_closed_businesses_past_retention(world) -> None:
    old = _closed(world, 6, latitude=Decimal("1.666"), longitude=Decimal("101.44"))
    recent = _closed(world, 1, name="Toko Baru Tutup")
    active = make_business(world, name="Toko Aktif")
    result = businesses_anonymise(actor=None, regions=[world.region])
    assert result.counts == {world.region.code: 1}
    old.refresh_from_db()
    assert old.owner_nik == "" and old.owner_name == "" and old.phone == ""
    assert old.address == "" and old.capital is None and old.annual_sales is None
    assert old.latitude is None and old.longitude is None
    assert old.anonymised_at is not None
    # Aggregates stay for the statistics.
    assert old.size_class == "mikro" and old.kelurahan_code == "14.72.01.1003"
    assert old.kbli_code == "10792" and old.workers == 3
    for untouched in (recent, active):
        untouched.refresh_from_db()
        assert untouched.owner_nik == NIK and untouched.anonymised_at is None
    record = PersonalDataAccess.objects.get()
    assert record.action == "anonymise" and record.business_ids == [old.pk]
    event = history_for(old).first()
    assert event.before["owner_nik"] == NIK[:6] + "*" * 10
    assert event.after["owner_nik"] == ""
    assert NIK not in str(event.before) + str(event.after)


def test_anonymisation_reaches_the_owners_rows_in_oss_nib_lists(world) -> None:
    """An unmatched OSS row keeping the erased owner's NIK and address could
    register them again: the region's rows with that NIK, or matched to the
    business, lose both; audited per list."""
    from kotacerdas.core.models import AuditEvent
    from kotacerdas.umkm.oss.models import OssImport, OssRow
    from tests.factories import RegionFactory

    other_nik = "1472016010850004"
    old = _closed(world, 6)
    job = OssImport.objects.create(region=world.region, filename="nib.xlsx", state="done")
    unmatched = OssRow.objects.create(
        job=job, row_number=1, name="Toko", owner_nik=NIK, address=ADDRESS, outcome="unmatched"
    )
    matched = OssRow.objects.create(
        job=job, row_number=2, name="Toko", address=ADDRESS, outcome="matched", business=old
    )
    someone_else = OssRow.objects.create(
        job=job,
        row_number=3,
        name="Lain",
        owner_nik=other_nik,
        address=ADDRESS,
        outcome="unmatched",
    )
    elsewhere = OssImport.objects.create(
        region=RegionFactory(code="14.01", name="Kabupaten Kampar"), filename="nib.xlsx"
    )
    other_region = OssRow.objects.create(
        job=elsewhere, row_number=1, owner_nik=NIK, address=ADDRESS, outcome="unmatched"
    )

    businesses_anonymise(actor=None, regions=[world.region])

    for row in (unmatched, matched):
        row.refresh_from_db()
        assert (row.owner_nik, row.address) == ("", "")
    for row, nik in ((someone_else, other_nik), (other_region, NIK)):
        row.refresh_from_db()
        assert (row.owner_nik, row.address) == (nik, ADDRESS)
    event = history_for(job).get(action=AuditEvent.Action.UPDATE)
    assert event.after["reason"] == "anonymisation"
    assert NIK not in str(event.before) + str(event.after)


def test_anonymisation_runs_twice_without_change(world) -> None:
    _closed(world, 6)
    businesses_anonymise(actor=None, regions=[world.region])
    second = businesses_anonymise(actor=None, regions=[world.region])
    assert second.total == 0
    assert PersonalDataAccess.objects.count() == 1


def test_anonymisation_follows_the_regions_retention(world) -> None:
    business = _closed(world, 2.5)
    assert businesses_anonymise(actor=None, regions=[world.region]).total == 0
    RegistrySettings.objects.create(region=world.region, retention_years=2)
    assert businesses_anonymise(actor=None, regions=[world.region]).total == 1
    business.refresh_from_db()
    assert business.owner_nik == ""


def test_the_command_dry_run_only_counts(world) -> None:
    business = _closed(world, 6)
    out = io.StringIO()
    call_command("umkm", "anonymise", "--region", world.region.code, "--dry-run", stdout=out)
    assert "14.72: 1" in out.getvalue()
    business.refresh_from_db()
    assert business.owner_nik == NIK
    assert not PersonalDataAccess.objects.exists()
    call_command("umkm", "anonymise", stdout=io.StringIO())
    business.refresh_from_db()
    assert business.owner_nik == ""


def test_the_command_refuses_an_unknown_region(world) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"99\.99"):
        call_command("umkm", "anonymise", "--region", "99.99", stdout=io.StringIO())


# --- Logs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"owner {NIK} registered",
        "call 0812-3456-7891 now",
        "call +62 812 3456 7891 now",
        f"stored {PHONE_STORED}",
        "wa 081234567891.",
    ],
)
def test_it_redacts_niks_and_phones_from_log_text(text: str) -> None:
    cleaned = redact(text)
    assert NIK not in cleaned
    assert "3456" not in cleaned


def test_it_leaves_other_numbers_alone() -> None:
    assert redact("imported 1500000 rows in 2024 (NIB 9120001234567)") == (
        "imported 1500000 rows in 2024 (NIB 9120001234567)"
    )


def test_the_filter_redacts_arguments_and_tracebacks() -> None:
    logger = logging.getLogger("kotacerdas.test.redact")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger.addHandler(handler)
    try:
        logger.warning("nik %s phone %s", NIK, "0812 3456 7891")
        try:
            raise ValueError(f"bad nik {NIK}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert NIK not in stream.getvalue() and "3456" not in stream.getvalue()
    assert "[NIK disamarkan]" in stream.getvalue()


def test_the_console_formatter_redacts_too() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "nik %s", (NIK,), None)
    assert NIK not in UTCFormatter("%(message)s").format(record)


def test_the_worker_anonymises_every_day_at_its_hour(world, settings) -> None:
    from kotacerdas.core.scheduler import daily_jobs
    from kotacerdas.umkm.tasks import anonymise_expired

    settings.KOTACERDAS_ANONYMISE_HOUR = 3
    job = next(j for j in daily_jobs() if j.name == "umkm.anonymise_expired")
    assert (job.task_path, job.hour) == ("kotacerdas.umkm.tasks.anonymise_expired", 3)
    old = _closed(world, 6)
    assert anonymise_expired.call(day="2026-11-28") == {world.region.code: 1}
    old.refresh_from_db()
    assert old.owner_nik == "" and old.anonymised_at is not None
