"""Recording audit events. Services call :func:`audit_record` inside their
transaction; nothing here depends on a web request, so commands and imports
leave the same history as the web UI."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from kotacerdas.core.models import AuditEvent

Actor = AbstractBaseUser | AnonymousUser | None


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-ready copy of the named fields: foreign keys as ids, many-to-many
    as sorted id lists, decimals as strings (exact)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = cast("models.Field[Any, Any]", instance._meta.get_field(name))
        if field.many_to_many:
            value: Any = (
                sorted(obj.pk for obj in getattr(instance, name).all()) if instance.pk else []
            )
        elif field.is_relation:
            value = getattr(instance, field.attname)
        else:
            value = getattr(instance, name)
        if isinstance(value, Decimal):
            # One canonical text per amount: 1000000, 1000000.00 and 1E+6 are one value.
            value = format(value.normalize(), "f")
        data[name] = value
    return data


def actor_label(actor: Actor) -> str:
    if actor is None or not actor.is_authenticated:
        return "sistem"
    return str(actor.get_username())


def audit_record(
    *,
    actor: Actor,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    region_code: str = "",
    object_id: Any = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=cast(Any, user),
        actor_label=actor_label(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(object_id if object_id is not None else instance.pk),
        object_repr=str(instance)[:300],
        region_code=region_code,
        before=before,
        after=after,
    )


def audit_state(
    *,
    actor: Actor,
    instance: models.Model,
    fields: Iterable[str],
    before: dict[str, Any] | None,
    region_code: str,
) -> None:
    """The audit event of a row that moves through states (a background job):
    CREATE when ``before`` is None, else UPDATE from ``before`` to the named
    fields' values now."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=instance,
        before=before,
        after=snapshot(instance, fields),
        region_code=region_code,
    )


def history_for(instance: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor", "content_type")


def _readable(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field.many_to_many:
        return ", ".join(str(o) for o in field.related_model.objects.filter(pk__in=value)) or "—"
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def readable_changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field label, old, new) in words a clerk reads: choice labels and the
    names of related objects instead of codes and ids."""
    model = event.content_type.model_class()
    rows = []
    for name, old, new in event.changed_fields():
        try:
            field = (
                cast("models.Field[Any, Any]", model._meta.get_field(name))
                if model is not None
                else None
            )
        except FieldDoesNotExist:
            field = None
        if field is None:
            rows.append((name, str(old), str(new)))
        else:
            rows.append((str(field.verbose_name), _readable(field, old), _readable(field, new)))
    return rows
