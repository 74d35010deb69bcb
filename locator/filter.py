"""What a search asks for: kinds, categories and open-now, and the lookup tables they make."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from locator.venues import Category, Kind, Venue

# A venue's kind and category are stored in the index as their positions in these lists.
KINDS = list(Kind)
CATEGORIES = list(Category)

# Accepted kind or category codes, indexed by code; None accepts any.
Lookup = npt.NDArray[np.bool_] | None
# A filter's kind and category lookups, and roughly what share of the venues they accept.
Accepted = tuple[Lookup, Lookup, float]
# Distinct filters whose lookup tables an index keeps (there are a few in practice).
_KEPT = 256


@dataclass(frozen=True, slots=True)
class VenueFilter:
    """What to search for. None means any."""

    kinds: frozenset[Kind] | None = None
    categories: frozenset[Category] | None = None
    # Only venues known to be open at this (timezone-aware) moment.
    open_at: datetime | None = None

    @classmethod
    def of(
        cls,
        kinds: Iterable[Kind] | None = None,
        categories: Iterable[Category] | None = None,
        open_at: datetime | None = None,
    ) -> VenueFilter:
        return cls(
            frozenset(kinds) if kinds else None,
            frozenset(categories) if categories else None,
            open_at,
        )


def lookups(filter: VenueFilter) -> tuple[Lookup, Lookup]:
    """Lookup tables of accepted kind and category codes (None: any)."""
    kinds = categories = None
    if filter.kinds is not None:
        kinds = np.zeros(len(KINDS), dtype=bool)
        kinds[[KINDS.index(k) for k in filter.kinds]] = True
    if filter.categories is not None:
        categories = np.zeros(len(CATEGORIES), dtype=bool)
        categories[[CATEGORIES.index(c) for c in filter.categories]] = True
    return kinds, categories


class FilterTables:
    """`lookups` and the share of venues they let through, worked out once per filter.

    Searches repeat a few filters (Safe Places, police offices): the lookup tables are
    kept, keyed by kinds and categories (open-now is checked per venue, not here).
    """

    def __init__(
        self, kind_counts: npt.NDArray[np.intp], category_counts: npt.NDArray[np.intp]
    ) -> None:
        self._kind_counts = kind_counts  # venues of each kind, by code
        self._category_counts = category_counts
        self._kept: dict[tuple[object, object], Accepted] = {}

    def accepted(self, filter: VenueFilter) -> Accepted:
        key = (filter.kinds, filter.categories)
        found = self._kept.get(key)
        if found is None:
            kinds, categories = lookups(filter)
            found = (kinds, categories, self._share(kinds, categories))
            if len(self._kept) < _KEPT:
                self._kept[key] = found
        return found

    def _share(self, kinds: Lookup, categories: Lookup) -> float:
        """Roughly what share of venues pass the filter (kinds and categories as independent)."""
        n = int(self._kind_counts.sum())
        share = 1.0
        if kinds is not None:
            share *= float(self._kind_counts[kinds].sum()) / n
        if categories is not None:
            share *= float(self._category_counts[categories].sum()) / n
        return share


def accepted_mask(
    tables: tuple[Lookup, Lookup], kind: npt.NDArray[np.int8], category: npt.NDArray[np.int8]
) -> npt.NDArray[np.bool_]:
    """Which venues, given by their kind and category codes, the lookup tables accept."""
    kinds, categories = tables
    mask = np.ones(len(kind), dtype=bool)
    if kinds is not None:
        mask &= kinds[kind]
    if categories is not None:
        mask &= categories[category]
    return mask


def is_open(venue: Venue, at: datetime) -> bool:
    """Known to be open at `at`: venues with unknown hours never count as open."""
    return venue.opening_hours is not None and venue.opening_hours.is_open(at)
