"""Every constraint's own message can be shown (in both languages): Django
formats it with ``% {"name": …}``, so a bare "100%." raised ``ValueError:
incomplete format`` — a 500 where the person should have read why the save
was refused."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

CONSTRAINTS = [
    pytest.param(constraint, id=f"{model._meta.label}.{constraint.name}")
    for model in apps.get_models()
    if model.__module__.startswith("kotacerdas.")
    for constraint in model._meta.constraints
    if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_the_message_formats(constraint, language):
    with translation.override(language):
        message = str(constraint.get_violation_error_message())
    assert message and "%(" not in message and "%%" not in message, message


def test_a_percent_limit_reads_as_written():
    from kotacerdas.monitoring.models import ProgressReport

    (check,) = [c for c in ProgressReport._meta.constraints if c.name == "report_progress_range"]
    with translation.override("id"):
        assert str(check.get_violation_error_message()) == "Progres fisik harus antara 0 dan 100%."
    with translation.override("en"):
        message = str(check.get_violation_error_message())
    assert message == "Physical progress must be between 0 and 100%."
