"""Region-side evaluation objects for tests: assessors on a cycle, evidence
requests, verified progress-report evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kotacerdas.evaluation.models import Assignment, EvaluationCycle, EvidenceRequest, Item
from kotacerdas.monitoring import services as monitoring
from kotacerdas.monitoring.models import Evidence
from tests.conftest import World
from tests.factories import make_user
from tests.monitoring_fixtures import pdf_upload, report


def item(cycle: EvaluationCycle, code: str = "BL-1") -> Item:
    return cycle.instrument.items.get(code=code)


def assign(cycle: EvaluationCycle, assessor: Any = None) -> Assignment:
    """An assessor on ``cycle`` who declared no conflict of interest."""
    return Assignment.objects.create(
        cycle=cycle,
        assessor=assessor or make_user("asesor-luar"),
        conflict_declared_at=timezone.now(),
        has_conflict=False,
    )


def evidence_request(
    cycle: EvaluationCycle,
    code: str = "BL-1",
    *,
    due_on: dt.date = dt.date(2025, 6, 20),
    assignment: Assignment | None = None,
) -> EvidenceRequest:
    assignment = assignment or cycle.assignments.first() or assign(cycle)
    return EvidenceRequest.objects.create(
        cycle=cycle,
        item=item(cycle, code),
        requested_by=assignment.assessor,
        message="Lampirkan SK tim smart city.",
        due_on=due_on,
    )


def verified_file_evidence(w: World, caption: str = "Foto peluncuran aplikasi") -> Evidence:
    """A PDF attached to plan_a's report, which is then verified."""
    draft = report(w)
    evidence = monitoring.evidence_add_file(
        actor=None, report=draft, upload=pdf_upload(), caption=caption
    )
    monitoring.report_verify(actor=None, report=monitoring.report_submit(actor=None, report=draft))
    return evidence


def force_state(cycle: EvaluationCycle, state: str) -> EvaluationCycle:
    """Put the cycle in ``state`` directly (scoring itself is the assessor
    side's and is tested there)."""
    EvaluationCycle.objects.filter(pk=cycle.pk).update(state=state)
    cycle.refresh_from_db()
    return cycle
