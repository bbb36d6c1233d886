"""Reporting reminders: editors are reminded before a period's due date,
agency heads get an escalation after it, each at most once a day; sent through
Django's mail API, by the ``reminders`` command and by the background worker.

Dates are fixed: Triwulan III 2024 (``period(world)``) ends on 30 September
and is due ten days later, on 10 October 2024.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import runpy
import smtplib
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

import kotacerdas.settings
from kotacerdas.core.management.commands import worker as worker_command
from kotacerdas.core.models import AuditEvent, Membership, Role, ScheduledRun
from kotacerdas.monitoring.models import ReminderLog
from kotacerdas.monitoring.reminders import (
    board_url,
    mask_email,
    reminders_plan,
    reminders_send,
)
from kotacerdas.monitoring.tasks import send_reminders
from tests.conftest import World
from tests.factories import make_user
from tests.monitoring_fixtures import period, report

pytestmark = pytest.mark.django_db

DUE = dt.date(2024, 10, 10)
FIVE_DAYS_BEFORE = dt.date(2024, 10, 5)
THREE_DAYS_LATE = dt.date(2024, 10, 13)


@dataclass
class Cycle:
    world: World
    bob: Any  # editor of agency A
    charlie: Any  # editor of agency B
    dodi: Any  # head of agency A
    eka: Any  # head of agency B


def _set_email(user: Any, address: str) -> Any:
    user.email = address
    user.save(update_fields=["email"])
    return user


def _head(username: str, world: World, agency: Any) -> Any:
    user = make_user(username, email=f"{username}@dumaikota.go.id")
    Membership.objects.create(user=user, region=world.region, role=Role.AGENCY_HEAD, agency=agency)
    return user


@pytest.fixture
def cycle(world: World, editor_a: Any, editor_b: Any) -> Cycle:
    """The open period, the two agencies' editors and heads, all with e-mail."""
    period(world)
    return Cycle(
        world=world,
        bob=_set_email(editor_a, "bob@dumaikota.go.id"),
        charlie=_set_email(editor_b, "charlie@dumaikota.go.id"),
        dodi=_head("dodi", world, world.agency_a),
        eka=_head("eka", world, world.agency_b),
    )


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Tasks run in the test's own thread as they are enqueued: no worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def database_tasks(settings: Any) -> None:
    """The production backend: tasks wait in the database for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything (and names the address, as SMTP does)."""

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"mailbox unavailable") for m in messages}
        )


class RefusesCharlieBackend(LocmemBackend):
    def send_messages(self, messages: Any) -> int:
        if any(address.startswith("charlie@") for m in messages for address in m.to):
            raise smtplib.SMTPRecipientsRefused({"charlie@dumaikota.go.id": (550, b"full")})
        return super().send_messages(messages)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- Before the due date: the editors --------------------------------------------------------


def test_it_reminds_only_the_editors_of_agencies_with_missing_reports(cycle):
    w = cycle.world
    report(w, state="submitted")  # agency A has reported plan_a

    results = reminders_send(today=FIVE_DAYS_BEFORE)

    assert [(r.reminder.recipient, r.status) for r in results] == [(cycle.charlie, "sent")]
    assert recipients() == ["charlie@dumaikota.go.id"]
    message = mail.outbox[0]
    assert message.subject == (
        "[KotaCerdas] Pengingat: laporan Triwulan III 2024 Dispar, batas 10 Oktober 2024"
    )
    assert w.plan_b.code in message.body and w.plan_b.activity in message.body
    assert w.plan_a.code not in message.body
    assert "10 Oktober 2024 (5 hari lagi)" in message.body
    assert "English:" in message.body
    url = board_url(period(w))
    assert url == f"http://127.0.0.1:8000/periode/{period(w).pk}/"
    assert url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{url}"' in html and w.plan_b.code in html


