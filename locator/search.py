"""Answering a search: "what is near here?", asked the same way by every entry point.

The JSON API, the results page, the embedded map and the command line each read their input
into a `SearchRequest` and render the `SearchResult` that `search` gives back; the origin is
resolved, the limits checked and the places found here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from locator.area import ServiceArea
from locator.errors import InvalidParameter
from locator.filter import VenueFilter
from locator.geo import GEOD
from locator.index import VenueIndex
from locator.match import VenueMatch, walk_minutes
from locator.opening import Opening, OpeningStates, next_midnight
from locator.origin import EMPTY_SEARCH, Choices, Origin, OriginResolver, about_km
from locator.settings import SearchSettings
from locator.venues import Category, Kind, Venue

# The filters nearly every search uses, made once.
SAFE_PLACES = VenueFilter.of(kinds=[Kind.SAFE_PLACE])
_POLICE = VenueFilter.of(kinds=[Kind.POLICE_ENQUIRY_OFFICE])
_SAFE_PLACE_KINDS = (Kind.SAFE_PLACE,)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One nearest-places search, as a person or a client asked it.

    Give one of `text` (a postcode or a place name, as typed), `postcode` (only a postcode)
    or `latitude` with `longitude` (EPSG:4326). `k` None is the default number of places.
    """

    text: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    k: int | None = None
    kinds: tuple[Kind, ...] = _SAFE_PLACE_KINDS
    categories: tuple[Category, ...] = ()
    open_now: bool = False
    radius_m: float | None = None
    # The nearest Safe Place open now within the walk limit (the pages' first answer);
    # clients that don't show it skip the extra query.
    nearest_open: bool = True


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The answer: where the search started, what to tell the person, and the places."""

    origin: Origin
    in_service_area: bool
    places: list[VenueMatch]
    nearest_police: VenueMatch | None
    messages: list[str] = field(default_factory=list)
    # The nearest Safe Place open now, within `SearchSettings.open_now_walk_minutes`.
    nearest_open: VenueMatch | None = None
    # When the answer's opening words may change (see `valid_until`).
    valid_until: datetime | None = None


def outside_area_message(area_name: str) -> str:
    return (
        f"This place is outside the area we cover ({area_name}). "
        "We show Safe Places near the edge of our area only."
    )


HELP_NOW = "If you need help now, phone 999. To talk to the police, phone 101."


def far_postcode_messages(area_name: str, places: list[VenueMatch], none_found: str) -> list[str]:
    """After the origin's "M12 4HP is in England, about 12 km west of the area we cover.":
    what the service covers, how far the places listed are, and who to phone."""
    found = none_found
    if places:
        nearest = about_km(places[0].distance_m)
        found = f"These are the nearest Safe Places we know. The nearest is {nearest} away."
    return [f"This service covers {area_name} only.", found, HELP_NOW]


class Locator:
    """The venue index, the service area and the search rules, built and replaced as one."""

    def __init__(self, index: VenueIndex, area: ServiceArea | None, settings: SearchSettings):
        self.index = index
        self.area = area
        self.settings = settings
        # Each place's opening words, kept while they hold: built up with this data version
        # and replaced with it.
        self.openings = OpeningStates()

    def opening(self, venue: Venue, now: datetime, timestamp: float | None = None) -> Opening:
        """Whether `venue` is open at `now`, in words, and when that next changes."""
        return self.openings.of(venue, now, timestamp)

    def in_service_area(self, lon: float, lat: float) -> bool:
        return self.area is None or self.area.contains(lon, lat)

    def nearest(
        self,
        origin: Origin,
        k: int | None = None,
        filter: VenueFilter | None = None,
        radius_m: float | None = None,
    ) -> SearchResult:
        """The nearest places to an origin and, separately, the nearest police enquiry office.

        Outside the service area the places are still given, but only up to
        ``outside_area_max_distance_m`` away, and the result says the point is outside. From
        a real postcode beyond the area (an origin with an `outside_note`), the nearest
        ``far_postcode_k`` are given however far, with words that say how far they are.
        """
        inside, places, police, messages, _ = self._found(origin, k, filter, radius_m)
        return SearchResult(origin, inside, places, police, messages)

    def _found(
        self, origin: Origin, k: int | None, filter: VenueFilter | None, radius_m: float | None
    ) -> tuple[bool, list[VenueMatch], VenueMatch | None, list[str], Listed | None]:
        """`nearest`'s answer, as the first fields of its `SearchResult`, and the places as
        `Listed` where they are every Safe Place (for `nearest_open`)."""
        k = self.settings.default_k if k is None else k
        filter = filter or SAFE_PLACES
        inside = self.in_service_area(origin.longitude, origin.latitude)
        far = not inside and origin.outside_note is not None
        cap = None if inside else self.settings.outside_area_max_distance_m
        messages = [origin.message] if origin.message else []
        if far:
            k = min(k, self.settings.far_postcode_k)
            limit = radius_m
        else:
            limit = _at_most(radius_m, cap)
            if limit is None:
                limit = self.settings.max_radius_m
            if not inside:
                messages.append(outside_area_message(self.settings.area_name))
        lon, lat = origin.longitude, origin.latitude
        places = self.index.nearest(lon, lat, k, filter, max_distance_m=limit)
        police = self.index.nearest(lon, lat, 1, _POLICE, max_distance_m=cap)
        none_found = (
            "We couldn't find a Safe Place open now near here."
            if filter.open_at is not None
            else "We couldn't find a Safe Place near here."
        )
        if far:
            messages += far_postcode_messages(self.settings.area_name, places, none_found)
        elif not places:
            messages.append(none_found)
        listed = Listed(places, k, limit) if filter is SAFE_PLACES else None
        return inside, places, police[0] if police else None, messages, listed

    def nearest_open(
        self, origin: Origin, now: datetime, listed: Listed | None = None
    ) -> VenueMatch | None:
        """The nearest Safe Place open now, if one is within the open-now walk.

        `listed`: the same search's nearest Safe Places, where it has them: most often one
        of them is open (or they show that none within the walk can be), and the answer is
        theirs without a second search of the index.
        """
        walk = self.settings.open_now_walk_m
        if listed is not None:
            known = listed.nearest_open(now, walk, self.openings)
            if not isinstance(known, _Unknown):
                return known
        found = self.index.nearest(
            origin.longitude,
            origin.latitude,
            1,
            VenueFilter.of([Kind.SAFE_PLACE], open_at=now),
            max_distance_m=walk,
        )
        return found[0] if found else None

    def distance_to(self, origin: Origin, venue: Venue) -> VenueMatch:
        """How far a place is from where a search started: geodesic metres, and the walk."""
        _, _, metres = GEOD.inv(origin.longitude, origin.latitude, venue.longitude, venue.latitude)
        return VenueMatch(
            venue, float(metres), walk_minutes(metres, self.settings.walking_speed_kmh)
        )

    def in_box(self, box: tuple[float, float, float, float], filter: VenueFilter) -> list[Venue]:
        """Every place in a lon/lat box, by name: in an area there is no "nearest"."""
        return sorted(self.index.select(filter, box), key=lambda v: v.name.lower())


class _Unknown:
    """What the listed places can't tell: the index is searched."""


