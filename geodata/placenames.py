"""Town, village and locality names (OS Open Names) for people who don't know their postcode."""

from __future__ import annotations

import bisect
import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from locator.errors import DataError

_NEED = {"name", "type", "latitude", "longitude", "postcode_district", "local_authority"}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Fold a name for matching: no accents, case, punctuation or repeated spaces.

    "Chapel-en-le-Frith", "chapel en le frith" and "CHAPEL EN LE FRITH" all fold the same.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Apostrophes join rather than split: "St Mary's" -> "st marys".
    plain = plain.lower().replace("'", "").replace("’", "")
    return _NON_WORD.sub(" ", plain).strip()


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A named populated place and where its OS label point is (EPSG:4326)."""

    name: str
    kind: str
    latitude: float
    longitude: float
    postcode_district: str
    local_authority: str
    in_service_area: bool

    @property
    def label(self) -> str:
        """The name with enough context to tell it from another place with the same name."""
        if fold(self.local_authority) == fold(self.name):
            return f"{self.name} ({self.postcode_district})"
        return f"{self.name}, {self.local_authority} ({self.postcode_district})"


# Bigger places first when a prefix matches many: "Bel" should offer Belper before Belph.
_KIND_RANK = {"city": 0, "town": 1, "village": 2, "suburb": 3, "hamlet": 4, "other_settlement": 5}


class PlaceNames:
    """Exact and prefix search over folded place names; read-only after construction."""

    def __init__(
        self, places: Iterable[PlaceName], alt_names: dict[int, str] | None = None
    ) -> None:
        self._places = list(places)
        entries: list[tuple[str, int]] = []
        for i, place in enumerate(self._places):
            entries.append((fold(place.name), i))
            if alt_names and i in alt_names:
                entries.append((fold(alt_names[i]), i))
        entries.sort()
        self._keys = [k for k, _ in entries]
        self._ids = [i for _, i in entries]

    @classmethod
    def load(cls, path: Path) -> PlaceNames:
        if not path.is_file():
            raise DataError(f"place names file not found: {path}")
        # The csv module, not pandas: read at every start, and a server need not load pandas.
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            missing = _NEED - set(reader.fieldnames or ())
            if missing:
                raise DataError(f"place names file lacks columns: {', '.join(sorted(missing))}")
            places: list[PlaceName] = []
            alt: dict[int, str] = {}
            for r in reader:
                places.append(
                    PlaceName(
                        name=r["name"],
                        kind=r["type"],
                        latitude=float(r["latitude"]),
                        longitude=float(r["longitude"]),
                        postcode_district=r["postcode_district"],
                        local_authority=r["local_authority"],
                        in_service_area=str(r.get("in_derbyshire", "True")).lower() == "true",
                    )
                )
                if r.get("name_alt"):
                    alt[len(places) - 1] = r["name_alt"]
        return cls(places, alt)

    def __len__(self) -> int:
        return len(self._places)

    def _rank(self, place: PlaceName) -> tuple[int, int, str]:
        return (0 if place.in_service_area else 1, _KIND_RANK.get(place.kind, 9), place.name)

    def exact(self, text: str) -> list[PlaceName]:
        """Every place whose name folds to the same as `text`; more than one means ambiguous.

        A qualifier after a comma narrows the choice: "Newton, Bolsover" or "Newton, DE55".
        """
        name, _, qualifier = text.partition(",")
        key = fold(name)
        if not key:
            return []
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_right(self._keys, key)
        found = self._unique(self._ids[lo:hi])
        q = fold(qualifier)
        if q:
            found = [
                p
                for p in found
                if fold(p.local_authority).startswith(q) or fold(p.postcode_district) == q
            ]
        return sorted(found, key=self._rank)

    def prefix(self, text: str, limit: int = 10) -> list[PlaceName]:
        """Places whose name starts with `text` (folded), for type-ahead; Derbyshire first."""
        key = fold(text)
        if not key or limit <= 0:
            return []
        lo = bisect.bisect_left(self._keys, key)
        # Every key with this prefix sorts before key + a character above any folded one.
        hi = bisect.bisect_left(self._keys, key + "\x7f")
        return sorted(self._unique(self._ids[lo:hi]), key=self._rank)[:limit]

    def similar(self, text: str, limit: int = 5) -> list[PlaceName]:
        """Places whose names are spelt nearly the same ("Matlok" -> Matlock), best first."""
        key = fold(text)
        if len(key) < 3:
            return []
        names = difflib.get_close_matches(key, dict.fromkeys(self._keys), n=limit, cutoff=0.8)
        found: list[PlaceName] = []
        for name in names:
            lo = bisect.bisect_left(self._keys, name)
            hi = bisect.bisect_right(self._keys, name)
            found.extend(self._unique(self._ids[lo:hi]))
        return list(dict.fromkeys(found))[:limit]

    def _unique(self, ids: list[int]) -> list[PlaceName]:
        return [self._places[i] for i in dict.fromkeys(ids)]
