"""The officers' statistics page, its CSV, the map and its points, and the
registry's output on the DIGILOKA programme page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.umkm.models import Business, RegistrySettings
from kotacerdas.umkm.statistics.selectors import map_points
from tests.factories import RegionFactory
from tests.regions.boundary_files import collection, feature, square
from tests.umkm.statistics.fixtures import (
    NIK,
    PANGKALAN_SESAI,
    PURNAMA,
    TELUK_BINJAI,
    clear_cache,
    make_business,
)

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


def _located(region, n: int, kelurahan: str = PANGKALAN_SESAI) -> None:  # type: ignore[no-untyped-def]
    for index in range(n):
        make_business(
            region,
            kelurahan_code=kelurahan,
            latitude=Decimal("1.66") + Decimal(index) / 1000,
            longitude=Decimal("101.44"),
        )


def test_officers_see_charts_and_tables(world, personas) -> None:
    make_business(world.region, name="Toko Satu", kelurahan_code=PURNAMA)
    make_business(world.region, verification=Business.Verification.PENDING)
    response = personas["officer"].get(reverse("umkm:statistics", args=[world.region.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Purnama" in html and "Medang Kampai" in html  # zeros are listed too
    assert '<svg class="bar"' in html
    assert "Dihitung: usaha di wilayah ini" in html  # how counted
    assert response.context["stats"].pending == 1
    assert "Toko Satu" not in html and NIK not in html


def test_the_page_narrows_to_a_kecamatan(world, personas) -> None:
    make_business(world.region, kelurahan_code=PURNAMA)
    make_business(world.region, kelurahan_code=TELUK_BINJAI)
    url = reverse("umkm:statistics", args=[world.region.code])
    response = personas["admin"].get(url, {"kecamatan": "14.72.02"})
    stats = response.context["stats"]
    assert stats.counted == 1 and stats.kecamatan.name == "Dumai Timur"
    assert "Teluk Binjai" in response.content.decode()
    assert "Purnama" not in response.content.decode()


def test_the_page_query_count_does_not_grow_with_the_data(
    world, personas, django_assert_max_num_queries, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("umkm:statistics", args=[world.region.code])
    client = personas["officer"]
    make_business(world.region)
    client.get(url)  # the session, the user's roles and a first tally
    make_business(world.region)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for index in range(25):
        make_business(world.region, kelurahan_code=TELUK_BINJAI, year_started=1990 + index)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
    # Nothing changed: the page cached under the registry's data version
    # (umkm/caching.py): not even the stamp, no figure, no panel query.
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert not [q for q in again.captured_queries if "umkm_" in q["sql"]]
    assert len(again.captured_queries) <= len(few.captured_queries) - 6


def test_the_csv_holds_the_aggregates_only(world, personas) -> None:
    make_business(world.region, name="Toko Rahasia")
    make_business(world.region, kelurahan_code=TELUK_BINJAI)
    response = personas["officer"].get(
        reverse("umkm:statistics_csv", args=[world.region.code]), {"kecamatan": "14.72.01"}
    )
    assert response.status_code == 200
    assert "statistik-umkm-14.72-14.72.01.csv" in response["Content-Disposition"]
    # Written like every other CSV download (core.sheets.writing): a BOM for Excel.
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert "Toko Rahasia" not in text and NIK not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    line = next(r for r in rows if r["tabel"] == "kelurahan" and r["kode"] == PANGKALAN_SESAI)
    assert (line["jumlah_usaha"], line["persen"], line["kecamatan"]) == (
        "1",
        "100.00",
        "Dumai Barat",
    )
    assert not any(r["kode"] == TELUK_BINJAI for r in rows)


def test_other_regions_are_not_found(world, personas) -> None:
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    for route in ("umkm:statistics", "umkm:map", "umkm:map_points", "umkm:map_boundaries"):
        response = personas["officer"].get(reverse(route, args=[other.code]))
        assert response.status_code == 404


def test_the_map_works_without_a_tile_server(world, personas) -> None:
    response = personas["officer"].get(reverse("umkm:map", args=[world.region.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tile-url=""' in html and "<noscript>" in html
    assert "vendor/leaflet/leaflet.js" in html and "<script>" not in html
    policy = response["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img_src.strip() == "img-src 'self' data:"


def test_the_map_allows_the_configured_tile_server(world, personas) -> None:
    RegistrySettings.objects.create(
        region=world.region, tile_url="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
    response = personas["officer"].get(reverse("umkm:map", args=[world.region.code]))
    assert 'data-tile-url="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"' in (
        response.content.decode()
    )
    policy = response["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://*.tile.openstreetmap.org" in img_src
    assert "tile.openstreetmap.org" not in policy.replace(img_src, "")


def test_map_points_carry_no_owner_data(world, personas) -> None:
    _located(world.region, 3)
    make_business(world.region)  # no coordinates: not on the map
    response = personas["officer"].get(reverse("umkm:map_points", args=[world.region.code]))
    payload = response.json()
    assert payload["aggregated"] is False and payload["total"] == 3
    lat, lon, name, kelurahan, count = payload["points"][0]
    assert (lat, lon) == (1.66, 101.44)
    assert name.startswith("Warung Uji") and kelurahan == "Pangkalan Sesai" and count == 1
    assert NIK not in response.content.decode() and "Siti" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_too_many_points_become_one_per_kelurahan(world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _located(world.region, 3)
    _located(world.region, 2, kelurahan=PURNAMA)
    with django_assert_max_num_queries(2):
        found = map_points(region=world.region, limit=4)
    assert found.aggregated and found.total == 5
    centres = {point.label: point for point in found.points}
    assert centres["Pangkalan Sesai"].count == 3
    assert centres["Pangkalan Sesai"].latitude == pytest.approx(1.661)


def test_the_digiloka_programme_shows_the_registry_output(world, personas) -> None:
    RegistrySettings.objects.create(region=world.region, programme=world.programme)
    make_business(world.region)
    make_business(world.region)
    make_business(world.region, verification=Business.Verification.PENDING)
    make_business(world.region, status=Business.Status.CLOSED)
    url = reverse("masterplan:programme_detail", args=[world.programme.pk])
    stats_url = reverse("umkm:statistics", args=[world.region.code])
    html = personas["admin"].get(url).content.decode()
    assert "Keluaran: 3 usaha terdaftar, 2 terverifikasi" in html
    assert stats_url in html
    # An agency editor sees the output but no link to a page it may not open.
    html = personas["editor_a"].get(url).content.decode()
    assert "Keluaran: 3 usaha terdaftar, 2 terverifikasi" in html
    assert stats_url not in html


def test_other_programmes_show_no_registry_output(world, personas) -> None:
    make_business(world.region)
    url = reverse("masterplan:programme_detail", args=[world.programme.pk])
    assert "usaha terdaftar" not in personas["admin"].get(url).content.decode()


def test_the_map_draws_clusters_and_says_when_no_outlines_are_loaded(world, personas) -> None:
    response = personas["officer"].get(reverse("umkm:map", args=[world.region.code]))
    html = response.content.decode()
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "vendor/leaflet.markercluster/MarkerCluster.css" in html
    assert 'data-boundaries-url=""' in html
    assert "kotacerdas boundaries load" in html


def test_loaded_outlines_are_served_with_their_source(world, personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "batas.geojson"
    path.write_bytes(collection(feature(PURNAMA, square(0)), feature("14.72.01", square(1))))
    call_command("boundaries", "load", world.region.code, str(path), "--source", "Uji <b>CC BY</b>")
    client = personas["officer"]
    page = client.get(reverse("umkm:map", args=[world.region.code])).content.decode()
    url = reverse("umkm:map_boundaries", args=[world.region.code])
    assert f'data-boundaries-url="{url}"' in page
    # The source is shown as text, never as markup.
    assert "Uji &lt;b&gt;CC BY&lt;/b&gt;" in page and "<b>CC BY</b>" not in page
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in body["features"]] == ["Dumai Barat", "Purnama"]
    assert body["sources"] == ["Uji <b>CC BY</b>"]


def test_outlines_are_not_served_to_anonymous_visitors(world, personas) -> None:
    response = personas["anonymous"].get(reverse("umkm:map_boundaries", args=[world.region.code]))
    assert response.status_code == 302


def test_the_map_speaks_english(world, personas) -> None:
    client = personas["officer"]
    client.cookies["django_language"] = "en"
    html = client.get(reverse("umkm:map", args=[world.region.code])).content.decode()
    assert "No kecamatan/kelurahan boundaries are loaded for this region yet" in html
    assert "optional, off by default" in html
    assert "Batas kecamatan/kelurahan belum dimuat" not in html
