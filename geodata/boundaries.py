"""Service-area boundaries from GeoJSON (or any file pyogrio reads)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from locator.area import ServiceArea
from locator.errors import DataError
from locator.geo import BNG


def load_service_area(path: Path) -> ServiceArea:
    """The union of every boundary in the file, reprojected to EPSG:27700.

    Raises `DataError` when the file is missing, empty or has no CRS: guessing a CRS is how
    a service ends up covering the wrong place.
    """
    if not path.is_file():
        raise DataError(f"boundary file not found: {path}")
    frame = gpd.read_file(path)
    if frame.empty:
        raise DataError(f"boundary file has no features: {path.name}")
    if frame.crs is None:
        raise DataError(f"boundary file has no CRS: {path.name}")
    names = [str(n) for n in frame.get("name", [])]
    geometry = shapely.union_all(frame.to_crs(BNG).geometry.make_valid().to_numpy())
    return ServiceArea(geometry, " and ".join(names) or path.stem)
