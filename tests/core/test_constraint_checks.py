"""The services' constraint validation (``core.services.full_clean``: every
check constraint of a model in one query) gives exactly Django's errors —
messages, codes, params, field attribution, order — for every check
constraint of the project's models, on instances that satisfy and that
violate each one (decisions §71)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import CheckConstraint, Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotacerdas.core import services

pytestmark = pytest.mark.django_db

CHECKED = sorted(
    (
        model
        for model in apps.get_models()
        if any(isinstance(c, CheckConstraint) for c in model._meta.constraints)
    ),
    key=lambda model: model._meta.label,
)
# A property test's examples share the test's database transaction (no writes).
# 35 examples a model (derandomized): the test itself proves they still see
# every check both holding and broken; at 25 Business's "not merged into
# itself" is never broken, so 35 keeps a margin (50 cost about 4 s more CPU).
PROPERTY = settings(
    max_examples=35,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _checks(model: type[models.Model]) -> list[CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]


def _referenced(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's own concrete fields that its check constraints name."""
    names = {
        ref[0]
        for constraint in _checks(model)
        for ref in model._get_expr_references(constraint.condition)
    }
    return [
        field
        for field in model._meta.local_concrete_fields
        if field.name in names and not field.primary_key
    ]


def _values(field: models.Field[Any, Any]) -> st.SearchStrategy[Any]:
    """Values a condition can tell apart: the field's choices and edges, a
    wrong choice, empty and null."""
    choices = [value for value, _ in field.flatchoices] if field.choices else []
    if isinstance(field, models.ForeignKey):
        plain: st.SearchStrategy[Any] = st.integers(0, 3)
    elif isinstance(field, models.BooleanField):
        plain = st.booleans()
    elif isinstance(field, models.DecimalField):
        plain = st.decimals(-3, 1000, places=min(field.decimal_places, 2), allow_nan=False)
    elif isinstance(field, models.FloatField):
        plain = st.floats(-3, 1000, allow_nan=False)
    elif isinstance(field, models.IntegerField):
        plain = st.integers(-3, 200)
    elif isinstance(field, models.DateTimeField):
        plain = st.sampled_from(
            [datetime.datetime(2026, 1, d, 8, tzinfo=datetime.UTC) for d in (1, 2, 31)]
        )
    elif isinstance(field, models.DateField):
        plain = st.sampled_from(
            [datetime.date(2026, 1, d) for d in (1, 2, 31)]
            + [datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)]
        )
    elif isinstance(field, models.JSONField):
        plain = st.sampled_from([{}, [], {"a": 1}, [1]])
    elif isinstance(field, models.CharField | models.TextField):
        plain = st.sampled_from(["", "x", "a b", "0", "14.72", "Ab-1"]) | st.text(max_size=4)
    else:
        plain = st.just(field.get_default())
    if choices:
        plain = st.sampled_from(choices) | plain
    return plain | st.none()


class Built:
    """An unsaved instance with a repr that reads no relation (hypothesis
    prints what it finds; a model's ``__str__`` may follow a foreign key)."""

    def __init__(self, instance: models.Model, values: dict[str, Any]) -> None:
        self.instance = instance
        self.values = values

    def __repr__(self) -> str:
        return f"{type(self.instance).__name__}({self.values!r})"


def _instances(model: type[models.Model]) -> st.SearchStrategy[Built]:
    fields = _referenced(model)

    def build(values: list[Any], pk: int | None) -> Built:
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        instance.pk = pk
        return Built(
            instance, {"pk": pk} | {f.attname: v for f, v in zip(fields, values, strict=True)}
        )

    return st.builds(build, st.tuples(*map(_values, fields)).map(list), st.sampled_from([None, 1]))


def _outcome(call: Callable[[], None]) -> Any:
    """The errors raised, in order; any other exception by type and text (a
    message with a bare ``%`` fails Django's formatting: ours must fail the
    same way)."""
    try:
        call()
    except ValidationError as error:
        return [
            (name, [(str(e.message), e.code, e.params) for e in errors])
            for name, errors in error.error_dict.items()
        ]
    except Exception as error:
        return (type(error), str(error))
    return None


def _django_validates(instance: models.Model, exclude: set[str] | None = None) -> Any:
    return _outcome(lambda: instance.validate_constraints(exclude=exclude))


