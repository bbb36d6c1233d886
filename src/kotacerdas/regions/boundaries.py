"""Kecamatan and kelurahan/desa outlines drawn on the registry map.

The product ships no outline it may not redistribute: the operator loads an
openly licensed GeoJSON file of their region (``kotacerdas boundaries load``,
docs/operations.md "Batas wilayah pada peta"). Reading checks the whole file
first and refuses it with every problem named; loading
(:mod:`kotacerdas.core.boundaries`, audited, so above this floor) replaces
the level's outlines of that region in one transaction, so a bad file changes
nothing.

Format: a GeoJSON ``FeatureCollection`` in WGS 84 longitude/latitude (RFC 7946)
whose features are ``Polygon``/``MultiPolygon`` with the Kemendagri code in a
property (``kode`` by default; dotted ``14.72.01.1003`` or undotted
``1472011003``). Names come from the Kemendagri reference, not the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from kotacerdas.regions import reference
from kotacerdas.regions.models import AreaBoundary, Region

CODE_PROPERTIES = ("kode", "code", "kode_wilayah", "kd_wilayah", "kdepum")
MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_PRECISION = 5  # decimals of a degree: about 1 m, plenty for an outline
MAX_PROBLEMS = 20


class BoundaryFileError(Exception):
    """The file cannot be loaded; ``problems`` names each reason (ID / EN)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Outline:
    code: str
    name: str
    level: int
    geometry: dict[str, Any]


def code_normalise(raw: Any) -> str:
    """``1472011003`` → ``14.72.01.1003``; dotted codes unchanged."""
    text = str(raw).strip()
    if text.isdigit() and len(text) in (6, 10):
        parts = [text[0:2], text[2:4], text[4:6]] + ([text[6:10]] if len(text) == 10 else [])
        return ".".join(parts)
    return text


def _ring(ring: Any, precision: int) -> list[list[float]] | None:
    """The ring rounded to ``precision`` decimals with repeated positions
    dropped; None when it is not a closed ring of valid positions."""
    if not isinstance(ring, list):
        return None
    out: list[list[float]] = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        ):
            return None
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        point = [round(lon, precision), round(lat, precision)]
        if not out or out[-1] != point:
            out.append(point)
    if len(out) < 4 or out[0] != out[-1]:
        return None
    return out


def _polygon(rings: Any, precision: int) -> list[list[list[float]]] | None:
    if not isinstance(rings, list) or not rings:
        return None
    cleaned = [_ring(ring, precision) for ring in rings]
    if cleaned[0] is None:
        return None
    # A hole that collapses when rounded is dropped, not fatal.
    return [cleaned[0]] + [ring for ring in cleaned[1:] if ring is not None]


def geometry_clean(geometry: Any, precision: int = DEFAULT_PRECISION) -> dict[str, Any] | None:
    """A ``Polygon``/``MultiPolygon`` rounded and checked, or None."""
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygon = _polygon(coordinates, precision)
        return None if polygon is None else {"type": "Polygon", "coordinates": polygon}
    if kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        polygons = [_polygon(p, precision) for p in coordinates]
        if any(p is None for p in polygons):
            return None
        return {"type": "MultiPolygon", "coordinates": polygons}
    return None


def outlines_read(
    data: bytes,
    *,
    region: Region,
    code_property: str | None = None,
    precision: int = DEFAULT_PRECISION,
) -> list[Outline]:
    """Every outline of the file, checked against the region's Kemendagri
    areas; raises :class:`BoundaryFileError` naming each problem."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryFileError(
            [f"Bukan berkas GeoJSON (JSON UTF-8) yang sah: {error}. / Not a valid GeoJSON file."]
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            [
                "Berkas harus berupa GeoJSON FeatureCollection. / "
                "The file must be a FeatureCollection."
            ]
        )
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError(["Berkas tidak memuat fitur. / The file holds no feature."])
    known = {area.code: area for area in reference.kecamatan_of(region.code)}
    known.update({area.code: area for area in reference.kelurahan_of(region.code)})
    problems: list[str] = []
    outlines: dict[str, Outline] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        keys = (code_property,) if code_property else CODE_PROPERTIES
        raw = next((properties[k] for k in keys if properties.get(k) not in (None, "")), None)
        if raw is None:
            problems.append(
                f"Fitur {number}: tidak ada properti kode ({', '.join(keys)}). / "
                f"Feature {number}: no code property."
            )
            continue
        code = code_normalise(raw)
        area = known.get(code)
        if area is None:
            problems.append(
                f"Fitur {number}: kode {code} bukan kecamatan/kelurahan {region.name} "
                f"({region.code}). / Feature {number}: code {code} is not a kecamatan or "
                f"kelurahan of this region."
            )
            continue
        if code in outlines:
            problems.append(
                f"Fitur {number}: kode {code} muncul dua kali. / Feature {number}: code {code} "
                "appears twice."
            )
            continue
        geometry = geometry_clean(feature.get("geometry"), precision)
        if geometry is None:
            problems.append(
                f"Fitur {number} ({code}): geometri bukan Polygon/MultiPolygon bujur-lintang "
                f"yang sah. / Feature {number}: geometry is not a valid lon/lat "
                "Polygon/MultiPolygon."
            )
            continue
        outlines[code] = Outline(code=code, name=area.name, level=area.level, geometry=geometry)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(
                f"… dan {len(problems) - MAX_PROBLEMS} masalah lain. / … and "
                f"{len(problems) - MAX_PROBLEMS} more."
            )
        raise BoundaryFileError(shown)
    return list(outlines.values())


def _cache_key(region: Region) -> str:
    """Keyed by a stamp of what is stored (count and latest load), so a
    restored or flushed database never meets outlines cached before it."""
    stamp = AreaBoundary.objects.filter(region=region).aggregate(n=Count("id"), at=Max("loaded_at"))
    at = stamp["at"].timestamp() if stamp["at"] is not None else 0
    return f"regions:boundaries:{region.pk}:{stamp['n']}:{at}"


def boundaries_geojson(region: Region) -> dict[str, Any]:
    """The region's outlines as one FeatureCollection (kecamatan first, so
    kelurahan lines draw on top), with the sources to attribute. Cached
    under a stamp of the stored rows: outlines change rarely, weigh tens of
    kB, and decoding them on every map view is wasted work."""
    key = _cache_key(region)
    found = cache.get(key)
    if found is not None:
        return dict(found)
    rows = AreaBoundary.objects.filter(region=region).order_by("level", "code")
    features = []
    sources: list[str] = []
    for code, name, level, geometry, source in rows.values_list(
        "code", "name", "level", "geometry", "source"
    ):
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "level": level},
                "geometry": geometry,
            }
        )
        if source not in sources:
            sources.append(source)
    collection = {"type": "FeatureCollection", "features": features, "sources": sources}
    cache.set(key, collection, 24 * 3600)
    return collection


def boundaries_exist(region: Region) -> bool:
    return bool(boundaries_geojson(region)["features"])


def _too_large() -> BoundaryFileError:
    megabytes = MAX_FILE_BYTES // (1024 * 1024)
    return BoundaryFileError(
        [
            f"Berkas lebih dari {megabytes} MB; sederhanakan dulu (mis. mapshaper -simplify). / "
            f"File over {megabytes} MB; simplify it first."
        ]
    )


def read_path(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _too_large()
        return path.read_bytes()
    except OSError as error:
        raise BoundaryFileError(
            [f"Berkas tidak dapat dibaca: {error.strerror}. / The file cannot be read."]
        ) from None
