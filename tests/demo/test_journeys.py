"""The demo shows every part of the product working (issue 21): an open
reporting period with reports in each state (one returned with its reason),
the ministry's instrument active with a cycle in preparation, partly
answered, with its lead assessor assigned, a finished survey import with
rejected rows and its report, and duplicates to review. All of it is made
through the services, by the persona who would do it, and only once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.demo.journeys import DEMO_REPORTS, RETURN_REASON
from kotacerdas.demo.loader import demo_load
from kotacerdas.evaluation.assessment.selectors import assessor_candidates
from kotacerdas.evaluation.models import Assignment, EvaluationCycle, Instrument
from kotacerdas.masterplan.models import Masterplan
from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.selectors import import_skipped
from kotacerdas.umkm.models import Business, DuplicateCandidate
from tests.logins import login_verified

pytestmark = pytest.mark.django_db
CODE = "14.72"


def user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


def open_period() -> ReportingPeriod:
    return ReportingPeriod.objects.get(
        masterplan__region__code=CODE, state=ReportingPeriod.State.OPEN
    )


def test_it_opens_the_period_after_the_published_one(dumai):
    period = open_period()
    closed = (
        ReportingPeriod.objects.filter(
            masterplan__region__code=CODE, state=ReportingPeriod.State.CLOSED
        )
        .order_by("ends_on")
        .last()
    )
    assert closed is not None

    assert period.starts_on > closed.ends_on


def test_the_open_period_has_a_report_in_each_state(dumai):
    reports = ProgressReport.objects.filter(period=open_period())

    assert set(reports.values_list("state", flat=True)) == set(ProgressReport.State.values)
    assert reports.count() == len(DEMO_REPORTS)


def test_the_returned_report_says_why_and_its_editor_sees_it(dumai):
    returned = ProgressReport.objects.select_related("action_plan__agency").get(
        period=open_period(), state=ProgressReport.State.RETURNED
    )
    editor = Membership.objects.get(
        role=Role.AGENCY_EDITOR, agency=returned.action_plan.agency
    ).user

    assert returned.return_reason == RETURN_REASON
    page = login_verified(Client(), editor).get(
        reverse("monitoring:report_detail", args=[returned.pk])
    )
    assert page.status_code == 200
    assert RETURN_REASON in page.content.decode()


def test_the_reports_were_made_by_the_editors_and_checked_by_the_team(dumai):
    reports = ProgressReport.objects.filter(period=open_period())
    verified = reports.filter(state=ProgressReport.State.VERIFIED)

    assert verified.exists()
    assert {r.verified_by.get_username() for r in verified} == {"admin"}
    submitters = set(
        reports.exclude(state=ProgressReport.State.DRAFT).values_list(
            "submitted_by__username", flat=True
        )
    )
    assert submitters == {demo.reporter for demo in DEMO_REPORTS if demo.state != "draft"}


def test_verifying_the_demo_reports_keeps_the_public_reports_figures(dumai):
    masterplan = Masterplan.objects.get(region__code=CODE)
    overall = masterplan_figures(masterplan=masterplan).overall

    assert (overall.action_plans.numerator, overall.action_plans.denominator) == (63, 103)


def test_the_ministrys_instrument_is_active_with_its_five_dimensions_and_six_pillars(dumai):
    cycle = EvaluationCycle.objects.select_related("instrument").get(region__code=CODE)
    instrument = cycle.instrument

    assert instrument.state == Instrument.State.ACTIVE
    assert instrument.kind == Instrument.Kind.EVALUATION
    weights = {d.code: d.weight for d in instrument.dimensions.all()}
    assert list(weights) == ["baseline", "output", "outcome", "impact", "quick_win"]
    assert sum(weights.values()) == 100
    pillars = set(instrument.items.exclude(pillar="").values_list("pillar", flat=True))
    assert pillars == {"governance", "branding", "economy", "living", "society", "environment"}


def test_the_cycle_is_in_preparation_partly_answered_with_its_lead_assessor(dumai):
    cycle = EvaluationCycle.objects.get(region__code=CODE)
    answered = cycle.answers.exclude(text="").count()

    assert cycle.state == EvaluationCycle.State.PREPARING
    assert 0 < answered < cycle.instrument.items.count()
    assert cycle.answers.exclude(agency=None).exists()
    lead = Assignment.objects.select_related("assessor").get(cycle=cycle)
    assert lead.is_lead and lead.assessor.get_username() == "asesor"
    # The declaration is the assessor's own first step, left to try.
    assert lead.conflict_declared_at is None


def test_the_assessor_sees_the_assignment_and_the_picker_still_offers_someone(dumai):
    cycle = EvaluationCycle.objects.get(region__code=CODE)
    page = login_verified(Client(), user("asesor")).get(reverse("evaluation:my_assignments"))

    assert page.status_code == 200
    assert str(cycle.region.name) in page.content.decode()
    offered = set(assessor_candidates(cycle.region).values_list("username", flat=True))
    assert offered == {"asesor", "asesor.unri"}
    assert user("asesor.unri").profile.institution == "Universitas Riau"


def test_the_survey_import_is_done_with_rejected_rows_and_their_report(dumai):
    job = ImportJob.objects.get(region__code=CODE)

    assert job.state == ImportJob.State.DONE
    assert job.created_by.get_username() == "umkm"
    assert job.imported > 0 and job.rejected > 0
    # Every row counted; the survey's empty numbered row is skipped (issue 20).
    skipped = import_skipped(job)
    assert skipped == 1
    assert (
        job.imported + job.rejected + job.matched_existing + job.duplicates_in_file + skipped
        == job.rows
    )
    assert Business.objects.filter(import_job=job).count() == job.imported
    # The rejection report (its file lives in each test's own private storage).
    assert job.report_name.endswith(".xlsx")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOAD, object_id=str(job.pk)).exists()


def test_there_are_duplicates_to_review(dumai):
    assert DuplicateCandidate.objects.filter(region__code=CODE).exists()


def test_loading_again_adds_no_period_report_cycle_or_import(dumai):
    counts = (ProgressReport, EvaluationCycle, Assignment, ImportJob, Instrument, AuditEvent)
    before = [model.objects.count() for model in counts]

    result = demo_load()

    assert not result.changed
    assert [model.objects.count() for model in counts] == before
