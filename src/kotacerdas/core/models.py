"""Audit events and role memberships: the two things every other app leans on."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to rewrite history."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Rows are added, never changed or removed (in the ORM; see
    docs/decisions.md §6)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    """A record of what happened: saved once, never rewritten."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} is append-only.")


class AuditEvent(AppendOnlyModel):
    """Who did what to which object, when (UTC), with the values before and after.

    Written by services in the same transaction as the change it records, so a
    change without its audit event cannot exist.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("dibuat")
        UPDATE = "update", _("diubah")
        DELETE = "delete", _("dihapus")
        LOAD = "load", _("dimuat")
        EXPORT = "export", _("diunduh")

    occurred_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("pelaku (teks)"), max_length=150)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("objek"), max_length=300)
    region_code = models.CharField(_("kode wilayah"), max_length=13, blank=True, db_index=True)
    before = models.JSONField(_("sebelum"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("sesudah"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("jejak audit")
        ordering: ClassVar = ["-occurred_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["content_type", "object_id", "occurred_at"])]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    @property
    def actor_display(self) -> str:
        """The actor in words: the username, or "Sistem" (English "System")
        for what the system did on its own (``audit.actor_label``)."""
        return str(_("Sistem")) if self.actor_label == "sistem" else self.actor_label

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for every field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Role(models.TextChoices):
    ADMIN = "admin", _("Tim smart city (admin)")
    AGENCY_EDITOR = "agency_editor", _("Editor perangkat daerah")
    AGENCY_HEAD = "agency_head", _("Kepala perangkat daerah")
    REGISTRY_OFFICER = "registry_officer", _("Petugas registri UMKM")
    ASSESSOR = "assessor", _("Asesor")
    # Held in the province's own region (code PP); reads the published
    # figures of the province and its kab/kota, nothing else (core.access).
    PROVINCE_ANALYST = "province_analyst", _("Analis provinsi")


AGENCY_ROLES = (Role.AGENCY_EDITOR, Role.AGENCY_HEAD)
# Roles a region admin may hand out in the region (accounts.regionusers); the
# assessor is the ministry's and the province analyst the deployment admin's.
REGION_STAFF_ROLES = (Role.ADMIN, Role.AGENCY_EDITOR, Role.AGENCY_HEAD, Role.REGISTRY_OFFICER)


class Membership(models.Model):
    """A user's role in one region; agency roles also name the agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("peran"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        "masterplan.Agency",
        verbose_name=_("perangkat daerah"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "region", "role", "agency"],
                name="membership_unique",
                violation_error_message=_("Pengguna sudah memiliki peran ini."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=[r.value for r in AGENCY_ROLES], agency__isnull=False)
                    | (
                        ~models.Q(role__in=[r.value for r in AGENCY_ROLES])
                        & models.Q(agency__isnull=True)
                    )
                ),
                name="membership_agency_matches_role",
                violation_error_message=_(
                    "Peran perangkat daerah wajib menyebut perangkat daerahnya; peran lain tidak."
                ),
            ),
        ]

    def __str__(self) -> str:
        suffix = f" · {self.agency}" if self.agency_id else ""
        return f"{self.user} · {self.get_role_display()} · {self.region}{suffix}"

    def clean(self) -> None:
        # Agency rights are granted per agency (Roles.editor_agencies), so an
        # agency of another region would open that region's action plans.
        agency = self.agency if self.agency_id else None
        if agency is not None and self.region_id and agency.region_id != self.region_id:
            raise ValidationError(
                {"agency": _("Perangkat daerah ini bukan dari wilayah keanggotaan.")}
            )
        # A province analyst is scoped by the province's code (PP.*): in a
        # kab/kota the role would mean nothing, or worse, its neighbours.
        if self.role == Role.PROVINCE_ANALYST and self.region_id and not self.region.is_province:
            raise ValidationError(
                {"region": _("Analis provinsi hanya dapat diangkat di wilayah provinsi (kode PP).")}
            )


class DeploymentRole(models.Model):
    """A role over the whole deployment rather than one region: who runs the
    deployment and who reads across regions for the ministry. Not a
    ``Membership`` with no region: every reader of a membership (reminders,
    the API's "me", the assessor's conflict check, the region clock) may rely
    on its region, and row-level security will key on it (docs/decisions.md
    §81). None of these roles opens a region's non-public data or lets its
    holder change a region's data (core.access)."""

    class Kind(models.TextChoices):
        # Creates regions and appoints their admins; nothing inside a region.
        DEPLOYMENT_ADMIN = "deployment_admin", _("Admin deployment")
        # The ministry's programme team: reads every region's published figures.
        MINISTRY_OPERATOR = "ministry_operator", _("Operator program kementerian")
        MINISTRY_ANALYST = "ministry_analyst", _("Analis kementerian")
        # Other ministries and agencies reusing the smart-city data: read-only.
        OTHER_MINISTRY = "other_ministry", _("Pembaca kementerian/lembaga lain")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deployment_roles",
        verbose_name=_("pengguna"),
    )
    role = models.CharField(_("peran"), max_length=30, choices=Kind.choices)
    granted_at = models.DateTimeField(_("diberikan pada"), default=timezone.now)

    class Meta:
        verbose_name = _("peran deployment")
        verbose_name_plural = _("peran deployment")
        ordering: ClassVar = ["user_id", "role"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "role"],
                name="deployment_role_unique",
                violation_error_message=_("Pengguna sudah memiliki peran deployment ini."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=[
                        "deployment_admin",
                        "ministry_operator",
                        "ministry_analyst",
                        "other_ministry",
                    ]
                ),
                name="deployment_role_known",
                violation_error_message=_("Peran deployment tidak dikenal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ScheduledRun(models.Model):
    """A daily job that the worker's scheduler has enqueued for one day
    (kotacerdas.core.scheduler). One row per job and day: the unique constraint
    keeps two workers, or a restarted one, from enqueueing the same day twice."""

    name = models.CharField(_("tugas"), max_length=100)
    run_on = models.DateField(_("tanggal"))
    enqueued_at = models.DateTimeField(_("diantrekan pada"), default=timezone.now)
    task_id = models.CharField(_("ID tugas"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("jadwal harian yang dijalankan")
        verbose_name_plural = _("jadwal harian yang dijalankan")
        ordering: ClassVar = ["-run_on", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["name", "run_on"],
                name="scheduled_run_once_a_day",
                violation_error_message=_("Tugas ini sudah dijadwalkan untuk tanggal tersebut."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.run_on}"
