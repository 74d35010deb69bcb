"""Accessible maps of search results and single places, with only local assets.

Every place on a map is a real Leaflet marker (keyboard-focusable, unlike vector shapes),
numbered to match the list beside it and named for screen readers ("3: Matlock Library").
Popup content comes from an autoescaping Jinja2 template, so venue text is always text.

The map itself (element, options, tiles) is a frame folium draws once (`maps.frame`); a
request adds its centre, its markers (all drawn by one call to map.js: a folium Marker
per place costs about 1 ms each) and its bounds, as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from locator.hours import describe_unknown
from locator.match import VenueMatch
from locator.origin import Origin
from locator.venues import Kind, Venue
from maps.marks import Fragment, cut, filled, marks
from maps.tiles import TileSettings

if TYPE_CHECKING:
    from maps.frame import MapFrame
    from maps.popups import Popups

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    # The templates ship with the code: not checked on disk again for every popup.
    auto_reload=False,
)

# What a request adds to its frame: the centre, then the markers, the map's name (what a
# screen reader says for its region: "Map of the Safe Places near DE4 3AG") and the bounds.
# Every value is JSON made safe for a script (`_js_literal`).
_ADD_MARKERS = (
    "\n        SafePlaces.addMarkers({map}, {markers});"
    "\n        SafePlaces.nameMap({map}, {name});\n"
)
_FIT_BOUNDS = (
    "\n            {map}.fitBounds(\n                {bounds},"
    "\n                {fit}\n            );\n"
)
# What follows the last value of each (`_parts`).
_NAME_AFTER = _ADD_MARKERS.partition("{name}")[2]
_FIT_AFTER = _FIT_BOUNDS.partition("{fit}")[2]


def latlon(lon: float, lat: float) -> list[float]:
    """Shapely and GeoJSON order (x=lon, y=lat) to Leaflet's [lat, lon]: the one adapter."""
    return [lat, lon]


def _js_literal(value: object) -> Markup:
    """JSON safe to put inside a <script>: no "</script>" or "<!--" can close it early.

    orjson's compact JSON (a tenth of the standard library's time: a results page writes
    several), numpy's numbers as numbers (the reports' rows hold them)."""
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


class Marker(TypedDict):
    """One marker as map.js draws it: position, number, accessible name, popup HTML."""

    latlng: list[float]
    label: str
    title: str
    kind: str
    popup: str


@dataclass(frozen=True, slots=True)
class Bounds:
    """Where a map fits its view: [[south, west], [north, east]], and Leaflet's options (as
    `_js_literal` writes them: each kind of map's are the same for every page)."""

    corners: list[list[float]]
    options: str


@dataclass(frozen=True, slots=True)
class MapParts:
    """What a page needs to show a map: the element, its script and its assets."""

    html: Markup
    script: Markup
    js: tuple[str, ...]
    css: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Opening:
    """Whether a place is open, in the list's words, and the state for the popup's symbol."""

    words: str
    state: str  # "open", "closed" or "unknown"


def opening(venue: Venue, now: datetime | None) -> Opening | None:
    """The words the list says ("Open now. Closes at 5pm."); none without a time.

    The time comes from the caller (the request's clock), so a page's list and its map
    always say the same.
    """
    return None if now is None else opening_words(venue, now)


def opening_words(venue: Venue, now: datetime) -> Opening:
    """`opening` at a known moment: the words are always there."""
    if venue.opening_hours is None:
        return Opening(describe_unknown(), "unknown")
    status = venue.opening_hours.status(now)
    return Opening(status.describe(now), "open" if status.open_now else "closed")


def _marker(
    number: str,
    venue: Venue,
    kind: str,
    distance: str | None = None,
    now: datetime | None = None,
    root: str = "",
    openings: Mapping[str, Opening] | None = None,
) -> Marker:
    """`root`: the path prefix the service is served under, before the popup's link;
    `openings`: the opening words already worked out for the page, by place id."""
    shown = openings.get(venue.id) if openings is not None and now is not None else None
    popup = _popup_macro(number, venue, distance, shown or opening(venue, now), root)
    return _marker_of(number, venue, kind, popup)


