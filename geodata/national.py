"""Every GB postcode, compactly: to say where a postcode beyond the service area is.

The gazetteer holds the postcodes the service works with; this table holds all 1.75 million
in Great Britain, and is asked only when the gazetteer doesn't know one. It keeps what the
answer needs: the code (8 bytes, sorted, for binary search), the centroid as float32
latitude and longitude (EPSG:4326; about 0.5 m, plenty to say "about 40 km north"), the
country and the local authority, 19 bytes a postcode. Built once from the Parquet file and
cached in the cache dir as an uncompressed .npz that is mapped, not read: a start-up costs
milliseconds and a lookup reads a few pages of the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from geodata.arraycache import UNREADABLE, cache_path, map_npz, write_npz
from geodata.extras import NATIONAL, require
from geodata.gazetteer import prefix_range
from geodata.postcodes import Postcode, PostcodeDistrict, PostcodeSector, TypedPostcode
from locator.errors import DataError
from locator.geo import bng_to_wgs84, wgs84_to_bng

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

_CACHE_VERSION = 2  # 2: with each postcode's local authority
_CODE_DTYPE = "S8"  # the longest postcode, "SW1A 1AA", is 8 characters

# The ONS codes of the countries in `country_code`.
COUNTRIES = {"E92000001": "England", "S92000003": "Scotland", "W92000004": "Wales"}


@dataclass(frozen=True, slots=True)
class NationalLocation:
    """A postcode, sector or district from the national table: its centroid (EPSG:4326; the
    middle of its postcodes for a sector or district), its country and, for a postcode, the
    ONS code of its local authority where the file gives it."""

    code: TypedPostcode
    latitude: float
    longitude: float
    country: str | None
    postcode_count: int
    local_authority_code: str | None = None

    @property
    def approximate(self) -> bool:
        return not isinstance(self.code, Postcode)


class NationalPostcodes:
    """Every GB postcode's centroid, country and local authority, read-only after
    construction."""

    def __init__(
        self,
        codes: npt.NDArray[np.bytes_],
        lat: npt.NDArray[np.float32],
        lon: npt.NDArray[np.float32],
        country: tuple[npt.NDArray[np.int8], list[str]],
        area: tuple[npt.NDArray[np.int16], list[str]],
    ) -> None:
        """Arrays sorted by code (as `from_frame` makes them and the cache holds them);
        `country` and `area`: each postcode's index into the names after them (-1 for none)."""
        self._codes = codes
        self._lat, self._lon = lat, lon
        self._country, self._countries = country
        self._area, self._areas = area

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> NationalPostcodes:
        """From a table with `postcode`, `latitude`, `longitude` (EPSG:4326), `country_code`
        and, if it has one, `local_authority_code`.

        Rows without coordinates are left out: a postcode we can't place is one we don't know.
        """
        missing = {"postcode", "latitude", "longitude", "country_code"} - set(frame.columns)
        if missing:
            raise DataError(f"national postcode file lacks columns: {', '.join(sorted(missing))}")
        frame = frame.dropna(subset=["latitude", "longitude"])
        text = frame["postcode"].astype(str).str.upper().str.strip()
        too_long = text.str.len() > int(_CODE_DTYPE[1:])
        if too_long.any():
            row = int(np.flatnonzero(too_long.to_numpy())[0])
            raise DataError(
                f"national postcode file, row {row + 1}: {text.iloc[row]!r} is too long"
            )
        codes = text.to_numpy(dtype=_CODE_DTYPE)
        order = np.argsort(codes, kind="stable")
        country, names = _categories(frame["country_code"], np.int8)
        countries = [COUNTRIES.get(name, name) for name in names]
        if "local_authority_code" in frame.columns:
            area, areas = _categories(frame["local_authority_code"], np.int16)
        else:  # an older file: postcodes beyond the area then have no local authority
            area, areas = np.full(len(frame), -1, dtype=np.int16), []
        return cls(
            codes[order],
            frame["latitude"].to_numpy(dtype=np.float32)[order],
            frame["longitude"].to_numpy(dtype=np.float32)[order],
            (country[order], countries),
            (area[order], areas),
        )

    @classmethod
    def load(cls, path: Path, cache_dir: Path | None = None) -> NationalPostcodes:
        """Load the Parquet file through its cache (built on the first load)."""
        if not path.is_file():
            raise DataError(f"national postcode file not found: {path}")
        cache = None
        if cache_dir is not None:
            cache = cache_path(path, cache_dir, "national", _CACHE_VERSION)
            if cache.is_file():
                try:
                    found = map_npz(cache)
                    return cls(
                        found["codes"],
                        found["lat"],
                        found["lon"],
                        (found["country"], [str(c) for c in found["countries"]]),
                        (found["area"], [str(c) for c in found["areas"]]),
                    )
                except UNREADABLE as exc:
                    log.warning("ignoring unreadable national postcode cache %s: %s", cache, exc)
        table = cls.from_frame(_read(path))
        if cache is not None:
            write_npz(
                cache,
                {
                    "codes": table._codes,
                    "lat": table._lat,
                    "lon": table._lon,
                    "country": table._country,
                    "countries": np.array(table._countries, dtype=str),
                    "area": table._area,
                    "areas": np.array(table._areas, dtype=str),
                },
            )
        return table

    @classmethod
    def load_optional(cls, path: Path | None, cache_dir: Path | None) -> NationalPostcodes | None:
        """`load`, or None when there is no such file: the service then knows only its own
        postcodes, as it did before the national table."""
        if path is None or not path.is_file():
            log.info("no national postcode table: postcodes beyond the local data are unknown")
            return None
        return cls.load(path, cache_dir)

    def __len__(self) -> int:
        return len(self._codes)

    def find(self, postcode: Postcode) -> NationalLocation | None:
        """A full postcode's centroid, country and local authority, or None if it is not a
        GB postcode."""
        key = postcode.value.encode("ascii")
        i = int(np.searchsorted(self._codes, key))
        if i >= len(self._codes) or self._codes[i] != key:
            return None
        return NationalLocation(
            postcode,
            round(float(self._lat[i]), 6),
            round(float(self._lon[i]), 6),
            _named(self._countries, int(self._country[i])),
            1,
            _named(self._areas, int(self._area[i])),
        )

    def points(
        self,
    ) -> tuple[npt.NDArray[np.bytes_], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Every code (as bytes, sorted) with its longitude and latitude (EPSG:4326)."""
        return self._codes, self._lon, self._lat

    def middle(self, code: PostcodeSector | PostcodeDistrict) -> NationalLocation | None:
        """The middle of a sector's or district's postcodes (on the grid), or None."""
        # A district's codes are those that start "M12 ", a space after it: not M120's.
        prefix = code.value if isinstance(code, PostcodeSector) else f"{code.value} "
        start, end = prefix_range(self._codes, prefix.encode("ascii"))
        if start == end:
            return None
        lat = self._lat[start:end].astype(np.float64)
        lon = self._lon[start:end].astype(np.float64)
        # Averaged in metres on the grid, as the gazetteer does, then converted back.
        e, n = wgs84_to_bng(lon, lat)
        mid_lon, mid_lat = bng_to_wgs84(float(np.mean(e)), float(np.mean(n)))
        known = self._country[start:end]
        known = known[known >= 0]
        country = int(np.bincount(known).argmax()) if len(known) else -1
        return NationalLocation(
            code,
            round(mid_lat, 6),
            round(mid_lon, 6),
            _named(self._countries, country),
            end - start,
        )


def _named(names: list[str], index: int) -> str | None:
    """The name at a row's category index (-1: none)."""
    return names[index] if index >= 0 else None


def _categories(
    column: pd.Series, dtype: type[np.int8] | type[np.int16]
) -> tuple[npt.NDArray[Any], list[str]]:
    """Each row's index into the column's distinct values (-1 where it has none), and those
    values as text: a code repeated over many rows held as one small number a row."""
    cat = column.astype("category")
    if len(cat.cat.categories) > np.iinfo(dtype).max:
        raise DataError(f"national postcode file: too many values of {column.name}")
    return np.asarray(cat.cat.codes, dtype=dtype), [str(c) for c in cat.cat.categories]


def _read(path: Path) -> pd.DataFrame:
    """The columns the table needs (those of them the file has: `from_frame` names any
    missing), without the rest."""
    import pandas as pd

    require(NATIONAL, f"SAFEPLACES_DATA__NATIONAL_POSTCODES_FILE is a Parquet file ({path.name})")
    import pyarrow.parquet as pq

    wanted = ["postcode", "latitude", "longitude", "country_code", "local_authority_code"]
    try:
        names = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in wanted if c in names])
    except (OSError, ValueError) as exc:  # pyarrow's errors are one or the other
        raise DataError(f"could not read the national postcode file {path.name}: {exc}") from exc


