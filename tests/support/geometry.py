"""Synthetic geometry for tests. Never real QPV perimeters: the shapes are made up."""

from __future__ import annotations

from typing import Any


def synthetic_square(lon: float, lat: float, half: float = 0.001) -> dict[str, Any]:
    """A made-up square perimeter (GeoJSON Polygon) centred on (lon, lat), not a real QPV."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}
