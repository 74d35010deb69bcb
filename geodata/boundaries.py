"""Service-area boundaries from GeoJSON (or any file pyogrio reads), cached once read."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import shapely
from shapely.errors import ShapelyError

from geodata.arraycache import UNREADABLE, cache_path, map_npz, write_npz
from locator.area import ServiceArea
from locator.errors import DataError
from locator.geo import BNG

log = logging.getLogger(__name__)

# Bump when the cached layout changes, so old caches are ignored rather than misread.
_CACHE_VERSION = 1


def load_service_area(path: Path, cache_dir: Path | None = None) -> ServiceArea:
    """The union of every boundary in the file, reprojected to EPSG:27700.

    Raises `DataError` when the file is missing, empty or has no CRS: guessing a CRS is how
    a service ends up covering the wrong place. With `cache_dir`, the area is kept there
    (as WKB) once worked out: later starts read it in a millisecond, without geopandas.
    """
    if not path.is_file():
        raise DataError(f"boundary file not found: {path}")
    cache = cache_path(path, cache_dir, "area", _CACHE_VERSION) if cache_dir else None
    if cache is not None and cache.is_file():
        try:
            found = map_npz(cache)
            return ServiceArea(shapely.from_wkb(found["wkb"].tobytes()), str(found["name"]))
        except (*UNREADABLE, ShapelyError) as exc:
            log.warning("ignoring unreadable service area cache %s: %s", cache, exc)
    area = _read(path)
    if cache is not None:
        wkb = np.frombuffer(shapely.to_wkb(area.geometry), dtype=np.uint8)
        write_npz(cache, {"wkb": wkb, "name": np.array(area.name)})
    return area


def _read(path: Path) -> ServiceArea:
    import geopandas as gpd

    frame = gpd.read_file(path)
    if frame.empty:
        raise DataError(f"boundary file has no features: {path.name}")
    if frame.crs is None:
        raise DataError(f"boundary file has no CRS: {path.name}")
    names = [str(n) for n in frame.get("name", [])]
    geometry = shapely.union_all(frame.to_crs(BNG).geometry.make_valid().to_numpy())
    return ServiceArea(geometry, " and ".join(names) or path.stem)
