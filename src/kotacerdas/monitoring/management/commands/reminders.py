"""``kotacerdas reminders``: send the reporting reminders due today (or on
``--date``), or with ``--dry-run`` list them without sending. E-mail addresses
are printed masked (``a***@dumaikota.go.id``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotacerdas.monitoring.reminders import ReminderResult, mask_email, reminders_send


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Tanggal harus berbentuk YYYY-MM-DD, bukan {value!r}. / Date must be YYYY-MM-DD."
        ) from None


def as_dict(result: ReminderResult) -> dict[str, Any]:
    reminder = result.reminder
    return {
        "period_id": reminder.period.pk,
        "period": reminder.period.label,
        "region": reminder.period.masterplan.region.code,
        "date": reminder.on.isoformat(),  # the region's own date
        "agency": reminder.agency.short_name,
        "kind": reminder.kind,
        "recipient": reminder.recipient.get_username(),
        "email": mask_email(reminder.recipient.email),
        "days_left": reminder.days_left,
        "days_late": reminder.days_late,
        "action_plans": [plan.code for plan in reminder.plans],
        "status": result.status,
    }


class Command(BaseCommand):
    help = (
        "Kirim pengingat dan eskalasi laporan kemajuan yang jatuh hari ini. / "
        "Send today's reporting reminders and escalations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Hanya tampilkan, jangan kirim. / List what would be sent, send nothing.",
        )
        parser.add_argument(
            "--date",
            help="Tanggal YYYY-MM-DD (bawaan: hari ini). / Date (default: today).",
        )
        parser.add_argument("--json", action="store_true", help="Keluaran JSON. / JSON output.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Without --date each region uses its own date (WIB, WITA or WIT).
        today = _date(options["date"]) if options["date"] else None
        results = reminders_send(today=today, dry_run=options["dry_run"])
        if options["json"]:
            payload = {
                "date": today.isoformat() if today else None,
                "dry_run": options["dry_run"],
                "reminders": [as_dict(result) for result in results],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        status_label = {
            "planned": _("akan dikirim"),
            "sent": _("terkirim"),
            "failed": _("gagal"),
            "skipped": _("sudah dikirim"),
        }
        for result in results:
            reminder = result.reminder
            recipient = reminder.recipient
            days = (
                ngettext("terlambat %(n)s hari", "terlambat %(n)s hari", reminder.days_late)
                % {"n": reminder.days_late}
                if reminder.is_escalation
                else ngettext("%(n)s hari lagi", "%(n)s hari lagi", reminder.days_left)
                % {"n": reminder.days_left}
            )
            self.stdout.write(
                " · ".join(
                    [
                        f"{reminder.period.label} ({reminder.period.masterplan.region.name})",
                        reminder.agency.short_name,
                        reminder.kind,
                        f"{recipient.get_username()} <{mask_email(recipient.email)}>",
                        days,
                        status_label[result.status],
                    ]
                )
            )
        self.stdout.write(self._summary(today, results, options["dry_run"]))
        if any(result.status == "failed" for result in results):
            self.stderr.write(
                _(
                    "Sebagian pesan gagal dikirim dan akan dicoba lagi; lihat log. / "
                    "Some messages failed and will be retried; see the log."
                )
            )

    def _summary(self, today: dt.date | None, results: list[ReminderResult], dry_run: bool) -> str:
        day = today.isoformat() if today else _("hari ini (tanggal setempat tiap wilayah)")
        if not results:
            return _("Tidak ada pengingat untuk %(day)s.") % {"day": day}
        if dry_run:
            return _(
                "%(n)s pesan akan dikirim untuk %(day)s (uji coba: tidak ada yang dikirim)."
            ) % {"n": len(results), "day": day}
        counts = {
            s: sum(1 for r in results if r.status == s) for s in ("sent", "failed", "skipped")
        }
        return _("%(sent)s terkirim, %(failed)s gagal, %(skipped)s sudah dikirim (%(day)s).") % {
            **counts,
            "day": day,
        }
