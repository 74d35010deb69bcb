"""Coverage: how far every postcode is from a Safe Place and a police enquiry office, and which
new Safe Places would bring the most under-served postcodes within a short walk.

Plain numpy and pandas over tables the caller builds (`reports.coverage` builds them from the
open data and the place database). The spatial work is one vectorised query through
`VenueIndex.nearest_distances` and one STRtree `dwithin` query for the candidates: no Python
loop over postcodes. Every distance is geodesic metres (WGS84), as everywhere in the locator;
the grid (EPSG:27700) is used to find things and to bin them, never to measure.

Postcodes stand in for people here: Code-Point Open has no population, and a postcode is
about 15 homes, so a share of postcodes is a rough share of homes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from locator.filter import VenueFilter
from locator.geo import geodesic_m, wgs84_to_bng
from locator.index import VenueIndex
from locator.venues import Kind

# About 5, 10 and 20 minutes' walk at 4.8 km/h (straight line).
THRESHOLDS_M: Final = (400, 800, 1600)
# A postcode further than this from every Safe Place is "under-served".
RECRUIT_RADIUS_M: Final = 800
# What is measured to, and its column prefix in the tables.
TARGETS: Final = {"safe_place": "Safe Place", "police": "Police enquiry office"}
# The columns a postcode table needs (`reports.inputs.service_postcodes` makes one).
POSTCODE_COLUMNS: Final = (
    "postcode",
    "district",
    "local_authority_code",
    "latitude",
    "longitude",
    "easting",
    "northing",
)
# Grid metres differ from geodesic metres by under 0.1% in Great Britain: search the grid a
# little wider, then cut on the geodesic distance.
_SCALE_MARGIN = 1.002

BoolMatrix = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def share_column(target: str, threshold_m: float) -> str:
    """The name of a share column, e.g. ``safe_place_within_800m_pct``."""
    return f"{target}_within_{threshold_m:g}m_pct"


def nearest_help(postcodes: pd.DataFrame, index: VenueIndex) -> pd.DataFrame:
    """The postcode table with the nearest Safe Place and police enquiry office of each.

    Adds ``safe_place_id``, ``safe_place_m``, ``police_id`` and ``police_m`` (geodesic
    metres; infinity and "" where the index has none of that kind). One batch query per kind.
    """
    _need(postcodes, ("latitude", "longitude"))
    lon = postcodes["longitude"].to_numpy(dtype=np.float64)
    lat = postcodes["latitude"].to_numpy(dtype=np.float64)
    table = postcodes.copy()
    for target, kind in (("safe_place", Kind.SAFE_PLACE), ("police", Kind.POLICE_ENQUIRY_OFFICE)):
        found = index.nearest_distances(lon, lat, VenueFilter.of(kinds=[kind]))
        table[f"{target}_id"] = found.ids
        table[f"{target}_m"] = found.distance_m
    return table


def _shares(group: pd.DataFrame, thresholds: Sequence[float]) -> dict[str, float]:
    row: dict[str, float] = {"postcodes": float(len(group))}
    for target in TARGETS:
        metres = group[f"{target}_m"].to_numpy(dtype=np.float64)
        for t in thresholds:
            share = 100 * float(np.mean(metres <= t)) if len(metres) else float("nan")
            row[share_column(target, t)] = round(share, 1)
        median = float(np.median(metres)) if len(metres) else float("nan")
        # Whole metres; infinity (none of that kind anywhere) and NaN stay as they are.
        row[f"{target}_median_m"] = float(round(median)) if np.isfinite(median) else median
    return row


def coverage_by(
    table: pd.DataFrame,
    by: str | None = None,
    thresholds: Sequence[float] = THRESHOLDS_M,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The share of postcodes within each threshold of help, overall or per group.

    Parameters
    ----------
    table
        From `nearest_help`.
    by
        A column to group by (``local_authority_code``, ``district``); None for one row for
        the whole area.
    thresholds
        Distances in metres; a postcode exactly at a threshold counts as within it.
    names
        Names for the group keys, added as a ``name`` column (e.g. local authority names).

    Returns
    -------
    One row per group (sorted by key): ``postcodes``, then for each of ``safe_place`` and
    ``police`` the percentage within each threshold (one decimal) and the median distance.
    """
    if by is None:
        rows = [{"area": "Whole area", **_shares(table, thresholds)}]
        frame = pd.DataFrame(rows)
    else:
        rows = [
            {by: key, **_shares(group, thresholds)}
            for key, group in table.groupby(by, sort=True, dropna=False)
        ]
        frame = pd.DataFrame(rows, columns=[by, *_share_names(thresholds)])
        if names is not None:
            frame.insert(1, "name", [names.get(str(k), "") for k in frame[by]])
    frame["postcodes"] = frame["postcodes"].astype(int)
    return frame


def _share_names(thresholds: Sequence[float]) -> list[str]:
    columns = ["postcodes"]
    for target in TARGETS:
        columns += [share_column(target, t) for t in thresholds]
        columns.append(f"{target}_median_m")
    return columns


