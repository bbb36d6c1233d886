"""Which action plans a reporting period asks about: the carry-over rule
(selectors.period_plans; docs/decisions.md, docs/user-guide.md)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan.models import ActionPlan, StatusCorrection
from kotacerdas.masterplan.services import action_plan_status_correct
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.selectors import (
    close_consequences,
    missing_reports,
    period_board,
    period_plans,
)
from kotacerdas.monitoring.workbook.export import workbook_export
from tests.api.helpers import Api, token_for
from tests.conftest import World
from tests.factories import make_action_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def _periods(world: World, year: int) -> list[ReportingPeriod]:
    return services.periods_generate(actor=None, masterplan=world.masterplan, year=year)


def _open(period: ReportingPeriod) -> ReportingPeriod:
    for other in ReportingPeriod.objects.filter(masterplan=period.masterplan, state="open"):
        services.period_close(actor=None, period=other)
    return services.period_open(actor=None, period=period)


def _verify(period: ReportingPeriod, plan: ActionPlan, status: str) -> None:
    report = services.report_save(
        actor=None, period=period, action_plan=plan, status=status, physical_progress=100
    )
    if status == "selesai":
        services.evidence_add_link(
            actor=None, report=report, url="https://dumaikota.go.id/berita/1", caption="Berita"
        )
    services.report_submit(actor=None, report=report)
    services.report_verify(actor=None, report=report)


def _codes(period: ReportingPeriod) -> set[str]:
    return set(
        period_plans(period=period, plans=ActionPlan.objects.all()).values_list("code", flat=True)
    )


@pytest.fixture
def plans(world: World) -> dict[str, ActionPlan]:
    """Plans typed in before monitoring began (status_source = direct)."""
    return {
        "old_done": make_action_plan(world.programme, year=2023, status="selesai"),
        "old_cancelled": make_action_plan(world.programme, year=2023, status="dibatalkan"),
        "old_running": make_action_plan(world.programme, year=2023, status="berjalan"),
        "old_postponed": make_action_plan(world.programme, year=2023, status="ditunda"),
        "this_year": make_action_plan(world.programme, year=2024, status="belum_dimulai"),
        "this_year_done": make_action_plan(world.programme, year=2024, status="selesai"),
        "next_year": make_action_plan(world.programme, year=2025, status="belum_dimulai"),
    }


def test_it_asks_about_the_years_plans_and_carries_over_unfinished_earlier_ones(world, plans):
    q1 = _periods(world, 2024)[0]
    codes = _codes(q1)
    assert plans["this_year"].code in codes
    assert plans["old_running"].code in codes
    assert plans["old_postponed"].code in codes
    assert world.plan_a.code in codes


def test_it_never_asks_about_earlier_plans_finished_before_monitoring(world, plans):
    codes = _codes(_periods(world, 2024)[0])
    assert plans["old_done"].code not in codes
    assert plans["old_cancelled"].code not in codes
    assert plans["this_year_done"].code not in codes


def test_it_never_asks_about_a_plan_of_a_later_year(world, plans):
    periods_2024 = _periods(world, 2024)
    assert all(plans["next_year"].code not in _codes(p) for p in periods_2024)
    assert plans["next_year"].code in _codes(_periods(world, 2025)[0])


def test_a_plan_completed_in_a_period_stays_there_and_leaves_the_next_ones(world, plans):
    q1, q2, q3, _q4 = _periods(world, 2024)
    q1 = _open(q1)
    _verify(q1, plans["this_year"], "selesai")
    services.period_close(actor=None, period=q1)
    assert plans["this_year"].code in _codes(q1)
    assert plans["this_year"].code not in _codes(q2)
    assert plans["this_year"].code not in _codes(q3)
    assert plans["this_year"].code not in _codes(_periods(world, 2025)[0])


def test_a_plan_cancelled_in_an_earlier_year_is_not_carried_over(world, plans):
    q4 = _open(_periods(world, 2024)[3])
    _verify(q4, plans["old_running"], "dibatalkan")
    services.period_close(actor=None, period=q4)
    assert plans["old_running"].code in _codes(q4)
    assert plans["old_running"].code not in _codes(_periods(world, 2025)[0])


def test_a_multi_year_plan_still_running_is_carried_over_year_after_year(world, plans):
    q4 = _open(_periods(world, 2024)[3])
    _verify(q4, plans["this_year"], "berjalan")
    services.period_close(actor=None, period=q4)
    first_2025 = _periods(world, 2025)[0]
    assert plans["this_year"].code in _codes(first_2025)
    first_2025 = _open(first_2025)
    _verify(first_2025, plans["this_year"], "selesai")
    services.period_close(actor=None, period=first_2025)
    assert plans["this_year"].code in _codes(first_2025)
    second_2025 = ReportingPeriod.objects.get(masterplan=world.masterplan, year=2025, number=2)
    assert plans["this_year"].code not in _codes(second_2025)


def test_a_correction_before_the_period_opened_counts_one_during_it_does_not(world, plans):
    _q1, q2, *_ = _periods(world, 2024)
    action_plan_status_correct(
        actor=None, action_plan=plans["this_year"], status="dibatalkan", reason="Dihapus DPA."
    )
    correction = StatusCorrection.objects.get(action_plan=plans["this_year"])
    # Corrected today: long after Q2 opened for reporting.
    assert plans["this_year"].code in _codes(q2)
    before_q2 = dt.datetime.combine(q2.opens_on, dt.time(9), tzinfo=timezone.get_current_timezone())
    StatusCorrection.objects.filter(pk=correction.pk).update(
        corrected_at=before_q2 - dt.timedelta(days=2)
    )
    assert plans["this_year"].code not in _codes(q2)


def test_a_plan_with_a_report_in_the_period_is_always_listed(world, plans):
    q1 = _open(_periods(world, 2024)[0])
    # A draft written while the period still asked about the plan (before a
    # backdated correction, or before this rule): it never vanishes.
    ProgressReport.objects.create(
        period=q1, action_plan=plans["old_done"], status="selesai", physical_progress=1
    )
    assert plans["old_done"].code in _codes(q1)
    draft = services.report_save(
        actor=None, period=q1, action_plan=plans["old_done"], physical_progress=5
    )
    assert draft.physical_progress == 5


@pytest.mark.parametrize("name", ["old_done", "old_cancelled", "this_year_done", "next_year"])
def test_it_refuses_a_report_on_a_plan_the_period_does_not_ask_about(world, plans, name):
    q1 = _open(_periods(world, 2024)[0])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.report_save(
            actor=None, period=q1, action_plan=plans[name], status="berjalan", physical_progress=10
        )
    expected = "belum dilaporkan" if name == "next_year" else "sudah selesai atau dibatalkan"
    assert expected in " ".join(refused.value.messages)
    assert not ProgressReport.objects.filter(action_plan=plans[name]).exists()
    assert AuditEvent.objects.count() == events


def test_the_refusal_reads_in_english(world, plans):
    q1 = _open(_periods(world, 2024)[0])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.report_save(actor=None, period=q1, action_plan=plans["old_done"], status="selesai")
    assert "already finished or cancelled" in " ".join(refused.value.messages)


def test_it_still_takes_reports_on_the_periods_plans(world, plans):
    q1 = _open(_periods(world, 2024)[0])
    for name in ("this_year", "old_running", "old_postponed"):
        saved = services.report_save(
            actor=None, period=q1, action_plan=plans[name], status="berjalan", physical_progress=10
        )
        assert saved.state == "draft"


def test_the_report_page_refuses_a_plan_off_the_board_and_says_why(world, plans, personas):
    q1 = _open(_periods(world, 2024)[0])
    url = reverse("monitoring:report_edit", args=[q1.pk, plans["old_done"].pk])
    for method in ("get", "post"):
        response = getattr(personas["admin"], method)(
            url, {"status": "berjalan", "physical_progress": "10"}, follow=True
        )
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("monitoring:period_detail", args=[q1.pk])
        assert "sudah selesai atau dibatalkan" in response.content.decode()
    assert not ProgressReport.objects.filter(action_plan=plans["old_done"]).exists()
    open_url = reverse("monitoring:report_edit", args=[q1.pk, plans["this_year"].pk])
    assert personas["admin"].get(open_url).status_code == 200


def test_the_api_refuses_a_plan_off_the_board(world, plans, admin_user):
    q1 = _open(_periods(world, 2024)[0])
    plan = plans["next_year"]
    response = Api(token_for(admin_user)).post(
        f"/periods/{q1.pk}/action-plans/{plan.pk}/report",
        {"status": "berjalan", "physical_progress": 10},
    )
    assert response.status_code == 409, response.content
    assert "belum dilaporkan" in response.content.decode()
    assert not ProgressReport.objects.filter(action_plan=plan).exists()


def test_the_board_the_reminders_and_the_close_count_share_the_rule(world, plans):
    q1 = _open(_periods(world, 2024)[0])
    board = {row.plan.code for row in period_board(period=q1, plans=ActionPlan.objects.all()).rows}
    assert board == _codes(q1)
    missing = {p.code for m in missing_reports(period=q1) for p in m.plans}
    assert plans["old_done"].code not in missing
    assert plans["next_year"].code not in missing
    assert plans["old_running"].code in missing
    assert close_consequences(period=q1).plans == len(board)


def test_the_agencys_workbook_has_the_boards_rows(world, plans):
    q1 = _open(_periods(world, 2024)[0])
    content = workbook_export(period=q1, agency=world.programme.lead_agency)
    sheet = openpyxl.load_workbook(BytesIO(content)).worksheets[0]
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    expected = set(
        period_plans(
            period=q1, plans=ActionPlan.objects.filter(agency=world.programme.lead_agency)
        ).values_list("code", flat=True)
    )
    assert codes == expected
    assert plans["old_done"].code not in codes
    assert plans["next_year"].code not in codes
