"""The public statistics: aggregates only, no cell under 5 businesses, no
cell the totals would give away, and never a business name or a NIK."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kotacerdas.umkm.statistics.selectors import (
    MIN_PUBLIC_COUNT,
    public_statistics,
    suppressed_cells,
)
from tests.umkm.statistics.fixtures import (
    NIK,
    PANGKALAN_SESAI,
    PURNAMA,
    TELUK_BINJAI,
    make_business,
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from tests.umkm.statistics.fixtures import clear_cache

    clear_cache()


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([10, 12, 7], [False, False, False]),
        # One small cell would follow from the total: the next smallest goes too.
        ([10, 3, 8], [False, True, True]),
        # Two small cells adding up to under 5 would say too much: one more.
        ([2, 2, 10, 11], [True, True, True, False]),
        # Hidden zeros add up to nothing to protect.
        ([0, 0, 12], [True, True, False]),
        ([3, 4], [True, True]),
        ([], []),
    ],
)
def test_it_suppresses_small_cells_and_their_complements(counts, hidden) -> None:
    assert suppressed_cells(counts) == hidden


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=12))
def test_no_shown_cell_is_small_and_no_hidden_cell_can_be_worked_out(counts) -> None:
    hidden = suppressed_cells(counts)
    shown = [c for c, h in zip(counts, hidden, strict=True) if not h]
    secret = [c for c, h in zip(counts, hidden, strict=True) if h]
    assert all(c >= MIN_PUBLIC_COUNT for c in shown)
    if shown:  # something is published beside the hidden cells
        assert len(secret) != 1
        assert not 0 < sum(secret) < MIN_PUBLIC_COUNT


def _world_of(region, spec: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for kelurahan, n in spec.items():
        for _ in range(n):
            make_business(region, kelurahan_code=kelurahan, name=f"Rahasia {kelurahan} {_}")


def test_kelurahan_are_suppressed_within_their_kecamatan(world) -> None:
    _world_of(world.region, {PANGKALAN_SESAI: 6, PURNAMA: 2, TELUK_BINJAI: 9})
    stats = public_statistics(region=world.region)
    assert stats.total == 17
    kecamatan, kelurahan = stats.breakdowns[0], stats.breakdowns[1]
    kec = {cell.key: cell.count for cell in kecamatan.cells}
    assert kec["14.72.01"] == 8 and kec["14.72.02"] == 9
    # Five kecamatan without businesses are hidden; they add up to 0.
    assert sum(1 for count in kec.values() if count is None) == 5
    kel = {cell.key: cell.count for cell in kelurahan.cells}
    # Purnama (2) is hidden, and with it Pangkalan Sesai, which would give it away.
    assert kel[PURNAMA] is None and kel[PANGKALAN_SESAI] is None
    assert kel[TELUK_BINJAI] == 9
    for breakdown in stats.breakdowns:
        for cell in breakdown.cells:
            assert cell.count is None or cell.count >= MIN_PUBLIC_COUNT


def test_a_region_with_fewer_than_five_businesses_publishes_nothing_countable(world) -> None:
    _world_of(world.region, {PANGKALAN_SESAI: 3})
    stats = public_statistics(region=world.region)
    assert stats.total is None
    assert all(cell.count is None for b in stats.breakdowns for cell in b.cells)


def test_the_public_page_shows_no_small_cell_no_name_and_no_nik(world, client) -> None:
    _world_of(world.region, {PANGKALAN_SESAI: 7, PURNAMA: 1, TELUK_BINJAI: 12})
    response = client.get(reverse("umkm:public_statistics", args=[world.region.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rahasia" not in html and "Warung Uji" not in html
    assert NIK not in html and NIK[:6] + "*" not in html
    assert "Siti Aminah" not in html
    assert "&lt;5" in html
    # Every number in a count cell is at least 5 (or the "<5" mark).
    counts = re.findall(r'<td class="num">(\d+)</td>', html)
    assert counts and all(int(n) >= MIN_PUBLIC_COUNT for n in counts)


def test_the_public_page_of_an_unknown_region_is_not_found(db, client) -> None:
    response = client.get(reverse("umkm:public_statistics", args=["99.99"]))
    assert response.status_code == 404