def worst_served(
    by_group: pd.DataFrame,
    n: int = 20,
    threshold_m: float = RECRUIT_RADIUS_M,
    min_postcodes: int = 10,
) -> pd.DataFrame:
    """The `n` groups with the smallest share of postcodes within `threshold_m` of a Safe Place.

    Ties go to the larger median distance. Groups with fewer than `min_postcodes` postcodes in
    the area are left out: a district with one postcode inside the border says little.
    """
    column = share_column("safe_place", threshold_m)
    eligible = by_group[by_group["postcodes"] >= min_postcodes]
    ordered = eligible.sort_values(
        [column, "safe_place_median_m", "postcodes"], ascending=[True, False, False], kind="stable"
    )
    return ordered.head(n).reset_index(drop=True)


def distance_histogram(
    metres: npt.ArrayLike, bin_m: float = 200, max_m: float = 4000
) -> pd.DataFrame:
    """Postcodes per distance band of `bin_m` metres up to `max_m`, then one open-ended band.

    Columns ``from_m``, ``to_m`` (infinity for the last band) and ``postcodes``.
    """
    values = np.asarray(metres, dtype=np.float64)
    starts = np.arange(0, max_m + bin_m / 2, bin_m)
    band = np.searchsorted(starts, values, side="right") - 1
    counts = np.bincount(band[band >= 0], minlength=len(starts))
    ends = np.append(starts[1:], np.inf)
    return pd.DataFrame({"from_m": starts, "to_m": ends, "postcodes": counts.astype(int)})


def distance_grid(
    table: pd.DataFrame,
    column: str = "safe_place_m",
    cell_m: float = 500,
    threshold_m: float = RECRUIT_RADIUS_M,
) -> pd.DataFrame:
    """Postcodes binned into square cells of the British National Grid, for a gap map.

    The grid is in EPSG:27700 so cells are true squares of `cell_m` metres. Columns:
    ``x0``, ``y0`` (the cell's south-west corner, grid metres), ``postcodes``, ``median_m``
    (of `column`), ``worst_m`` and ``within`` (postcodes within `threshold_m`). Only cells
    with postcodes are listed.
    """
    _need(table, ("easting", "northing", column))
    x = table["easting"].to_numpy(dtype=np.float64)
    y = table["northing"].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(
        {
            "x0": np.floor(x / cell_m) * cell_m,
            "y0": np.floor(y / cell_m) * cell_m,
            "m": table[column].to_numpy(dtype=np.float64),
        }
    )
    frame["within"] = frame["m"] <= threshold_m
    cells = frame.groupby(["x0", "y0"], sort=True).agg(
        postcodes=("m", "size"),
        median_m=("m", "median"),
        worst_m=("m", "max"),
        within=("within", "sum"),
    )
    return cells.reset_index()


def bands(metres: npt.ArrayLike, thresholds: Sequence[float] = THRESHOLDS_M) -> IntArray:
    """For each distance, how many thresholds it is beyond: 0 (within the first) to len()."""
    values = np.asarray(metres, dtype=np.float64)
    # side="left": a distance exactly at a threshold is within it.
    return np.searchsorted(np.asarray(thresholds, dtype=np.float64), values, side="left")


# -- recruitment --------------------------------------------------------------------------------


