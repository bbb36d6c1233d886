"""The registry's business list and statistics page are cached per registry
data version of the region, language and role scope (umkm/caching.py, issue
15): a change to a business shows at once, no user sees a page cached for
another role scope, and a cached page holds masked values only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.core.caching import data_version
from kotacerdas.umkm.caching import registry_version
from kotacerdas.umkm.imports import services as import_services
from kotacerdas.umkm.models import PersonalDataAccess
from kotacerdas.umkm.national.models import SiinasTarget
from kotacerdas.umkm.registry import services
from tests.factories import RegionFactory
from tests.permissions.rows_umkm_registry import NIK, PHONE_STORED, make_business
from tests.umkm.statistics.fixtures import make_business as saved_directly

pytestmark = pytest.mark.usefixtures("shared_world")

# The export form's personal-data choice: only for those who may unmask.
PERSONAL_EXPORT = 'name="personal"'


def _list_url(world: Any) -> str:
    return reverse("umkm:business_list", args=[world.region.code])


def _stats_url(world: Any) -> str:
    return reverse("umkm:statistics", args=[world.region.code])


def _registry_queries(client: Any, url: str, **params: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "umkm_" in q["sql"]]


def _committed(make: Any) -> Any:
    # As if committed: the on-commit bump of the registry's version runs.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return make()


def test_the_list_is_served_from_the_cache_the_second_time(world, personas) -> None:
    _committed(lambda: make_business(world))
    url = _list_url(world)
    assert _registry_queries(personas["officer"], url)  # built: the page's rows
    assert _registry_queries(personas["officer"], url) == []  # cached


def test_a_filter_or_another_page_is_built_each_time(world, personas) -> None:
    _committed(lambda: make_business(world))
    url = _list_url(world)
    personas["officer"].get(url)
    assert _registry_queries(personas["officer"], url, q="berkah")
    assert _registry_queries(personas["officer"], url, q="berkah")
    assert _registry_queries(personas["officer"], url, page="2")


def test_a_change_to_a_business_invalidates_the_list(world, personas, officer) -> None:
    business = _committed(lambda: make_business(world))
    url = _list_url(world)
    assert "Toko Berkah Jaya" in personas["officer"].get(url).content.decode()
    _committed(
        lambda: services.business_update(
            actor=officer, business=business, data={"name": "Toko Sentosa Baru"}
        )
    )
    body = personas["officer"].get(url).content.decode()
    assert "Toko Sentosa Baru" in body and "Toko Berkah Jaya" not in body


def test_the_version_moves_only_after_the_commit(world) -> None:
    key = registry_version(world.region.pk)
    before = data_version(key)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        make_business(world)
    assert data_version(key) == before  # not inside the transaction
    for callback in callbacks:
        callback()
    assert data_version(key) > before


def test_another_regions_change_leaves_the_version(world) -> None:
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    key = registry_version(world.region.pk)
    before = data_version(key)
    saved_directly(other)  # committed (its on-commit work runs)
    assert data_version(key) == before


def test_an_import_invalidates_the_list(world, personas, tmp_path: Path) -> None:
    url = _list_url(world)
    assert "Toko Impor 1" not in personas["officer"].get(url).content.decode()
    survey = tmp_path / "survei.csv"
    survey.write_text(
        "No,Nama Usaha,Nama Pemilik,NIK,Kelurahan\n1,Toko Impor 1,Siti,1472014101900001,Purnama\n"
    )
    # The rows come by bulk INSERT and are published at once: no model signal.
    result = _committed(
        lambda: import_services.import_run_here(
            actor=None, region=world.region, path=survey, filename=survey.name
        )
    )[1]
    assert result.imported == 1
    assert "Toko Impor 1" in personas["officer"].get(url).content.decode()


def test_scopes_never_share_a_cached_list(world, personas) -> None:
    _committed(lambda: make_business(world))
    url = _list_url(world)
    # The officer (who may unmask) first: their page is cached ...
    assert PERSONAL_EXPORT in personas["officer"].get(url).content.decode()
    # ... and the admin (who may not) gets a page of their own, and the other
    # way round.
    assert PERSONAL_EXPORT not in personas["admin"].get(url).content.decode()
    assert PERSONAL_EXPORT in personas["officer"].get(url).content.decode()


def test_a_cached_list_holds_masked_values_and_a_token_of_ones_own(world, personas) -> None:
    _committed(lambda: make_business(world))
    url = _list_url(world)
    for persona in ("officer", "admin", "officer"):
        body = personas[persona].get(url).content.decode()
        assert NIK[:6] + "*" * 10 in body
        assert NIK not in body and PHONE_STORED not in body
        # The export form's token is this request's, never the placeholder.
        assert "kc-cached-csrf" not in body
        assert 'name="csrfmiddlewaretoken" value="' in body


def test_unmasking_is_recorded_on_every_view(world, personas) -> None:
    business = _committed(lambda: make_business(world))
    personas["officer"].get(_list_url(world))  # cached: the list shows masked values only
    reveals = PersonalDataAccess.objects.filter(action=PersonalDataAccess.Action.REVEAL)
    before = reveals.count()
    url = reverse("umkm:business_reveal", args=[business.pk])
    for seen in (1, 2):
        response = personas["officer"].post(url, {"purpose": "Verifikasi data lapangan"})
        assert response.status_code == 200
        assert NIK in response.content.decode()
        assert reveals.count() == before + seen


def test_statistics_are_served_from_the_cache_and_invalidated(world, personas) -> None:
    url = _stats_url(world)
    assert _registry_queries(personas["officer"], url)
    assert _registry_queries(personas["officer"], url) == []
    _committed(lambda: make_business(world))
    assert _registry_queries(personas["officer"], url)  # built again


def test_a_siinas_target_invalidates_the_statistics(world, personas) -> None:
    url = _stats_url(world)
    personas["officer"].get(url)
    _committed(lambda: SiinasTarget.objects.create(region=world.region, year=2026, target=12345))
    assert _registry_queries(personas["officer"], url)


def test_scopes_never_share_cached_statistics(world, personas) -> None:
    url = _stats_url(world)
    officer_body = personas["officer"].get(url).content.decode()
    admin_body = personas["admin"].get(url).content.decode()
    subject = reverse("umkm:subject_report", args=[world.region.code])
    assert subject in officer_body
    assert subject not in admin_body
    assert subject in personas["officer"].get(url).content.decode()


def test_a_kecamatan_is_built_each_time(world, personas) -> None:
    url = _stats_url(world)
    personas["officer"].get(url)
    assert _registry_queries(personas["officer"], url, kecamatan="14.72.01")
    assert _registry_queries(personas["officer"], url, kecamatan="14.72.01")


def test_merged_businesses_leave_the_list_at_once(world, personas) -> None:
    first = _committed(lambda: make_business(world, nib="", name="Toko Kembar Satu"))
    url = _list_url(world)
    assert "Toko Kembar Satu" in personas["officer"].get(url).content.decode()
    other = _committed(lambda: make_business(world, nib="", name="Toko Kembar Dua", owner_nik=""))

    def merge() -> None:
        first.merged_into = other
        first.save(update_fields=["merged_into"])

    _committed(merge)
    assert "Toko Kembar Satu" not in personas["officer"].get(url).content.decode()