def test_every_editor_of_an_agency_gets_one_email_each(cycle):
    second = make_user("fajar", email="fajar@dumaikota.go.id")
    Membership.objects.create(
        user=second, region=cycle.world.region, role=Role.AGENCY_EDITOR, agency=cycle.world.agency_b
    )

    reminders_send(today=FIVE_DAYS_BEFORE)

    assert recipients() == [
        "bob@dumaikota.go.id",
        "charlie@dumaikota.go.id",
        "fajar@dumaikota.go.id",
    ]
    assert all(len(message.to) == 1 for message in mail.outbox)


def test_it_records_and_audits_each_sent_reminder_as_the_system(cycle):
    reminders_send(today=FIVE_DAYS_BEFORE)

    logs = ReminderLog.objects.order_by("recipient__username")
    assert [(log.recipient, log.kind, log.sent_on, log.days) for log in logs] == [
        (cycle.bob, "pengingat", FIVE_DAYS_BEFORE, 5),
        (cycle.charlie, "pengingat", FIVE_DAYS_BEFORE, 5),
    ]
    events = AuditEvent.objects.filter(content_type__model="reminderlog")
    assert events.count() == 2
    assert {(e.action, e.actor, e.actor_label, e.region_code) for e in events} == {
        ("create", None, "sistem", cycle.world.region.code)
    }


def test_it_reminds_on_the_due_date_itself_and_not_too_early(cycle, settings):
    assert reminders_plan(today=DUE - dt.timedelta(days=8)) == []
    assert len(reminders_plan(today=DUE - dt.timedelta(days=7))) == 2

    reminders_send(today=DUE)
    assert "Hari ini (10 Oktober 2024) adalah batas" in mail.outbox[0].body

    settings.KOTACERDAS_REMINDER_DAYS_BEFORE = 10
    assert len(reminders_plan(today=DUE - dt.timedelta(days=10))) == 2


def test_inactive_users_and_users_without_email_get_nothing(cycle):
    cycle.bob.is_active = False
    cycle.bob.save(update_fields=["is_active"])
    _set_email(cycle.charlie, "")

    assert reminders_send(today=FIVE_DAYS_BEFORE) == []
    assert mail.outbox == []


# --- After the due date: the heads -----------------------------------------------------------


def test_it_escalates_to_the_agency_heads_with_the_days_late(cycle):
    w = cycle.world
    report(w, state="verified")  # agency A is done; agency B is late

    reminders_send(today=THREE_DAYS_LATE)

    assert recipients() == ["eka@dumaikota.go.id"]
    message = mail.outbox[0]
    assert message.subject == (
        "[KotaCerdas] Eskalasi: laporan Triwulan III 2024 Dispar terlambat 3 hari"
    )
    assert "sudah lewat 3 hari" in message.body and w.plan_b.code in message.body
    log = ReminderLog.objects.get()
    assert (log.recipient, log.kind, log.days) == (cycle.eka, "eskalasi", 3)


def test_a_draft_or_returned_report_is_still_missing(cycle):
    report(cycle.world, state="returned")

    reminders_send(today=THREE_DAYS_LATE)

    assert recipients() == ["dodi@dumaikota.go.id", "eka@dumaikota.go.id"]


# --- Idempotency, dry runs, failures ---------------------------------------------------------


def test_running_twice_on_the_same_day_sends_nothing_new(cycle):
    assert len(reminders_send(today=FIVE_DAYS_BEFORE)) == 2
    assert reminders_send(today=FIVE_DAYS_BEFORE) == []
    assert len(mail.outbox) == 2 and ReminderLog.objects.count() == 2

    # The next day is another day: the editors are reminded again.
    assert len(reminders_send(today=FIVE_DAYS_BEFORE + dt.timedelta(days=1))) == 2
    assert len(mail.outbox) == 4


