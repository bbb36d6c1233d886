"""The statistics page reads indexes, not the table: each query of a cold
page (no kept tally) that touches the registry is answered from an index
that holds every column it needs (the rows of an unpublished import are
filtered in the index too), and the two big GROUP BY queries (areas and
classes; years) stream in the order of their index instead of sorting the
region's rows. A read of every row, or a sort of every row on an expression
of ``created_at``, is what made the page take seconds at a million
businesses (docs/benchmarks.md, issue 15)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.umkm.statistics.fixtures import clear_cache, make_business

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def _page_queries(world: Any, personas: Any) -> list[str]:
    """Every query of a cold statistics page that reads the business table."""
    make_business(world.region)
    make_business(world.region, kbli_code="10792", year_started=2015)  # an IKM (category C)
    clear_cache()
    url = reverse("umkm:statistics", args=[world.region.code])
    with CaptureQueriesContext(connection) as captured:
        assert personas["officer"].get(url).status_code == 200
    queries = [q["sql"] for q in captured.captured_queries if "umkm_business" in q["sql"]]
    assert queries, "the page read nothing of the registry"
    return queries


def _plan(sql: str, *, index_only: bool = False) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan cheapest; forbid it to
            # see which index the planner can use for the query. With
            # ``index_only``, plain index scans (which read the table) and
            # sorts are forbidden too: what remains shows whether an index
            # answers the query alone, in the order it groups on.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            if index_only:
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute("SET LOCAL enable_incremental_sort = off")
                cursor.execute("SET LOCAL enable_hashagg = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _the(queries: list[str], *words: str) -> str:
    found = [sql for sql in queries if all(word in sql for word in words)]
    assert len(found) == 1, (words, queries)
    return found[0]


def test_every_query_of_a_cold_page_is_answered_from_an_index(world, personas) -> None:  # type: ignore[no-untyped-def]
    for sql in _page_queries(world, personas):
        plan = _plan(sql)
        if connection.vendor == "sqlite":
            # The business table appears as itself or as V0/U1… in a subquery
            # (U0 is the import jobs' table): every such access is index-only.
            reads = [
                line
                for line in plan.splitlines()
                if ("umkm_business" in line or " V0 " in line) and "COVERING INDEX" not in line
            ]
            assert not reads, f"{sql}\n{plan}"
        else:
            # (Which index PostgreSQL picks for the small counts depends on
            # its statistics, meaningless on these tiny tables; the big ones
            # are held to their index below.)
            assert "Seq Scan on umkm_business" not in plan, f"{sql}\n{plan}"


def test_the_big_group_by_queries_stream_in_index_order(world, personas) -> None:  # type: ignore[no-untyped-def]
    queries = _page_queries(world, personas)
    areas = _plan(_the(queries, '"kbli_category"', '"uses_qris"', "GROUP BY"), index_only=True)
    years = _plan(_the(queries, '"registered_year"', "GROUP BY"), index_only=True)
    if connection.vendor == "sqlite":
        assert "umkm_stats_cover" in areas and "TEMP B-TREE" not in areas, areas
        assert "umkm_stats_years" in years and "TEMP B-TREE" not in years, years
    else:
        # Grouped in the index's order (no sort), from the index alone.
        assert "Index Only Scan using umkm_stats_cover" in areas, areas
        assert "Index Only Scan using umkm_stats_years" in years, years
        assert "Sort" not in areas + years, areas + years


def test_the_registered_year_is_a_stored_column_not_an_expression(world, personas) -> None:  # type: ignore[no-untyped-def]
    years = _the(_page_queries(world, personas), '"registered_year"', "GROUP BY")
    assert "created_at" not in years and "substr" not in years.lower()


def test_the_merged_count_and_the_siinas_panel_have_their_own_indexes(world, personas) -> None:  # type: ignore[no-untyped-def]
    queries = _page_queries(world, personas)
    merged = _plan(_the(queries, '"merged_into_id" IS NOT NULL'))
    assert "umkm_merged" in merged, merged
    ikm = _plan(_the(queries, "\"kbli_category\" = 'C'"))
    assert "umkm_stats_ikm" in ikm and "umkm_stats_cover" not in ikm, ikm
    if connection.vendor == "sqlite":
        # Sentra (kelurahan × KBLI code) grouped in index order; the target's
        # own ORDER BY sorts the one row of its year.
        assert "TEMP B-TREE FOR GROUP BY" not in ikm, ikm
