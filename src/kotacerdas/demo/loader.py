"""The Kota Dumai demo: region 14.72, its masterplan 2022–2032, agencies,
51 programmes and 103 action plans (``dumai.json``), and one demo user per
role. Aggregate figures follow Kota Dumai's public report of November 2024;
names beyond the public ones are illustrative.

Loading is idempotent: what exists is left as it is (so edits made while
trying the demo survive ``make run``), unless ``reset`` restores the demo's
values.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from kotacerdas.core.audit import Actor
from kotacerdas.core.models import AuditEvent, Role
from kotacerdas.core.regions import region_add
from kotacerdas.core.services import membership_grant, user_create
from kotacerdas.demo.journeys import journeys_demo_load
from kotacerdas.demo.national import national_demo_load
from kotacerdas.demo.registry import registry_demo_load
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Agency, Element, Masterplan, Programme
from kotacerdas.regions.models import Region

DEMO_PASSWORD = "dumai-cerdas-2024"  # noqa: S105 - documented demo credential, local use only


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str | None
    agency: str | None = None
    superuser: bool = False
    # The role is held in the region's province (Riau, 14), not in the region.
    in_province: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Tim Smart City Diskominfotiksan", Role.ADMIN),
    DemoUser("opd.diskopukm", "Editor Dinas Koperasi dan UKM", Role.AGENCY_EDITOR, "Diskop UKM"),
    DemoUser("opd.dispar", "Editor Dinas Pariwisata", Role.AGENCY_EDITOR, "Dispar"),
    DemoUser("kepala.diskopukm", "Kepala Dinas Koperasi dan UKM", Role.AGENCY_HEAD, "Diskop UKM"),
    DemoUser("umkm", "Petugas Registri UMKM", Role.REGISTRY_OFFICER),
    DemoUser("asesor", "Asesor Kementerian Komdigi", Role.ASSESSOR),
    DemoUser("operator", "Operator Platform", None, superuser=True),
    # A second assessor, not assigned: the assessor picker has someone to offer.
    DemoUser("asesor.unri", "Rina Kurniawati", Role.ASSESSOR),
    # Reads the published figures of Riau and its kab/kota (issue 16).
    DemoUser("analis.riau", "Analis Provinsi Riau", Role.PROVINCE_ANALYST, in_province=True),
)


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def demo_data() -> dict[str, Any]:
    text = resources.files("kotacerdas.demo").joinpath("dumai.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _upsert(
    result: DemoResult,
    kind: str,
    existing: Any,
    create: Any,
    update: Any,
    reset: bool,
) -> Any:
    if existing is None:
        result.count(result.created, kind)
        return create()
    if reset:
        # Services write an audit event only when an update changed something.
        events = AuditEvent.objects.count()
        obj = update(existing)
        if AuditEvent.objects.count() > events:
            result.count(result.updated, kind)
        return obj
    return existing


def _plan_reset(actor: Actor, plan: ActionPlan, fields: dict[str, Any]) -> ActionPlan:
    """Put a demo action plan back as the demo has it. Once the masterplan
    runs reporting periods its status moves only by a report or a correction,
    so a changed status goes back by a correction that says why."""
    fields = dict(fields)
    status = fields.pop("status", plan.status)
    plan = services.action_plan_update(actor=actor, action_plan=plan, **fields)
    if status == plan.status:
        return plan
    if plan.masterplan.runs_periods():
        services.action_plan_status_correct(
            actor=actor,
            action_plan=plan,
            status=status,
            reason="Data demo dipulihkan (demo --reset).",
        )
        plan.refresh_from_db()
        return plan
    return services.action_plan_update(actor=actor, action_plan=plan, status=status)


def demo_load(*, actor: Actor = None, reset: bool = False) -> DemoResult:
    data = demo_data()
    result = DemoResult()
    with transaction.atomic():
        region_data = data["region"]
        region = services.region_get_or_create(
            actor=actor, code=region_data["code"], name=region_data["name"]
        )
        mp_data = data["masterplan"]
        masterplan = _upsert(
            result,
            "masterplan",
            Masterplan.objects.filter(region=region, start_year=mp_data["start_year"]).first(),
            lambda: services.masterplan_create(actor=actor, region=region, **mp_data),
            lambda mp: services.masterplan_update(actor=actor, masterplan=mp, **mp_data),
            reset,
        )
        agencies: dict[str, Agency] = {}
        for item in data["agencies"]:
            agencies[item["short_name"]] = _upsert(
                result,
                "agency",
                Agency.objects.filter(region=region, short_name=item["short_name"]).first(),
                lambda item=item: services.agency_create(actor=actor, region=region, **item),
                lambda a, item=item: services.agency_update(actor=actor, agency=a, **item),
                reset,
            )
        elements = {e.code: e for e in Element.objects.filter(pillar__masterplan=masterplan)}
        for prog in data["programmes"]:
            fields = {
                "code": prog["code"],
                "name": prog["name"],
                "description": prog["description"],
                "element": elements[prog["element"]],
                "horizon": prog["horizon"],
                "lead_agency": agencies[prog["lead_agency"]],
                "supporting_agencies": [agencies[s] for s in prog["supporting_agencies"]],
                "start_year": prog["start_year"],
                "end_year": prog["end_year"],
                "funding_source": prog["funding_source"],
                "estimated_cost": Decimal(prog["estimated_cost"]),
                "output": prog["output"],
                "outcome": prog["outcome"],
                "quick_win_year": prog["quick_win_year"],
            }
            programme = _upsert(
                result,
                "programme",
                Programme.objects.filter(masterplan=masterplan, code=prog["code"]).first(),
                lambda fields=fields: services.programme_create(
                    actor=actor, masterplan=masterplan, **fields
                ),
                lambda p, fields=fields: services.programme_update(
                    actor=actor, programme=p, **fields
                ),
                reset,
            )
            for plan in prog["action_plans"]:
                plan_fields = {**plan, "agency": agencies[plan["agency"]]}
                _upsert(
                    result,
                    "action_plan",
                    ActionPlan.objects.filter(masterplan=masterplan, code=plan["code"]).first(),
                    lambda plan_fields=plan_fields, programme=programme: (
                        services.action_plan_create(actor=actor, programme=programme, **plan_fields)
                    ),
                    lambda a, plan_fields=plan_fields: _plan_reset(actor, a, plan_fields),
                    reset,
                )
        _demo_users(actor=actor, region=region, agencies=agencies, result=result)
        registry_demo_load(actor=actor, region=region, masterplan=masterplan, result=result)
        _demo_published_period(actor=actor, masterplan=masterplan, result=result)
        journeys_demo_load(actor=actor, region=region, masterplan=masterplan, result=result)
        national_demo_load(region=region, result=result)
    return result


# The period the city reported to the assessors (Evaluasi Tahap II, Nov 2024):
# the last one that ended before the report.
DEMO_PUBLISHED_UNTIL = dt.date(2024, 9, 30)


# The quarter before it, closed too, so trends have two points: in June 2024
# some plans of the two agencies with demo editors had not started yet; their
# Q3 reports (verified) moved them to "berjalan" (the seed's status today).
DEMO_STARTED_IN_Q3 = {"Diskop UKM": 4, "Dispar": 1}
DEMO_Q3_EDITORS = {"Diskop UKM": "opd.diskopukm", "Dispar": "opd.dispar"}


def _demo_published_period(*, actor: Actor, masterplan: Masterplan, result: DemoResult) -> None:
    """Close the reporting periods up to the city's report (Q2 and Q3 2024),
    so that the public portal has published figures and the trends two
    points: Q2 is frozen with a few plans not yet started, Q3's verified
    reports move them to their seed status. Left alone once the masterplan
    has any closed or open period."""
    from kotacerdas.monitoring import services as monitoring
    from kotacerdas.monitoring.models import ReportingPeriod

    periods = ReportingPeriod.objects.filter(masterplan=masterplan)
    if (
        periods.filter(state=ReportingPeriod.State.CLOSED).exists()
        or periods.filter(state=ReportingPeriod.State.OPEN).exists()
    ):
        return
    year = DEMO_PUBLISHED_UNTIL.year
    monitoring.periods_generate(actor=actor, masterplan=masterplan, year=year)
    ended = periods.filter(year=year, ends_on__lte=DEMO_PUBLISHED_UNTIL).order_by("-ends_on")
    period = ended.first()
    if period is None:
        return
    earlier = ended.exclude(pk=period.pk).first()
    started: list[ActionPlan] = []
    if earlier is not None:
        for agency, count in DEMO_STARTED_IN_Q3.items():
            started += list(
                ActionPlan.objects.filter(
                    masterplan=masterplan, agency__short_name=agency, status="berjalan"
                ).order_by("code")[:count]
            )
        # The seed as it stood in June 2024 (before any report: no history to keep).
        ActionPlan.objects.filter(pk__in=[p.pk for p in started]).update(status="belum_dimulai")
        earlier = monitoring.period_open(actor=actor, period=earlier)
        monitoring.period_close(actor=actor, period=earlier)
        result.count(result.created, "period_snapshot")
    period = monitoring.period_open(actor=actor, period=period)
    admin = get_user_model().objects.filter(username="admin").first()
    for plan in started:
        editor = get_user_model().objects.get(username=DEMO_Q3_EDITORS[plan.agency.short_name])
        plan.refresh_from_db()
        report = monitoring.report_save(
            actor=editor,
            period=period,
            action_plan=plan,
            status="berjalan",
            physical_progress=Decimal(25),
            output_achieved="Kegiatan dimulai pada triwulan III 2024.",
            narrative="Kegiatan dimulai pada triwulan III 2024; tahap persiapan selesai.",
        )
        monitoring.evidence_add_link(
            actor=editor,
            report=report,
            url="https://dumaikota.go.id/",
            caption="Dokumentasi kegiatan (contoh)",
        )
        report = monitoring.report_submit(actor=editor, report=report)
        monitoring.report_verify(actor=admin or actor, report=report)
        result.count(result.created, "progress_report")
    monitoring.period_close(actor=actor, period=period)
    result.count(result.created, "period_snapshot")


def _demo_users(
    *, actor: Actor, region: Any, agencies: dict[str, Agency], result: DemoResult
) -> None:
    user_model = get_user_model()
    province: Region | None = None
    for demo in DEMO_USERS:
        user: Any = user_model.objects.filter(username=demo.username).first()
        if user is None:
            first, _sep, last = demo.full_name.partition(" ")
            user = user_create(
                actor=actor,
                username=demo.username,
                password=DEMO_PASSWORD,
                superuser=demo.superuser,
                first_name=first,
                last_name=last,
            )
            result.count(result.created, "user")
        if demo.role is not None and demo.in_province:
            if province is None:
                added = region_add(actor=actor, code=region.province_code)
                province = added.region
                if added.created:
                    result.count(result.created, "province")
            membership_grant(actor=actor, user=user, region=province, role=demo.role)
        elif demo.role is not None:
            agency = agencies[demo.agency] if demo.agency else None
            membership_grant(actor=actor, user=user, region=region, role=demo.role, agency=agency)


def demo_logins() -> tuple[str, list[str]] | None:
    """The demo password and the demo usernames present in the database, or
    None in production, before ``migrate`` or when the demo is not loaded."""
    if settings.PRODUCTION:
        return None
    try:
        if not Region.objects.filter(code=demo_data()["region"]["code"]).exists():
            return None
        wanted = [user.username for user in DEMO_USERS]
        present = set(
            get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True)
        )
    except DatabaseError:
        return None
    usernames = [name for name in wanted if name in present]
    return (DEMO_PASSWORD, usernames) if usernames else None


def serve_notes() -> list[str]:
    """What ``kotacerdas serve`` prints under its address (core/extensions.py)."""
    logins = demo_logins()
    if logins is None:
        return []
    password, usernames = logins
    return [
        f"Akun demo / demo accounts: {', '.join(usernames)}",
        f"Kata sandi / password: {password}",
    ]