UNKNOWN = _Unknown()
# Grid and geodesic metres differ by under 0.1% in Great Britain: places ranked after one
# more than 1% past the walk are past it too, however each is measured.
_RANK_MARGIN = 1.01


@dataclass(frozen=True, slots=True)
class Listed:
    """A search's nearest Safe Places (every category, none left out for its hours), nearest
    first as the index ranks them: `k` were asked for, out to `reach_m` geodesic metres
    (None: as far as there are any)."""

    places: list[VenueMatch]
    k: int
    reach_m: float | None

    def nearest_open(
        self, now: datetime, walk_m: float, openings: OpeningStates
    ) -> VenueMatch | None | _Unknown:
        """The nearest Safe Place open at `now` within `walk_m`, as the index's open-now
        search finds it, where these places tell: every place it ranks before the first of
        them that is open is among them (and closed), and where none of them is open, any
        other is further than the last. `UNKNOWN` where they don't tell.

        Whether each is open is read from `openings` (the words the page shows for it, kept
        while they hold), which says what `is_open` says."""
        if self.reach_m is not None and self.reach_m < walk_m * _RANK_MARGIN:
            return UNKNOWN  # a place open within the walk may be past where they were looked for
        timestamp = now.timestamp()
        for match in self.places:
            if openings.of(match.venue, now, timestamp).open_now:
                # The open-now search takes the same place, and leaves it out past the walk.
                return match if match.distance_m <= walk_m else None
        if len(self.places) < self.k or self.places[-1].distance_m > walk_m * _RANK_MARGIN:
            return None
        return UNKNOWN


