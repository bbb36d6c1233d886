"""Writes of the monitoring cycle. Every service takes the actor, runs in one
transaction and audits through kotacerdas.core.services; verification is the
only path by which a report changes an action plan's official status."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.core.formatting import date_id
from kotacerdas.core.services import model_create, model_delete, model_update
from kotacerdas.core.storage import delete_private, store_checked
from kotacerdas.core.uploads import DOCUMENT_KINDS, PHOTO_KINDS, validate_upload
from kotacerdas.masterplan.models import ActionPlan, ActionPlanStatus, Masterplan
from kotacerdas.masterplan.selectors import masterplan_figures
from kotacerdas.masterplan.services import action_plan_status_from_report
from kotacerdas.monitoring.models import (
    EDITABLE_REPORT_STATES,
    PERIODS_PER_YEAR,
    Evidence,
    Frequency,
    PeriodSnapshot,
    ProgressReport,
    ReportingPeriod,
)
from kotacerdas.monitoring.selectors import closes_early, period_refusal
from kotacerdas.monitoring.snapshots import Frozen, FrozenPublished

PERIOD_FIELDS = (
    "masterplan",
    "frequency",
    "year",
    "number",
    "starts_on",
    "ends_on",
    "opens_on",
    "due_on",
    "state",
    "closed_at",
    "close_reason",
)
REPORT_FIELDS = (
    "period",
    "action_plan",
    "state",
    "status",
    "physical_progress",
    "budget_ceiling",
    "budget_realisation",
    "output_achieved",
    "narrative",
    "return_reason",
    "version",
)
REPORT_INPUT_FIELDS = (
    "status",
    "physical_progress",
    "budget_ceiling",
    "budget_realisation",
    "output_achieved",
    "narrative",
)
EVIDENCE_FIELDS = ("report", "kind", "original_name", "url", "caption", "is_public", "sha256")
# How long before the end of a period agencies may start reporting, and how long
# after it they have: defaults for generated periods, editable per period.
OPENS_BEFORE_END = dt.timedelta(days=14)
DUE_AFTER_END = dt.timedelta(days=10)


def _region_code(masterplan: Masterplan) -> str:
    return masterplan.region.code


# --- Periods ---------------------------------------------------------------------------


def period_bounds(frequency: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    months = 12 // PERIODS_PER_YEAR[Frequency(frequency)]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def periods_generate(*, actor: Actor, masterplan: Masterplan, year: int) -> list[ReportingPeriod]:
    """Create the reporting periods of one year at the masterplan's frequency;
    periods that already exist are left as they are."""
    if not masterplan.contains_year(year):
        raise ValidationError(
            {
                "year": _("Tahun %(year)s di luar periode masterplan %(period)s.")
                % {"year": year, "period": masterplan.period_label}
            }
        )
    frequency = masterplan.reporting_frequency
    created = []
    with transaction.atomic():
        for number in range(1, PERIODS_PER_YEAR[Frequency(frequency)] + 1):
            if ReportingPeriod.objects.filter(
                masterplan=masterplan, year=year, number=number
            ).exists():
                continue
            starts_on, ends_on = period_bounds(frequency, year, number)
            created.append(
                model_create(
                    actor=actor,
                    instance=ReportingPeriod(),
                    data={
                        "masterplan": masterplan,
                        "frequency": frequency,
                        "year": year,
                        "number": number,
                        "starts_on": starts_on,
                        "ends_on": ends_on,
                        "opens_on": ends_on - OPENS_BEFORE_END,
                        "due_on": ends_on + DUE_AFTER_END,
                    },
                    audit_fields=PERIOD_FIELDS,
                    region_code=_region_code(masterplan),
                )
            )
    return created


def period_open(*, actor: Actor, period: ReportingPeriod) -> ReportingPeriod:
    """Open a planned period for reporting. One period of a masterplan is open
    at a time, so "the current period" is never ambiguous."""
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.state != ReportingPeriod.State.PLANNED:
            raise ValidationError(_("Hanya periode yang direncanakan yang dapat dibuka."))
        other = (
            ReportingPeriod.objects.filter(
                masterplan_id=period.masterplan_id, state=ReportingPeriod.State.OPEN
            )
            .exclude(pk=period.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                _("Periode %(other)s masih dibuka; tutup dulu sebelum membuka periode lain.")
                % {"other": other.label}
            )
        return model_update(
            actor=actor,
            instance=period,
            data={"state": ReportingPeriod.State.OPEN},
            audit_fields=PERIOD_FIELDS,
            region_code=_region_code(period.masterplan),
        )[0]


def period_close(
    *, actor: Actor, period: ReportingPeriod, reason: str = "", today: dt.date | None = None
) -> PeriodSnapshot:
    """Close an open period and freeze every figure of its masterplan, with the
    counting rule's version (:class:`~kotacerdas.monitoring.snapshots.Frozen`).
    Later edits and rule changes never touch it. Closing on or before the
    reporting deadline (``due_on``) cuts agencies off, so it needs a reason,
    kept on the period and in its audit event."""
    reason = reason.strip()
    with transaction.atomic():
        period = (
            ReportingPeriod.objects.select_for_update()
            .select_related("masterplan__region")
            .get(pk=period.pk)
        )
        if not period.is_open:
            raise ValidationError(_("Hanya periode yang sedang dibuka yang dapat ditutup."))
        if closes_early(period, today) and not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Batas laporan periode %(period)s belum lewat (%(due)s); tuliskan "
                        "alasan menutupnya lebih awal."
                    )
                    % {"period": period.label, "due": date_id(period.due_on)}
                },
                code="reason_required",
            )
        now = timezone.now()
        model_update(
            actor=actor,
            instance=period,
            data={"state": ReportingPeriod.State.CLOSED, "closed_at": now, "close_reason": reason},
            audit_fields=PERIOD_FIELDS,
            region_code=_region_code(period.masterplan),
        )
        frozen = Frozen.freeze(
            figures=masterplan_figures(masterplan=period.masterplan),
            plan_statuses=dict(
                ActionPlan.objects.filter(masterplan=period.masterplan).values_list(
                    "code", "status"
                )
            ),
            taken_at=now,
            published=FrozenPublished.collect(masterplan=period.masterplan),
        )
        return model_create(
            actor=actor,
            instance=PeriodSnapshot(),
            data={"period": period, **frozen.as_fields()},
            audit_fields=("period", "rule_version", "taken_at"),
            region_code=_region_code(period.masterplan),
        )


# --- Reports ------------------------------------------------------------------------------


def _require_open(period: ReportingPeriod) -> None:
    if not period.is_open:
        raise ValidationError(
            _("Periode %(period)s tidak sedang dibuka untuk pelaporan.") % {"period": period.label}
        )


def report_save(
    *, actor: Actor, period: ReportingPeriod, action_plan: ActionPlan, **data: Any
) -> ProgressReport:
    """Create or update the draft report of an action plan for a period. A
    submitted or verified report is not edited; a returned one may be. Only a
    plan the period asks about may be reported (the board's carry-over rule,
    ``selectors.period_plans``): not one finished before the period opened,
    not one of a later year."""
    unknown = set(data) - set(REPORT_INPUT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown report fields: {sorted(unknown)}")
    _require_open(period)
    if action_plan.masterplan_id != period.masterplan_id:
        raise ValidationError(_("Rencana aksi ini bukan milik masterplan periode ini."))
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update()
            .filter(period=period, action_plan=action_plan)
            .first()
        )
        if report is None:
            refusal = period_refusal(period=period, action_plan=action_plan)
            if refusal is not None:
                raise ValidationError(refusal)
            return model_create(
                actor=actor,
                instance=ProgressReport(),
                data={"period": period, "action_plan": action_plan, **data},
                audit_fields=REPORT_FIELDS,
                region_code=_region_code(period.masterplan),
            )
        if report.state not in EDITABLE_REPORT_STATES:
            raise ValidationError(
                _("Laporan yang sudah %(state)s tidak dapat diubah.")
                % {"state": report.get_state_display().lower()}
            )
        report, changed = model_update(
            actor=actor,
            instance=report,
            data=data,
            audit_fields=REPORT_FIELDS,
            region_code=_region_code(period.masterplan),
        )
        if changed:
            report.version += 1
            report.save(update_fields=["version", "updated_at"])
        return report


def _transition(
    *, actor: Actor, report: ProgressReport, allowed: tuple[str, ...], data: dict[str, Any]
) -> ProgressReport:
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update()
            .select_related("period__masterplan__region", "action_plan")
            .get(pk=report.pk)
        )
        _require_open(report.period)
        if report.state not in allowed:
            raise ValidationError(
                _("Laporan berkeadaan %(state)s tidak dapat diproses dengan cara ini.")
                % {"state": report.get_state_display().lower()}
            )
        return model_update(
            actor=actor,
            instance=report,
            data={**data, "version": report.version + 1},
            audit_fields=REPORT_FIELDS,
            region_code=_region_code(report.period.masterplan),
        )[0]


def report_submit(*, actor: Actor, report: ProgressReport) -> ProgressReport:
    """Submit a draft or returned report for verification. Reporting an action
    plan as *selesai* needs at least one piece of evidence."""
    if report.status == ActionPlanStatus.DONE and not report.evidence.exists():
        raise ValidationError(
            _(
                "Status selesai wajib disertai minimal satu bukti dukung. / "
                "A 'selesai' report needs at least one piece of evidence."
            )
        )
    return _transition(
        actor=actor,
        report=report,
        allowed=tuple(EDITABLE_REPORT_STATES),
        data={
            "state": ProgressReport.State.SUBMITTED,
            "submitted_at": timezone.now(),
            "submitted_by": actor,
            "return_reason": "",
        },
    )


def report_return(*, actor: Actor, report: ProgressReport, reason: str) -> ProgressReport:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"return_reason": _("Tuliskan alasan pengembalian laporan.")})
    return _transition(
        actor=actor,
        report=report,
        allowed=(ProgressReport.State.SUBMITTED,),
        data={"state": ProgressReport.State.RETURNED, "return_reason": reason},
    )


def report_verify(*, actor: Actor, report: ProgressReport) -> ProgressReport:
    """Verify a submitted report; the action plan takes the reported status,
    which is what changes the official figures."""
    with transaction.atomic():
        report = _transition(
            actor=actor,
            report=report,
            allowed=(ProgressReport.State.SUBMITTED,),
            data={
                "state": ProgressReport.State.VERIFIED,
                "verified_at": timezone.now(),
                "verified_by": actor,
            },
        )
        if report.status == ActionPlanStatus.DONE and not report.evidence.exists():
            raise ValidationError(_("Status selesai wajib disertai minimal satu bukti dukung."))
        action_plan_status_from_report(
            actor=actor, action_plan=report.action_plan, status=report.status
        )
    return report


# --- Evidence ------------------------------------------------------------------------------


def _require_editable(report: ProgressReport) -> None:
    _require_open(report.period)
    if report.state not in EDITABLE_REPORT_STATES:
        raise ValidationError(
            _("Bukti hanya dapat diubah selama laporan masih draf atau dikembalikan.")
        )


def evidence_add_file(
    *,
    actor: Actor,
    report: ProgressReport,
    upload: UploadedFile,
    caption: str = "",
    is_public: bool = False,
) -> Evidence:
    """Check an uploaded document or photo by its content, keep it in private
    storage under a random name, and attach it to the report. A failure leaves
    neither a row nor a file behind."""
    _require_editable(report)
    checked = validate_upload(upload, kinds=DOCUMENT_KINDS | PHOTO_KINDS)
    name = store_checked(upload, checked)
    try:
        return model_create(
            actor=actor,
            instance=Evidence(),
            data={
                "report": report,
                "kind": Evidence.Kind.PHOTO
                if checked.kind in PHOTO_KINDS
                else Evidence.Kind.DOCUMENT,
                "file_name": name,
                "original_name": checked.original_name,
                "content_type": checked.mime,
                "size": checked.size,
                "sha256": checked.sha256,
                "caption": caption,
                "is_public": is_public,
                "uploaded_by": actor if actor is not None and actor.is_authenticated else None,
            },
            audit_fields=EVIDENCE_FIELDS,
            region_code=_region_code(report.period.masterplan),
        )
    except BaseException:
        delete_private(name)
        raise


def evidence_add_link(
    *, actor: Actor, report: ProgressReport, url: str, caption: str = ""
) -> Evidence:
    _require_editable(report)
    return model_create(
        actor=actor,
        instance=Evidence(),
        data={
            "report": report,
            "kind": Evidence.Kind.LINK,
            "url": url,
            "caption": caption,
            "uploaded_by": actor if actor is not None and actor.is_authenticated else None,
        },
        audit_fields=EVIDENCE_FIELDS,
        region_code=_region_code(report.period.masterplan),
    )


def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    _require_editable(evidence.report)
    name = evidence.file_name
    with transaction.atomic():
        model_delete(
            actor=actor,
            instance=evidence,
            audit_fields=EVIDENCE_FIELDS,
            region_code=_region_code(evidence.report.period.masterplan),
        )
        if name:
            transaction.on_commit(lambda: delete_private(name))
