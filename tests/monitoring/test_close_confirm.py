"""Closing a period goes through its confirmation: the counts of what is
left behind come from the selector, a close on or before the reporting
deadline needs a reason (on the period and in its audit event), and only the
confirmation page's own POST closes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from kotacerdas.core.audit import history_for
from kotacerdas.core.pages import CONFIRM_FIELD
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
from kotacerdas.monitoring.selectors import close_consequences
from tests.factories import make_action_plan
from tests.monitoring_fixtures import period, report

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def _due_in(p: ReportingPeriod, days: int) -> ReportingPeriod:
    """Move the period's deadline relative to today (the fixtures' periods
    are of 2024, long past)."""
    due = timezone.localdate() + dt.timedelta(days=days)
    ReportingPeriod.objects.filter(pk=p.pk).update(opens_on=due - dt.timedelta(days=30), due_on=due)
    p.refresh_from_db()
    return p


def test_it_counts_every_plan_by_the_state_of_its_report(world, admin_user):
    extra = make_action_plan(world.programme, agency=world.agency_a)
    make_action_plan(world.programme, agency=world.agency_b)
    returned = report(world, state="returned")  # plan_a
    services.report_save(
        actor=None, period=returned.period, action_plan=world.plan_b, status="berjalan"
    )  # a draft
    submitted = services.report_save(
        actor=None, period=returned.period, action_plan=extra, status="berjalan"
    )
    services.report_submit(actor=None, report=submitted)
    c = close_consequences(period=returned.period, today=returned.period.due_on)
    assert (c.plans, c.unreported, c.drafts, c.submitted, c.returned, c.verified) == (
        4,
        1,
        1,
        1,
        1,
        0,
    )
    assert c.not_counted == 4
    assert c.days_to_deadline == 0 and c.early
    later = close_consequences(
        period=returned.period, today=returned.period.due_on + dt.timedelta(days=3)
    )
    assert later.days_to_deadline == -3 and not later.early


def test_an_early_close_is_refused_without_a_reason(world, admin_user):
    p = _due_in(period(world), 21)
    with pytest.raises(ValidationError, match="alasan") as caught:
        services.period_close(actor=admin_user, period=p, reason="   ")
    assert "reason" in caught.value.message_dict
    p.refresh_from_db()
    assert p.is_open and not PeriodSnapshot.objects.filter(period=p).exists()


def test_an_early_close_keeps_its_reason_on_the_period_and_in_the_audit(world, admin_user):
    p = _due_in(period(world), 21)
    services.period_close(actor=admin_user, period=p, reason="  Rapat evaluasi dimajukan.  ")
    p.refresh_from_db()
    assert p.is_closed and p.close_reason == "Rapat evaluasi dimajukan."
    event = history_for(p).filter(action="update").latest("pk")
    assert event.actor == admin_user
    assert event.after["close_reason"] == "Rapat evaluasi dimajukan."
    assert event.after["state"] == "closed"


def test_a_close_after_the_deadline_needs_no_reason(world, admin_user):
    p = _due_in(period(world), -1)
    services.period_close(actor=admin_user, period=p)
    p.refresh_from_db()
    assert p.is_closed and p.close_reason == ""


def test_the_page_shows_the_counts_and_the_deadline(world, personas):
    r = report(world, state="draft")
    p = _due_in(r.period, 21)
    response = personas["admin"].get(reverse("monitoring:period_close", args=[p.pk]))
    assert response.status_code == 200
    c = close_consequences(period=p)
    consequences = dict(
        (line.testid, line.count) for line in response.context["confirmation"].consequences
    )
    assert consequences["close-unreported"] == c.unreported == 1
    assert consequences["close-drafts"] == c.drafts == 1
    text = _text(response)
    assert "21 hari lagi" in text
    assert "Tidak dapat dibatalkan" in text
    assert "alasan" in text.lower()


def test_a_plain_post_does_not_close(world, personas):
    p = _due_in(period(world), -2)
    response = personas["admin"].post(reverse("monitoring:period_close", args=[p.pk]))
    assert response.status_code == 200  # the confirmation page again
    p.refresh_from_db()
    assert p.is_open and not PeriodSnapshot.objects.filter(period=p).exists()


def test_an_early_confirmed_post_without_a_reason_keeps_the_page_and_closes_nothing(
    world, personas
):
    p = _due_in(period(world), 5)
    url = reverse("monitoring:period_close", args=[p.pk])
    response = personas["admin"].post(url, {CONFIRM_FIELD: "1", "reason": ""})
    assert response.status_code == 200
    assert "tuliskan alasan" in _text(response)
    p.refresh_from_db()
    assert p.is_open
    response = personas["admin"].post(url, {CONFIRM_FIELD: "1", "reason": "Anggaran ditutup."})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.is_closed and p.close_reason == "Anggaran ditutup."
    snapshot = _text(personas["admin"].get(reverse("monitoring:snapshot_detail", args=[p.pk])))
    assert "Anggaran ditutup." in snapshot


def test_the_period_page_links_to_the_confirmation_instead_of_closing(world, personas):
    p = period(world)
    page = personas["admin"].get(reverse("monitoring:period_detail", args=[p.pk])).content.decode()
    url = reverse("monitoring:period_close", args=[p.pk])
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page
