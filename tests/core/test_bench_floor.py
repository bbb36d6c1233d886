"""The benchmark's floor page (bench/throughput.py) is not served unless
KOTACERDAS_BENCH_FLOOR routes it, and it is what its docstring says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kotacerdas.core.views import bench_floor


@pytest.mark.django_db
def test_the_floor_is_not_routed_by_default(client):
    assert client.get("/_bench/floor/").status_code == 404


@pytest.mark.django_db
def test_the_floor_is_nine_kilobytes_and_touches_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = bench_floor(RequestFactory().get("/_bench/floor/"))
    assert response.status_code == 200
    assert 9 * 1024 <= len(response.content) < 10 * 1024