def _ours_validates(instance: models.Model, exclude: set[str] | None = None) -> Any:
    return _outcome(lambda: services.validate_constraints(instance, exclude=exclude))


def _holds(constraint: CheckConstraint, model: type[models.Model], instance: models.Model) -> bool:
    try:
        constraint.validate(model, instance)
    except (ValidationError, ValueError):  # ValueError: a bare "%" in the message
        return False
    return True


def test_the_project_has_check_constraints_to_compare() -> None:
    labels = {model._meta.label for model in CHECKED}
    assert {"monitoring.ReportingPeriod", "evaluation.Instrument", "umkm.Business"} <= labels
    assert sum(len(_checks(model)) for model in CHECKED) >= 40


@pytest.mark.parametrize("model", CHECKED, ids=lambda model: model._meta.label)
def test_instances_get_djangos_errors_and_every_check_is_seen_holding_and_broken(
    model: type[models.Model],
) -> None:
    """Instances of the model with its constraints' fields drawn from their
    choices, edges and null: ``validate_constraints`` (with and without some
    of those fields excluded) and ``full_clean`` give Django's errors; over
    the examples, every check constraint held for one and failed for
    another, so both answers were compared."""
    checks = _checks(model)
    fields = [field.name for field in _referenced(model)]
    seen: dict[str, set[bool]] = {c.name: set() for c in checks}

    @PROPERTY
    @given(_instances(model), st.just(set()) | st.sets(st.sampled_from(fields)))
    def same(built: Built, exclude: set[str]) -> None:
        instance = built.instance
        with transaction.atomic():
            assert _ours_validates(instance) == _django_validates(instance)
            assert _ours_validates(instance, exclude) == _django_validates(instance, exclude)
            assert _outcome(lambda: services.full_clean(instance)) == _outcome(instance.full_clean)
            # Which checks held, as the one query answered (equal to Django's above).
            verdicts = services._check_constraints_at_once(model, instance, checks, None, "default")
            for constraint in checks:
                if id(constraint) in verdicts:
                    seen[constraint.name].add(verdicts[id(constraint)])
                else:
                    seen[constraint.name].add(_holds(constraint, model, instance))

    same()
    assert {name: answers for name, answers in seen.items() if answers != {True, False}} == {}


def test_a_custom_message_and_code_are_kept_and_a_model_is_checked_in_one_query() -> None:
    from kotacerdas.masterplan.models import StatusCorrection

    custom = CheckConstraint(
        condition=Q(pk__gt=5),
        name="custom_message",
        violation_error_message="Nomor %(name)s terlalu kecil",
        violation_error_code="too_small",
    )
    instance = StatusCorrection(pk=1)
    constraints = StatusCorrection._meta.constraints
    StatusCorrection._meta.constraints = [*constraints, custom]
    try:
        ours = _ours_validates(instance)
        assert ours == _django_validates(instance)
        assert ours is not None
        assert ("Nomor custom_message terlalu kecil", "too_small", None) in ours[0][1]
        checks = len(_checks(StatusCorrection))
        assert checks >= 3
        with transaction.atomic(), CaptureQueriesContext(connection) as theirs:
            _django_validates(instance)
        with transaction.atomic(), CaptureQueriesContext(connection) as mine:
            _ours_validates(instance)
    finally:
        StatusCorrection._meta.constraints = constraints
    selects = [
        q["sql"] for q in mine.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert len(selects) == 1
    assert len(theirs.captured_queries) == 3 * checks  # a savepoint, a SELECT, a release each
    assert len(mine.captured_queries) == 3


def test_a_condition_the_one_query_cannot_hold_falls_back_to_django() -> None:
    """A condition that is never true (an empty ``IN``) and one that names no
    field of the instance: the same errors as Django."""
    from kotacerdas.masterplan.models import StatusCorrection

    never = CheckConstraint(condition=Q(pk__in=[]), name="never")
    elsewhere = CheckConstraint(condition=Q(no_such_field=1), name="elsewhere")
    always = CheckConstraint(condition=~Q(pk__in=[]), name="always")
    constraints = StatusCorrection._meta.constraints
    StatusCorrection._meta.constraints = [never, *constraints, elsewhere, always]
    try:
        instance = StatusCorrection(pk=1)
        ours = _ours_validates(instance)
        assert ours == _django_validates(instance)
        assert ours is not None and "never" in str(ours)
    finally:
        StatusCorrection._meta.constraints = constraints
