"""The statistics read indexes, not the table: each query of a cold count is
answered from an index that holds every column it needs (the rows of an
unpublished import are filtered in the index too). A read of every row of the
region is what made the page take seconds at a million businesses."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotacerdas.umkm.statistics.selectors import _count_tally, _stamp
from tests.umkm.statistics.fixtures import make_business

pytestmark = pytest.mark.django_db


def _business_queries(world: Any) -> list[tuple[str, list[Any]]]:
    make_business(world.region)
    with CaptureQueriesContext(connection) as captured:
        _stamp(world.region)
        _count_tally(world.region)
    queries = [q["sql"] for q in captured.captured_queries if "umkm_business" in q["sql"]]
    assert queries, "the count read nothing"
    return [(sql, []) for sql in queries]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan cheapest; forbid it to
            # see which index the planner can use for the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_every_query_of_a_cold_count_is_answered_from_an_index(world: Any) -> None:
    for sql, _params in _business_queries(world):
        plan = _plan(sql)
        if connection.vendor == "sqlite":
            # The business table appears as itself or as V0 in a subquery (U0
            # is the import jobs' table): every such access is index-only.
            reads = [
                line
                for line in plan.splitlines()
                if ("umkm_business" in line or " V0 " in line) and "COVERING INDEX" not in line
            ]
            assert not reads, f"{sql}\n{plan}"
        else:
            assert "Seq Scan on umkm_business" not in plan, f"{sql}\n{plan}"


def test_the_merged_count_has_its_own_small_index(world: Any) -> None:
    merged_queries = [sql for sql, _ in _business_queries(world) if "merged" in sql]
    plans = "\n".join(_plan(sql) for sql in merged_queries)
    assert "umkm_merged" in plans
