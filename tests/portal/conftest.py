"""Portal fixtures on the shared ``world``."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.monitoring_fixtures import report
from tests.portal.helpers import add_photo, close


@pytest.fixture
def published(world: World) -> World:
    """plan_a verified as berjalan with one public and one private photo, then
    the period closed."""
    add_photo(world, public=True, caption="Foto publik")
    add_photo(world, public=False, caption="Foto internal")
    report(world, "verified")
    close(world)
    return world
