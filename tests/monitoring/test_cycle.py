"""The monitoring cycle: periods, reports, verification, frozen figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotacerdas.core.audit import history_for
from kotacerdas.masterplan import selectors as figures_module
from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.masterplan.services import action_plan_status_correct
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.selectors import (
    days_late,
    missing_reports,
    period_board,
    periods_compare,
    plan_timeline,
    verification_share,
)
from tests.factories import make_action_plan
from tests.monitoring_fixtures import link_evidence, pdf_upload, period, report

pytestmark = pytest.mark.usefixtures("shared_world")


def test_it_generates_the_quarters_of_a_year_once(world, admin_user):
    created = services.periods_generate(actor=admin_user, masterplan=world.masterplan, year=2024)
    assert [(p.number, p.starts_on, p.ends_on) for p in created] == [
        (1, dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        (2, dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        (3, dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (4, dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
    ]
    assert created[2].label == "Triwulan III 2024"
    assert services.periods_generate(actor=admin_user, masterplan=world.masterplan, year=2024) == []
    assert all(p.opens_on <= p.ends_on < p.due_on for p in created)


def test_it_generates_semesters_when_the_masterplan_reports_twice_a_year(world):
    world.masterplan.reporting_frequency = "semester"
    world.masterplan.save(update_fields=["reporting_frequency"])
    created = services.periods_generate(actor=None, masterplan=world.masterplan, year=2025)
    assert [(p.label, p.ends_on) for p in created] == [
        ("Semester I 2025", dt.date(2025, 6, 30)),
        ("Semester II 2025", dt.date(2025, 12, 31)),
    ]


def test_it_refuses_a_year_outside_the_masterplan(world):
    with pytest.raises(ValidationError, match="di luar periode masterplan"):
        services.periods_generate(actor=None, masterplan=world.masterplan, year=2040)


def test_only_one_period_is_open_at_a_time(world):
    period(world)
    q4 = ReportingPeriod.objects.get(masterplan=world.masterplan, year=2024, number=4)
    with pytest.raises(ValidationError, match="masih dibuka"):
        services.period_open(actor=None, period=q4)


def test_verification_is_what_changes_the_official_figures(world, admin_user, editor_a):
    before = masterplan_figures(masterplan=world.masterplan).overall.action_plans
    r = services.report_save(
        actor=editor_a,
        period=period(world),
        action_plan=world.plan_a,
        status="berjalan",
        physical_progress=Decimal("40"),
    )
    r = services.report_submit(actor=editor_a, report=r)
    assert masterplan_figures(masterplan=world.masterplan).overall.action_plans == before
    share = verification_share(period=r.period)
    assert share.pending == 1
    assert share.self_reported.overall.action_plans.numerator == before.numerator + 1

    services.report_verify(actor=admin_user, report=r)

    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "berjalan"
    after = masterplan_figures(masterplan=world.masterplan).overall.action_plans
    assert after.numerator == before.numerator + 1
    event = history_for(world.plan_a).get(action="update")
    assert event.actor == admin_user and event.after["status"] == "berjalan"


def test_a_returned_report_does_not_count(world, admin_user, editor_a):
    r = report(world, state="submitted")
    with pytest.raises(ValidationError, match="alasan"):
        services.report_return(actor=admin_user, report=r, reason="   ")
    r = services.report_return(actor=admin_user, report=r, reason="Foto belum ada.")
    assert r.state == "returned" and r.return_reason == "Foto belum ada."
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "belum_dimulai"
    assert verification_share(period=r.period).pending == 0
    # The agency corrects it and submits again.
    r = services.report_save(
        actor=editor_a, period=r.period, action_plan=world.plan_a, narrative="Foto ditambahkan"
    )
    assert services.report_submit(actor=editor_a, report=r).state == "submitted"


def test_done_needs_evidence(world, editor_a):
    r = report(world, status="selesai", physical_progress=100)
    with pytest.raises(ValidationError, match="bukti dukung"):
        services.report_submit(actor=editor_a, report=r)
    link_evidence(world)
    assert services.report_submit(actor=editor_a, report=r).state == "submitted"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"physical_progress": Decimal("120")}, "100"),
        ({"budget_ceiling": 1_000, "budget_realisation": 5_000}, "melebihi pagu"),
        ({"budget_ceiling": -1}, "0"),
    ],
)
def test_it_refuses_impossible_numbers_and_saves_nothing(world, data, message):
    with pytest.raises(ValidationError, match=message):
        services.report_save(
            actor=None, period=period(world), action_plan=world.plan_a, status="berjalan", **data
        )
    assert not ProgressReport.objects.exists()


def test_a_submitted_report_is_not_edited(world):
    r = report(world, state="submitted")
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.report_save(actor=None, period=r.period, action_plan=world.plan_a, narrative="x")


def test_closing_freezes_the_figures_against_later_edits_and_rule_changes(world, monkeypatch):
    r = report(world, state="verified")
    snapshot = services.period_close(actor=None, period=r.period)
    frozen = dict(snapshot.figures)

    action_plan_status_correct(
        actor=None, action_plan=world.plan_b, status="selesai", reason="Koreksi setelah tutup."
    )
    monkeypatch.setattr(figures_module, "IN_IMPLEMENTATION", frozenset({"selesai"}))
    monkeypatch.setattr(figures_module, "RULE_VERSION", "2")

    snapshot.refresh_from_db()
    assert snapshot.figures == frozen
    assert snapshot.rule_version == "1"
    assert snapshot.figures["action_plans"] == {
        "total": 2,
        "in_implementation": 1,
        "percent": "50.00",
    }
    assert snapshot.plan_statuses == {
        world.plan_a.code: "berjalan",
        world.plan_b.code: "belum_dimulai",
    }
    with pytest.raises(ValidationError):
        services.report_save(actor=None, period=r.period, action_plan=world.plan_b, narrative="x")
    with pytest.raises(ValueError, match="never rewritten"):
        snapshot.save()


def test_two_closed_periods_compare(world):
    q2 = period(world, state="closed", number=2)
    r = report(world, state="verified")  # Q3: plan_a becomes berjalan
    services.period_close(actor=None, period=r.period)
    comparison = periods_compare(older=q2, newer=r.period)
    assert [(c.code, c.before, c.after) for c in comparison.changes] == [
        (world.plan_a.code, "belum_dimulai", "berjalan")
    ]
    overall = next(
        d for d in comparison.deltas if d.scope == "overall" and d.metric == "action_plans"
    )
    assert (overall.before, overall.after, overall.delta) == (
        Decimal("0.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )


def test_lateness_and_missing_reports(world):
    p = period(world)
    assert days_late(p, today=p.due_on) == 0
    assert days_late(p, today=p.due_on + dt.timedelta(days=5)) == 5
    report(world, state="submitted")
    missing = missing_reports(period=p)
    assert [(m.agency, [x.code for x in m.plans]) for m in missing] == [
        (world.agency_b, [world.plan_b.code])
    ]


def test_the_board_query_count_does_not_grow(world):
    p = period(world)
    plans = ActionPlan.objects.all()
    with CaptureQueriesContext(connection) as small:
        period_board(period=p, plans=plans)
    for _ in range(20):
        make_action_plan(world.programme)
    with CaptureQueriesContext(connection) as large:
        board = period_board(period=p, plans=plans)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert board.total == 22


def test_the_timeline_shows_every_step(world, admin_user, editor_a):
    r = services.report_save(
        actor=editor_a, period=period(world), action_plan=world.plan_a, status="berjalan"
    )
    services.evidence_add_link(actor=editor_a, report=r, url="https://example.org/foto")
    services.report_submit(actor=editor_a, report=r)
    services.report_verify(actor=admin_user, report=r)
    steps = [
        (e.content_type.model, e.action, e.actor_label)
        for e in plan_timeline(action_plan=world.plan_a)
    ]
    assert ("progressreport", "create", "bob") in steps
    assert ("evidence", "create", "bob") in steps
    assert ("actionplan", "update", "alice") in steps
    assert [s for s in steps if s[0] == "progressreport"].count(
        ("progressreport", "update", "alice")
    ) == 1


def test_evidence_is_stored_privately_under_a_random_name(world, settings):
    r = report(world)
    evidence = services.evidence_add_file(actor=None, report=r, upload=pdf_upload("laporan Q3.pdf"))
    assert evidence.original_name == "laporan Q3.pdf"
    assert "laporan" not in evidence.file_name and evidence.file_name.endswith(".pdf")
    assert evidence.kind == "document" and len(evidence.sha256) == 64


def test_a_disguised_executable_is_refused_and_nothing_is_kept(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = report(world)
    evil = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_add_file(actor=None, report=r, upload=evil)
    assert "foto.jpg" in " ".join(excinfo.value.messages)
    assert not r.evidence.exists()
