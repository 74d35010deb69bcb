"""Query parameters parsed into domain values, with plain-English errors."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from starlette.datastructures import QueryParams

from locator.errors import BadQueryParameter, InvalidParameter
from locator.search import SearchRequest
from locator.venues import Category, Kind

E = TypeVar("E", bound=StrEnum)


def parse_enum_list(values: Iterable[str] | None, enum: type[E], what: str) -> list[E]:
    """``kind=a&kind=b`` or ``kind=a,b`` into enum members; unknown names are a 422."""
    found: list[E] = []
    for raw in values or []:
        for part in raw.split(","):
            name = part.strip().lower().replace("-", "_").replace(" ", "_")
            if not name:
                continue
            try:
                found.append(enum(name))
            except ValueError:
                allowed = ", ".join(m.value for m in enum)
                shown = part.strip()[:40]
                raise InvalidParameter(
                    f'We don\'t know the {what} "{shown}". Use one of: {allowed}.'
                ) from None
    return found


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat`` in WGS84."""
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise InvalidParameter(
            "bbox must be four numbers: min longitude, min latitude, max longitude, max latitude."
        )
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise InvalidParameter("bbox longitudes must be between -180 and 180.")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise InvalidParameter("bbox latitudes must be between -90 and 90.")
    if min_lon > max_lon or min_lat > max_lat:
        raise InvalidParameter("bbox minimums must not be larger than its maximums.")
    return min_lon, min_lat, max_lon, max_lat


def kinds_and_categories(
    kind: Iterable[str] | None, category: Iterable[str] | None, default: Kind | None
) -> tuple[list[Kind], list[Category]]:
    """Parse both filters and check they can match something together.

    With categories but no kind, the kinds follow from the categories (``police_station``
    means police enquiry offices); with neither, `default` applies.
    """
    kinds = parse_enum_list(kind, Kind, "kind")
    categories = parse_enum_list(category, Category, "category")
    if categories and not kinds:
        kinds = list(dict.fromkeys(c.kind for c in categories))
    elif not kinds and default is not None:
        kinds = [default]
    if kinds and categories and not any(c.kind in kinds for c in categories):
        raise InvalidParameter(
            f'No place is both of kind "{kinds[0]}" and of category "{categories[0]}". '
            "Leave out the kind or the category."
        )
    return kinds, categories


def only_once(params: QueryParams, *names: str) -> None:
    """Refuse a parameter given twice (``?postcode=A&postcode=B``) rather than pick one."""
    for name in names:
        if len(params.getlist(name)) > 1:
            raise InvalidParameter(f"Please give {name} only once.")


def refuse_unknown(
    params: QueryParams, allowed: Iterable[str], repeatable: Iterable[str] = ()
) -> None:
    """A 400 naming every parameter the address doesn't take, or one given twice that is
    not a list (`repeatable`): a typo'd or unsupported parameter would otherwise be ignored
    and the answer look right. Shared by the JSON API and OGC API - Features."""
    known = set(allowed)
    unknown = sorted({name for name in params if name not in known})
    if unknown:
        named = ", ".join(f'"{name[:40]}"' for name in unknown[:10])
        takes = ", ".join(sorted(known)) if known else "no parameters"
        plural = "s" if len(unknown) > 1 else ""
        raise BadQueryParameter(
            f"This address does not take the parameter{plural} {named}. It takes: {takes}.",
            log_message="unknown query parameter",
        )
    lists = set(repeatable)
    for name in params:
        if name not in lists and len(params.getlist(name)) > 1:
            raise BadQueryParameter(
                f"Please give {name} only once.", log_message="parameter given twice"
            )


def check_query(params: QueryParams, names: frozenset[str], single: Iterable[str]) -> None:
    """A JSON API route's rule: only the parameters `names` (a 400), and those of `single`
    at most once (the 422 those routes have always given)."""
    refuse_unknown(params, names, repeatable=names)
    only_once(params, *single)


def parse_coordinates(lat: str | None, lon: str | None) -> tuple[float, float]:
    """A location typed into a page's address (`lat`, `lon` as text), as numbers; the range
    is checked with the search."""
    try:
        return float(lat or "nan"), float(lon or "nan")
    except ValueError:
        raise InvalidParameter("We couldn't read that location. Please type a postcode.") from None


def page_request(
    typed: str | None, lat: str | None, lon: str | None, k: int | None = None
) -> SearchRequest:
    """A search as a page's address gives it: a location, if any, wins over the box (the
    "Use my location" button sends both)."""
    if lat is not None or lon is not None:
        latitude, longitude = parse_coordinates(lat, lon)
        return SearchRequest(latitude=latitude, longitude=longitude, k=k)
    return SearchRequest(text=typed or "", k=k)