def _at_most(limit: float | None, cap: float | None) -> float | None:
    if limit is None or cap is None:
        return cap if limit is None else limit
    return min(limit, cap)


def check_limits(k: int | None, radius_m: float | None, settings: SearchSettings) -> None:
    """The one check of how many places and how far, for every entry point."""
    if k is not None and not 1 <= k <= settings.max_k:
        raise InvalidParameter(
            f"The number of places (k) must be a whole number from 1 to {settings.max_k}."
        )
    if radius_m is not None and not 0 < radius_m <= settings.max_radius_m:
        raise InvalidParameter(
            f"The distance (radius_m) must be more than 0 and at most "
            f"{settings.max_radius_m:.0f} metres."
        )


def find_origin(request: SearchRequest, resolver: OriginResolver) -> Origin | Choices:
    """The one place an origin is resolved from what was given, with one set of messages."""
    given = [n for n, v in (("postcode", request.postcode), ("q", request.text)) if v is not None]
    if request.latitude is not None or request.longitude is not None:
        given.append("lat/lon")
    if len(given) > 1:
        raise InvalidParameter(
            f"Please give only one of postcode, q, or lat and lon (you gave {' and '.join(given)})."
        )
    if request.postcode is not None:
        return resolver.postcode(request.postcode)
    if request.text is not None:
        if not request.text.strip():
            raise InvalidParameter(EMPTY_SEARCH)
        return resolver.resolve(request.text)
    if request.latitude is not None and request.longitude is not None:
        return resolver.coordinates(request.latitude, request.longitude)
    if request.latitude is not None or request.longitude is not None:
        raise InvalidParameter("Please give both lat and lon.")
    raise InvalidParameter(EMPTY_SEARCH)


def search(
    request: SearchRequest, resolver: OriginResolver, locator: Locator, now: datetime
) -> SearchResult | Choices:
    """Answer a search: the places nearest the origin, or the choices for an ambiguous name.

    Bad input raises its `SafePlacesError` (a message for the person); nothing is logged.
    """
    check_limits(request.k, request.radius_m, locator.settings)
    found = find_origin(request, resolver)
    if isinstance(found, Choices):
        return found
    filter = SAFE_PLACES  # what nearly every search asks for
    if request.open_now or request.categories or request.kinds != _SAFE_PLACE_KINDS:
        open_at = now if request.open_now else None
        filter = VenueFilter.of(request.kinds, request.categories, open_at)
    inside, places, police, messages, listed = locator._found(
        found, request.k, filter, request.radius_m
    )
    nearest_open = locator.nearest_open(found, now, listed) if request.nearest_open else None
    until = _valid_until((*places, police, nearest_open), now, locator.openings)
    return SearchResult(found, inside, places, police, messages, nearest_open, until)


def valid_until(
    result: SearchResult,
    nearest_open: VenueMatch | None,
    now: datetime,
    openings: OpeningStates | None = None,
) -> datetime:
    """When an answer's opening words may change: the next time a listed place opens or
    closes, or midnight (when "tomorrow" becomes "today"). `openings` are the kept words
    of the locator that found the places, if at hand."""
    return _valid_until((*result.places, result.nearest_police, nearest_open), now, openings)


def _valid_until(
    matches: tuple[VenueMatch | None, ...], now: datetime, openings: OpeningStates | None
) -> datetime:
    timestamp = now.timestamp()
    changes = [next_midnight(now) if openings is None else openings.next_midnight(now, timestamp)]
    for m in matches:
        if m is None or m.venue.opening_hours is None:
            continue
        if openings is None:
            change = m.venue.opening_hours.next_change(now)
        else:
            change = openings.of(m.venue, now, timestamp).next_change
        if change is not None:
            changes.append(change)
    return min(changes)
