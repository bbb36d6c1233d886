"""A small world with three closed periods whose every trend figure is known
by hand (tests/monitoring/test_trends.py, tests/portal/test_trends.py).

``world`` has one programme (lead: Diskominfo) and two 2024 action plans:
plan_a (Diskominfo) and plan_b (Dispar), both "belum dimulai".

========  =========================  ==============  ==========
period    verified in the period      action plans    programme
========  =========================  ==============  ==========
TW I      nothing                     0/2 = 0,00 %    0/1
TW II     plan_a → berjalan           1/2 = 50,00 %   1/1
TW III    plan_b → berjalan           2/2 = 100,00 %  1/1
========  =========================  ==============  ==========

Per agency (action plans): Diskominfo 0/1, 1/1, 1/1; Dispar 0/1, 0/1, 1/1.
Programmes per agency count the programmes it leads: Diskominfo 0/1, 1/1,
1/1; Dispar leads none (0/0, no percentage).
"""

from __future__ import annotations

from typing import Any

from kotacerdas.masterplan.models import ActionPlan
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from tests.conftest import World
from tests.monitoring_fixtures import period


def verified_report(
    p: ReportingPeriod, plan: ActionPlan, status: str, actor: Any = None, **data: Any
) -> ProgressReport:
    fields = {"physical_progress": 40, **data}
    r = services.report_save(actor=actor, period=p, action_plan=plan, status=status, **fields)
    r = services.report_submit(actor=actor, report=r)
    return services.report_verify(actor=actor, report=r)


def three_closed_periods(w: World) -> list[ReportingPeriod]:
    """Close TW I, II and III of 2024 as in the table above."""
    q1 = period(w, state="closed", number=1)
    q2 = period(w, state="open", number=2)
    verified_report(q2, w.plan_a, "berjalan")
    services.period_close(actor=None, period=q2)
    q3 = period(w, state="open", number=3)
    verified_report(q3, w.plan_b, "berjalan")
    services.period_close(actor=None, period=q3)
    return [ReportingPeriod.objects.get(pk=p.pk) for p in (q1, q2, q3)]
