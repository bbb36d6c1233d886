"""Synthetic GeoJSON for the boundary tests: squares placed by index, not
real outlines (the product ships none it may not redistribute)."""

from __future__ import annotations

import json
from typing import Any


def square(index: int, size: float = 0.01) -> dict[str, Any]:
    lon, lat = 101.40 + index * size, 1.65
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: Any, geometry: Any, key: str = "kode") -> dict[str, Any]:
    return {"type": "Feature", "properties": {key: code}, "geometry": geometry}


def collection(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()
