from typing import Any

from django.contrib import admin

from kotacerdas.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from kotacerdas.masterplan.services import AGENCY_FIELDS


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    audit_fields = AGENCY_FIELDS
    list_display = ("short_name", "name", "head", "region")
    list_filter = ("region",)
    search_fields = ("short_name", "name")

    def _region_code(self, obj: Any) -> str:
        return obj.region.code


@admin.register(Masterplan)
class MasterplanAdmin(ReadOnlyAdmin):
    list_display = ("title", "region", "start_year", "end_year", "status")


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "masterplan", "horizon", "lead_agency")
    list_filter = ("masterplan", "horizon")
    search_fields = ("code", "name")


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "year", "agency", "status", "masterplan")
    list_filter = ("masterplan", "status", "year")
    search_fields = ("code", "activity")
