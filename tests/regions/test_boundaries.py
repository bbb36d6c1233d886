"""Reading an operator's GeoJSON of kecamatan/kelurahan outlines and loading
it with ``kotacerdas boundaries``: a file with any problem is refused whole
with each problem named, and what was loaded stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.boundaries import (
    BoundaryFileError,
    boundaries_geojson,
    code_normalise,
    geometry_clean,
    outlines_read,
)
from kotacerdas.regions.models import AreaBoundary
from tests.factories import RegionFactory
from tests.regions.boundary_files import collection, feature, square

PURNAMA = "14.72.01.1006"
PANGKALAN_SESAI = "14.72.01.1003"
DUMAI_BARAT = "14.72.01"


@pytest.fixture
def region(db):  # type: ignore[no-untyped-def]
    return RegionFactory()


def _write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "batas.geojson"
    path.write_bytes(data)
    return str(path)


def test_codes_are_read_dotted_or_undotted() -> None:
    assert code_normalise("1472011006") == PURNAMA
    assert code_normalise(147201) == DUMAI_BARAT
    assert code_normalise(" 14.72.01.1006 ") == PURNAMA


def test_geometry_is_rounded_and_repeated_positions_dropped() -> None:
    ring = [
        [101.123456789, 1.5],
        [101.123456, 1.5],
        [101.2, 1.5],
        [101.2, 1.6],
        [101.123456789, 1.5],
    ]
    cleaned = geometry_clean({"type": "Polygon", "coordinates": [ring]}, precision=5)
    assert cleaned == {
        "type": "Polygon",
        "coordinates": [[[101.12346, 1.5], [101.2, 1.5], [101.2, 1.6], [101.12346, 1.5]]],
    }


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [101.4, 1.6]},
        {"type": "Polygon", "coordinates": [[[101.4, 1.6], [101.5, 1.6], [101.4, 1.6]]]},
        {
            "type": "Polygon",
            "coordinates": [[[101.4, 1.6], [101.5, 1.6], [101.5, 1.7], [101.6, 1.8]]],
        },
        {"type": "Polygon", "coordinates": [[[1e6, 1.6], [101.5, 1.6], [101.5, 1.7], [1e6, 1.6]]]},
        {"type": "Polygon", "coordinates": [[["a", 1.6], [101.5, 1.6], [101.5, 1.7], ["a", 1.6]]]},
        None,
    ],
)
def test_anything_but_a_closed_lon_lat_polygon_is_refused(geometry) -> None:  # type: ignore[no-untyped-def]
    assert geometry_clean(geometry) is None


def test_names_come_from_the_kemendagri_reference(region) -> None:  # type: ignore[no-untyped-def]
    outlines = outlines_read(
        collection(feature("1472011006", square(0)), feature(DUMAI_BARAT, square(1))),
        region=region,
    )
    assert {(o.code, o.name, o.level) for o in outlines} == {
        (PURNAMA, "Purnama", AreaBoundary.Level.KELURAHAN),
        (DUMAI_BARAT, "Dumai Barat", AreaBoundary.Level.KECAMATAN),
    }


def test_every_problem_of_a_file_is_named(region) -> None:  # type: ignore[no-untyped-def]
    data = collection(
        feature("14.71.01.1001", square(0)),  # Pekanbaru, not this region
        feature(PURNAMA, square(1)),
        feature(PURNAMA, square(2)),  # twice
        feature(PANGKALAN_SESAI, {"type": "Point", "coordinates": [101.4, 1.6]}),
        {"type": "Feature", "properties": {"nama": "tanpa kode"}, "geometry": square(3)},
    )
    with pytest.raises(BoundaryFileError) as caught:
        outlines_read(data, region=region)
    text = "\n".join(caught.value.problems)
    assert "Fitur 1: kode 14.71.01.1001 bukan kecamatan/kelurahan" in text
    assert "Fitur 3: kode 14.72.01.1006 muncul dua kali" in text
    assert "Fitur 4 (14.72.01.1003): geometri bukan Polygon/MultiPolygon" in text
    assert "Fitur 5: tidak ada properti kode" in text
    assert len(caught.value.problems) == 4


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG not json", b'{"type": "Feature"}', b'{"type": "FeatureCollection", "features": []}'],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(region, data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BoundaryFileError):
        outlines_read(data, region=region)


def test_the_code_property_can_be_named(region) -> None:  # type: ignore[no-untyped-def]
    data = collection(feature(PURNAMA, square(0), key="ADM4_PCODE"))
    with pytest.raises(BoundaryFileError):
        outlines_read(data, region=region)
    (outline,) = outlines_read(data, region=region, code_property="ADM4_PCODE")
    assert outline.code == PURNAMA


def test_the_command_loads_replaces_and_audits(region, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = _write(
        tmp_path, collection(feature(PURNAMA, square(0)), feature(DUMAI_BARAT, square(1)))
    )
    call_command("boundaries", "load", region.code, first, "--source", "Uji, CC BY 4.0")
    assert set(AreaBoundary.objects.values_list("code", flat=True)) == {PURNAMA, DUMAI_BARAT}
    geojson = boundaries_geojson(region)
    assert [f["properties"]["code"] for f in geojson["features"]] == [DUMAI_BARAT, PURNAMA]
    assert geojson["sources"] == ["Uji, CC BY 4.0"]

    # A file of kelurahan only replaces the kelurahan, keeps the kecamatan.
    second = _write(tmp_path, collection(feature(PANGKALAN_SESAI, square(2))))
    call_command("boundaries", "load", region.code, second, "--source", "Lain, ODbL")
    assert set(AreaBoundary.objects.values_list("code", flat=True)) == {
        PANGKALAN_SESAI,
        DUMAI_BARAT,
    }
    # The cached collection follows the load.
    assert {f["properties"]["code"] for f in boundaries_geojson(region)["features"]} == {
        PANGKALAN_SESAI,
        DUMAI_BARAT,
    }
    events = AuditEvent.objects.filter(action=AuditEvent.Action.LOAD, region_code=region.code)
    assert events.count() == 2


def test_a_refused_file_changes_nothing(region, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = _write(tmp_path, collection(feature(PURNAMA, square(0))))
    call_command("boundaries", "load", region.code, good, "--source", "Uji")
    before = list(AreaBoundary.objects.values_list("code", "geometry"))
    bad = _write(
        tmp_path, collection(feature(PURNAMA, square(1)), feature("99.99.99.9999", square(2)))
    )
    with pytest.raises(CommandError, match="tidak ada yang diubah"):
        call_command("boundaries", "load", region.code, bad, "--source", "Uji")
    assert list(AreaBoundary.objects.values_list("code", "geometry")) == before


def test_the_command_refuses_an_unknown_region_or_missing_file(region, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="belum terdaftar"):
        call_command("boundaries", "load", "14.71", str(tmp_path / "x.json"), "--source", "Uji")
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("boundaries", "load", region.code, str(tmp_path / "x.json"), "--source", "Uji")


def test_clear_removes_the_outlines(region, tmp_path) -> None:  # type: ignore[no-untyped-def]
    call_command(
        "boundaries",
        "load",
        region.code,
        _write(tmp_path, collection(feature(PURNAMA, square(0)))),
        "--source",
        "Uji",
    )
    assert boundaries_geojson(region)["features"]
    call_command("boundaries", "clear", region.code)
    assert not AreaBoundary.objects.exists()
    assert boundaries_geojson(region)["features"] == []
