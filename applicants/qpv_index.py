"""In-memory spatial index of QPV perimeters (shapely 2 STRtree), one per generation.

There are at most ~1 400 perimeters nationally and a few dozen in the MEL, so an in-process
STRtree answers a point lookup in microseconds without PostGIS. Each process builds the index
lazily and rebuilds it when the perimeters of that generation change in the database, which a
single aggregate query detects (count, sum of ids and latest ``updated_at``).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db.models import Count, Max, Sum
from shapely.geometry import shape

from applicants.models import QpvArea

logger = logging.getLogger(__name__)

# Local metric plane: an equirectangular projection centred on the MEL (Lille, 50.63° N).
# x = R·cos(φ0)·Δλ, y = R·Δφ. It is an affine map of (lon, lat), so "is the point inside the
# polygon" gives exactly the same answer as in degrees; only distances are approximated, and
# across the ~40 km of the metropolis the scale error stays below 0.5 % (under 10 cm on a
# 15 m border tolerance). Perimeters far from Lille (if an operator loads the national file
# without --only-mel) keep exact containment but get distorted distances.
EARTH_RADIUS_M = 6_371_008.8
ORIGIN_LON = 3.06
ORIGIN_LAT = 50.63
_X_SCALE = EARTH_RADIUS_M * math.cos(math.radians(ORIGIN_LAT)) * math.pi / 180
_Y_SCALE = EARTH_RADIUS_M * math.pi / 180

_POLYGON_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class QpvLocation:
    """Where a point stands with respect to the perimeters of one generation."""

    containing: tuple[QpvArea, ...]
    # Distance to the closest perimeter edge, inside or outside; None when nothing is loaded.
    edge_distance_m: float | None
    # The QPV whose edge is closest (the one to show when the point is on a border).
    nearest: QpvArea | None


@dataclass(frozen=True)
class _Index:
    version: tuple[Any, ...]
    area_ids: tuple[int, ...]
    polygons: Any  # shapely.STRtree over projected polygons
    edges: Any  # shapely.STRtree over their boundaries, same order as area_ids


_cache: dict[int, _Index] = {}
_lock = threading.Lock()


def project_lon_lat(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Degrees to metres on the local plane (works on floats and numpy arrays)."""
    return (np.asarray(lon) - ORIGIN_LON) * _X_SCALE, (np.asarray(lat) - ORIGIN_LAT) * _Y_SCALE


def perimeter_geometry(perimeter: Any) -> Any:
    """The shapely polygon of a stored perimeter (geometry or Feature), in WGS84 degrees.

    Raises ValueError when it is not a readable Polygon or MultiPolygon.
    """
    if isinstance(perimeter, dict) and perimeter.get("type") == "Feature":
        perimeter = perimeter.get("geometry")
    if not isinstance(perimeter, dict) or perimeter.get("type") not in _POLYGON_TYPES:
        raise ValueError("le périmètre doit être un Polygon ou un MultiPolygon GeoJSON")
    try:
        polygon = shape(perimeter)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise ValueError(f"périmètre GeoJSON illisible : {error}") from error
    if polygon.is_empty:
        raise ValueError("périmètre vide")
    return polygon


def locate(lon: float, lat: float, *, generation: int) -> QpvLocation:
    """The QPV of ``generation`` containing the point, and its distance to the nearest edge."""
    index = _index_for(generation)
    if not index.area_ids:
        return QpvLocation(containing=(), edge_distance_m=None, nearest=None)
    x, y = project_lon_lat(lon, lat)
    point = shapely.Point(float(x), float(y))
    inside = [index.area_ids[i] for i in index.polygons.query(point, predicate="intersects")]
    nearest_pos, distances = index.edges.query_nearest(
        point, return_distance=True, all_matches=False
    )
    nearest_id = index.area_ids[int(nearest_pos[0])]
    areas = QpvArea.objects.in_bulk({*inside, nearest_id})
    return QpvLocation(
        containing=tuple(areas[pk] for pk in sorted(inside) if pk in areas),
        edge_distance_m=float(distances[0]),
        nearest=areas.get(nearest_id),
    )


def indexed_area_ids(generation: int) -> frozenset[int]:
    """Ids of the QPV whose perimeter is in the index (loaded and readable)."""
    return frozenset(_index_for(generation).area_ids)


def clear_cache() -> None:
    """Forget every built index (tests, or after a bulk load outside the ORM)."""
    with _lock:
        _cache.clear()


def _loaded(generation: int) -> Any:
    return QpvArea.objects.filter(generation=generation, perimeter__isnull=False)


def _version(generation: int) -> tuple[Any, ...]:
    # Adding or deleting a row moves the count or the id sum; saving one moves updated_at.
    stats = _loaded(generation).aggregate(n=Count("pk"), ids=Sum("pk"), latest=Max("updated_at"))
    return (stats["n"], stats["ids"], stats["latest"])


def _index_for(generation: int) -> _Index:
    version = _version(generation)
    cached = _cache.get(generation)
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _cache.get(generation)
        if cached is None or cached.version != version:
            rows = _loaded(generation).values_list("pk", "code", "perimeter")
            cached = _build(version, rows)
            _cache[generation] = cached
    return cached


def _build(version: tuple[Any, ...], rows: Iterable[tuple[int, str, Any]]) -> _Index:
    ids: list[int] = []
    polygons: list[Any] = []
    for pk, code, perimeter in rows:
        polygon = _projected(code, perimeter)
        if polygon is not None:
            ids.append(pk)
            polygons.append(polygon)
    return _Index(
        version=version,
        area_ids=tuple(ids),
        polygons=shapely.STRtree(polygons),
        edges=shapely.STRtree([polygon.boundary for polygon in polygons]),
    )


def _projected(code: str, perimeter: Any) -> Any | None:
    try:
        polygon = perimeter_geometry(perimeter)
    except ValueError as error:
        # One unreadable row must not stop every determination; it is left out and logged.
        logger.error("QPV %s ignored in the perimeter index: %s", code, error)
        return None
    if not polygon.is_valid:
        # Official files occasionally contain self-touching rings; repair rather than guess.
        logger.warning("QPV %s has an invalid perimeter; repaired with make_valid", code)
        polygon = _polygonal_part(shapely.make_valid(polygon))
        if polygon.is_empty:
            logger.error("QPV %s ignored in the perimeter index: nothing left after repair", code)
            return None
    return shapely.transform(polygon, _project_coords)


def _polygonal_part(geometry: Any) -> Any:
    # make_valid may return a collection with stray lines or points; only areas count here.
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in _POLYGON_TYPES]
    return shapely.union_all(parts)


def _project_coords(coords: Any) -> Any:
    x, y = project_lon_lat(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])
