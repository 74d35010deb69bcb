"""Which row of the sorted postcode arrays holds a postcode, in well under a microsecond.

A binary search of the 1.75 million GB codes (numpy's `searchsorted`) costs 1-2 µs: numpy's
handling of one scalar, and cache misses on the last of its 21 steps through 14 MB. Here a
code is its sector ("DE4 3", all but the last two characters) and its unit ("AG"): a dict
gives the sector's first row and a string of its units, each followed by a NUL
("AA\\0AB\\0..."), and `str.find` places the unit in a few hundred characters.

A sector whose codes are not one run of the sorted array (only malformed codes can split
one: "DE4 3B" sorts among "DE4 3AZ" and "DE4 3BA") or with codes shorter than a unit is
answered by the binary search instead, so any codes are found as they are written.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

_SEP = "\0"  # after each unit: no code ends in NUL (numpy strips them from the end)
_STEP = 3  # a unit and its separator
_SPLIT = (-1, "")  # a sector answered by the binary search


class CodeRows:
    """The row of each code in a sorted fixed-width byte array, by sector and unit."""

    __slots__ = ("_codes", "_sectors")

    def __init__(self, codes: npt.NDArray[np.bytes_], sectors: dict[str, tuple[int, str]]):
        self._codes = codes
        self._sectors = sectors

    @classmethod
    def build(cls, codes: npt.NDArray[np.bytes_]) -> CodeRows:
        """From sorted codes: each run of one sector, and every unit as text."""
        return cls.from_arrays(codes, cls.arrays_of(codes))

    @staticmethod
    def arrays_of(codes: npt.NDArray[np.bytes_]) -> dict[str, npt.NDArray[Any]]:
        """The index as arrays (for the cache): each run's sector and first row, and the
        units. Worked out on the bytes: no string is made for any of 1.75 million codes."""
        n, width = len(codes), codes.dtype.itemsize
        if n == 0:
            empty = np.zeros(0, dtype=np.uint8)
            return {"names": codes[:0], "starts": np.zeros(0, np.int64), "units": empty}
        raw = np.ascontiguousarray(codes).view(np.uint8).reshape(n, width).copy()
        nonzero = raw != 0  # the length is up to the last byte that is not NUL
        length = np.where(nonzero.any(axis=1), width - nonzero[:, ::-1].argmax(axis=1), 0)
        rows = np.arange(n)
        last = np.maximum(length - 1, 0)
        # No unit, or a sector ending in NUL (numpy would drop it from the name): such codes
        # go in the sector "" (all zero bytes), which the binary search answers.
        short = (length < 2) | ((length >= 3) & (raw[rows, np.maximum(length - 3, 0)] == 0))
        units = np.zeros((n, _STEP), dtype=np.uint8)
        units[:, 0] = np.where(short, 0, raw[rows, last - 1])
        units[:, 1] = np.where(short, 0, raw[rows, last])
        raw[rows, last] = 0
        raw[rows, np.maximum(last - 1, 0)] = 0
        raw[short] = 0
        starts = np.flatnonzero(np.r_[True, np.any(raw[1:] != raw[:-1], axis=1)])
        names = raw.view(f"S{width}").ravel()[starts]
        return {"names": names, "starts": starts.astype(np.int64), "units": units.ravel()}

    @classmethod
    def from_arrays(
        cls, codes: npt.NDArray[np.bytes_], arrays: dict[str, npt.NDArray[Any]]
    ) -> CodeRows:
        text = np.asarray(arrays["units"], dtype=np.uint8).tobytes().decode("latin-1")
        names = [b.decode("latin-1") for b in arrays["names"].tolist()]
        starts = arrays["starts"].tolist()
        ends = [*starts[1:], len(codes)] if starts else []
        sectors: dict[str, tuple[int, str]] = {}
        for name, start, end in zip(names, starts, ends, strict=True):
            if name in sectors or name == "":
                sectors[name] = _SPLIT
            else:
                sectors[name] = (start, text[start * _STEP : end * _STEP])
        return cls(codes, sectors)

    def row(self, value: str) -> int | None:
        """The row of the code `value` (ASCII), or None if there is none."""
        found = self._sectors.get(value[:-2])
        if found is None:
            return self._search(value) if value[-3:-2] == _SEP else None
        start, units = found
        if start < 0:
            return self._search(value)
        # In step: a match elsewhere would need a unit ending in NUL, and none does.
        at = units.find(value[-2:] + _SEP)
        return None if at < 0 else start + at // _STEP

    def _search(self, value: str) -> int | None:
        key = value.encode("ascii")
        codes = self._codes
        i = int(codes.searchsorted(key))
        if i >= len(codes) or codes[i] != key:
            return None
        return i
