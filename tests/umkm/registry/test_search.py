"""The registry's word search (issue 21): any word or the start of a word of
the name, part of the NIB, the owner and address only for who may see them;
case and accents ignored; ranked; the index follows every change. Runs on
SQLite (FTS5) and, with DATABASE_URL, PostgreSQL (pg_trgm)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kotacerdas.umkm.imports import engine
from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.pdp.services import businesses_anonymise
from kotacerdas.umkm.registry import search, services
from kotacerdas.umkm.registry.selectors import BusinessFilters, business_search
from tests.permissions.rows_umkm_registry import NIK, make_business
from tests.umkm.imports.test_engine import ROWS, write_csv

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def _list(client, world, q):  # type: ignore[no-untyped-def]
    response = client.get(reverse("umkm:business_list", args=[world.region.code]), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _found(world, q: str, *, personal: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    qs = Business.objects.filter(region=world.region)
    return [
        b.name
        for b in business_search(businesses=qs, filters=BusinessFilters(q=q), personal=personal)
    ]


def _plain(world, name: str, **data):  # type: ignore[no-untyped-def]
    return make_business(world, name=name, owner_nik="", phone="", **data)


@pytest.fixture
def shops(world):  # type: ignore[no-untyped-def]
    return [
        _plain(world, "Batik Tabir Melayu 188", owner_name="Zulkifli", address="Jl. Sudirman 4"),
        _plain(world, "Keripik Nenas Bu Ani", owner_name="Ani Rahmawati", address="Jl. Nenas 3"),
        _plain(world, "Kafé Élok", owner_name="Rosmawati", address="Jl. Kenanga 1"),
    ]


def test_the_list_finds_a_business_by_any_word_of_its_name(personas, world, shops) -> None:
    for q, name in (
        ("Melayu", "Batik Tabir Melayu 188"),
        ("Tabir", "Batik Tabir Melayu 188"),
        ("Nenas", "Keripik Nenas Bu Ani"),
        ("tabir melayu", "Batik Tabir Melayu 188"),
    ):
        for persona in ("admin", "officer"):
            body = _list(personas[persona], world, q)
            assert name in body, (q, persona)
            assert "Kafé Élok" not in body


def test_it_finds_the_start_of_a_word(world, shops) -> None:
    assert _found(world, "Mela") == ["Batik Tabir Melayu 188"]
    assert _found(world, "kerip nen") == ["Keripik Nenas Bu Ani"]


def test_every_word_must_match(world, shops) -> None:
    assert _found(world, "Tabir Nenas") == []


def test_it_ignores_case_and_accents(world, shops) -> None:
    assert _found(world, "kafe elok") == ["Kafé Élok"]
    assert _found(world, "KAFÉ") == ["Kafé Élok"]
    assert _found(world, "bAtIk") == ["Batik Tabir Melayu 188"]


def test_it_finds_a_nib_by_its_last_digits(world, shops) -> None:
    _plain(world, "Kedai Kopi Laut", nib="9120001234567")
    assert _found(world, "4567") == ["Kedai Kopi Laut"]
    assert _found(world, "1234567") == ["Kedai Kopi Laut"]
    assert _found(world, "91200012") == ["Kedai Kopi Laut"]  # the start of a NIB
    assert _found(world, "9120001234567") == ["Kedai Kopi Laut"]
    assert _found(world, "4568") == []


def test_the_owner_and_address_are_searched_only_for_who_may_see_them(
    personas, world, shops
) -> None:
    # The officer may reveal personal data: the search may match on it.
    assert "Keripik Nenas Bu Ani" in _list(personas["officer"], world, "Rahmawati")
    assert "Kafé Élok" in _list(personas["officer"], world, "Kenanga")
    # The admin sees owners and addresses masked: a match would tell them.
    for q in ("Rahmawati", "Kenanga", "Zulkifli", "Sudirman"):
        body = _list(personas["admin"], world, q)
        assert "Tidak ada usaha yang cocok" in body, q


def test_the_nik_is_searched_only_for_who_may_see_it(personas, world) -> None:
    make_business(world, name="Toko Berkah Jaya")
    assert "Toko Berkah Jaya" in _list(personas["officer"], world, NIK)
    assert "Toko Berkah Jaya" not in _list(personas["admin"], world, NIK)


def test_it_ranks_name_prefix_then_word_then_the_rest(world) -> None:
    _plain(world, "Zona Kopi", address="Jl. Melayu Raya")  # address only
    _plain(world, "Batik Melayu")  # a word of the name
    _plain(world, "Melayu Rasa")  # the name starts with it
    _plain(world, "Amelayu Sejati")  # inside a word: PostgreSQL only
    found = _found(world, "melayu", personal=True)
    assert found[:2] == ["Melayu Rasa", "Batik Melayu"]
    assert found.index("Melayu Rasa") < found.index("Batik Melayu") < found.index("Zona Kopi")


def test_short_words_fall_back_to_the_name_prefix(world, shops) -> None:
    assert search.words("Bu") == []
    assert _found(world, "ke") == ["Keripik Nenas Bu Ani"]


def test_shop_words_in_front_of_the_query_are_dropped(world) -> None:
    _plain(world, "Warung Sate Pak Joko")
    assert _found(world, "Toko Sate") == ["Warung Sate Pak Joko"]


def test_the_query_cannot_inject_search_syntax(world, shops) -> None:
    for q in ('"melayu', "melayu*", "NOT melayu", "{owner_name}: zulkifli", "a OR b", "(((("):
        _found(world, q)  # no error
    assert _found(world, "{owner_name}: zulkifli") == []


def test_the_index_follows_create_update_and_delete(world) -> None:
    shop = _plain(world, "Sanggar Tenun Songket")
    assert _found(world, "Songket") == ["Sanggar Tenun Songket"]
    services.business_update(actor=None, business=shop, data={"name": "Sanggar Anyaman Pandan"})
    assert _found(world, "Songket") == []
    assert _found(world, "Pandan") == ["Sanggar Anyaman Pandan"]
    Business.objects.filter(pk=shop.pk).update(name="Galeri Rotan")  # a bulk write too
    assert _found(world, "Pandan") == [] and _found(world, "Rotan") == ["Galeri Rotan"]
    Business.objects.filter(pk=shop.pk).delete()
    assert _found(world, "Rotan") == []


def test_an_anonymised_business_is_not_found_by_its_erased_personal_data(world) -> None:
    shop = _plain(world, "Tenun Lama", owner_name="Marlina Siregar", address="Jl. Cempedak 9")
    assert _found(world, "Siregar", personal=True) == ["Tenun Lama"]
    services.business_set_status(actor=None, business=shop, status="closed")
    Business.objects.filter(pk=shop.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=365 * 7)
    )
    businesses_anonymise(actor=None, regions=[world.region])
    assert _found(world, "Siregar", personal=True) == []
    assert _found(world, "Cempedak", personal=True) == []
    assert _found(world, "Tenun", personal=True) == ["Tenun Lama"]


def test_a_merged_business_is_not_listed(world, shops) -> None:
    twin = _plain(world, "BATIK TABIR MELAYU 188")
    Business.objects.filter(pk=twin.pk).update(merged_into=shops[0])
    assert _found(world, "melayu") == ["Batik Tabir Melayu 188"]


def _fts_rowids(match: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM umkm_business_search WHERE umkm_business_search MATCH %s", [match]
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_a_bulk_import_indexes_its_rows_once_like_the_trigger(world, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BULK_MIN_ROWS", 0)
    survey = write_csv(tmp_path / "survei.csv", ROWS)
    result = run_import(actor=None, region=world.region, path=survey, filename=survey.name)
    assert result.imported >= 3
    assert _found(world, "Sederhana") == ["Warung Sederhana"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [search.INSERT_TRIGGER])
        assert cursor.fetchone() is not None  # created again after the load
    # The bulk fill wrote what the delete trigger removes: nothing stays.
    ids = set(Business.objects.values_list("id", flat=True))
    assert _fts_rowids('"sederhana"*') <= ids and _fts_rowids('"sederhana"*')
    Business.objects.all().delete()
    assert _fts_rowids('"sederhana"*') == set()
    assert _fts_rowids('"berkah"*') == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_the_nib_tails_are_removed_with_the_business(world) -> None:
    shop = _plain(world, "Kedai Kopi Laut", nib="9120001234567")
    assert _fts_rowids('nib : "4567"*') == {shop.pk}
    Business.objects.filter(pk=shop.pk).delete()
    assert _fts_rowids('nib : "4567"*') == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_a_bulk_import_leaves_statistics_so_the_search_drives_the_query(
    world, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(engine, "BULK_MIN_ROWS", 0)
    survey = write_csv(tmp_path / "survei.csv", ROWS)
    run_import(actor=None, region=world.region, path=survey, filename=survey.name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'umkm_business'")
        assert cursor.fetchone()[0] > 0
