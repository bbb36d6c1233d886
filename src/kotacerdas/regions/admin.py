from typing import Any

from django.contrib import admin

from kotacerdas.core.admin import AuditedModelAdmin
from kotacerdas.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    audit_fields = ("code", "name")
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def _region_code(self, obj: Any) -> str:
        return obj.code
