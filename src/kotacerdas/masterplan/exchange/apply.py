"""Applying a validated workbook through the masterplan services, in one
transaction: every write runs through the same service as the web forms
(full_clean, audit event); a refusal becomes a problem on its row and the
whole transaction is rolled back. A dry run makes the same writes and rolls
them back, so that the preview shows what the real run will do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, snapshot
from kotacerdas.core.formatting import rupiah
from kotacerdas.core.sheets.problems import Problems
from kotacerdas.masterplan import services
from kotacerdas.masterplan.exchange.export import (
    Row,
    action_plan_cells,
    agency_cells,
    masterplan_cells,
    programme_cells,
)
from kotacerdas.masterplan.exchange.results import (
    MESSAGES,
    Action,
    FieldChange,
    ImportResult,
    KeptStatus,
    Kind,
    RowChange,
)
from kotacerdas.masterplan.exchange.validate import Item, Plan
from kotacerdas.masterplan.exchange.workbook import (
    ACTION_PLANS_SHEET,
    AGENCIES_SHEET,
    LABELS_SHEET,
    MASTERPLAN_SHEET,
    PROGRAMMES_SHEET,
    Column,
    Sheet,
)
from kotacerdas.masterplan.models import (
    ActionPlan,
    ActionPlanStatus,
    Agency,
    Element,
    Masterplan,
    Programme,
    StatusSource,
)
from kotacerdas.regions.models import Region

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


class _Rollback(Exception):
    pass


def _display(column: Column, value: Any) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "money":
        return rupiah(value)
    if column.choices is not None and column.choices.labelled:
        # Words, not codes, as the workbook shows them (the reader's language).
        return column.choices.label(str(value), translation.get_language() or "id")
    return str(value)


def _diff(sheet: Sheet, before: Row, after: Row) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(c.key, _display(c, before.get(c.key)), _display(c, after.get(c.key)))
        for c in sheet.columns
        if before.get(c.key) != after.get(c.key)
    )


def _keep_line_breaks(instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """Text typed in the browser is stored with CRLF; the same text from a
    spreadsheet has LF. Keep the stored text when only that differs."""
    kept = dict(data)
    for name, value in data.items():
        current = getattr(instance, name, None)
        if (
            isinstance(value, str)
            and isinstance(current, str)
            and "\r" in current
            and current.replace("\r\n", "\n").replace("\r", "\n").strip() == value
        ):
            kept[name] = current
    return kept


@dataclass
class _Opened:
    """The masterplan being imported into, and what finishing it needs."""

    masterplan: Masterplan
    end_year: int  # as the file asks: a shorter period is applied last
    before: tuple[Row, dict[str, Any]] | None = None  # None when it was just created


class _Applier:
    def __init__(self, actor: Actor, result: ImportResult, plan: Plan) -> None:
        self.actor = actor
        self.result = result
        self.plan = plan
        self.problems = Problems(MESSAGES)

    def write(self, sheet: Sheet, item: Item, call: Callable[[], T]) -> T | None:
        """Run one service; a refusal becomes a problem on the row (and the
        whole import is rolled back at the end)."""
        try:
            return call()
        except ValidationError as error:
            for name, messages in _messages(error):
                column = next((c.key for c in sheet.columns if c.field == name), "")
                for message in messages:
                    self.problems.add(
                        item.sheet, item.row_of(column), column, "rejected", error=message
                    )
        except IntegrityError as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.problems.add(item.sheet, item.row, "", "rejected", error=message)
        return None

    def record(
        self,
        kind: Kind,
        key: str,
        name: str,
        item: Item,
        action: Action,
        fields: Iterable[FieldChange] = (),
    ) -> None:
        self.result.changes.append(
            RowChange(kind, key, name, item.sheet, item.row, action, tuple(fields))
        )

    def upsert(
        self,
        *,
        kind: Kind,
        sheet: Sheet,
        item: Item,
        instance: M | None,
        data: dict[str, Any],
        create: Callable[[dict[str, Any]], M],
        update: Callable[[M, dict[str, Any]], M],
        cells_of: Callable[[M], Row],
        audit_fields: tuple[str, ...],
        name: Callable[[M], str],
    ) -> M | None:
        """Create or update one row; record which of create, update (with the
        columns that changed, old → new) or unchanged it was."""
        key = str(item.values[sheet.key[0]])
        if instance is None:
            created = self.write(sheet, item, lambda: create(data))
            if created is not None:
                self.record(kind, key, name(created), item, "create")
            return created
        before, snap = cells_of(instance), snapshot(instance, audit_fields)
        updated = self.write(
            sheet, item, lambda: update(instance, _keep_line_breaks(instance, data))
        )
        if updated is None:
            return None
        if snapshot(updated, audit_fields) == snap:
            self.record(kind, key, name(updated), item, "unchanged")
        else:
            fields = _diff(sheet, before, cells_of(updated))
            self.record(kind, key, name(updated), item, "update", fields)
        return updated

    def run(self) -> None:
        region = services.region_get_or_create(
            actor=self.actor, code=self.result.region_code, name=self.result.region_name
        )
        opened = self.open_masterplan(region)
        if opened is None:
            return
        self.labels(opened.masterplan)
        agencies = self.agencies(region)
        programmes = self.programmes(opened.masterplan, agencies)
        self.action_plans(opened.masterplan, agencies, programmes)
        self.finish_masterplan(opened)

    # The masterplan: opened first, its shorter period (if any) applied last ----------------

    def open_masterplan(self, region: Region) -> _Opened | None:
        item, actor = self.plan.masterplan, self.actor
        data = {
            "title": item.values["judul"],
            "start_year": item.values["tahun_mulai"],
            "end_year": item.values["tahun_akhir"],
            "legal_basis": item.values["dasar_hukum"],
            "status": item.values["status"],
        }
        masterplan = (
            Masterplan.objects.select_related("region")
            .filter(region=region, start_year=data["start_year"])
            .first()
        )
        if masterplan is None:
            created = self.write(
                MASTERPLAN_SHEET,
                item,
                lambda: services.masterplan_create(actor=actor, region=region, **data),
            )
            if created is None:
                return None
            self.record("masterplan", str(created.start_year), created.title, item, "create")
            return _Opened(created, created.end_year)
        opened = _Opened(
            masterplan,
            data["end_year"],
            (masterplan_cells(masterplan), snapshot(masterplan, services.MASTERPLAN_FIELDS)),
        )
        # Rows may still lie in the years a shorter period drops until they are updated.
        data["end_year"] = max(data["end_year"], masterplan.end_year)
        data = _keep_line_breaks(masterplan, data)
        updated = self.write(
            MASTERPLAN_SHEET,
            item,
            lambda: services.masterplan_update(actor=actor, masterplan=masterplan, **data),
        )
        return None if updated is None else opened

    def finish_masterplan(self, opened: _Opened) -> None:
        masterplan, item = opened.masterplan, self.plan.masterplan
        if opened.before is None:
            return
        if masterplan.end_year != opened.end_year:
            self.write(
                MASTERPLAN_SHEET,
                item,
                lambda: services.masterplan_update(
                    actor=self.actor, masterplan=masterplan, end_year=opened.end_year
                ),
            )
        cells_before, snap = opened.before
        key = str(masterplan.start_year)
        if snapshot(masterplan, services.MASTERPLAN_FIELDS) == snap:
            self.record("masterplan", key, masterplan.title, item, "unchanged")
        else:
            fields = _diff(MASTERPLAN_SHEET, cells_before, masterplan_cells(masterplan))
            self.record("masterplan", key, masterplan.title, item, "update", fields)

    # The rows -----------------------------------------------------------------------------

    def labels(self, masterplan: Masterplan) -> None:
        pillars = {p.code: p for p in masterplan.pillars.all()}
        elements = {
            (e.pillar.code, e.code): e
            for e in Element.objects.filter(pillar__masterplan=masterplan).select_related("pillar")
        }
        pillar_names: dict[int, str] = {}
        element_names: dict[int, str] = {}
        # (key, column, row, old name, new name)
        pending: list[tuple[str, str, int | None, str, str]] = []
        for code, (name, row) in self.plan.pillar_names.items():
            pillar = pillars[code]
            pillar_names[pillar.pk] = name
            pending.append((code, "nama_pilar", row, pillar.name, name))
        for (pillar_code, code), (name, row) in self.plan.element_names.items():
            element = elements[(pillar_code, code)]
            element_names[element.pk] = name
            pending.append((f"{pillar_code}/{code}", "nama_elemen", row, element.name, name))
        if not pending:
            return
        done = self.write(
            LABELS_SHEET,
            Item(LABELS_SHEET.name, None, {}),
            lambda: services.masterplan_labels_update(
                actor=self.actor,
                masterplan=masterplan,
                pillar_names=pillar_names,
                element_names=element_names,
            ),
        )
        if done is None:
            return
        for key, column, row, old, new in pending:
            row_item = Item(LABELS_SHEET.name, row, {})
            if old == new:
                self.record("label", key, new, row_item, "unchanged")
            else:
                self.record("label", key, new, row_item, "update", [FieldChange(column, old, new)])

    def agencies(self, region: Region) -> dict[str, Agency]:
        existing = {a.short_name: a for a in Agency.objects.filter(region=region)}
        for item in self.plan.agencies:
            v = item.values
            self.upsert(
                kind="agency",
                sheet=AGENCIES_SHEET,
                item=item,
                instance=existing.get(v["singkatan"]),
                data={"short_name": v["singkatan"], "name": v["nama"], "head": v["kepala"]},
                create=lambda data: services.agency_create(actor=self.actor, region=region, **data),
                update=lambda agency, data: services.agency_update(
                    actor=self.actor, agency=agency, **data
                ),
                cells_of=agency_cells,
                audit_fields=services.AGENCY_FIELDS,
                name=lambda agency: agency.name,
            )
        return {a.short_name: a for a in Agency.objects.filter(region=region)}

    def programmes(
        self, masterplan: Masterplan, agencies: dict[str, Agency]
    ) -> dict[str, Programme]:
        elements = {
            (e.pillar.code, e.code): e
            for e in Element.objects.filter(pillar__masterplan=masterplan).select_related("pillar")
        }
        existing = {
            p.code: p
            for p in Programme.objects.filter(masterplan=masterplan).select_related(
                "element__pillar", "lead_agency"
            )
        }
        for item in self.plan.programmes:
            v = item.values
            if v["pengampu"] not in agencies or any(s not in agencies for s in v["pendukung"]):
                continue  # an agency failed to save: already reported
            self.upsert(
                kind="programme",
                sheet=PROGRAMMES_SHEET,
                item=item,
                instance=existing.get(v["kode"]),
                data={
                    "code": v["kode"],
                    "name": v["nama"],
                    "description": v["deskripsi"],
                    "element": elements[(v["kode_pilar"], v["kode_elemen"])],
                    "horizon": v["jangka"],
                    "lead_agency": agencies[v["pengampu"]],
                    "supporting_agencies": [agencies[s] for s in v["pendukung"]],
                    "start_year": v["tahun_mulai"],
                    "end_year": v["tahun_akhir"],
                    "funding_source": v["sumber_dana"],
                    "estimated_cost": v["perkiraan_biaya"],
                    "output": v["keluaran"],
                    "outcome": v["hasil"],
                    "quick_win_year": v["tahun_quick_win"],
                },
                create=lambda data: services.programme_create(
                    actor=self.actor, masterplan=masterplan, **data
                ),
                update=lambda programme, data: services.programme_update(
                    actor=self.actor, programme=programme, **data
                ),
                cells_of=programme_cells,
                audit_fields=services.PROGRAMME_FIELDS,
                name=lambda programme: programme.name,
            )
        return {
            p.code: p
            for p in Programme.objects.filter(masterplan=masterplan).select_related(
                "masterplan__region"
            )
        }

    def action_plans(
        self,
        masterplan: Masterplan,
        agencies: dict[str, Agency],
        programmes: dict[str, Programme],
    ) -> None:
        existing = {
            p.code: p
            for p in ActionPlan.objects.filter(masterplan=masterplan).select_related(
                "programme", "agency", "masterplan__region"
            )
        }
        runs_periods = masterplan.runs_periods()
        for item in self.plan.plans:
            v = item.values
            programme = programmes.get(v["kode_program"])
            agency = agencies.get(v["perangkat_daerah"])
            if programme is None or agency is None:
                continue  # its programme or agency failed to save: already reported
            data = {
                "programme": programme,
                "code": v["kode"],
                "year": v["tahun"],
                "agency": agency,
                "activity": v["kegiatan"],
                "target": v["target"],
                "status": v["status"],
            }
            instance = existing.get(v["kode"])
            if instance is not None and instance.status != v["status"]:
                reason = self.kept_status_reason(instance, runs_periods)
                if reason:
                    del data["status"]
                    self.result.kept_statuses.append(
                        KeptStatus(
                            key=v["kode"],
                            sheet=item.sheet,
                            row=item.row_of("status"),
                            stored=str(instance.get_status_display()),
                            asked=str(ActionPlanStatus(v["status"]).label),
                            reason=reason,
                        )
                    )
            self.upsert(
                kind="action_plan",
                sheet=ACTION_PLANS_SHEET,
                item=item,
                instance=instance,
                data=data,
                create=lambda data: services.action_plan_create(actor=self.actor, **data),
                update=lambda plan, data: services.action_plan_update(
                    actor=self.actor, action_plan=plan, **data
                ),
                cells_of=action_plan_cells,
                audit_fields=services.ACTION_PLAN_FIELDS,
                name=lambda plan: plan.activity[:80],
            )

    @staticmethod
    def kept_status_reason(plan: ActionPlan, runs_periods: bool) -> str:
        """Why the import leaves this plan's status, or "" when it may set it:
        a status a report or the team's correction set is never overwritten by
        a workbook, and none is once the masterplan runs reporting periods."""
        if plan.status_source == StatusSource.REPORT:
            return _("status ditetapkan oleh laporan terverifikasi")
        if plan.status_source == StatusSource.CORRECTION:
            return _("status ditetapkan oleh koreksi tim")
        if runs_periods:
            return _(
                "masterplan menjalankan periode pelaporan: status berubah hanya lewat laporan "
                "terverifikasi atau koreksi status"
            )
        return ""


def _messages(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return [
            ("" if name == NON_FIELD_ERRORS else name, ValidationError(errors).messages)
            for name, errors in error.error_dict.items()
        ]
    return [("", error.messages)]


def apply_plan(*, actor: Actor, result: ImportResult, plan: Plan) -> None:
    """Apply ``plan`` in one transaction; keep it only when nothing was
    refused and this is not a dry run. Fills ``result``."""
    applier = _Applier(actor, result, plan)
    try:
        with transaction.atomic():
            applier.run()
            if applier.problems.items or result.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    result.problems = applier.problems.items
    result.applied = not result.dry_run and not result.problems
