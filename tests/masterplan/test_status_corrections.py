"""One path to an official status (docs/decisions.md §11): once a masterplan
runs reporting periods, an action plan's status changes only by a verified
report or by the team's correction, which has its own confirm page, a
mandatory reason, an audit event and a record, and is marked wherever the
status or a figure counting it is shown."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, StatusCorrection, StatusSource
from kotacerdas.masterplan.selectors import Scope, figure_explain, masterplan_figures
from tests.monitoring_fixtures import period, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]

REASON = "Laporan OPD terlambat; kegiatan sudah berjalan menurut berita acara 3 Okt."


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return " ".join(response.content.decode().split())


# --- The service ----------------------------------------------------------------------------


def test_a_correction_sets_the_status_keeps_a_record_and_an_audit_event(world, admin_user):
    period(world)
    events = AuditEvent.objects.count()

    correction = services.action_plan_status_correct(
        actor=admin_user, action_plan=world.plan_a, status="berjalan", reason=f"  {REASON} "
    )

    plan = ActionPlan.objects.get(pk=world.plan_a.pk)
    assert (plan.status, plan.status_source) == ("berjalan", StatusSource.CORRECTION)
    stored = StatusCorrection.objects.get()
    assert stored == correction
    assert (stored.from_status, stored.to_status, stored.reason, stored.corrected_by) == (
        "belum_dimulai",
        "berjalan",
        REASON,
        admin_user,
    )
    assert AuditEvent.objects.count() == events + 2  # the record and the plan's status
    latest = AuditEvent.objects.order_by("-pk")[:2]
    assert {e.actor_id for e in latest} == {admin_user.pk}
    assert any(e.after and e.after.get("reason") == REASON for e in latest)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused_and_changes_nothing(world, admin_user, reason):
    period(world)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.action_plan_status_correct(
            actor=admin_user, action_plan=world.plan_a, status="selesai", reason=reason
        )

    assert caught.value.message_dict["reason"] == ["Alasan koreksi wajib diisi."]
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "belum_dimulai"
    assert not StatusCorrection.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_correction_to_the_same_status_is_refused(world, admin_user):
    with pytest.raises(ValidationError, match="sama dengan status sekarang"):
        services.action_plan_status_correct(
            actor=admin_user, action_plan=world.plan_a, status="belum_dimulai", reason=REASON
        )


@pytest.mark.parametrize("persona", ["editor_a", "editor_b", "assessor", "officer"])
def test_only_the_team_may_correct_a_status(world, persona, request):
    user = request.getfixturevalue(persona)
    period(world)
    with pytest.raises(PermissionDenied):
        services.action_plan_status_correct(
            actor=user, action_plan=world.plan_a, status="berjalan", reason=REASON
        )
    assert not StatusCorrection.objects.exists()


def test_once_periods_run_a_plain_update_cannot_change_the_status(world, admin_user):
    period(world)
    with pytest.raises(ValidationError, match="koreksi status"):
        services.action_plan_update(actor=admin_user, action_plan=world.plan_a, status="selesai")
    # Other fields still change.
    services.action_plan_update(actor=admin_user, action_plan=world.plan_a, target="2 dokumen")
    world.plan_a.refresh_from_db()
    assert (world.plan_a.status, world.plan_a.target) == ("belum_dimulai", "2 dokumen")


def test_before_periods_run_plain_editing_sets_the_status(world, admin_user):
    services.action_plan_update(actor=admin_user, action_plan=world.plan_a, status="selesai")
    world.plan_a.refresh_from_db()
    assert (world.plan_a.status, world.plan_a.status_source) == ("selesai", StatusSource.DIRECT)


def test_a_verified_report_replaces_the_correction_and_its_mark(world, admin_user):
    services.action_plan_status_correct(
        actor=admin_user, action_plan=world.plan_a, status="selesai", reason=REASON
    )
    report(world, state="verified", status="berjalan")

    plan = ActionPlan.objects.get(pk=world.plan_a.pk)
    assert (plan.status, plan.status_source) == ("berjalan", StatusSource.REPORT)
    assert masterplan_figures(masterplan=world.masterplan).corrected_plans == 0
    assert StatusCorrection.objects.count() == 1  # the record stays


# --- Figures and their explanation ---------------------------------------------------------------


def test_the_figures_count_the_correction_and_say_so(world, admin_user):
    period(world)
    before = masterplan_figures(masterplan=world.masterplan)
    services.action_plan_status_correct(
        actor=admin_user, action_plan=world.plan_a, status="berjalan", reason=REASON
    )

    after = masterplan_figures(masterplan=world.masterplan)
    assert after.overall.action_plans.numerator == before.overall.action_plans.numerator + 1
    assert (before.corrected_plans, after.corrected_plans) == (0, 1)

    explanation = figure_explain(
        masterplan=world.masterplan, metric="action_plans", scope=Scope("overall")
    )
    assert [i.code for i in explanation.corrected_items] == [world.plan_a.code]
    assert explanation.corrected_items[0].reason == (f"dikoreksi oleh tim, tanpa laporan: {REASON}")
    marked = {i.code: i.reason for i in explanation.numerator_items}
    assert marked[world.plan_a.code].startswith("dikoreksi oleh tim, tanpa laporan")
    programmes = figure_explain(
        masterplan=world.masterplan, metric="programmes", scope=Scope("overall")
    )
    assert [i.code for i in programmes.corrected_items] == [world.plan_a.code]


# --- Pages --------------------------------------------------------------------------------------


def test_the_dropdowns_give_way_to_a_correction_link_once_periods_run(world, personas):
    detail = reverse("masterplan:action_plan_detail", args=[world.plan_a.pk])
    listing = reverse("masterplan:action_plan_list", args=[world.region.code])
    correct = reverse("masterplan:action_plan_correct", args=[world.plan_a.pk])
    control = "status-select"  # the auto-saving dropdown (not the list's filter)
    assert control in _text(personas["admin"].get(detail))
    assert correct not in _text(personas["admin"].get(detail))

    period(world)

    for url in (detail, listing):
        page = _text(personas["admin"].get(url))
        assert control not in page
        assert correct in page
        editor = _text(personas["editor_a"].get(url))
        assert control not in editor and correct not in editor
    status_url = reverse("masterplan:action_plan_status", args=[world.plan_a.pk])
    assert personas["admin"].post(status_url, {"status": "selesai"}).status_code == 403


def test_the_correction_page_confirms_then_applies_and_marks(world, personas):
    period(world)
    url = reverse("masterplan:action_plan_correct", args=[world.plan_a.pk])
    page = _text(personas["admin"].get(url))
    assert "mengubah angka resmi" in page and "Belum dimulai" in page
    assert not StatusCorrection.objects.exists()  # GET changes nothing

    missing = personas["admin"].post(url, {"status": "berjalan", "reason": " "})
    assert "Alasan koreksi wajib diisi." in _text(missing)
    assert not StatusCorrection.objects.exists()

    done = personas["admin"].post(url, {"status": "berjalan", "reason": REASON})
    assert done.status_code == 302
    mark = f"dikoreksi oleh tim, tanpa laporan: {REASON}"
    for page_url in (
        reverse("masterplan:action_plan_detail", args=[world.plan_a.pk]),
        reverse("masterplan:action_plan_list", args=[world.region.code]),
        reverse("masterplan:programme_detail", args=[world.programme.pk]),
        reverse("masterplan:explain", args=[world.region.code, "action_plans", "overall"]),
    ):
        assert mark in _text(personas["editor_b"].get(page_url)), page_url
    dashboard = _text(
        personas["assessor"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    )
    assert "1 rencana aksi dalam angka ini berstatus hasil koreksi tim, tanpa laporan." in (
        dashboard
    )


def test_the_correction_page_refuses_who_may_not_correct(world, personas):
    url = reverse("masterplan:action_plan_correct", args=[world.plan_a.pk])
    for persona in ("editor_a", "editor_b", "assessor"):
        assert personas[persona].post(url, {"status": "selesai", "reason": REASON}).status_code == (
            403
        )
    assert not StatusCorrection.objects.exists()
