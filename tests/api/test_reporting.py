"""An agency reports through the API and the smart city team verifies it,
through the same services and scoped helpers as the monitoring pages."""

from __future__ import annotations

import pytest

from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evidence, ProgressReport
from tests.api.helpers import Api, token_for
from tests.logins import login_verified
from tests.monitoring_fixtures import PDF, period, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


def _report_path(w, plan=None) -> str:
    return f"/periods/{period(w).pk}/action-plans/{(plan or w.plan_a).pk}/report"


def test_it_runs_a_full_reporting_round_trip(
    world, editor_a, admin_user, tmp_path, django_capture_on_commit_callbacks
):
    agency = Api(token_for(editor_a))
    team = Api(token_for(admin_user))
    before = masterplan_figures(masterplan=world.masterplan)

    saved = agency.post(
        _report_path(world),
        {"status": "selesai", "physical_progress": "100", "narrative": "Selesai dibangun."},
    )
    assert saved.status_code == 200, saved.content
    report_id = saved.json()["id"]
    assert saved.json()["state"] == "draft"

    # A "selesai" report needs evidence: the service refuses, the API says why.
    refused = agency.post(f"/reports/{report_id}/submit")
    assert refused.status_code == 409
    assert "bukti" in refused.json()["errors"][0]["message"]

    pdf = tmp_path / "bukti.pdf"
    pdf.write_bytes(PDF)
    with pdf.open("rb") as handle:
        uploaded = agency.upload(
            f"/reports/{report_id}/evidence",
            {"file": handle, "caption": "Berita acara", "is_public": "false"},
        )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["kind"] == "document"
    assert Evidence.objects.get(pk=uploaded.json()["id"]).report_id == report_id

    submitted = agency.post(f"/reports/{report_id}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"

    # The agency cannot verify its own report.
    assert agency.post(f"/reports/{report_id}/verify").status_code == 403

    verified = team.post(f"/reports/{report_id}/verify")
    assert verified.status_code == 200, verified.content
    assert verified.json()["state"] == "verified"
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "selesai"
    after = masterplan_figures(masterplan=world.masterplan)
    assert after.overall.action_plans.numerator == before.overall.action_plans.numerator + 1

    # The published figure changes only when the period closes.
    public = Api()
    assert public.get(f"/regions/{world.region.code}")["Content-Type"].startswith(
        "application/json"
    )
    assert public.get(f"/regions/{world.region.code}").json()["snapshot"] is None
    # Committed, as in production: the close bumps the published data
    # version, so the API's cached answer is built again.
    with django_capture_on_commit_callbacks(execute=True):
        services.period_close(actor=admin_user, period=period(world))
    headline = public.get(f"/regions/{world.region.code}").json()
    assert headline["action_plans"]["numerator"] == after.overall.action_plans.numerator
    plans = public.get(f"/regions/{world.region.code}/action-plans", status="selesai").json()
    assert [p["code"] for p in plans["items"]] == [world.plan_a.code]


def test_the_team_returns_a_report_with_a_reason(world, admin_user):
    submitted = report(world, state="submitted")
    team = Api(token_for(admin_user))
    empty = team.post(f"/reports/{submitted.pk}/return", {"reason": ""})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "reason"
    returned = team.post(f"/reports/{submitted.pk}/return", {"reason": "Lengkapi foto."})
    assert returned.status_code == 200
    assert returned.json()["return_reason"] == "Lengkapi foto."


def test_a_read_token_cannot_write(world, editor_a):
    reader = Api(token_for(editor_a, "read"))
    response = reader.post(_report_path(world), {"status": "berjalan"})
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["code"] == "read_only_token"
    assert body["detail"] and body["detail_en"]
    assert not ProgressReport.objects.exists()
    assert reader.get("/reports").status_code == 200


def test_an_agency_sees_and_writes_only_its_own_plans(world, editor_b):
    other = Api(token_for(editor_b))
    draft = report(world)
    assert other.get(f"/reports/{draft.pk}").status_code == 404
    assert other.post(f"/reports/{draft.pk}/submit").status_code == 404
    assert other.post(_report_path(world), {"status": "berjalan"}).status_code == 404
    assert other.get("/reports").json()["items"] == []
    mine = other.post(_report_path(world, world.plan_b), {"status": "berjalan"})
    assert mine.status_code == 200


def test_a_region_wide_reader_may_see_but_not_submit(world, assessor):
    reader = Api(token_for(assessor))
    draft = report(world)
    assert reader.get(f"/reports/{draft.pk}").status_code == 200
    assert reader.post(f"/reports/{draft.pk}/submit").status_code == 403


def test_it_refuses_reports_outside_the_open_period(world, editor_a):
    closed = period(world, state="closed", number=2)
    agency = Api(token_for(editor_a))
    response = agency.post(
        f"/periods/{closed.pk}/action-plans/{world.plan_a.pk}/report", {"status": "berjalan"}
    )
    assert response.status_code == 409
    assert "tidak sedang dibuka" in response.json()["errors"][0]["message"]


def test_it_names_the_field_of_a_model_rule(world, editor_a):
    agency = Api(token_for(editor_a))
    response = agency.post(
        _report_path(world),
        {"status": "berjalan", "budget_ceiling": "10", "budget_realisation": "20"},
    )
    assert response.status_code == 422
    assert "melebihi pagu" in response.json()["errors"][0]["message"]


def test_it_refuses_a_disguised_upload(world, editor_a, tmp_path):
    draft = report(world)
    fake = tmp_path / "bukti.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    with fake.open("rb") as handle:
        response = Api(token_for(editor_a)).upload(
            f"/reports/{draft.pk}/evidence", {"file": handle}
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert response.json()["errors"][0]["code"] == "executable"
    assert not Evidence.objects.exists()


def test_an_upload_without_a_file_names_the_field(world, editor_a):
    draft = report(world)
    response = Api(token_for(editor_a)).upload(f"/reports/{draft.pk}/evidence", {"caption": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_the_browser_session_needs_the_csrf_token_to_write(world, editor_a):
    from django.test import Client

    client = login_verified(Client(enforce_csrf_checks=True), editor_a)
    draft = report(world)
    response = client.post(f"/api/v1/reports/{draft.pk}/submit")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "csrf"
    assert client.get(f"/api/v1/reports/{draft.pk}").status_code == 200
    client.get("/akun/token-api/")
    token = client.cookies["csrftoken"].value
    ok = client.post(f"/api/v1/reports/{draft.pk}/submit", headers={"X-CSRFToken": token})
    assert ok.status_code == 200


def test_the_team_of_another_region_finds_nothing(world):
    from kotacerdas.core.models import Membership, Role
    from tests.factories import RegionFactory, make_user

    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    stranger = make_user("yusuf")
    Membership.objects.create(user=stranger, region=other, role=Role.ADMIN)
    submitted = report(world, state="submitted")
    api = Api(token_for(stranger))
    assert api.get(f"/reports/{submitted.pk}").status_code == 404
    assert api.post(f"/reports/{submitted.pk}/verify").status_code == 404
    assert api.post(_report_path(world), {"status": "berjalan"}).status_code == 404
    assert api.get("/reports").json()["items"] == []
    assert api.get("/periods").json() == []
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
