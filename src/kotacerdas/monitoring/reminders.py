"""Reminders of the monitoring cycle.

While a period is open, agencies whose action plans still lack a submitted
report hear about it: in the last days before the due date (and on the due
date itself) the agency's editors get a *pengingat*; once the due date has
passed, the agency's heads get an *eskalasi* naming the days late. Both go
out at most once a day per period, agency, recipient and kind.

:func:`reminders_plan` decides, without writing anything, what is due on a
given day; :func:`reminders_send` sends it.

Sending and recording: each message is sent on its own, and only after the
mail backend has accepted it are its :class:`ReminderLog` row and audit event
written, in one transaction. (Writing the log first and sending on commit
would record a reminder whose sending then failed.) So a failed send records
nothing and the next run tries again, and one failure does not stop the other
reminders. The price is at-least-once delivery: if the process dies between
the mail server's acceptance and the commit, that one message is sent again
on the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import date_id
from kotacerdas.core.models import Membership, Role
from kotacerdas.core.services import model_create
from kotacerdas.masterplan.models import ActionPlan, Agency
from kotacerdas.monitoring.models import ReminderLog, ReportingPeriod
from kotacerdas.monitoring.selectors import missing_reports

logger = logging.getLogger(__name__)

Kind = ReminderLog.Kind
Status = Literal["planned", "sent", "failed", "skipped"]
REMINDER_LOG_FIELDS = ("period", "agency", "recipient", "kind", "sent_on", "days", "plan_count")
# Who hears about missing reports, by kind of reminder.
RECIPIENT_ROLE = {Kind.REMINDER: Role.AGENCY_EDITOR, Kind.ESCALATION: Role.AGENCY_HEAD}


@dataclass(frozen=True)
class PlannedReminder:
    """One message that is due: ``kind`` to ``recipient`` about the action
    plans of ``agency`` that have no submitted report for ``period``."""

    period: ReportingPeriod
    agency: Agency
    recipient: Any  # the user model
    kind: str
    plans: tuple[ActionPlan, ...]
    days_left: int
    days_late: int
    on: dt.date  # the day it is due for, in the region's own zone

    @property
    def is_escalation(self) -> bool:
        return self.kind == Kind.ESCALATION

    @property
    def days(self) -> int:
        """Days late for an escalation, days left for a reminder."""
        return self.days_late if self.is_escalation else self.days_left


@dataclass(frozen=True)
class ReminderResult:
    reminder: PlannedReminder
    status: Status


def mask_email(address: str) -> str:
    """``a***@dumaikota.go.id``: enough to recognise an address, not to harvest it."""
    local, at, domain = address.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def board_url(period: ReportingPeriod) -> str:
    """The absolute address of the period board."""
    path = reverse("monitoring:period_detail", args=[period.pk])
    return f"{settings.KOTACERDAS_BASE_URL}{path}"


# --- Planning --------------------------------------------------------------------------------


def _kind_on(period: ReportingPeriod, today: dt.date, days_before: int) -> str | None:
    days_left = (period.due_on - today).days
    if days_left < 0:
        return Kind.ESCALATION
    if days_left <= days_before:
        return Kind.REMINDER
    return None


def _recipients(
    period: ReportingPeriod, role: str, agency_ids: Iterable[int]
) -> dict[int, list[Any]]:
    """Active users with an e-mail address holding ``role`` for each agency in
    the period's region, by agency id."""
    memberships = (
        Membership.objects.filter(
            region_id=period.masterplan.region_id,
            role=role,
            agency_id__in=list(agency_ids),
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("agency_id", "user__username")
    )
    found: dict[int, list[Any]] = defaultdict(list)
    for membership in memberships:
        assert membership.agency_id is not None  # agency roles always name one
        found[membership.agency_id].append(membership.user)
    return found


def reminders_plan(
    *, today: dt.date | None = None, days_before: int | None = None
) -> list[PlannedReminder]:
    """Every reminder and escalation due on ``today`` for the open periods of
    every region that has not been sent yet today. Writes nothing.

    ``today`` None: each region's own date (WIB, WITA or WIT), so a WIT region
    counts its days from its own midnight, not Jakarta's or UTC's.

    ``days_before`` (default ``KOTACERDAS_REMINDER_DAYS_BEFORE``): how many
    days before the due date the editors' reminders start.
    """
    if days_before is None:
        days_before = settings.KOTACERDAS_REMINDER_DAYS_BEFORE
    periods = (
        ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN)
        .select_related("masterplan__region")
        .order_by("masterplan__region__code", "due_on", "pk")
    )
    planned: list[PlannedReminder] = []
    for period in periods:
        on = today or timezone.localdate(timezone=period.masterplan.region.tzinfo)
        kind = _kind_on(period, on, days_before)
        if kind is None:
            continue
        missing = missing_reports(period=period)
        if not missing:
            continue
        recipients = _recipients(period, RECIPIENT_ROLE[Kind(kind)], (m.agency.pk for m in missing))
        already_sent = set(
            ReminderLog.objects.filter(period=period, kind=kind, sent_on=on).values_list(
                "agency_id", "recipient_id"
            )
        )
        days_left = (period.due_on - on).days
        for item in missing:
            for user in recipients.get(item.agency.pk, []):
                if (item.agency.pk, user.pk) in already_sent:
                    continue
                planned.append(
                    PlannedReminder(
                        period=period,
                        agency=item.agency,
                        recipient=user,
                        kind=kind,
                        plans=item.plans,
                        days_left=max(days_left, 0),
                        days_late=max(-days_left, 0),
                        on=on,
                    )
                )
    return planned


