"""The registry map in a real Chromium: Leaflet (vendored) draws the located
businesses from the points endpoint under the site's CSP, without tiles, and
a business name shows in its popup; the statistics page links to the map."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kotacerdas.core.models import Membership, Role
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.umkm.statistics.fixtures import PURNAMA, clear_cache, make_business


@pytest.fixture
def located_registry(transactional_db):  # type: ignore[no-untyped-def]
    clear_cache()
    region = RegionFactory()
    user = make_user("rina")
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    for index in range(3):
        make_business(
            region,
            name=f"Kedai Peta {index}",
            kelurahan_code=PURNAMA,
            latitude=Decimal("1.6800") + Decimal(index) / 100,
            longitude=Decimal("101.4400"),
        )
    return region


def test_the_map_draws_the_located_businesses(
    page, live_server, live_url, login, located_registry
) -> None:
    login(page, live_server, "rina", PASSWORD)
    problems: list[str] = []  # CSP violations and script errors on our pages
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_url("umkm:statistics", "14.72"))
    expect(page.locator("#kelurahan")).to_contain_text("Purnama")
    page.get_by_role("navigation", name="Registri UMKM").get_by_role("link", name="Peta").click()
    canvas_map = page.locator("#umkm-map")
    expect(canvas_map).to_have_attribute("data-loaded", "3")
    expect(page.locator("#umkm-map-status")).to_contain_text("3 usaha dengan koordinat")
    box = canvas_map.bounding_box()
    assert box is not None
    # The three points lie on one meridian, fitted into the map: click the middle one.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Kedai Peta 1")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Purnama")
    assert not problems, problems


def test_the_map_draws_loaded_outlines_and_clusters_close_points(
    page, live_server, live_url, login, located_registry, tmp_path
) -> None:
    from django.core.management import call_command

    from tests.regions.boundary_files import collection, feature, square

    path = tmp_path / "batas.geojson"
    path.write_bytes(
        collection(feature(PURNAMA, square(0, 0.05)), feature("14.72.01", square(1, 0.05)))
    )
    call_command("boundaries", "load", "14.72", str(path), "--source", "Batas uji, CC BY 4.0")
    for index in range(40):  # forty businesses within a few metres of one another
        make_business(
            located_registry,
            name=f"Kios Pasar {index}",
            kelurahan_code=PURNAMA,
            latitude=Decimal("1.6700") + Decimal(index) / 100000,
            longitude=Decimal("101.4300"),
        )
    login(page, live_server, "rina", PASSWORD)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_url("umkm:map", "14.72"))
    the_map = page.locator("#umkm-map")
    expect(the_map).to_have_attribute("data-outlines", "2")
    expect(the_map).to_have_attribute("data-loaded", "43")
    expect(the_map).to_have_attribute("data-clustered", "true")
    # The forty close points become one cluster that counts them.
    expect(page.locator(".marker-cluster").first).to_be_visible()
    counts = [int(t) for t in page.locator(".marker-cluster span").all_inner_texts()]
    assert max(counts) >= 40
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Batas uji, CC BY 4.0")
    expect(page.get_by_test_id("boundary-sources")).to_contain_text("Batas uji, CC BY 4.0")
    assert page.locator("path.leaflet-interactive").count() >= 0  # outlines may draw on canvas
    assert not problems, problems
