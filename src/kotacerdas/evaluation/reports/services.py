"""Recording report downloads in the audit trail: who took which report of
which cycle, in which format, from which revision (or the draft)."""

from __future__ import annotations

from django.db import transaction

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.evaluation.reports.data import ReportData


def report_export_record(*, actor: Actor, data: ReportData, file_format: str) -> AuditEvent:
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            instance=data.cycle,
            after={
                "report": file_format,
                "revision": data.revision_number,
                "draft": not data.published,
                "index": None if data.index_rounded is None else str(data.index_rounded),
            },
            region_code=data.region_code,
        )
