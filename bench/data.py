"""The inputs: real venues and postcodes, and synthetic venues drawn from real GB postcodes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from api.settings import Settings
from geodata.boundaries import load_service_area
from geodata.gazetteer import Gazetteer
from geodata.venues import load_safe_places
from locator.geo import bng_to_wgs84
from locator.venues import Category, Kind, LocationPrecision, Venue

DERBYSHIRE_POSTCODES = "postcodes_derbyshire.csv.gz"
GB_POSTCODES = "postcodes_uk.parquet"
VENUES = "venues_derbyshire.csv"

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Points:
    """Query points: WGS84 postcode centroids."""

    lon: FloatArray
    lat: FloatArray
    source: str

    def __len__(self) -> int:
        return len(self.lon)


@dataclass(frozen=True, slots=True)
class KnnCase:
    """Venues to index and the points to search from: one at a time, and as a batch."""

    label: str
    venues: list[Venue]
    venue_source: str
    queries: Points
    batch: Points
    repeats: int  # of the timed loops; fewer for the largest sets


def data_dir() -> Path:
    return Settings().data.dir


def load_real_venues() -> tuple[list[Venue], int]:
    """The real Safe Places venues and how many rows could not be placed."""
    settings = Settings()
    # No cache dir: the benchmark writes nothing outside bench/ and docs/.
    gazetteer = Gazetteer.load(settings.data.path(DERBYSHIRE_POSTCODES), None)
    dataset = load_safe_places(settings.data.path(VENUES), gazetteer)
    return dataset.venues, len(dataset.skipped)


def derbyshire_queries(n: int, seed: int) -> Points:
    """`n` distinct random postcode centroids inside Derbyshire and Derby."""
    frame = pd.read_csv(
        Settings().data.path(DERBYSHIRE_POSTCODES),
        usecols=["postcode", "latitude", "longitude", "in_derbyshire"],
    )
    frame = frame[frame["in_derbyshire"].astype(bool)].dropna(subset=["latitude", "longitude"])
    rows = np.random.default_rng(seed).choice(len(frame), size=min(n, len(frame)), replace=False)
    return Points(
        frame["longitude"].to_numpy(np.float64)[rows],
        frame["latitude"].to_numpy(np.float64)[rows],
        f"{len(rows):,} random Derbyshire/Derby postcode centroids ({DERBYSHIRE_POSTCODES})",
    )


def gb_postcode_frame() -> pd.DataFrame:
    """Every GB postcode that has coordinates."""
    frame = pd.read_parquet(
        Settings().data.path(GB_POSTCODES),
        columns=["postcode", "latitude", "longitude", "easting", "northing"],
    )
    return frame.dropna(subset=["latitude", "longitude", "easting", "northing"]).reset_index(
        drop=True
    )


def gb_queries(frame: pd.DataFrame, n: int, seed: int) -> Points:
    rows = np.random.default_rng(seed).choice(len(frame), size=min(n, len(frame)), replace=False)
    return Points(
        frame["longitude"].to_numpy(np.float64)[rows],
        frame["latitude"].to_numpy(np.float64)[rows],
        f"{len(rows):,} random GB postcode centroids ({GB_POSTCODES})",
    )


def derbyshire_postcodes(n: int, seed: int) -> list[str]:
    """`n` distinct live postcodes in Derbyshire and Derby, drawn at random (as text)."""
    frame = pd.read_csv(
        Settings().data.path(DERBYSHIRE_POSTCODES),
        usecols=["postcode", "latitude", "in_derbyshire", "is_live"],
    )
    keep = frame["in_derbyshire"].astype(bool) & frame["is_live"].astype(bool)
    frame = frame[keep & frame["latitude"].notna()]
    rows = np.random.default_rng(seed).choice(len(frame), size=min(n, len(frame)), replace=False)
    return [str(p) for p in frame["postcode"].to_numpy()[rows]]


def walk_postcodes() -> list[str]:
    """Every live postcode inside the service area (Derbyshire and Derby), as text: the
    postcodes people in the area type, for the unique-postcode load."""
    settings = Settings()
    frame = pd.read_csv(settings.data.path(DERBYSHIRE_POSTCODES))
    if "in_derbyshire" in frame.columns:
        frame = frame[frame["in_derbyshire"].astype(bool)]
    frame = frame[frame["is_live"].astype(bool)]
    frame = frame.dropna(subset=["easting", "northing"])
    area = load_service_area(settings.data.path(settings.data.boundaries_file))
    inside = shapely.intersects_xy(
        area.geometry, frame["easting"].to_numpy(np.float64), frame["northing"].to_numpy(np.float64)
    )
    return [str(p) for p in frame["postcode"].to_numpy()[inside]]


def synthetic_venues(frame: pd.DataFrame, n: int, seed: int, jitter_m: float) -> list[Venue]:
    """`n` venues at distinct random GB postcode centroids, each moved up to `jitter_m` metres.

    The jitter is uniform over a disc on the National Grid, so venues cluster where people
    (and so postcodes) do, as real venues would, without sitting exactly on a centroid.
    """
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(frame), size=n, replace=False)
    radius = jitter_m * np.sqrt(rng.random(n))
    angle = rng.random(n) * 2 * np.pi
    easting = frame["easting"].to_numpy(np.float64)[rows] + radius * np.cos(angle)
    northing = frame["northing"].to_numpy(np.float64)[rows] + radius * np.sin(angle)
    lon, lat = bng_to_wgs84(easting, northing)
    postcodes = frame["postcode"].to_numpy(dtype=str)[rows]
    categories = list(Category)
    category_of = rng.integers(0, len(categories), size=n)
    return [
        Venue(
            id=f"SYN{i:06d}",
            name=f"Synthetic venue {i}",
            kind=Kind.SAFE_PLACE,
            category=categories[c],
            address="",
            postcode=pc,
            latitude=y,
            longitude=x,
            location_precision=LocationPrecision.POSTCODE,
        )
        for i, (x, y, pc, c) in enumerate(
            zip(lon.tolist(), lat.tolist(), postcodes.tolist(), category_of.tolist(), strict=True)
        )
    ]
