"""The monitoring pages through the real URLs: report, evidence, verify,
freeze, compare."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.core.storage import private_files_dir
from kotacerdas.monitoring.models import Evidence, ProgressReport
from tests.monitoring_fixtures import PDF, period, report

pytestmark = pytest.mark.usefixtures("shared_world")


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_an_editor_reports_and_the_team_verifies(world, personas):
    p = period(world)
    url = reverse("monitoring:report_edit", args=[p.pk, world.plan_a.pk])
    response = personas["editor_a"].post(
        url,
        {
            "status": "berjalan",
            "physical_progress": "35.5",
            "budget_ceiling": "100000000",
            "budget_realisation": "25000000",
            "output_achieved": "Aplikasi tahap 1",
            "narrative": "Pengembangan berjalan",
        },
    )
    r = ProgressReport.objects.get(period=p, action_plan=world.plan_a)
    assert response["Location"] == reverse("monitoring:report_detail", args=[r.pk])
    personas["editor_a"].post(reverse("monitoring:report_submit", args=[r.pk]))
    r.refresh_from_db()
    assert r.state == "submitted"

    board = _text(personas["admin"].get(reverse("monitoring:period_detail", args=[p.pk])))
    assert "Menunggu verifikasi" in board
    personas["admin"].post(reverse("monitoring:report_verify", args=[r.pk]))
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "berjalan"
    dashboard = _text(
        personas["admin"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    )
    assert "1 dari 2 rencana aksi terimplementasi" in dashboard


def test_a_report_with_impossible_numbers_shows_why_and_saves_nothing(world, personas):
    p = period(world)
    url = reverse("monitoring:report_edit", args=[p.pk, world.plan_a.pk])
    response = personas["editor_a"].post(
        url,
        {
            "status": "berjalan",
            "physical_progress": "150",
            "budget_ceiling": "10",
            "budget_realisation": "20",
            "output_achieved": "",
            "narrative": "",
        },
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Data belum disimpan" in text and "100" in text
    assert not ProgressReport.objects.exists()


def test_a_hostile_upload_is_refused_with_a_message_and_leaves_nothing(world, personas):
    r = report(world)
    before = sorted(p.name for p in private_files_dir().rglob("*") if p.is_file())
    evil = SimpleUploadedFile(
        "laporan.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf"
    )
    response = personas["editor_a"].post(
        reverse("monitoring:evidence_upload", args=[r.pk]), {"file": evil}, follow=True
    )
    assert "laporan.pdf" in _messages(response)
    assert not Evidence.objects.exists()
    after = sorted(p.name for p in private_files_dir().rglob("*") if p.is_file())
    assert after == before


def test_evidence_downloads_only_through_the_checked_view(world, personas):
    r = report(world)
    personas["editor_a"].post(
        reverse("monitoring:evidence_upload", args=[r.pk]),
        {"file": SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf")},
    )
    evidence = Evidence.objects.get()
    url = reverse("monitoring:evidence_download", args=[evidence.pk])
    response = personas["assessor"].get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert personas["editor_b"].get(url).status_code == 404
    assert personas["anonymous"].get(url).status_code == 302


def test_closing_shows_the_frozen_figures_and_a_comparison(world, personas):
    q2 = period(world, state="closed", number=2)
    r = report(world, state="verified")
    personas["admin"].post(
        reverse("monitoring:period_close", args=[r.period.pk]), {CONFIRM_FIELD: "1"}
    )
    snapshot = _text(
        personas["assessor"].get(reverse("monitoring:snapshot_detail", args=[r.period.pk]))
    )
    assert "50,00%" in snapshot
    url = reverse("monitoring:compare", args=[world.region.code])
    text = _text(personas["assessor"].get(url, {"a": q2.pk, "b": r.period.pk}))
    assert "+50,00" in text
    assert world.plan_a.code in text and "Belum dimulai" in text and "Berjalan" in text


def test_editors_report_instead_of_setting_status_once_monitoring_runs(world, personas):
    period(world)
    url = reverse("masterplan:action_plan_status", args=[world.plan_a.pk])
    assert personas["editor_a"].post(url, {"status": "selesai"}).status_code == 403
    # The team too: no quick control; a correction has its own page and a reason.
    assert personas["admin"].post(url, {"status": "berjalan"}).status_code == 403
    correct = reverse("masterplan:action_plan_correct", args=[world.plan_a.pk])
    response = personas["admin"].post(correct, {"status": "berjalan", "reason": "Berita acara."})
    assert response.status_code == 302
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "berjalan"


def test_the_dashboard_shows_lateness_and_the_verified_share(world, personas, settings):
    import datetime as dt

    from django.utils import timezone

    p = period(world)
    p.due_on = timezone.localdate() - dt.timedelta(days=3)
    p.opens_on = p.due_on - dt.timedelta(days=10)
    p.save(update_fields=["due_on", "opens_on"])
    report(world, state="submitted")
    text = _text(personas["admin"].get(reverse("masterplan:dashboard", args=[world.region.code])))
    assert "terlambat 3 hari" in text
    assert "Capaian rencana aksi 0,00% 50,00%" in text  # verified vs with submitted reports
    assert "Implementasi program 0,00% 100,00%" in text
    assert "1 laporan menunggu verifikasi" in text
    assert "Dispar" in text  # agency B has not reported


def test_an_oversized_upload_is_refused_with_a_message(world, personas, settings):
    settings.KOTACERDAS_UPLOAD_MAX_MB = 1
    r = report(world)
    big = PDF.replace(b"%%EOF", b"%" + b"x" * (1024 * 1024 + 10) + b"\n%%EOF")
    response = personas["editor_a"].post(
        reverse("monitoring:evidence_upload", args=[r.pk]),
        {"file": SimpleUploadedFile("besar.pdf", big, content_type="application/pdf")},
        follow=True,
    )
    text = _messages(response)
    assert "besar.pdf" in text and "MB" in text
    assert not Evidence.objects.exists()


def test_the_dashboard_links_every_closed_period(world, personas):
    q2 = period(world, state="closed", number=2)
    html = (
        personas["assessor"]
        .get(reverse("masterplan:dashboard", args=[world.region.code]))
        .content.decode()
    )
    assert reverse("monitoring:snapshot_detail", args=[q2.pk]) in html


def test_the_dashboard_query_count_stays_flat_with_an_open_period(
    world, personas, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kotacerdas.core.caching import bump_live
    from tests.factories import make_action_plan

    period(world)
    report(world, state="submitted")
    url = reverse("masterplan:dashboard", args=[world.region.code])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert personas["admin"].get(url).status_code == 200
        return len(ctx.captured_queries)

    # The session is read once into the cache (cached_db); then the body is
    # built in full each time (the live version bumped, as by a commit).
    personas["admin"].get(url)
    bump_live()
    small = count()
    # Committed, as in production: the cached body is rendered again (a full
    # render counted both times).
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(15):
            make_action_plan(world.programme, status="berjalan")
    assert count() == small
