"""A shared cache that cannot be reached (a Redis restarting on a deployment
of several nodes, issue 16) costs speed, not service: pages are built
uncached and the rate-limited forms let the request through, each with a
warning in the log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from kotacerdas.core import caching
from kotacerdas.core.ratelimit import Limit, limits_hit
from tests.conftest import LOCAL_CACHE
from tests.servers import free_port


@pytest.fixture
def unreachable_cache(settings: Any) -> Iterator[None]:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield
    settings.CACHES = LOCAL_CACHE  # before the suite's own clean-up empties it


def test_a_page_is_built_uncached_while_the_cache_is_down(unreachable_cache, caplog) -> None:
    built: list[int] = []

    def build() -> str:
        built.append(1)
        return "halaman"

    assert caching.cached(("uji",), build) == "halaman"
    assert caching.cached(("uji",), build) == "halaman"
    assert len(built) == 2  # nothing kept, nothing lost
    assert "Cache unavailable (ConnectionError)" in caplog.text


def test_a_rate_limited_form_lets_the_request_through_while_the_cache_is_down(
    unreachable_cache, caplog
) -> None:
    limit = Limit("uji", 1, 60)
    assert all(limits_hit([(limit, "203.0.113.7")]) is None for _ in range(3))
    assert "Rate limit uji not counted: cache unavailable" in caplog.text
    assert "203.0.113.7" not in caplog.text


def test_with_the_cache_up_the_limit_holds(caplog) -> None:
    cache.clear()
    limit = Limit("uji", 1, 60)
    assert limits_hit([(limit, "203.0.113.7")]) is None
    assert limits_hit([(limit, "203.0.113.7")]) == limit
    assert "not counted" not in caplog.text


@pytest.mark.django_db
def test_a_signed_in_page_is_served_while_the_cache_is_down(
    unreachable_cache, world, admin_user, caplog
) -> None:
    """The roles kept per user, the session's cached copy, the navigation
    fragment and the page body all fall back to the database and rendering:
    a Redis restarting must not take every signed-in page down."""
    from django.test import Client
    from django.urls import reverse

    from kotacerdas.core.access import roles_of
    from tests.logins import login_verified

    client = login_verified(Client(), admin_user)
    response = client.get(reverse("masterplan:dashboard", args=[world.region.code]))

    assert response.status_code == 200
    assert 'class="mainnav"' in response.content.decode()
    assert "Cache unavailable" in caplog.text
    assert roles_of(type(admin_user).objects.get(pk=admin_user.pk)).admin_regions == {
        world.region.pk
    }


def test_a_roles_change_the_cache_could_not_hear_is_logged(unreachable_cache, caplog) -> None:
    caching._roles_bump(41)
    assert "Roles of user id 41 changed but the cache could not be told" in caplog.text
    assert f"at most {caching.KEPT_TIMEOUT} s" in caplog.text
