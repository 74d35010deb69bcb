"""Whether every k-nearest method found the same places as the reference, and how close the
grid's distances are to the geodesic ones VenueIndex reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.methods import BALLTREE, FloatArray, IntArray, Peers
from locator.match import VenueMatch

# BallTree's haversine measures on a sphere, whose distances are up to about half a percent off
# the ellipsoid's, more in some directions than others; the grid's are within 0.04%. The two
# rank alike except where two venues are within about this share of the same distance: such
# differences are near ties, not errors.
METRIC_TOLERANCE = 0.01


@dataclass
class Mismatch:
    mode: str  # "single" or "batch"
    k: int
    method: str
    query: int
    detail: str


@dataclass
class Check:
    """One method's answers compared with the reference, for one mode and k."""

    mode: str
    k: int
    method: str
    reference: str
    queries: int
    ties: int = 0  # differ only in which of venues at exactly the k-th distance was kept
    near_ties: int = 0  # differ only where the sphere and the grid rank a near tie apart
    wrong: int = 0


def scale_error(peers: Peers, matches: list[VenueMatch], p: FloatArray) -> float:
    """The largest |geodesic - grid| / grid over `matches` to grid point `p` (0 for none)."""
    if not matches:
        return 0.0
    rows = np.array([peers.position[m.venue.id] for m in matches])
    grid_m = np.hypot(peers.xs[rows] - p[0], peers.ys[rows] - p[1])
    geo_m = np.array([m.distance_m for m in matches])
    far = grid_m > 1.0  # relative error is meaningless at a venue's doorstep
    if not far.any():
        return 0.0
    return float(np.max(np.abs(geo_m[far] - grid_m[far]) / grid_m[far]))


def check(
    mode: str,
    k: int,
    method: str,
    reference_name: str,
    found: Sequence[IntArray],
    reference: Sequence[IntArray],
    peers: Peers,
    qx: FloatArray,
    qy: FloatArray,
) -> tuple[Check, list[Mismatch]]:
    """Every method must find the same k venues as the reference, as a set."""
    checked = Check(mode, k, method, reference_name, len(found))
    wrong: list[Mismatch] = []
    tolerance = METRIC_TOLERANCE if method == BALLTREE else 0.0
    for q, (ids, want) in enumerate(zip(found, reference, strict=True)):
        if len(ids) == len(want) and set(ids.tolist()) == set(want.tolist()):
            continue
        d2 = (peers.xs - qx[q]) ** 2 + (peers.ys - qy[q]) ** 2
        verdict = compare(ids, want, d2, tolerance)
        if verdict is None:
            checked.ties += 1
        elif verdict == "near":
            checked.near_ties += 1
        else:
            checked.wrong += 1
            wrong.append(Mismatch(mode, k, method, q, verdict))
    return checked, wrong


def compare(ids: IntArray, reference: IntArray, d2: FloatArray, tolerance: float) -> str | None:
    """None if `ids` differ from `reference` only by breaking an exact distance tie; "near"
    if only within `tolerance` (relative) of one; else what is wrong."""
    if len(ids) != len(reference):
        return f"{len(ids)} results, the reference has {len(reference)}"
    if len(set(ids.tolist())) != len(ids):
        return f"duplicate venues in {ids.tolist()}"
    got, expected = np.sqrt(np.sort(d2[ids])), np.sqrt(np.sort(d2[reference]))
    if not np.array_equal(got, expected):
        worst = float(np.max(np.abs(got - expected) / np.maximum(expected, 1.0)))
        if worst <= tolerance:
            return "near"
        return (
            f"different venues: {sorted(ids.tolist())} vs {sorted(reference.tolist())} "
            f"(distances differ by up to {100 * worst:.3f}%)"
        )
    # Same distances: only venues tied at the k-th distance may differ.
    kth = expected[-1] ** 2
    inner = {i for i in ids.tolist() if d2[i] < kth}
    inner_reference = {i for i in reference.tolist() if d2[i] < kth}
    if inner != inner_reference:
        return f"different venues inside the k-th distance: {sorted(inner ^ inner_reference)}"
    return None
