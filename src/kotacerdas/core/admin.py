"""Django admin is for platform operators (superusers) and reference data.
Every admin write leaves the same audit event as a service would; the
masterplan itself is edited in the application, where the rules live."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.audit import audit_record, snapshot
from kotacerdas.core.models import AuditEvent, DeploymentRole, Membership
from kotacerdas.regions.models import Region


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an AuditEvent for every add, change and delete made in the admin."""

    audit_fields: tuple[str, ...] = ()

    def _region_code(self, obj: Any) -> str:
        return ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change:
                previous = type(obj).objects.get(pk=obj.pk)
                before = snapshot(previous, self.audit_fields)
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
                instance=obj,
                before=before,
                after=snapshot(obj, self.audit_fields),
                region_code=self._region_code(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.DELETE,
                instance=obj,
                before=snapshot(obj, self.audit_fields),
                region_code=self._region_code(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor_label", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type", "region_code")
    search_fields = ("object_repr", "actor_label", "object_id")
    date_hierarchy = "occurred_at"


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    audit_fields = ("user", "region", "role", "agency")
    list_display = ("user", "role", "region", "agency")
    list_filter = ("role", "region")
    search_fields = ("user__username", "agency__short_name")
    autocomplete_fields = ("user", "agency")

    def _region_code(self, obj: Any) -> str:
        return obj.region.code


@admin.register(DeploymentRole)
class DeploymentRoleAdmin(AuditedModelAdmin):
    """Roles over the whole deployment (docs/decisions.md §81), granted by a
    superuser; a deployment admin appoints region admins on their own page."""

    audit_fields = ("user", "role")
    list_display = ("user", "role", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    # Registered here, not in regions/: the regions app is the foundation and
    # imports no other app (docs/architecture.md).
    audit_fields = ("code", "name", "time_zone")
    list_display = ("code", "name", "kind", "zone")
    list_filter = ("kind",)
    search_fields = ("code", "name")

    @admin.display(description=_("zona waktu berlaku"))
    def zone(self, obj: Region) -> str:
        """The zone in force: the override, else the one derived from the code."""
        return f"{obj.zone_abbreviation} ({obj.zone_name})"

    def _region_code(self, obj: Any) -> str:
        return str(obj.code)
