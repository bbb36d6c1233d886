"""Shared write helpers. Every app's services build on these, so every write
runs the same way: one transaction, ``full_clean()``, ``save(update_fields=...)``
and an audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction

from kotacerdas.core.audit import Actor, audit_record, snapshot
from kotacerdas.core.models import AuditEvent, Membership

if TYPE_CHECKING:
    from kotacerdas.regions.models import Region

M = TypeVar("M", bound=models.Model)


def _split(
    instance: models.Model, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    plain: dict[str, Any] = {}
    many: dict[str, Any] = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        (many if field.many_to_many else plain)[name] = value
    return plain, many


def model_create(
    *,
    actor: Actor,
    instance: M,
    data: Mapping[str, Any],
    audit_fields: Iterable[str],
    region_code: str = "",
) -> M:
    """Set ``data`` on a new ``instance``, validate, save, audit."""
    plain, many = _split(instance, data)
    with transaction.atomic():
        for name, value in plain.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        for name, value in many.items():
            getattr(instance, name).set(value)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=instance,
            after=snapshot(instance, audit_fields),
            region_code=region_code,
        )
    return instance


def model_update(
    *,
    actor: Actor,
    instance: M,
    data: Mapping[str, Any],
    audit_fields: Iterable[str],
    region_code: str = "",
) -> tuple[M, bool]:
    """Apply ``data`` to ``instance``; save only the changed fields and audit
    the change. Returns (instance, whether anything changed)."""
    fields = list(audit_fields)
    plain, many = _split(instance, data)
    with transaction.atomic():
        before = snapshot(instance, fields)
        changed = []
        for name, value in plain.items():
            field = cast("models.Field[Any, Any]", instance._meta.get_field(name))
            current = getattr(instance, field.attname)
            if field.is_relation:
                new = value.pk if isinstance(value, models.Model) else value
            else:
                # Compare as the field stores it: "1000000" and Decimal("1000000.00") agree.
                try:
                    new = field.to_python(value)
                except ValidationError as error:
                    raise ValidationError({name: error.messages}) from None
            if current != new:
                setattr(instance, name, value)
                changed.append(name)
        for name, value in many.items():
            new_ids = sorted(obj.pk for obj in value)
            if new_ids != before.get(name):
                changed.append(name)
        if not changed:
            return instance, False
        instance.full_clean()
        plain_changed = [name for name in changed if name not in many]
        if plain_changed:
            instance.save(update_fields=plain_changed)
        for name in changed:
            if name in many:
                getattr(instance, name).set(many[name])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=instance,
            before=before,
            after=snapshot(instance, fields),
            region_code=region_code,
        )
    return instance, True


def model_delete(
    *, actor: Actor, instance: models.Model, audit_fields: Iterable[str], region_code: str = ""
) -> None:
    with transaction.atomic():
        pk = instance.pk
        before = snapshot(instance, audit_fields)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            instance=instance,
            before=before,
            region_code=region_code,
            object_id=pk,
        )
        instance.delete()


USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
MEMBERSHIP_FIELDS = ("user", "region", "role", "agency")


def user_create(
    *, actor: Actor, username: str, password: str, superuser: bool = False, **data: Any
) -> AbstractUser:
    """A new account; the password goes through Django's validators."""
    user_model = get_user_model()
    user = user_model(username=username, is_superuser=superuser, is_staff=superuser, **data)
    validate_password(password, user)
    user.set_password(password)
    return model_create(actor=actor, instance=user, data={}, audit_fields=USER_FIELDS)


def membership_grant(
    *,
    actor: Actor,
    user: AbstractUser,
    region: Region,
    role: str,
    agency: models.Model | None = None,
) -> Membership:
    """``agency``: an agency of ``region`` (masterplan.Agency, which core does
    not import: Membership names it by its app label)."""
    same_agency: dict[str, Any] = (
        {"agency_id": agency.pk} if agency is not None else {"agency__isnull": True}
    )
    existing = Membership.objects.filter(
        user_id=user.pk, region=region, role=role, **same_agency
    ).first()
    if existing is not None:
        return existing
    return model_create(
        actor=actor,
        instance=Membership(),
        data={"user": user, "region": region, "role": role, "agency": agency},
        audit_fields=MEMBERSHIP_FIELDS,
        region_code=region.code,
    )
