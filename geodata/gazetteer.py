"""Postcode gazetteer: postcode centroids in sorted arrays, cached in a compact form.

A lookup finds the postcode's row by sector and unit (`CodeRows`) and reads the row's packed
record (its points, area and whether it is in use) in one piece: the same cost for the
Derbyshire file or all 1.75 million GB postcodes, in 46 bytes a postcode (8 of code, 35 of
record, 3 of unit).
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from geodata.arraycache import UNREADABLE, cache_path, map_npz, write_npz
from geodata.code_rows import CodeRows
from geodata.extras import NATIONAL, require
from geodata.postcodes import Postcode, PostcodeDistrict, PostcodeSector
from locator.errors import DataError, UnknownPostcode
from locator.geo import bng_to_wgs84

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

# Bump when the cached layout changes, so old caches are ignored rather than misread.
_CACHE_VERSION = 4
_CODE_DTYPE = "S8"
# A postcode's row: read whole with `struct` (one cache line, plain Python values) rather than
# an item from each of six arrays; the arrays are views of its fields.
_RECORD_DTYPE = np.dtype(
    [
        ("lat", "<f8"),
        ("lon", "<f8"),
        ("easting", "<f8"),
        ("northing", "<f8"),
        ("la_index", "<i2"),
        ("live", "?"),
    ]
)
_RECORD = struct.Struct("<4dh?")
_unpack = _RECORD.unpack_from
assert _RECORD.size == _RECORD_DTYPE.itemsize


class PostcodeLocation(NamedTuple):
    """Where a full postcode is: its centroid in WGS84 (EPSG:4326) and British National Grid.

    A named tuple rather than a frozen dataclass: as immutable, and made in a fifth of the
    time (a frozen dataclass sets each field through `object.__setattr__`), on every search.
    """

    postcode: Postcode
    latitude: float
    longitude: float
    easting: float
    northing: float
    terminated: bool
    local_authority_code: str | None


@dataclass(frozen=True, slots=True)
class DistrictLocation:
    """The mean centroid of every postcode in a district."""

    district: PostcodeDistrict
    latitude: float
    longitude: float
    postcode_count: int


@dataclass(frozen=True, slots=True)
class SectorLocation:
    """The mean centroid of every postcode in a sector (``DE1 1``)."""

    sector: PostcodeSector
    latitude: float
    longitude: float
    postcode_count: int


class Gazetteer:
    """Postcode and postcode-district centroids, read-only after construction."""

    def __init__(
        self,
        codes: npt.NDArray[np.bytes_],
        records: npt.NDArray[np.void],
        la_codes: list[str],
        districts: dict[str, DistrictLocation] | None = None,
        rows: CodeRows | None = None,
    ) -> None:
        """Codes and their records (`_RECORD_DTYPE`) in any order; or, from the cache, sorted
        with their `districts` and `rows` worked out (the arrays are then not read through
        here, so pages of a mapped file stay unread)."""
        if districts is None and len(codes) > 1 and not np.all(codes[1:] >= codes[:-1]):
            order = np.argsort(codes, kind="stable")
            codes, records = codes[order], records[order]
        self._codes = codes
        self._records = records
        # As bytes: `struct` reads a record from a memoryview a little sooner than from numpy.
        self._record_bytes = np.ascontiguousarray(records).data.cast("B")
        self._lat, self._lon = records["lat"], records["lon"]
        self._easting, self._northing = records["easting"], records["northing"]
        self._live = records["live"]
        self._la_index = records["la_index"]
        self._la_codes = la_codes
        self._rows = CodeRows.build(codes) if rows is None else rows
        self._districts = self._district_centroids() if districts is None else districts

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Gazetteer:
        """Build from a table with `postcode`, `latitude`, `longitude` (EPSG:4326) at least.

        Optional columns: `easting`/`northing` (EPSG:27700), `is_live` (False marks a terminated
        postcode), `date_of_termination` (any value marks it terminated), `local_authority_code`.
        Rows without coordinates are left out: a postcode we can't place is one we don't know.
        """
        missing = {"postcode", "latitude", "longitude"} - set(frame.columns)
        if missing:
            raise DataError(f"postcode file lacks columns: {', '.join(sorted(missing))}")
        frame = frame.dropna(subset=["latitude", "longitude"])
        codes = frame["postcode"].astype(str).str.upper().str.strip().to_numpy(dtype=_CODE_DTYPE)
        lat = frame["latitude"].to_numpy(dtype=np.float64)
        lon = frame["longitude"].to_numpy(dtype=np.float64)
        if {"easting", "northing"} <= set(frame.columns):
            easting = frame["easting"].to_numpy(dtype=np.float64)
            northing = frame["northing"].to_numpy(dtype=np.float64)
        else:
            from locator.geo import wgs84_to_bng

            easting, northing = wgs84_to_bng(lon, lat)
        live = np.ones(len(frame), dtype=bool)
        if "is_live" in frame.columns:
            live &= _truthy(frame["is_live"])
        if "date_of_termination" in frame.columns:
            live &= frame["date_of_termination"].isna().to_numpy()
        if "local_authority_code" in frame.columns:
            cat = frame["local_authority_code"].astype("category")
            la_codes = [str(c) for c in cat.cat.categories]
            la_index: npt.NDArray[np.int16] = np.asarray(cat.cat.codes, dtype=np.int16)
        else:
            la_codes, la_index = [], np.full(len(frame), -1, dtype=np.int16)
        records = np.empty(len(frame), dtype=_RECORD_DTYPE)
        for name, column in (
            ("lat", lat), ("lon", lon), ("easting", easting), ("northing", northing),
            ("la_index", la_index), ("live", live),
        ):  # fmt: skip
            records[name] = column
        return cls(codes, records, la_codes)

    @classmethod
    def load(cls, path: Path, cache_dir: Path | None = None) -> Gazetteer:
        """Load a CSV (optionally gzipped) or Parquet postcode file, through a numpy cache."""
        if not path.is_file():
            raise DataError(f"postcode file not found: {path}")
        cache = None
        if cache_dir is not None:
            cache = cache_path(path, cache_dir, "gazetteer", _CACHE_VERSION)
        if cache is not None and cache.is_file():
            try:
                return cls._from_cache(cache)
            except UNREADABLE as exc:
                log.warning("ignoring unreadable gazetteer cache %s: %s", cache, exc)
        gazetteer = cls.from_frame(_read_table(path))
        if cache is not None:
            gazetteer._write_cache(cache)
        return gazetteer

    @classmethod
    def _from_cache(cls, cache: Path) -> Gazetteer:
        """The cached arrays, mapped from the file rather than read into memory.

        The operating system reads a page of the file only when it is used: a lookup touches
        a handful, so a process holds little of the 1.75 million GB postcodes, starts at once,
        and worker processes share the pages they do read.
        """
        found = map_npz(cache)
        districts = {
            name: DistrictLocation(PostcodeDistrict(name), la, lo, count)
            for name, la, lo, count in zip(
                found["district_names"].astype(str).tolist(),
                found["district_lat"].tolist(),
                found["district_lon"].tolist(),
                found["district_count"].tolist(),
                strict=True,
            )
        }
        rows = {name: found[f"rows_{name}"] for name in ("names", "starts", "units")}
        return cls(
            found["codes"],
            found["records"],
            [str(c) for c in found["la_codes"]],
            districts,
            CodeRows.from_arrays(found["codes"], rows),
        )

    def _write_cache(self, cache: Path) -> None:
        districts = list(self._districts.values())
        write_npz(
            cache,
            {
                "codes": self._codes,
                "records": self._records,
                **{f"rows_{k}": v for k, v in CodeRows.arrays_of(self._codes).items()},
                "la_codes": np.array(self._la_codes, dtype=str),
                "district_names": np.array([d.district.value for d in districts], dtype=str),
                "district_lat": np.array([d.latitude for d in districts], dtype=np.float64),
                "district_lon": np.array([d.longitude for d in districts], dtype=np.float64),
                "district_count": np.array([d.postcode_count for d in districts], dtype=np.int64),
            },
        )

    def _district_centroids(self) -> dict[str, DistrictLocation]:
        if len(self._codes) == 0:
            return {}
        # The codes are sorted, so each district's postcodes are one run ("DE1 1AA" sorts
        # before "DE10 1AA": a space before any digit). A district is the code up to the space:
        # with every byte from the space on set to zero, a run ends where the bytes change.
        # (No strings are made for 1.75 million codes, and no sort: a tenth of the time.)
        codes = np.ascontiguousarray(self._codes)
        raw = codes.view(np.uint8).reshape(len(codes), codes.dtype.itemsize)
        is_space = raw == ord(" ")
        space = np.where(is_space.any(axis=1), is_space.argmax(axis=1), raw.shape[1])
        outward = np.where(np.arange(raw.shape[1]) >= space[:, None], 0, raw)
        starts = np.flatnonzero(np.r_[True, np.any(outward[1:] != outward[:-1], axis=1)])
        counts = np.diff(np.r_[starts, len(codes)])
        inverse = np.repeat(np.arange(len(starts)), counts)
        names = np.char.partition(codes[starts], b" ")[:, 0]
        # Average in metres on the grid, then convert: a mean of degrees is skewed in longitude.
        e = np.bincount(inverse, weights=self._easting) / counts
        n = np.bincount(inverse, weights=self._northing) / counts
        lon, lat = bng_to_wgs84(e, n)
        return {
            # Six decimals (about 0.1 m), as the postcode file gives its own points.
            name.decode(): DistrictLocation(
                PostcodeDistrict(name.decode()), round(float(la), 6), round(float(lo), 6), int(c)
            )
            for name, la, lo, c in zip(names, lat, lon, counts, strict=True)
        }

    # -- queries ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._codes)

    @property
    def district_count(self) -> int:
        return len(self._districts)

    def find(self, postcode: Postcode) -> PostcodeLocation | None:
        """The postcode's centroid, or None if the data doesn't have it."""
        i = self._rows.row(postcode.value)
        if i is None:
            return None
        lat, lon, easting, northing, la, live = _unpack(self._record_bytes, i * _RECORD.size)
        area = self._la_codes[la] if la >= 0 else None
        return PostcodeLocation(postcode, lat, lon, easting, northing, not live, area)

    def point(self, postcode: Postcode) -> tuple[float, float, bool] | None:
        """`find`'s latitude, longitude and whether the postcode is no longer used: what a
        search starts from, without the rest."""
        i = self._rows.row(postcode.value)
        if i is None:
            return None
        lat, lon, _, _, _, live = _unpack(self._record_bytes, i * _RECORD.size)
        return lat, lon, not live

    def lookup(self, postcode: Postcode) -> PostcodeLocation:
        """Like `find`, but an unknown postcode raises `UnknownPostcode`."""
        found = self.find(postcode)
        if found is None:
            raise UnknownPostcode(
                f"We couldn't find the postcode {postcode}. Please check it and try again.",
                log_message="postcode not in gazetteer",
            )
        return found

    def district(self, district: PostcodeDistrict) -> DistrictLocation | None:
        return self._districts.get(district.value)

    def sector(self, sector: PostcodeSector) -> SectorLocation | None:
        """The middle of a sector's postcodes, or None if the data has none in it.

        A sector's codes are one run of the sorted array (every code that starts "DE1 1"):
        two binary searches find it, and the mean is taken on the grid, as for a district.
        """
        start, end = prefix_range(self._codes, sector.value.encode("ascii"))
        if start == end:
            return None
        e = float(np.mean(self._easting[start:end]))
        n = float(np.mean(self._northing[start:end]))
        lon, lat = bng_to_wgs84(e, n)
        return SectorLocation(sector, round(lat, 6), round(lon, 6), end - start)

    def local_authority_codes(self) -> frozenset[str]:
        """Every local authority code the postcodes name (the areas editors can have)."""
        return frozenset(self._la_codes)

    def postcodes(self) -> npt.NDArray[np.str_]:
        """Every postcode, sorted (as text)."""
        return self._codes.astype(str)

    def live_points(
        self,
    ) -> tuple[npt.NDArray[np.bytes_], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The codes (as bytes) of the postcodes still in use, with their grid points
        (EPSG:27700): what reverse geocoding answers with."""
        live = np.asarray(self._live, dtype=bool)
        return self._codes[live], self._easting[live], self._northing[live]

    def codes(self) -> npt.NDArray[np.bytes_]:
        """Every code, sorted, as bytes (terminated ones too)."""
        return self._codes

    def areas_of(self, district: PostcodeDistrict) -> list[str]:
        """The local authority codes a district's postcodes are in, most postcodes first."""
        start, end = prefix_range(self._codes, f"{district.value} ".encode("ascii"))
        found = np.asarray(self._la_index[start:end], dtype=np.int64)
        found = found[found >= 0]
        if len(found) == 0:
            return []
        counts = np.bincount(found)
        order = sorted(np.flatnonzero(counts), key=lambda i: (-counts[i], self._la_codes[i]))
        return [self._la_codes[i] for i in order]

    def coordinates(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Longitude and latitude arrays, in the order of `postcodes()`."""
        return self._lon, self._lat


def prefix_range(codes: npt.NDArray[np.bytes_], prefix: bytes) -> tuple[int, int]:
    """The rows of sorted `codes` that start with `prefix`, as (start, end)."""
    start = int(np.searchsorted(codes, prefix, side="left"))
    end = int(np.searchsorted(codes, prefix + b"\xff", side="left"))
    return start, end


def _truthy(column: pd.Series) -> npt.NDArray[np.bool_]:
    if column.dtype == bool:
        return column.to_numpy(dtype=bool)
    text = column.astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "yes", "y", "t"]).to_numpy()


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    name = path.name.lower()
    if name.endswith(".parquet"):
        require(NATIONAL, f"SAFEPLACES_DATA__POSTCODES_FILE is a Parquet file ({path.name})")
        return pd.read_parquet(path)
    if name.endswith((".csv", ".csv.gz")):
        return pd.read_csv(path, dtype={"postcode": str, "local_authority_code": str})
    raise DataError(f"postcode file must be CSV or Parquet: {path.name}")
