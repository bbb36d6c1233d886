"""Operators' admin for the registry's settings and reference data.

Businesses are deliberately not in the Django admin: it would show personal
data unmasked and without a record of who saw it (UU 27/2022). Officers work
in the registry pages, where every reveal and export is logged."""

from typing import Any

from django.contrib import admin

from kotacerdas.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.registry.models import KbliCode, RegistrySettings


@admin.register(RegistrySettings)
class RegistrySettingsAdmin(AuditedModelAdmin):
    audit_fields = ("region", "programme", "retention_years", "tile_url")
    list_display = ("region", "programme", "retention_years")

    def _region_code(self, obj: Any) -> str:
        return obj.region.code


@admin.register(KbliCode)
class KbliCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "category", "version")
    list_filter = ("version", "category")
    search_fields = ("code", "title")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("filename", "region", "created_by", "state", "rows", "imported", "rejected")
    list_filter = ("region", "state")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor_label", "action", "record_count", "region")
    list_filter = ("region", "action")