# --- The message -----------------------------------------------------------------------------


def reminder_subject(reminder: PlannedReminder) -> str:
    values = {
        "period": reminder.period.label,
        "agency": reminder.agency.short_name,
        "due": date_id(reminder.period.due_on),
        "days": reminder.days,
    }
    if reminder.is_escalation:
        return (
            _("[KotaCerdas] Eskalasi: laporan %(period)s %(agency)s terlambat %(days)s hari")
            % values
        )
    return _("[KotaCerdas] Pengingat: laporan %(period)s %(agency)s, batas %(due)s") % values


def reminder_message(
    reminder: PlannedReminder, *, connection: Any = None
) -> mail.EmailMultiAlternatives:
    """The e-mail for one reminder, in the site's language (Indonesian) with a
    short English line, as plain text with an HTML alternative."""
    user = reminder.recipient
    period = reminder.period
    region = period.masterplan.region
    now = timezone.localtime(timezone=region.tzinfo)
    context = {
        "recipient_name": user.get_full_name() or user.get_username(),
        "agency": reminder.agency.name,
        "agency_short": reminder.agency.short_name,
        "region": period.masterplan.region.name,
        "period": period.label,
        "due": date_id(period.due_on),
        "due_iso": period.due_on.isoformat(),
        "days_left": reminder.days_left,
        "days_late": reminder.days_late,
        "escalation": reminder.is_escalation,
        "plans": reminder.plans,
        "count": len(reminder.plans),
        "url": board_url(period),
        # The region's local time with its zone: "7 Desember 2026 00.30 WIB".
        "written_at": f"{date_id(now.date())} {now:%H.%M} {region.zone_abbreviation}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = reminder_subject(reminder)
        text = render_to_string("monitoring/email/reminder.txt", context)
        html = render_to_string("monitoring/email/reminder.html", context)
    message = mail.EmailMultiAlternatives(
        subject=subject, body=text, to=[user.email], connection=connection
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Sending ---------------------------------------------------------------------------------


def _already_sent(reminder: PlannedReminder) -> bool:
    return ReminderLog.objects.filter(
        period=reminder.period,
        agency=reminder.agency,
        recipient=reminder.recipient,
        kind=reminder.kind,
        sent_on=reminder.on,
    ).exists()


def _record(reminder: PlannedReminder) -> ReminderLog:
    """The log row and its audit event (actor: sistem), in one transaction."""
    return model_create(
        actor=None,
        instance=ReminderLog(),
        data={
            "period": reminder.period,
            "agency": reminder.agency,
            "recipient": reminder.recipient,
            "kind": reminder.kind,
            "sent_on": reminder.on,
            "days": reminder.days,
            "plan_count": len(reminder.plans),
        },
        audit_fields=REMINDER_LOG_FIELDS,
        region_code=reminder.period.masterplan.region.code,
    )


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception as error:
        logger.warning("Closing the mail connection failed: %s", type(error).__name__)


def _send_one(reminder: PlannedReminder, connection: Any) -> Status:
    username = reminder.recipient.get_username()
    where = f"period={reminder.period.pk} agency={reminder.agency.pk}"
    # Another run (the worker and a manual command) may have sent it meanwhile.
    if _already_sent(reminder):
        return "skipped"
    # Built outside the ``try``: a broken template is a bug to surface, not a
    # delivery failure to retry tomorrow.
    message = reminder_message(reminder, connection=connection)
    try:
        accepted = message.send()
    except Exception as error:
        # The exception's text may carry the address: log its type only.
        logger.warning(
            "Reminder %s to %s not sent (%s): %s",
            reminder.kind,
            username,
            where,
            type(error).__name__,
        )
        # A broken SMTP session is reopened for the next message.
        _close_quietly(connection)
        return "failed"
    if accepted != 1:
        logger.warning(
            "Reminder %s to %s not accepted by the mail backend (%s)",
            reminder.kind,
            username,
            where,
        )
        return "failed"
    try:
        _record(reminder)
    except (ValidationError, IntegrityError):
        # Recorded by a concurrent run in the meantime: the message went out twice at most.
        logger.warning(
            "Reminder %s to %s sent but already recorded (%s)", reminder.kind, username, where
        )
    else:
        logger.info("Reminder %s sent to %s (%s)", reminder.kind, username, where)
    return "sent"


def reminders_send(
    *, today: dt.date | None = None, dry_run: bool = False, days_before: int | None = None
) -> list[ReminderResult]:
    """Send every reminder due on ``today`` (None: each region's own date; see
    :func:`reminders_plan`).

    ``dry_run`` only plans: nothing is sent or written. Otherwise each result
    says whether its message was ``sent`` (and recorded), ``failed`` (nothing
    recorded; retried on the next run) or ``skipped`` (sent meanwhile by
    another run).
    """
    planned = reminders_plan(today=today, days_before=days_before)
    if dry_run or not planned:
        return [ReminderResult(reminder, "planned") for reminder in planned]
    connection = mail.get_connection()
    try:
        return [ReminderResult(reminder, _send_one(reminder, connection)) for reminder in planned]
    finally:
        _close_quietly(connection)