def test_a_dry_run_sends_nothing_and_writes_nothing(cycle):
    events = AuditEvent.objects.count()

    results = reminders_send(today=FIVE_DAYS_BEFORE, dry_run=True)

    assert [(r.reminder.recipient, r.status) for r in results] == [
        (cycle.bob, "planned"),
        (cycle.charlie, "planned"),
    ]
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_failing_mail_server_records_nothing_as_sent(cycle, settings, caplog):
    settings.EMAIL_BACKEND = "tests.monitoring.test_reminders.FailingBackend"

    with caplog.at_level(logging.WARNING, logger="kotacerdas.monitoring.reminders"):
        results = reminders_send(today=FIVE_DAYS_BEFORE)

    assert [r.status for r in results] == ["failed", "failed"]
    assert not ReminderLog.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="reminderlog").exists()
    assert "bob" in caplog.text and "SMTPRecipientsRefused" in caplog.text
    assert "@" not in caplog.text
    # Nothing was recorded, so the next run tries again.
    assert len(reminders_plan(today=FIVE_DAYS_BEFORE)) == 2


def test_one_failure_does_not_stop_the_other_reminders(cycle, settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_reminders.RefusesCharlieBackend"

    results = reminders_send(today=FIVE_DAYS_BEFORE)

    assert [(r.reminder.recipient, r.status) for r in results] == [
        (cycle.bob, "sent"),
        (cycle.charlie, "failed"),
    ]
    assert recipients() == ["bob@dumaikota.go.id"]
    assert list(ReminderLog.objects.values_list("recipient__username", flat=True)) == ["bob"]


def test_a_closed_period_sends_nothing(cycle):
    period(cycle.world, state="closed")

    assert reminders_send(today=FIVE_DAYS_BEFORE) == []
    assert reminders_send(today=THREE_DAYS_LATE) == []
    assert mail.outbox == []


def test_it_masks_email_addresses():
    assert mask_email("andi.saputra@dumaikota.go.id") == "a***@dumaikota.go.id"
    assert mask_email("@dumaikota.go.id") == "***@dumaikota.go.id"
    assert mask_email("bukan-alamat") == "***"


# --- The command -----------------------------------------------------------------------------


def test_the_command_lists_the_plan_with_masked_emails_on_a_dry_run(cycle):
    out = run("reminders", "--dry-run", "--date", "2024-10-05")

    lines = out.splitlines()
    assert lines[0] == (
        "Triwulan III 2024 (Kota Dumai) · Diskominfo · pengingat · bob <b***@dumaikota.go.id>"
        " · 5 hari lagi · akan dikirim"
    )
    assert "charlie <c***@dumaikota.go.id>" in lines[1]
    assert "2 pesan akan dikirim untuk 2024-10-05" in lines[2]
    assert "bob@" not in out and "charlie@" not in out
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_the_command_sends_and_reports_as_json(cycle):
    out = run("reminders", "--date", "2024-10-13", "--json")
    data = json.loads(out)

    assert data["date"] == "2024-10-13" and data["dry_run"] is False
    assert [
        (r["recipient"], r["email"], r["kind"], r["days_late"], r["status"])
        for r in data["reminders"]
    ] == [
        ("dodi", "d***@dumaikota.go.id", "eskalasi", 3, "sent"),
        ("eka", "e***@dumaikota.go.id", "eskalasi", 3, "sent"),
    ]
    assert data["reminders"][0]["action_plans"] == [cycle.world.plan_a.code]
    assert "dodi@" not in out and "eka@" not in out
    assert recipients() == ["dodi@dumaikota.go.id", "eka@dumaikota.go.id"]
    assert "Tidak ada pengingat untuk 2024-10-13" in run("reminders", "--date", "2024-10-13")


def test_the_command_reports_failed_sends_without_addresses(cycle, settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_reminders.FailingBackend"
    out, err = StringIO(), StringIO()

    call_command("reminders", "--date", "2024-10-05", stdout=out, stderr=err)

    assert "bob <b***@dumaikota.go.id> · 5 hari lagi · gagal" in out.getvalue()
    assert "0 terkirim, 2 gagal, 0 sudah dikirim (2024-10-05)." in out.getvalue()
    assert "akan dicoba lagi" in err.getvalue()
    assert "bob@" not in out.getvalue() + err.getvalue()


def test_the_command_refuses_a_malformed_date(cycle):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("reminders", "--date", "13/10/2024")


# --- Background tasks ------------------------------------------------------------------------


def test_the_task_sends_the_reminders_through_django_tasks(cycle, immediate_tasks):
    result = send_reminders.enqueue(day="2024-10-05")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sent": 2, "failed": 0, "skipped": 0}
    assert recipients() == ["bob@dumaikota.go.id", "charlie@dumaikota.go.id"]


def _at(monkeypatch: Any, day: dt.date, hour: int) -> None:
    moment = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))
    monkeypatch.setattr(worker_command, "clock", lambda: moment)