def national_grid_points(
    path: Path,
) -> tuple[npt.NDArray[np.bytes_], npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """The file's codes with their own `easting` and `northing` (EPSG:27700), where it has
    both columns; rows without a point left out. None when the file lacks them."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not {"postcode", "easting", "northing"} <= set(pq.read_schema(path).names):
        return None
    table = pq.read_table(path, columns=["postcode", "easting", "northing"])
    placed = pc.and_(pc.is_valid(table["easting"]), pc.is_valid(table["northing"]))
    table = table.filter(placed)
    text = pc.utf8_trim_whitespace(pc.utf8_upper(table["postcode"]))
    codes = np.asarray(text.to_numpy(zero_copy_only=False), dtype=_CODE_DTYPE)
    easting = table["easting"].to_numpy().astype(np.float64)
    northing = table["northing"].to_numpy().astype(np.float64)
    return codes, easting, northing


def national_district_areas(path: Path) -> dict[str, tuple[str, ...]]:
    """Each district's local authority codes, most postcodes first, from the file's
    `local_authority_code` column; empty when it has none."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not {"postcode", "local_authority_code"} <= set(pq.read_schema(path).names):
        return {}
    table = pq.read_table(path, columns=["postcode", "local_authority_code"])
    text = pc.utf8_trim_whitespace(pc.utf8_upper(table["postcode"]))
    district = pc.list_element(pc.split_pattern(text, " ", max_splits=1), 0)
    area = pc.cast(table["local_authority_code"], pa.string())
    pairs = pa.table({"d": district, "a": area}).filter(pc.is_valid(area))
    counted = pairs.group_by(["d", "a"]).aggregate([("a", "count")]).to_pylist()
    counted.sort(key=lambda row: (row["d"], -row["a_count"], row["a"]))
    found: dict[str, list[str]] = {}
    for row in counted:
        found.setdefault(row["d"], []).append(row["a"])
    return {name: tuple(codes) for name, codes in found.items()}
