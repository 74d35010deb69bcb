"""Which of a collection's places a feature query keeps, and in what order: the property
filters (OGC API - Features Part 3, queryables as query parameters) and ``sortby`` (the
Sorting draft, Part 8).

Framework-free, as `locator.features`: the OGC router parses nothing itself, and the
queryables and sortables documents are written from the same `Queryable` list, so what is
declared is what is matched.

Matching is equality, as Part 3 says, on each property's public value (`public_record`):
exact and case-sensitive for text, as GDAL and QGIS assume when they hand a ``name = '...'``
filter to the server; a postcode is compared with case and spaces ignored (``de43ag`` is
``DE4 3AG``), since people write postcodes every way. Several filters must all hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from locator.errors import BadQueryParameter
from locator.venues import Category, Kind, LocationPrecision, Venue

Value = str | bool | None


def _postcode_key(text: str | None) -> str | None:
    return None if text is None else "".join(text.split()).upper()


@dataclass(frozen=True, slots=True)
class Queryable:
    """One property a query may filter on or sort by."""

    name: str
    title: str
    description: str
    type: str  # the JSON Schema type of its values: "string" or "boolean"
    value: Callable[[Venue], Value]
    # The values it may take in a collection of a kind (None: any text).
    choices: Callable[[Kind], list[str]] | None = None
    format: str | None = None  # JSON Schema format, e.g. "date"
    role: str | None = None  # Part 3's x-ogc-role
    nullable: bool = False
    # How a given value and a place's are compared (default: as they are).
    key: Callable[[str | None], str | None] | None = None

    def read(self, text: str, kind: Kind) -> Value:
        """The filter value `text` stands for; a 400 when it can't be one of this property's."""
        text = text.strip()
        if self.type == "boolean":
            if text.lower() not in ("true", "false"):
                raise _bad(f"{self.name} must be true or false.", "boolean filter not valid")
            return text.lower() == "true"
        if self.format == "date":
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                raise _bad(
                    f"{self.name} must be a date like 2026-01-31.", "date filter not valid"
                ) from None
        if self.choices is not None and text not in (allowed := self.choices(kind)):
            raise _bad(
                f"{self.name} must be one of: {', '.join(allowed)}.", "filter value not listed"
            )
        return self.key(text) if self.key else text

    def holds(self, venue: Venue, wanted: Value) -> bool:
        have = self.value(venue)
        if self.key and isinstance(have, str):
            have = self.key(have)
        return have == wanted


def _categories(kind: Kind) -> list[str]:
    return [c.value for c in Category if c.kind is kind]


QUERYABLES: tuple[Queryable, ...] = (
    Queryable(
        "id", "Place id", "The place's id (the feature id).", "string",
        lambda v: v.id, role="id",
    ),
    Queryable(
        "name", "Name", "The place's name, matched exactly (case-sensitive).", "string",
        lambda v: v.name,
    ),
    Queryable(
        "kind", "Kind", "safe_place or police_enquiry_office: one per collection.", "string",
        lambda v: v.kind.value, choices=lambda kind: [kind.value],
    ),
    Queryable(
        "category", "Category", "What sort of place it is, as a code (e.g. library).",
        "string", lambda v: v.category.value, choices=_categories,
    ),
    Queryable(
        "postcode", "Postcode",
        "The full postcode, case and spaces ignored (DE4 3AG, de43ag).", "string",
        lambda v: v.postcode, nullable=True, key=_postcode_key,
    ),
    Queryable(
        "location_precision", "Location precision", "How exactly the position is known.",
        "string", lambda v: v.location_precision.value,
        choices=lambda kind: [p.value for p in LocationPrecision],
    ),
    Queryable(
        "verified", "Verified",
        "false when the data does not confirm the place is in the scheme.", "boolean",
        lambda v: v.verified,
    ),
    Queryable(
        "last_checked", "Last checked", "The day the place was last checked (2026-01-31).",
        "string", lambda v: v.last_checked.isoformat() if v.last_checked else None,
        format="date", nullable=True,
    ),
)  # fmt: skip
_BY_NAME: Mapping[str, Queryable] = {q.name: q for q in QUERYABLES}
QUERYABLE_NAMES: tuple[str, ...] = tuple(_BY_NAME)


@dataclass(frozen=True, slots=True)
class SortKey:
    queryable: Queryable
    descending: bool = False


@dataclass(frozen=True, slots=True)
class FeatureQuery:
    """Property filters (all must hold) and the order; empty: every place, in id order."""

    filters: tuple[tuple[Queryable, Value], ...] = ()
    sortby: tuple[SortKey, ...] = ()

    def keeps(self, venue: Venue) -> bool:
        return all(q.holds(venue, wanted) for q, wanted in self.filters)

    def apply(self, venues: Sequence[Venue]) -> list[Venue]:
        """The venues (in id order) that pass the filters, in the order asked for.

        Each sort key in turn, last first, on a stable sort, so earlier keys win and ties
        keep id order: pages stay stable. Text sorts case-insensitively; places without a
        value come last whichever the direction.
        """
        kept = [v for v in venues if self.keeps(v)]
        for sort in reversed(self.sortby):
            kept.sort(key=_sort_key(sort), reverse=sort.descending)
        return kept


def _sort_key(sort: SortKey) -> Callable[[Venue], tuple[bool, str | bool]]:
    def key(venue: Venue) -> tuple[bool, str | bool]:
        value = sort.queryable.value(venue)
        if value is None:
            # Last either way: ascending puts False first, descending (reversed) True first.
            return (not sort.descending, "")
        return (sort.descending, value.casefold() if isinstance(value, str) else value)

    return key


def parse_query(params: Mapping[str, str], kind: Kind) -> FeatureQuery:
    """The property filters and ``sortby`` among a request's query parameters (the others
    are not this function's to read), for a collection of places of `kind`."""
    filters = tuple((q, q.read(params[q.name], kind)) for q in QUERYABLES if q.name in params)
    return FeatureQuery(filters, parse_sortby(params.get("sortby")))


def parse_sortby(text: str | None) -> tuple[SortKey, ...]:
    """``sortby=name,-category``: properties, each ascending or (``-``) descending."""
    if text is None:
        return ()
    keys = []
    for part in text.split(","):
        part = part.strip()
        name = part[1:] if part[:1] in ("+", "-") else part
        queryable = _BY_NAME.get(name)
        if queryable is None:
            raise _bad(
                f"sortby takes property names, each with - in front to sort the other way, "
                f"from: {', '.join(QUERYABLE_NAMES)}.",
                "unknown sortby property",
            )
        keys.append(SortKey(queryable, part.startswith("-")))
    if len({k.queryable.name for k in keys}) != len(keys):
        raise _bad("sortby names each property only once.", "sortby property repeated")
    return tuple(keys)


def _bad(message: str, log_message: str) -> BadQueryParameter:
    return BadQueryParameter(message, log_message=log_message)
