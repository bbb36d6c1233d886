"""Applying a confirmed progress workbook: the changed, conflict-free rows in
one transaction through :func:`kotacerdas.monitoring.services.report_save`,
so every write is validated and audited like a report saved on the web."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kotacerdas.core.audit import Actor
from kotacerdas.masterplan.models import ActionPlan, Agency
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.workbook.preview import Preview, PreviewOutdated, build_preview
from kotacerdas.monitoring.workbook.reading import REFUSALS, WorkbookRefused, workbook_read


def workbook_apply(
    *,
    actor: Actor,
    period: ReportingPeriod,
    agency: Agency,
    content: bytes,
    fingerprint: str | None = None,
) -> Preview:
    """Apply the changed, conflict-free rows of ``content`` in one transaction
    through services.report_save (audited with ``actor``). Nothing is applied
    when the file has any error (the returned preview has them), when
    ``fingerprint`` no longer matches the preview (PreviewOutdated), or when
    any save is refused (WorkbookRefused; everything rolls back). The caller
    has checked that ``actor`` may write ``agency``'s reports."""
    parsed = workbook_read(content)
    with transaction.atomic():
        period = (
            ReportingPeriod.objects.select_for_update()
            .select_related("masterplan__region")
            .get(pk=period.pk)
        )
        # Lock the agency's reports so that what was compared is what is written.
        list(
            ProgressReport.objects.select_for_update()
            .filter(
                period=period,
                action_plan_id__in=ActionPlan.objects.filter(
                    masterplan_id=period.masterplan_id, agency=agency
                ).values("pk"),
            )
            .values_list("pk", flat=True)
        )
        preview = build_preview(parsed, period, agency)
        if fingerprint is not None and preview.fingerprint != fingerprint:
            raise PreviewOutdated(preview)
        if not preview.can_apply:
            return preview
        for row in preview.changed:
            try:
                services.report_save(actor=actor, period=period, action_plan=row.plan, **row.values)
            except (ValidationError, IntegrityError) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                raise WorkbookRefused.of(
                    REFUSALS["rejected"], row=row.row, code=row.plan.code, error=text
                ) from None
        preview.applied = len(preview.changed)
    return preview
