"""What the reports read besides the place database: the service area's live postcodes, with
their districts and local authorities, and the local authorities' names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geodata.areas import load_area_names
from locator.area import ServiceArea
from locator.coverage import POSTCODE_COLUMNS
from locator.errors import DataError
from locator.geo import wgs84_to_bng
from locator.settings import ServiceSettings


def service_postcodes(settings: ServiceSettings, area: ServiceArea) -> pd.DataFrame:
    """Every live postcode whose centroid is inside the service area (`POSTCODE_COLUMNS`).

    Read from the postcode file itself rather than the gazetteer: the gazetteer answers one
    postcode at a time, and this needs every postcode's status and local authority at once.
    Live as the gazetteer counts it (``is_live`` true and no ``date_of_termination``); inside
    as the service counts it (the boundary polygon, the same test as `in_service_area`).
    """
    data = settings.data
    frame = _read_postcode_file(data.path(data.postcodes_file))
    missing = {"postcode", "latitude", "longitude"} - set(frame.columns)
    if missing:
        raise DataError(f"postcode file lacks columns: {', '.join(sorted(missing))}")
    frame = frame.dropna(subset=["latitude", "longitude"])
    frame = frame[_live(frame)]
    lon = frame["longitude"].to_numpy(dtype=np.float64)
    lat = frame["latitude"].to_numpy(dtype=np.float64)
    if {"easting", "northing"} <= set(frame.columns):
        x = frame["easting"].to_numpy(dtype=np.float64)
        y = frame["northing"].to_numpy(dtype=np.float64)
    else:
        x, y = wgs84_to_bng(lon, lat)
    inside = shapely.intersects_xy(area.geometry, x, y)
    postcode = frame["postcode"].astype(str).str.upper().str.strip()
    la = (
        frame["local_authority_code"].astype("string").fillna("")
        if "local_authority_code" in frame.columns
        else pd.Series("", index=frame.index)
    )
    table = pd.DataFrame(
        {
            "postcode": postcode.to_numpy(),
            "district": postcode.str.split(" ").str[0].to_numpy(),
            "local_authority_code": la.to_numpy(dtype=object),
            "latitude": lat,
            "longitude": lon,
            "easting": x,
            "northing": y,
        },
        columns=list(POSTCODE_COLUMNS),
    )
    inside_table: pd.DataFrame = table[inside]
    return inside_table.sort_values("postcode", kind="stable").reset_index(drop=True)


def local_authority_names(settings: ServiceSettings) -> dict[str, str]:
    """Local authority names by ONS code, from the place-name file."""
    return load_area_names(settings.data.path(settings.data.places_file))


def _read_postcode_file(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"postcode file not found: {path}")
    name = path.name.lower()
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith((".csv", ".csv.gz")):
        return pd.read_csv(path, dtype={"postcode": str, "local_authority_code": str})
    raise DataError(f"postcode file must be CSV or Parquet: {path.name}")


def _live(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Live as the gazetteer counts it: ``is_live`` true (where given) and not terminated."""
    live = np.ones(len(frame), dtype=bool)
    if "is_live" in frame.columns:
        text = frame["is_live"].astype(str).str.strip().str.lower()
        live &= text.isin(["true", "1", "yes", "y", "t"]).to_numpy()
    if "date_of_termination" in frame.columns:
        live &= frame["date_of_termination"].isna().to_numpy()
    return live
