"""Accessible folium maps of search results and single places, with only local assets.

Every place on a map is a real Leaflet marker (keyboard-focusable, unlike vector shapes),
numbered to match the list beside it and named for screen readers ("3: Matlock Library").
Popup content comes from an autoescaping Jinja2 template, so venue text is always text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypedDict

import folium
from branca.element import Figure, MacroElement
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from markupsafe import Markup

from locator.hours import describe_unknown
from locator.match import VenueMatch
from locator.origin import Origin
from locator.venues import Kind, Venue
from maps.tiles import TileSettings

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def latlon(lon: float, lat: float) -> list[float]:
    """Shapely and GeoJSON order (x=lon, y=lat) to Leaflet's [lat, lon]: the one adapter."""
    return [lat, lon]


def _js_literal(value: object) -> Markup:
    """JSON safe to put inside a <script>: no "</script>" or "<!--" can close it early."""
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


class LocalMap(folium.Map):
    """A folium map that loads Leaflet (and our helper script) from this app, nothing else.

    Folium's asset lists are class attributes shared by every map: they are replaced here,
    on a subclass, so no other map in the process is changed. Bootstrap, jQuery and Font
    Awesome are dropped: nothing on these maps needs them.
    """

    default_js = [
        ("leaflet", "/static/vendor/leaflet/leaflet.js"),
        ("safeplaces_map", "/static/js/map.js"),
    ]
    default_css = [
        ("leaflet_css", "/static/vendor/leaflet/leaflet.css"),
        ("safeplaces_map_css", "/static/css/map.css"),
    ]


class Marker(TypedDict):
    """One marker as map.js draws it: position, number, accessible name, popup HTML."""

    latlng: list[float]
    label: str
    title: str
    kind: str
    popup: str


class PlaceMarkers(MacroElement):
    """All the numbered markers of one map, drawn by one script block, and the map's name.

    One element for the lot keeps rendering fast (a folium Marker per place costs about
    1 ms each); each place is still its own Leaflet marker. The name ("Map of the Safe
    Places near DE4 3AG") is what a screen reader says for the map's region.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        SafePlaces.addMarkers({{ this._parent.get_name() }}, {{ this.data }});
        SafePlaces.nameMap({{ this._parent.get_name() }}, {{ this.name }});
        {% endmacro %}
        """
    )

    def __init__(self, markers: list[Marker], name: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PlaceMarkers"
        self.data = _js_literal(markers)
        self.name = _js_literal(name)


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
    if now is None:
        return None
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
) -> Marker:
    popup = _TEMPLATES.get_template("popup.html").render(
        number=number, venue=venue, distance=distance, opening=opening(venue, now)
    )
    return {
        "latlng": latlon(venue.longitude, venue.latitude),
        "label": number,
        "title": f"{number}: {venue.name}",
        "kind": kind,
        "popup": popup,
    }


def _kind(venue: Venue) -> str:
    """The marker style (map.css): police front desks are drawn apart from Safe Places."""
    return "police" if venue.kind is Kind.POLICE_ENQUIRY_OFFICE else "safe_place"


def base_map(
    center: list[float],
    zoom: int,
    pages: TileSettings,
    map_class: type[folium.Map] = LocalMap,
    prefer_canvas: bool = False,
) -> folium.Map:
    """A map with the house settings and the configured tiles (the one outside request)."""
    m = map_class(
        location=center,
        zoom_start=zoom,
        tiles=None,
        # Scrolling the page must not zoom the map by accident; the buttons and keys do.
        scroll_wheel_zoom=False,
        # No animations: steadier for people who find motion hard, and for cheap phones.
        fade_animation=False,
        zoom_animation=False,
        marker_zoom_animation=False,
        prefer_canvas=prefer_canvas,
    )
    folium.TileLayer(
        tiles=pages.tile_url,
        attr=pages.tile_attribution,
        max_zoom=pages.tile_max_zoom,
        name="Map",
    ).add_to(m)
    return m


def _parts(m: folium.Map) -> MapParts:
    figure = m.get_root()
    assert isinstance(figure, Figure)
    figure.render()
    # Only the map's element and script: the page supplies the document, the viewport
    # (folium's disables pinch zoom) and the styles.
    return MapParts(
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
        js=tuple(url for _, url in LocalMap.default_js),
        css=tuple(url for _, url in LocalMap.default_css),
    )


def results_map(
    origin: Origin,
    places: list[VenueMatch],
    police: VenueMatch | None,
    pages: TileSettings,
    distances: list[str] | None = None,
    now: datetime | None = None,
) -> MapParts:
    """The searched place, numbered Safe Places (1, 2, …) and the police office ("P").

    With ``now``, each popup says whether its place is open then, as the list does.
    """
    center = latlon(origin.longitude, origin.latitude)
    m = base_map(center, 14, pages)
    markers: list[Marker] = [
        {
            "latlng": center,
            "label": "",
            "title": f"You searched for {origin.label}",
            "kind": "origin",
            "popup": _TEMPLATES.get_template("origin_popup.html").render(origin=origin),
        }
    ]
    for i, match in enumerate(places, start=1):
        distance = distances[i - 1] if distances else None
        markers.append(_marker(str(i), match.venue, _kind(match.venue), distance, now))
    if police is not None:
        markers.append(_marker("P", police.venue, "police", now=now))
    PlaceMarkers(markers, f"Map of the Safe Places near {origin.label}").add_to(m)
    points = [mk["latlng"] for mk in markers]
    m.fit_bounds(_bounds(points), padding=(30, 30), max_zoom=16)
    return _parts(m)


def area_map(
    bbox: tuple[float, float, float, float],
    places: list[Venue],
    pages: TileSettings,
    now: datetime | None = None,
) -> MapParts:
    """Numbered places (1, 2, …) in a lon/lat box (min_lon, min_lat, max_lon, max_lat), the
    map fitted to the box; with ``now``, popups say whether each place is open."""
    min_lon, min_lat, max_lon, max_lat = bbox
    m = base_map(latlon((min_lon + max_lon) / 2, (min_lat + max_lat) / 2), 12, pages)
    markers = [_marker(str(i), v, _kind(v), now=now) for i, v in enumerate(places, start=1)]
    PlaceMarkers(markers, "Map of the Safe Places in this area").add_to(m)
    m.fit_bounds([latlon(min_lon, min_lat), latlon(max_lon, max_lat)], max_zoom=16)
    return _parts(m)


def place_map(venue: Venue, pages: TileSettings, now: datetime | None = None) -> MapParts:
    """A small map of one place; with ``now``, its popup says whether it is open."""
    m = base_map(latlon(venue.longitude, venue.latitude), 16, pages)
    PlaceMarkers([_marker("1", venue, _kind(venue), now=now)], f"Map of {venue.name}").add_to(m)
    return _parts(m)


def _bounds(points: list[list[float]]) -> list[list[float]]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