def _popup_macro(*args: object) -> str:
    # The template's module (its macros) is made once and kept with the template.
    return str(_TEMPLATES.get_template("popup.html").module.popup(*args))  # type: ignore[attr-defined]


_MARKS = marks(3)


def _marker_of(number: str, venue: Venue, kind: str, popup: str) -> Marker:
    return {
        "latlng": latlon(venue.longitude, venue.latitude),
        "label": number,
        "title": f"{number}: {venue.name}",
        "kind": kind,
        "popup": popup,
    }


@dataclass(frozen=True, slots=True)
class _MarkedOrigin:
    """An origin as origin_popup.html reads it, its label a mark."""

    label: str
    approximate: bool


def _origin_popup(origin: Origin) -> str:
    """origin_popup.html for this origin: its fixed text made once, the label filled in
    escaped as the template escapes it."""
    fragment = _origin_fragment(origin.approximate)
    if fragment is None:
        return _TEMPLATES.get_template("origin_popup.html").render(origin=origin)
    return filled(fragment, (origin.label,))


@lru_cache(maxsize=2)
def _origin_fragment(approximate: bool) -> Fragment | None:
    """The searched place's popup cut at its label (the template's, kept with it), checked
    against the template with words that need escaping."""
    template = _TEMPLATES.get_template("origin_popup.html")
    sample = "<Matlock & \"Bank\" 'Road'>"
    whole = template.render(origin=_MarkedOrigin(sample, approximate))
    marked = template.render(origin=_MarkedOrigin(_MARKS[0], approximate))
    return cut(whole, marked, (sample,))


def _kind(venue: Venue) -> str:
    """The marker style (map.css): police front desks are drawn apart from Safe Places."""
    return "police" if venue.kind is Kind.POLICE_ENQUIRY_OFFICE else "safe_place"


# The zoom each kind of map starts at (results and areas are then fitted to their places).
_RESULTS_ZOOM, _AREA_ZOOM, _PLACE_ZOOM = 14, 12, 16


def draw_frames(pages: TileSettings) -> None:
    """Draw every page map's frame now (a server does it just after starting), so that the
    first search does not wait for folium to load."""
    for zoom in (_RESULTS_ZOOM, _AREA_ZOOM, _PLACE_ZOOM):
        _frame(pages.tile_url, pages.tile_attribution, pages.tile_max_zoom, zoom)


@lru_cache(maxsize=16)
def _frame(tile_url: str, attribution: str, max_zoom: int, zoom: int) -> MapFrame:
    """The frame for these tiles and zoom, drawn at its first use (folium is loaded then)."""
    from maps.frame import draw_frame

    return draw_frame(
        TileSettings(tile_url=tile_url, tile_attribution=attribution, tile_max_zoom=max_zoom),
        zoom,
    )


@dataclass(frozen=True, slots=True)
class _Framed:
    """A frame and the script around each page's own values, for its map's variable."""

    frame: MapFrame
    markers_before: str
    name_before: str
    bounds_before: str
    options_before: str


@lru_cache(maxsize=16)
def _framed(tile_url: str, attribution: str, max_zoom: int, zoom: int) -> _Framed:
    frame = _frame(tile_url, attribution, max_zoom, zoom)
    var = escape(frame.name)
    before, _, after = _ADD_MARKERS.partition("{markers}")
    fit_before, _, fit_after = _FIT_BOUNDS.partition("{bounds}")
    return _Framed(
        frame,
        before.format(map=var),
        after.partition("{name}")[0].format(map=var),
        fit_before.format(map=var),
        fit_after.partition("{fit}")[0],
    )


