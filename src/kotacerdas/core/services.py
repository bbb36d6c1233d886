"""Shared write helpers. Every app's services build on these, so every write
runs the same way: one transaction, ``full_clean()``, ``save(update_fields=...)``
and an audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext as _no_context
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

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


def full_clean(instance: models.Model) -> None:
    """``instance.full_clean()``, with the model's check constraints checked in
    one query instead of one query (in its own savepoint) each.

    Same errors as Django's: fields, ``clean()`` and unique checks run as
    Django runs them; then every constraint in Django's order, skipping the
    fields that already failed, each check constraint's verdict read from one
    ``SELECT`` with a column per constraint (the condition Django's
    ``Q.check`` would put in its ``WHERE``), every other constraint through
    its own ``validate``. Whatever the one query cannot answer the same way
    (a condition that is always or never true, a database error) is checked
    by Django, constraint by constraint (decisions §71)."""
    model = type(instance)
    if (
        model.full_clean is not models.Model.full_clean
        or model.validate_constraints is not models.Model.validate_constraints
    ):
        instance.full_clean()
        return
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    exclude = {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        validate_constraints(instance, exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def validate_constraints(instance: models.Model, exclude: set[str] | None = None) -> None:
    """``Model.validate_constraints`` with one query for the check constraints
    of each model class (see ``full_clean``)."""
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict[str, list[ValidationError]] = {}
    for model_class, constraints in instance.get_constraints():
        # A subclass that validates in its own way is left to its validate().
        checks = [
            c
            for c in constraints
            if isinstance(c, CheckConstraint)
            and getattr(type(c), "validate", None) is getattr(CheckConstraint, "validate", None)
        ]
        verdicts = _check_constraints_at_once(model_class, instance, checks, exclude, using)
        for constraint in constraints:
            try:
                if id(constraint) in verdicts:
                    if not verdicts[id(constraint)]:
                        raise ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                else:
                    validate = getattr(constraint, "validate")  # noqa: B009 (not in the stubs)
                    validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                fields: tuple[str, ...] = tuple(getattr(constraint, "fields", ()))
                if getattr(error, "code", None) == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_constraints_at_once(
    model_class: type[models.Model],
    instance: models.Model,
    constraints: list[CheckConstraint],
    exclude: set[str] | None,
    using: str,
) -> dict[int, bool]:
    """Whether each check constraint holds for ``instance``, by ``id()``: one
    ``SELECT COALESCE(<condition>, TRUE), ...`` over the instance's values,
    as ``CheckConstraint.validate`` → ``Q.check`` builds them. A constraint
    missing from the answer (its condition names an excluded field, or the
    query cannot be made or run) is left to its own ``validate``."""
    connection = connections[using]
    if not constraints or not connection.features.supports_comparing_boolean_expr:
        return {}
    # What Django's CheckConstraint.validate compares against (not in the stubs).
    against = getattr(instance, "_get_field_expression_map")(  # noqa: B009
        meta=model_class._meta, exclude=exclude
    )
    # Only the fields the conditions name (Django resolves each name alone:
    # the other fields' values change nothing but the cost of the query).
    named = {
        ref[0]
        for constraint in constraints
        for ref in getattr(model_class, "_get_expr_references")(constraint.condition)  # noqa: B009
    }
    query = Query(None)
    for name, value in against.items():
        if name not in named:
            continue
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    selected: list[CheckConstraint] = []
    for constraint in constraints:
        condition = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:
            # "__" cannot occur in a field's name: no alias collides.
            query.add_annotation(condition, f"check__{len(selected)}")
        except FieldError:
            continue  # an excluded field (Django skips it) or a name not seen: Django decides
        selected.append(constraint)
    if not selected:
        return {}
    compiler = query.get_compiler(using=using)
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else _no_context():
            row = compiler.execute_sql(SINGLE)
    except (DatabaseError, FieldError):
        return {}
    if row is None or len(row) != len(selected):
        return {}
    return {id(c): bool(v) for c, v in zip(selected, row, strict=True)}


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
        full_clean(instance)
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
        full_clean(instance)
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
