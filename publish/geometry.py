"""County and state outlines, projected once and cached: equal-area Albers with AK, HI, PR insets.

Source: the Census cb_2016 500k shapefiles shipped in the `plotly-geo` package (no network at
run time). They have no .prj: the coordinates are NAD83 longitude/latitude (EPSG:4269).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapefile
from pyproj import Transformer

logger = logging.getLogger(__name__)

CACHE_VERSION = "counties-v2"
# Grid in metres to which projected points snap; consecutive duplicates are dropped. At
# 1600 px for ~4,700 km one pixel is ~3 km, so 1.5 km loses nothing visible.
SNAP_METRES = 1500.0

# Projection per area, and for the insets the box (x0, y0, x1, y1, in CONUS Albers metres) that
# the area is scaled into, below the Pacific coast and east of Florida. Insets are not to scale.
_AREAS = {
    "conus": ("EPSG:5070", None),
    "AK": ("EPSG:3338", (-2_400_000.0, 0.0, -1_200_000.0, 900_000.0)),
    "HI": ("+proj=aea +lat_1=8 +lat_2=18 +lat_0=13 +lon_0=-157 +datum=NAD83",
           (-1_150_000.0, 0.0, -450_000.0, 450_000.0)),
    "PR": ("+proj=aea +lat_1=17 +lat_2=19 +lat_0=18 +lon_0=-66.5 +datum=NAD83",
           (1_700_000.0, 0.0, 2_250_000.0, 300_000.0)),
}
INSET_BOXES = {area: box for area, (_, box) in _AREAS.items() if box}
EXTENT = (-2_450_000.0, -60_000.0, 2_350_000.0, 3_230_000.0)
_STATE_AREA = {"02": "AK", "15": "HI", "72": "PR"}
_DROPPED_STATES = {"60", "66", "69", "78"}  # territories without an inset


@dataclass
class Shape:
    geoid: str
    name: str
    area: str
    rings: list[np.ndarray]


def shapefile_dir() -> Path:
    import _plotly_geo

    return Path(_plotly_geo.__file__).parent / "package_data"


@lru_cache(maxsize=8)
def _transformer(area: str) -> Transformer:
    return Transformer.from_crs("EPSG:4269", _AREAS[area][0], always_xy=True)


def _project(points: np.ndarray, area: str) -> np.ndarray:
    x, y = _transformer(area).transform(points[:, 0], points[:, 1])
    return np.column_stack([np.asarray(x), np.asarray(y)])


def _simplify(projected: np.ndarray) -> np.ndarray:
    snapped = np.round(projected / SNAP_METRES)
    keep = np.ones(len(projected), dtype=bool)
    keep[1:] = np.any(snapped[1:] != snapped[:-1], axis=1)
    return projected[keep]


def _read(name: str, key_field: str) -> list[Shape]:
    reader = shapefile.Reader(str(shapefile_dir() / name))
    shapes = []
    for record in reader.iterShapeRecords():
        statefp = record.record["STATEFP"]
        if statefp in _DROPPED_STATES:
            continue
        area = _STATE_AREA.get(statefp, "conus")
        points = np.asarray(record.shape.points, dtype=float)
        parts = list(record.shape.parts) + [len(points)]
        rings = [_project(points[start:end], area) for start, end in zip(parts, parts[1:], strict=False)]
        if rings:
            shapes.append(Shape(record.record[key_field], record.record["NAME"], area, rings))
    return shapes


def _fit_insets(counties: list[Shape], states: list[Shape]) -> tuple[list[Shape], list[Shape]]:
    """Scale and move Alaska, Hawaii and Puerto Rico into their boxes; simplify every ring."""
    transforms = {}
    for area, box in INSET_BOXES.items():
        rings = [r for s in states if s.area == area for r in s.rings]
        largest = max(_area(r) for r in rings)
        # Fit the main islands; specks such as the Northwestern Hawaiian Islands would shrink the rest.
        points = np.vstack([r for r in rings if _area(r) >= 0.005 * largest])
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        scale = min((box[2] - box[0]) / (x1 - x0), (box[3] - box[1]) / (y1 - y0)) * 0.92
        dx = (box[0] + box[2]) / 2 - scale * (x0 + x1) / 2
        dy = (box[1] + box[3]) / 2 - scale * (y0 + y1) / 2
        transforms[area] = (scale, dx, dy)
    for shape in (*counties, *states):
        scale, dx, dy = transforms.get(shape.area, (1.0, 0.0, 0.0))
        rings = [_simplify(r * scale + (dx, dy)) for r in shape.rings]
        inset = INSET_BOXES.get(shape.area)
        if inset is not None:
            rings = [r for r in rings if inset[0] <= r[:, 0].min() and r[:, 0].max() <= inset[2]
                     and inset[1] <= r[:, 1].min() and r[:, 1].max() <= inset[3]] or rings
        shape.rings = [r for r in rings if len(r) >= 3] or [rings[0]]
    return counties, states


def _cache_key() -> str:
    stamp = "".join(str((shapefile_dir() / f).stat().st_size) for f in
                    ("cb_2016_us_county_500k.shp", "cb_2016_us_state_500k.shp"))
    return hashlib.sha256(f"{CACHE_VERSION}:{stamp}".encode()).hexdigest()[:16]


_MEMORY: dict[str, tuple[list[Shape], list[Shape]]] = {}


def load_geometry(cache_dir: Path | None = None) -> tuple[list[Shape], list[Shape]]:
    """(counties, states), from memory, then the on-disk cache, then the shapefiles."""
    key = _cache_key()
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir / f"geometry-{key}.pickle" if cache_dir else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                _MEMORY[key] = pickle.load(handle)
                return _MEMORY[key]
        except (OSError, pickle.UnpicklingError, EOFError):
            logger.warning("ignoring unreadable geometry cache %s", path)
    geometry = _fit_insets(_read("cb_2016_us_county_500k", "GEOID"), _read("cb_2016_us_state_500k", "STATEFP"))
    _MEMORY[key] = geometry
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with tmp.open("wb") as handle:
            pickle.dump(geometry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    return geometry


def interior_point(shape: Shape) -> tuple[float, float]:
    """A point inside the county's largest ring (the centroid when it is inside)."""
    from matplotlib.path import Path as MplPath

    ring = max(shape.rings, key=lambda r: _area(r))
    path = MplPath(ring)
    cx, cy = _centroid(ring)
    if path.contains_point((cx, cy)):
        return cx, cy
    x0, y0 = ring.min(axis=0)
    x1, y1 = ring.max(axis=0)
    candidates = [(x0 + (x1 - x0) * i / 12, y0 + (y1 - y0) * j / 12) for i in range(1, 12) for j in range(1, 12)]
    inside = [p for p in candidates if path.contains_point(p)]
    return min(inside, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2) if inside else (cx, cy)


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-9:
        return float(x.mean()), float(y.mean())
    return (float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
            float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)))


def project_point(longitude: float, latitude: float) -> tuple[float, float] | None:
    """A place on the contiguous-US map (insets are drawn to fit, so places there are not drawn)."""
    if not (-125.0 <= longitude <= -66.0 and 24.0 <= latitude <= 50.0):
        return None
    x, y = _project(np.array([[longitude, latitude]]), "conus")[0]
    return float(x), float(y)