def _parts(
    pages: TileSettings,
    zoom: int,
    center: list[float],
    markers: str,
    name: str,
    bounds: Bounds | None = None,
) -> MapParts:
    """A page's map: its frame with this centre, its markers (`_js_literal` of the list),
    its name and its bounds, in `_ADD_MARKERS` and `_FIT_BOUNDS`."""
    framed = _framed(pages.tile_url, pages.tile_attribution, pages.tile_max_zoom, zoom)
    frame = framed.frame
    parts = [
        frame.before_centre,
        _js_literal(center),
        frame.after_centre,
        framed.markers_before,
        markers,
        framed.name_before,
        _js_literal(name),
        _NAME_AFTER,
    ]
    if bounds:
        parts += [
            framed.bounds_before,
            _js_literal(bounds.corners),
            framed.options_before,
            bounds.options,
            _FIT_AFTER,
        ]
    return MapParts(html=frame.html, script=Markup("".join(parts)), js=frame.js, css=frame.css)


# Leaflet's fitBounds options: a results map keeps its places off the edges.
_RESULTS_FIT = str(_js_literal({"maxZoom": 16, "padding": [30, 30]}))
_AREA_FIT = str(_js_literal({"maxZoom": 16}))


def results_map(
    origin: Origin,
    places: list[VenueMatch],
    police: VenueMatch | None,
    pages: TileSettings,
    distances: list[str] | None = None,
    now: datetime | None = None,
    root: str = "",
    openings: Mapping[str, Opening] | None = None,
    popups: Popups | None = None,
) -> MapParts:
    """The searched place, numbered Safe Places (1, 2, …) and the police office ("P").

    With ``now``, each popup says whether its place is open then, as the list does (in the
    list's own words, when `openings` gives them by place id). `popups`: the places'
    markers kept for the data version.
    """
    center = latlon(origin.longitude, origin.latitude)
    start: Marker = {
        "latlng": center,
        "label": "",
        "title": f"You searched for {origin.label}",
        "kind": "origin",
        "popup": _origin_popup(origin),
    }
    numbered = [(str(i), m.venue, _kind(m.venue)) for i, m in enumerate(places, start=1)]
    if police is not None:
        numbered.append(("P", police.venue, "police"))
    markers: list[str] = [_js_literal(start)]
    for i, (number, venue, kind) in enumerate(numbered):
        distance = distances[i] if distances and i < len(places) else None
        shown = openings.get(venue.id) if openings is not None and now is not None else None
        if popups is not None and shown is not None:
            markers.append(popups.marker(number, venue, kind, distance, shown, root))
        else:
            marker = _marker(number, venue, kind, distance, now, root, openings)
            markers.append(_js_literal(marker))
    points = [center, *(latlon(v.longitude, v.latitude) for _, v, _ in numbered)]
    bounds = Bounds(_bounds(points), _RESULTS_FIT)
    name = f"Map of the Safe Places near {origin.label}"
    return _parts(pages, _RESULTS_ZOOM, center, _listed(markers), name, bounds)


def _listed(items: list[str]) -> str:
    """A JSON list of items already JSON, as `_js_literal` writes a list."""
    return "[" + ",".join(items) + "]"


def area_map(
    bbox: tuple[float, float, float, float],
    places: list[Venue],
    pages: TileSettings,
    now: datetime | None = None,
    root: str = "",
) -> MapParts:
    """Numbered places (1, 2, …) in a lon/lat box (min_lon, min_lat, max_lon, max_lat), the
    map fitted to the box; with ``now``, popups say whether each place is open."""
    min_lon, min_lat, max_lon, max_lat = bbox
    center = latlon((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
    markers = [
        _marker(str(i), v, _kind(v), now=now, root=root) for i, v in enumerate(places, start=1)
    ]
    bounds = Bounds([latlon(min_lon, min_lat), latlon(max_lon, max_lat)], _AREA_FIT)
    name = "Map of the Safe Places in this area"
    return _parts(pages, _AREA_ZOOM, center, _js_literal(markers), name, bounds)


def place_map(
    venue: Venue, pages: TileSettings, now: datetime | None = None, root: str = ""
) -> MapParts:
    """A small map of one place; with ``now``, its popup says whether it is open."""
    center = latlon(venue.longitude, venue.latitude)
    markers = [_marker("1", venue, _kind(venue), now=now, root=root)]
    return _parts(pages, _PLACE_ZOOM, center, _js_literal(markers), f"Map of {venue.name}")


def _bounds(points: list[list[float]]) -> list[list[float]]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
