"""Matching an OSS-RBA NIB list to the registry, end to end through the
services with real .xlsx and .csv files: the three rules in order, the
fills (audited, never over a different NIB), the review decisions, the
registration of unmatched rows, and the counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.oss import services
from kotacerdas.umkm.oss.models import OssImport, OssRow
from tests.permissions.rows_umkm_duplicates import make_business
from tests.umkm.oss.files import run, write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("shared_world")

Outcome = OssRow.Outcome
Rule = OssRow.Rule

NIK_SITI = "1472014505900017"
NIK_BUDI = "1472010202850002"
NIK_ANI = "1472014101900001"
NIB_A = "1234567890123"
NIB_B = "2234567890123"
NIB_C = "3234567890123"
NIB_D = "4234567890123"
NIB_E = "5234567890123"
NIB_OLD = "9999999999999"


@pytest.fixture
def registry(world):  # type: ignore[no-untyped-def]
    """Four registered businesses of the region, by the way they will match."""
    return {
        # rule 1: same NIB, no KBLI yet
        "nib": make_business(world.region, name="Kopi Tiam Ahok", nib=NIB_A),
        # rule 2: same owner NIK and name, no NIB yet
        "nik": make_business(world.region, name="Warung Siti", owner_nik=NIK_SITI),
        # rule 2 again, but it already holds another NIB: a conflict
        "conflict": make_business(
            world.region, name="Bengkel Budi", owner_nik=NIK_BUDI, nib=NIB_OLD
        ),
        # rule 3: a similar name at the same address, to review
        "fuzzy": make_business(
            world.region,
            name="Toko Sinar Harapan",
            address="Jl. Sudirman No. 12 RT 02",
            kelurahan_code="14.72.01.1003",
        ),
    }


ENTRIES = [
    (NIB_A, "KOPI TIAM AHOK", "", "56303", "Jl. Ombak 3", "Pangkalan Sesai", "Dumai Barat"),
    (NIB_B, "WARUNG SITI", NIK_SITI, "47111", "Jl. Cempedak 1", "Purnama", "Dumai Barat"),
    (NIB_C, "UD BENGKEL BUDI", NIK_BUDI, "45201", "Jl. Nangka 8", "Purnama", "Dumai Barat"),
    (
        NIB_D,
        "SINAR HARAPAN JAYA",
        "",
        "47190",
        "Jalan Sudirman no 12",
        "Pangkalan Sesai",
        "Dumai Barat",
    ),
    (NIB_E, "Keripik Nenas Bu Ani", NIK_ANI, "10799", "Jl. Bukit 4", "Purnama", "Dumai Barat"),
    # the same NIB again, with its second KBLI: counted as repeated
    (NIB_A, "KOPI TIAM AHOK", "", "56101", "Jl. Ombak 3", "Pangkalan Sesai", "Dumai Barat"),
    # rejected: NIB of 12 digits, and no name
    ("123456789012", "Toko Salah", "", "", "", "", ""),
    ("6234567890123", "", "", "", "", "", ""),
]


@pytest.fixture(params=["xlsx", "csv"])
def oss_file(request, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    if request.param == "xlsx":
        return write_xlsx(tmp_path / "daftar-nib.xlsx", ENTRIES)
    return write_csv(tmp_path / "data_nib.csv", ENTRIES)


def _rows(job: OssImport) -> dict[int, OssRow]:
    return {row.row_number: row for row in OssRow.objects.filter(job=job)}


def _by_nib(job: OssImport, nib: str) -> OssRow:
    return OssRow.objects.filter(job=job, nib=nib).order_by("row_number").first()  # type: ignore[return-value]


def test_it_matches_by_the_rules_in_order_and_counts_every_row(world, registry, oss_file, officer):
    job = run(world.region, oss_file, officer)
    assert job.state == OssImport.State.DONE, job.error
    assert job.rows == len(ENTRIES)
    assert (job.matched_nib, job.matched_nik_name, job.matched_name_address) == (1, 1, 0)
    assert (job.to_review, job.conflicts, job.unmatched) == (1, 1, 1)
    assert (job.repeated, job.rejected) == (1, 2)
    total = (
        job.matched_nib
        + job.matched_nik_name
        + job.matched_name_address
        + job.to_review
        + job.conflicts
        + job.unmatched
        + job.repeated
        + job.rejected
    )
    assert total == job.rows
    assert _by_nib(job, NIB_A).business_id == registry["nib"].pk
    assert _by_nib(job, NIB_A).rule == Rule.NIB
    assert _by_nib(job, NIB_B).rule == Rule.NIK_NAME
    assert _by_nib(job, NIB_C).outcome == Outcome.CONFLICT
    review = _by_nib(job, NIB_D)
    assert (review.outcome, review.rule, review.business_id) == (
        Outcome.REVIEW,
        Rule.NAME_ADDRESS,
        registry["fuzzy"].pk,
    )
    assert _by_nib(job, NIB_E).outcome == Outcome.UNMATCHED


def test_certain_matches_fill_the_empty_nib_and_kbli_through_the_audited_service(
    world, registry, oss_file, officer
):
    run(world.region, oss_file, officer)
    by_nib = Business.objects.get(pk=registry["nib"].pk)
    assert (by_nib.nib, by_nib.kbli_code) == (NIB_A, "56303")  # first row's KBLI
    by_nik = Business.objects.get(pk=registry["nik"].pk)
    assert (by_nik.nib, by_nik.kbli_code) == (NIB_B, "47111")
    events = AuditEvent.objects.filter(
        object_id=str(by_nik.pk), action=AuditEvent.Action.UPDATE, actor=officer
    )
    assert any(e.after and e.after.get("nib") == NIB_B for e in events)


def test_a_different_nib_is_never_overwritten_silently(world, registry, oss_file, officer):
    job = run(world.region, oss_file, officer)
    assert Business.objects.get(pk=registry["conflict"].pk).nib == NIB_OLD
    # Review pairs change nothing until decided.
    assert Business.objects.get(pk=registry["fuzzy"].pk).nib == ""
    assert job.filled == 2


def test_rejected_rows_give_their_reasons_in_both_languages(world, registry, oss_file, officer):
    job = run(world.region, oss_file, officer)
    rejected = OssRow.objects.filter(job=job, outcome=Outcome.REJECTED).order_by("row_number")
    problems = [row.problems[0] for row in rejected]
    assert "NIB tidak sah: harus 13 digit angka" in problems[0]["message"]
    assert problems[0]["gloss"] == "NIB is not 13 digits"
    assert problems[1]["message"] == "Nama usaha kosong."
    assert problems[1]["gloss"] == "business name missing"


def test_personal_data_is_kept_only_while_a_decision_waits(world, registry, oss_file, officer):
    job = run(world.region, oss_file, officer)
    assert _by_nib(job, NIB_B).owner_nik == ""  # matched: not kept
    unmatched = _by_nib(job, NIB_E)
    assert unmatched.owner_nik == NIK_ANI
    assert unmatched.masked_nik == "147201**********"
    services.oss_row_register(actor=officer, row=unmatched, kelurahan_code="14.72.01.1006")
    unmatched.refresh_from_db()
    assert (unmatched.owner_nik, unmatched.address) == ("", "")


def test_accepting_a_pair_records_the_nib_and_rejecting_changes_nothing(
    world, registry, tmp_path, officer
):
    job = run(world.region, write_xlsx(tmp_path / "nib.xlsx", ENTRIES), officer)
    review = _by_nib(job, NIB_D)
    services.oss_row_decide(actor=officer, row=review, accept=True)
    business = Business.objects.get(pk=registry["fuzzy"].pk)
    assert (business.nib, business.kbli_code) == (NIB_D, "47190")
    review.refresh_from_db()
    assert review.decision == OssRow.Decision.ACCEPTED
    assert AuditEvent.objects.filter(object_id=str(review.pk), actor=officer).exists()
    conflict = _by_nib(job, NIB_C)
    services.oss_row_decide(actor=officer, row=conflict, accept=False)
    assert Business.objects.get(pk=registry["conflict"].pk).nib == NIB_OLD
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        services.oss_row_decide(actor=officer, row=conflict, accept=True)


def test_accepting_a_conflict_replaces_the_nib_only_by_that_decision(
    world, registry, tmp_path, officer
):
    job = run(world.region, write_csv(tmp_path / "nib.csv", ENTRIES), officer)
    services.oss_row_decide(actor=officer, row=_by_nib(job, NIB_C), accept=True)
    business = Business.objects.get(pk=registry["conflict"].pk)
    assert business.nib == NIB_C
    history = AuditEvent.objects.filter(object_id=str(business.pk), actor=officer).last()
    assert history is not None
    assert history.before is not None and history.before["nib"] == NIB_OLD


def test_accepting_a_pair_whose_business_has_another_nib_is_refused(
    world, registry, tmp_path, officer
):
    job = run(world.region, write_xlsx(tmp_path / "nib.xlsx", ENTRIES), officer)
    Business.objects.filter(pk=registry["fuzzy"].pk).update(nib="8888888888888")
    review = _by_nib(job, NIB_D)
    with pytest.raises(ValidationError, match="tidak ditimpa"):
        services.oss_row_decide(actor=officer, row=review, accept=True)
    assert Business.objects.get(pk=registry["fuzzy"].pk).nib == "8888888888888"
    review.refresh_from_db()
    assert review.decision == ""


def test_an_unmatched_row_is_registered_as_a_new_business(world, registry, tmp_path, officer):
    job = run(world.region, write_csv(tmp_path / "nib.csv", ENTRIES), officer)
    row = _by_nib(job, NIB_E)
    business = services.oss_row_register(
        actor=officer, row=row, kelurahan_code=row.kelurahan_code or "14.72.01.1006"
    )
    assert (business.name, business.nib, business.owner_nik) == (
        "Keripik Nenas Bu Ani",
        NIB_E,
        NIK_ANI,
    )
    assert business.kelurahan_code == "14.72.01.1006"  # "Purnama" read from the file
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        services.oss_row_register(actor=officer, row=row, kelurahan_code="14.72.01.1006")


def test_the_same_list_again_matches_every_row_by_nib(world, registry, tmp_path, officer):
    path = write_xlsx(tmp_path / "nib.xlsx", ENTRIES)
    first = run(world.region, path, officer)
    services.oss_row_decide(actor=officer, row=_by_nib(first, NIB_D), accept=True)
    services.oss_row_register(
        actor=officer, row=_by_nib(first, NIB_E), kelurahan_code="14.72.01.1006"
    )
    again = run(world.region, path, officer)
    # Only the conflict (left undecided) is still not matched by its NIB.
    assert again.matched_nib == 4
    assert again.conflicts == 1
    assert again.filled == 0


def test_a_file_without_the_nib_and_name_columns_fails_with_a_clear_message(
    world, tmp_path, officer
):
    path = tmp_path / "bukan-oss.csv"
    path.write_text("Nama Usaha;Alamat\nWarung;Jl. A\n", encoding="utf-8")
    job = run(world.region, path, officer)
    assert job.state == OssImport.State.FAILED
    assert "kolom NIB dan nama" in job.error
    assert job.stored_name == ""
    assert not OssRow.objects.filter(job=job).exists()


def test_rule_three_is_certain_only_for_the_same_name_at_the_same_address():
    from kotacerdas.umkm.duplicates.matching import Record
    from kotacerdas.umkm.oss.matching import Matcher
    from kotacerdas.umkm.oss.reading import OssEntry

    records = [
        Record(1, "14.72.01.1003", "SINAR HARAPAN", address="Jl. Sudirman No. 12"),
        Record(2, "14.72.01.1006", "SINAR HARAPAN", address="Jl. Sudirman No. 12"),
    ]
    entry = OssEntry(row=2, nib=NIB_A, name="Toko Sinar Harapan", address="JL SUDIRMAN 12")
    same_place = Matcher(records).match(entry, "14.72.01.1003")
    assert (same_place.outcome, same_place.rule, same_place.business_id) == (
        Outcome.MATCHED,
        Rule.NAME_ADDRESS,
        1,
    )
    # Without a kelurahan both are as likely: a review, never a guess.
    anywhere = Matcher(records).match(entry, "")
    assert anywhere.outcome == Outcome.REVIEW
    other_street = OssEntry(row=3, nib=NIB_B, name="Sinar Harapan", address="Jl. Ombak 3")
    assert Matcher(records).match(other_street, "14.72.01.1003").outcome == Outcome.REVIEW


def test_personal_data_of_rows_left_undecided_expires_with_the_import_retention(
    world, registry, tmp_path, officer, settings
):
    import datetime as dt

    from django.utils import timezone

    from kotacerdas.umkm import tasks

    settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS = 30
    job = run(world.region, write_csv(tmp_path / "nib.csv", ENTRIES), officer)
    assert services.oss_personal_data_expire() == 0  # within retention
    OssImport.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=31))
    counts = tasks.import_files_expire.call()
    assert counts["oss_rows_cleared"] == 3  # review, conflict, unmatched
    assert not OssRow.objects.filter(job=job).exclude(owner_nik="", address="").exists()
    # The pair can still be decided.
    services.oss_row_decide(actor=officer, row=_by_nib(job, NIB_D), accept=True)
    assert Business.objects.get(pk=registry["fuzzy"].pk).nib == NIB_D


class WorkerDied(BaseException):
    """The process ends midway: no ``except Exception`` sees it."""


def test_a_list_whose_matching_stopped_midway_is_failed_and_cleared_past_retention(
    world, registry, tmp_path, officer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from kotacerdas.core.storage import private_storage
    from tests.umkm.oss.files import upload

    settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS = 30
    real_write = services._write_chunk

    def write_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
        real_write(*args, **kwargs)
        raise WorkerDied

    def create(name: str) -> OssImport:
        file, checked = upload(write_csv(tmp_path / name, ENTRIES))
        return services.oss_job_create(
            actor=officer,
            region=world.region,
            upload=file,
            checked=checked,  # type: ignore[arg-type]
            inline=True,
        )

    died, queued, recent = create("mati.csv"), create("antre.csv"), create("baru.csv")
    monkeypatch.setattr(services, "_write_chunk", write_then_die)
    for job in (died, recent):
        with pytest.raises(WorkerDied):
            services.oss_job_run(job_id=job.pk, actor=officer)
    monkeypatch.setattr(services, "_write_chunk", real_write)
    month_ago = timezone.now() - dt.timedelta(days=31)
    OssImport.objects.filter(pk__in=[died.pk, queued.pk]).update(created_at=month_ago)
    stored = {job.pk: job.stored_name for job in (died, queued, recent)}
    holding = OssRow.objects.filter(job=died).exclude(owner_nik="", address="").count()
    assert holding > 0

    with django_capture_on_commit_callbacks(execute=True):
        cleared = services.oss_personal_data_expire()

    states = dict(OssImport.objects.values_list("pk", "state"))
    assert states[died.pk] == states[queued.pk] == OssImport.State.FAILED
    assert states[recent.pk] == OssImport.State.RUNNING  # within retention: left alone
    for job in (died, queued):
        assert not private_storage.exists(stored[job.pk])
        assert OssImport.objects.get(pk=job.pk).stored_name == ""
    assert private_storage.exists(stored[recent.pk])
    assert cleared == holding
    assert not OssRow.objects.filter(job=died).exclude(owner_nik="", address="").exists()
    assert OssRow.objects.filter(job=recent).exclude(owner_nik="", address="").exists()