def pairs_within(
    from_lon: npt.ArrayLike,
    from_lat: npt.ArrayLike,
    to_lon: npt.ArrayLike,
    to_lat: npt.ArrayLike,
    radius_m: float,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (from, to) pair of WGS84 points within `radius_m` geodesic metres.

    One STRtree `dwithin` query on the grid (a little wider than the radius), then the
    geodesic distance of each pair found, cut at the radius. Returns the two index arrays and
    the distances.
    """
    a_lon = np.asarray(from_lon, dtype=np.float64)
    a_lat = np.asarray(from_lat, dtype=np.float64)
    b_lon = np.asarray(to_lon, dtype=np.float64)
    b_lat = np.asarray(to_lat, dtype=np.float64)
    empty = np.array([], dtype=np.intp)
    if len(a_lon) == 0 or len(b_lon) == 0:
        return empty, empty.copy(), np.array([], dtype=np.float64)
    ax, ay = wgs84_to_bng(a_lon, a_lat)
    bx, by = wgs84_to_bng(b_lon, b_lat)
    tree = shapely.STRtree(shapely.points(bx, by))
    ia, ib = tree.query(
        shapely.points(ax, ay), predicate="dwithin", distance=radius_m * _SCALE_MARGIN
    )
    metres = geodesic_m(a_lon[ia], a_lat[ia], b_lon[ib], b_lat[ib])
    keep = metres <= radius_m
    return ia[keep].astype(np.intp), ib[keep].astype(np.intp), metres[keep]


@dataclass(frozen=True, slots=True)
class Pick:
    """One candidate chosen by the greedy search."""

    candidate: int  # the row of the coverage matrix
    new: int  # postcodes it covers that no earlier pick covered
    covered: int  # postcodes covered by it and every earlier pick


def greedy_max_coverage(covers: BoolMatrix, k: int) -> list[Pick]:
    """Choose up to `k` candidates, greedily, to cover as many postcodes as possible.

    Each step takes the candidate that covers the most postcodes not yet covered by the
    earlier picks (ties: the lowest row), and stops early when no candidate adds any. This is
    the standard greedy algorithm for maximum coverage: it always gets at least 63% (1 - 1/e)
    of the best possible total, and often exactly the best.

    Parameters
    ----------
    covers
        Candidates × postcodes: True where the candidate would bring the postcode within reach.
    k
        How many picks at most.
    """
    matrix = np.asarray(covers, dtype=bool)
    if matrix.ndim != 2:
        raise ValueError("covers must be a candidates × postcodes matrix")
    uncovered = np.ones(matrix.shape[1], dtype=bool)
    taken = np.zeros(matrix.shape[0], dtype=bool)
    picks: list[Pick] = []
    covered = 0
    for _ in range(min(k, matrix.shape[0])):
        gains = np.count_nonzero(matrix & uncovered, axis=1)
        gains[taken] = -1
        best = int(np.argmax(gains))  # the first of equal gains
        gain = int(gains[best])
        if gain <= 0:
            break
        taken[best] = True
        uncovered &= ~matrix[best]
        covered += gain
        picks.append(Pick(best, gain, covered))
    return picks


@dataclass(frozen=True, slots=True)
class Recruitment:
    """The greedy picks as a table, and what they would do to coverage."""

    picks: pd.DataFrame
    postcodes: int  # postcodes in the area
    under_served: int  # postcodes beyond the radius of every Safe Place, before
    radius_m: float
    before_pct: float  # share of postcodes within the radius now
    after_pct: float  # ... if every pick joined


def recruit(
    table: pd.DataFrame,
    candidates: pd.DataFrame,
    radius_m: float = RECRUIT_RADIUS_M,
    k: int = 20,
) -> Recruitment:
    """Rank candidate venues by the under-served postcodes they would bring within `radius_m`.

    Under-served: further than `radius_m` from every active Safe Place (``safe_place_m`` from
    `nearest_help`). The ranking is `greedy_max_coverage`: each pick counts only postcodes
    that the picks before it did not already cover.

    Returns
    -------
    The picks: the candidate's own columns, then ``rank``, ``new_postcodes``,
    ``covered_postcodes`` (running total), ``within_pct_after`` (the share of all postcodes
    within `radius_m` once this and every earlier pick joined), ``gain_pct`` and
    ``districts`` (the postcode districts gained, most first).
    """
    _need(table, ("latitude", "longitude", "safe_place_m", "district"))
    _need(candidates, ("latitude", "longitude"))
    total = len(table)
    within = table["safe_place_m"].to_numpy(dtype=np.float64) <= radius_m
    gaps = table[~within]
    ic, ip, _ = pairs_within(
        candidates["longitude"],
        candidates["latitude"],
        gaps["longitude"],
        gaps["latitude"],
        radius_m,
    )
    # Only postcodes that some candidate reaches can change the answer: keep the matrix small.
    reached, column = np.unique(ip, return_inverse=True)
    covers = np.zeros((len(candidates), len(reached)), dtype=bool)
    covers[ic, column] = True
    picks = greedy_max_coverage(covers, k)
    before = int(np.count_nonzero(within))
    districts = gaps["district"].to_numpy()[reached]
    rows = candidates.iloc[[p.candidate for p in picks]].reset_index(drop=True).copy()
    rows.insert(0, "rank", range(1, len(picks) + 1))
    rows["new_postcodes"] = [p.new for p in picks]
    rows["covered_postcodes"] = [p.covered for p in picks]
    rows["within_pct_after"] = [_pct(before + p.covered, total) for p in picks]
    rows["gain_pct"] = [_pct(p.new, total) for p in picks]
    rows["districts"] = _gained_districts(covers, picks, districts)
    after = before + (picks[-1].covered if picks else 0)
    return Recruitment(
        picks=rows,
        postcodes=total,
        under_served=total - before,
        radius_m=radius_m,
        before_pct=_pct(before, total),
        after_pct=_pct(after, total),
    )


def _gained_districts(
    covers: BoolMatrix, picks: list[Pick], districts: npt.NDArray[np.object_]
) -> list[str]:
    """For each pick, the districts of the postcodes it newly covers: "DE56 (41), DE5 (3)"."""
    uncovered = np.ones(covers.shape[1], dtype=bool)
    out: list[str] = []
    for p in picks:
        new = covers[p.candidate] & uncovered
        uncovered &= ~covers[p.candidate]
        counts = pd.Series(districts[new]).value_counts(sort=True)
        out.append(", ".join(f"{d} ({n})" for d, n in counts.head(3).items()))
    return out


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else float("nan")


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the table lacks columns: {', '.join(missing)}")
