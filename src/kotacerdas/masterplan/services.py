"""Writes to the masterplan. Each service takes the acting user explicitly,
runs in one transaction, validates with ``full_clean()`` and writes its audit
event in the same transaction (``kotacerdas.core.services``). Views, the API
and commands call these and nothing else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.access import roles_of
from kotacerdas.core.audit import Actor
from kotacerdas.core.services import model_create, model_delete, model_update
from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Agency,
    Element,
    Masterplan,
    Pillar,
    Programme,
    StatusCorrection,
    StatusSource,
)
from kotacerdas.masterplan.pillars import PILLARS
from kotacerdas.regions.models import Region

MASTERPLAN_FIELDS = (
    "region",
    "title",
    "start_year",
    "end_year",
    "legal_basis",
    "status",
    "reporting_frequency",
)
AGENCY_FIELDS = ("region", "name", "short_name", "head")
PROGRAMME_FIELDS = (
    "masterplan",
    "code",
    "name",
    "description",
    "element",
    "horizon",
    "lead_agency",
    "supporting_agencies",
    "start_year",
    "end_year",
    "funding_source",
    "estimated_cost",
    "output",
    "outcome",
    "quick_win_year",
)
ACTION_PLAN_FIELDS = (
    "masterplan",
    "programme",
    "code",
    "year",
    "agency",
    "activity",
    "target",
    "status",
)
LABEL_FIELDS = ("name",)
STATUS_FIELDS = ("status", "status_source")
CORRECTION_FIELDS = ("action_plan", "from_status", "to_status", "reason", "corrected_at")


def region_get_or_create(*, actor: Actor, code: str, name: str) -> Region:
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return model_create(
        actor=actor,
        instance=Region(),
        data={"code": code, "name": name},
        audit_fields=("code", "name"),
        region_code=code,
    )


def masterplan_create(*, actor: Actor, region: Region, **data: Any) -> Masterplan:
    """Create a masterplan with its six pillars and eighteen elements."""
    with transaction.atomic():
        masterplan = model_create(
            actor=actor,
            instance=Masterplan(),
            data={"region": region, **data},
            audit_fields=MASTERPLAN_FIELDS,
            region_code=region.code,
        )
        for order, seed in enumerate(PILLARS, start=1):
            pillar = Pillar.objects.create(
                masterplan=masterplan, code=seed.code, name=seed.name, order=order
            )
            Element.objects.bulk_create(
                Element(pillar=pillar, code=code, name=name, order=i)
                for i, (code, name) in enumerate(seed.elements, start=1)
            )
    return masterplan


def masterplan_update(*, actor: Actor, masterplan: Masterplan, **data: Any) -> Masterplan:
    return model_update(
        actor=actor,
        instance=masterplan,
        data=data,
        audit_fields=MASTERPLAN_FIELDS,
        region_code=masterplan.region.code,
    )[0]


def pillar_update(*, actor: Actor, pillar: Pillar, name: str) -> Pillar:
    return model_update(
        actor=actor,
        instance=pillar,
        data={"name": name},
        audit_fields=LABEL_FIELDS,
        region_code=pillar.masterplan.region.code,
    )[0]


def element_update(*, actor: Actor, element: Element, name: str) -> Element:
    return model_update(
        actor=actor,
        instance=element,
        data={"name": name},
        audit_fields=LABEL_FIELDS,
        region_code=element.pillar.masterplan.region.code,
    )[0]


def agency_create(*, actor: Actor, region: Region, **data: Any) -> Agency:
    return model_create(
        actor=actor,
        instance=Agency(),
        data={"region": region, **data},
        audit_fields=AGENCY_FIELDS,
        region_code=region.code,
    )


def agency_update(*, actor: Actor, agency: Agency, **data: Any) -> Agency:
    return model_update(
        actor=actor,
        instance=agency,
        data=data,
        audit_fields=AGENCY_FIELDS,
        region_code=agency.region.code,
    )[0]


def programme_create(*, actor: Actor, masterplan: Masterplan, **data: Any) -> Programme:
    return model_create(
        actor=actor,
        instance=Programme(),
        data={"masterplan": masterplan, **data},
        audit_fields=PROGRAMME_FIELDS,
        region_code=masterplan.region.code,
    )


def programme_update(*, actor: Actor, programme: Programme, **data: Any) -> Programme:
    return model_update(
        actor=actor,
        instance=programme,
        data=data,
        audit_fields=PROGRAMME_FIELDS,
        region_code=programme.masterplan.region.code,
    )[0]


def programme_delete(*, actor: Actor, programme: Programme) -> None:
    """Refused (ProtectedError) while the programme still has action plans:
    deleting a programme must never silently take its action plans along."""
    model_delete(
        actor=actor,
        instance=programme,
        audit_fields=PROGRAMME_FIELDS,
        region_code=programme.masterplan.region.code,
    )


def action_plan_create(*, actor: Actor, programme: Programme, **data: Any) -> ActionPlan:
    return model_create(
        actor=actor,
        instance=ActionPlan(),
        data={"masterplan": programme.masterplan, "programme": programme, **data},
        audit_fields=ACTION_PLAN_FIELDS,
        region_code=programme.masterplan.region.code,
    )


def action_plan_update(*, actor: Actor, action_plan: ActionPlan, **data: Any) -> ActionPlan:
    """Change an action plan. Once its masterplan runs reporting periods, the
    status is not among the things this changes: it moves only by a verified
    report (:func:`action_plan_status_from_report`) or a correction by the
    team (:func:`action_plan_status_correct`)."""
    if "programme" in data:
        data["masterplan"] = data["programme"].masterplan
    if (
        "status" in data
        and data["status"] != action_plan.status
        and action_plan.masterplan.runs_periods()
    ):
        raise ValidationError(
            {
                "status": _(
                    "Masterplan ini sudah menjalankan periode pelaporan: status hanya berubah "
                    "lewat laporan yang diverifikasi atau koreksi status oleh tim."
                )
            }
        )
    if "status" in data and data["status"] != action_plan.status:
        data["status_source"] = StatusSource.DIRECT
    return model_update(
        actor=actor,
        instance=action_plan,
        data=data,
        audit_fields=(*ACTION_PLAN_FIELDS, "status_source"),
        region_code=action_plan.masterplan.region.code,
    )[0]


def action_plan_status_from_report(
    *, actor: Actor, action_plan: ActionPlan, status: str
) -> ActionPlan:
    """The status a verified progress report sets (monitoring's
    ``report_verify``): the one ordinary path to an official status."""
    return model_update(
        actor=actor,
        instance=action_plan,
        data={"status": status, "status_source": StatusSource.REPORT},
        audit_fields=STATUS_FIELDS,
        region_code=action_plan.masterplan.region.code,
    )[0]


def may_correct_status(actor: Actor, action_plan: ActionPlan) -> bool:
    """The smart city team (admins of the plan's region) corrects statuses;
    a call without a user (the CLI, the demo loader) acts as the operator."""
    if actor is None:
        return True
    return roles_of(actor).is_admin_of(action_plan.masterplan.region_id)


def action_plan_status_correct(
    *, actor: Actor, action_plan: ActionPlan, status: str, reason: str
) -> StatusCorrection:
    """Set a status without a report: the team's correction, with its reason,
    kept as a :class:`StatusCorrection` and marked wherever the status or a
    figure counting it is shown, until a verified report sets the status
    again (docs/decisions.md §11)."""
    if not may_correct_status(actor, action_plan):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Alasan koreksi wajib diisi.")
    if status not in ActionPlanStatus.values:
        errors["status"] = _("Status tidak dikenal.")
    elif status == action_plan.status:
        errors["status"] = _("Status baru sama dengan status sekarang.")
    if errors:
        raise ValidationError(errors)
    region_code = action_plan.masterplan.region.code
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=action_plan.pk)
        if plan.status != action_plan.status:
            raise ValidationError(
                {"status": _("Status rencana aksi ini baru saja berubah; muat ulang halamannya.")}
            )
        user = actor if actor is not None and actor.is_authenticated else None
        correction = model_create(
            actor=actor,
            instance=StatusCorrection(),
            data={
                "action_plan": plan,
                "from_status": plan.status,
                "to_status": status,
                "reason": reason,
                "corrected_by": user,
                "corrected_at": timezone.now(),
            },
            audit_fields=CORRECTION_FIELDS,
            region_code=region_code,
        )
        model_update(
            actor=actor,
            instance=action_plan,
            data={"status": status, "status_source": StatusSource.CORRECTION},
            audit_fields=STATUS_FIELDS,
            region_code=region_code,
        )
    return correction


def action_plan_delete(*, actor: Actor, action_plan: ActionPlan) -> None:
    model_delete(
        actor=actor,
        instance=action_plan,
        audit_fields=ACTION_PLAN_FIELDS,
        region_code=action_plan.masterplan.region.code,
    )


def masterplan_labels_update(
    *,
    actor: Actor,
    masterplan: Masterplan,
    pillar_names: dict[int, str],
    element_names: dict[int, str],
) -> int:
    """Rename pillars and elements of one masterplan in one transaction.
    Returns how many labels changed."""
    changed = 0
    with transaction.atomic():
        for pillar in masterplan.pillars.filter(pk__in=pillar_names):
            _obj, did = model_update(
                actor=actor,
                instance=pillar,
                data={"name": pillar_names[pillar.pk]},
                audit_fields=LABEL_FIELDS,
                region_code=masterplan.region.code,
            )
            changed += did
        for element in Element.objects.filter(pillar__masterplan=masterplan, pk__in=element_names):
            _element, did = model_update(
                actor=actor,
                instance=element,
                data={"name": element_names[element.pk]},
                audit_fields=LABEL_FIELDS,
                region_code=masterplan.region.code,
            )
            changed += did
    return changed