# The database worker checks its connection between tasks as a long-running
# process must (close_old_connections), which a test wrapped in a transaction
# does not survive on PostgreSQL: this one runs on committed data.
@pytest.mark.django_db(transaction=True)
def test_worker_once_enqueues_and_runs_the_reminders_once_a_day(
    cycle, database_tasks, settings, monkeypatch
):
    settings.KOTACERDAS_REMINDER_HOUR = 8
    settings.KOTACERDAS_ANONYMISE_HOUR = 23  # the other daily job stays out of this test

    _at(monkeypatch, FIVE_DAYS_BEFORE, 7)
    assert run("worker", "--once") == ""
    assert not ScheduledRun.objects.exists() and mail.outbox == []

    _at(monkeypatch, FIVE_DAYS_BEFORE, 9)
    out = run("worker", "--once")
    assert "monitoring.send_reminders untuk 2024-10-05" in out
    scheduled = ScheduledRun.objects.get()
    task = DBTaskResult.objects.get()
    assert (scheduled.run_on, scheduled.task_id) == (FIVE_DAYS_BEFORE, str(task.id))
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == {"sent": 2, "failed": 0, "skipped": 0}
    assert recipients() == ["bob@dumaikota.go.id", "charlie@dumaikota.go.id"]

    _at(monkeypatch, FIVE_DAYS_BEFORE, 15)
    assert run("worker", "--once") == ""
    assert DBTaskResult.objects.count() == 1 and len(mail.outbox) == 2

    _at(monkeypatch, FIVE_DAYS_BEFORE + dt.timedelta(days=1), 8)
    run("worker", "--once")
    assert ScheduledRun.objects.count() == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert len(mail.outbox) == 4


# --- Settings --------------------------------------------------------------------------------


def load_settings() -> dict[str, Any]:
    return runpy.run_path(kotacerdas.settings.__file__)


def test_smtp_comes_from_the_environment(environ):
    environ.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    environ.setenv("EMAIL_HOST", "smtp.dumaikota.go.id")
    environ.setenv("EMAIL_PORT", "587")
    environ.setenv("EMAIL_HOST_USER", "kotacerdas")
    environ.setenv("EMAIL_HOST_PASSWORD", "rahasia")
    environ.setenv("EMAIL_USE_TLS", "true")
    environ.setenv("EMAIL_TIMEOUT", "10")

    loaded = load_settings()

    assert (loaded["EMAIL_HOST"], loaded["EMAIL_PORT"], loaded["EMAIL_HOST_USER"]) == (
        "smtp.dumaikota.go.id",
        587,
        "kotacerdas",
    )
    assert loaded["EMAIL_USE_TLS"] is True and loaded["EMAIL_USE_SSL"] is False
    assert loaded["EMAIL_TIMEOUT"] == 10


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EMAIL_USE_SSL", "true", "EMAIL_USE_TLS and EMAIL_USE_SSL"),
        ("EMAIL_PORT", "abc", "EMAIL_PORT must be a whole number"),
        ("KOTACERDAS_REMINDER_HOUR", "24", "KOTACERDAS_REMINDER_HOUR"),
        ("KOTACERDAS_BASE_URL", "kotacerdas.dumaikota.go.id", "KOTACERDAS_BASE_URL"),
    ],
)
def test_it_refuses_bad_mail_and_reminder_settings(environ, name, value, message):
    environ.setenv("EMAIL_USE_TLS", "true")
    environ.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings()
