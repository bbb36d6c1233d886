"""Fixtures of the monitoring tests (objects on the shared ``world``:
tests/monitoring_fixtures.py)."""

from __future__ import annotations

import pytest

from kotacerdas.monitoring.models import ReportingPeriod
from tests.conftest import World
from tests.monitoring_fixtures import period


@pytest.fixture
def open_period(world: World) -> ReportingPeriod:
    """The world's open reporting period (2024, number 3)."""
    return period(world)
