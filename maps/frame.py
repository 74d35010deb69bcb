"""A map's fixed parts, drawn by folium once and reused by every page that shows that map.

The map element, its options and its tile layer are the same for every search: only where
it is centred, its markers and its bounds change. Folium builds a map from a dozen
elements, compiles a Jinja template for each piece it renders and looks the tile URL up
among xyzservices' thousand providers: about 6 ms a map. A frame is drawn once (per tile
setting and zoom) and a request adds its centre and markers as JSON (`maps.render`).

This module is the only one that imports folium on the serving side, and `maps.render`
imports it only when the first frame is drawn: a server that never draws a map never
loads folium (nor the pandas it imports).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
from branca.element import Figure
from markupsafe import Markup

from maps.tiles import TileSettings

# Where a frame's centre goes: a place no search can be (the edge of Antarctica), written
# as folium writes it, so the frame's script can be cut there and a real centre put in.
_CENTRE_MARK = [-89.98765432101234, -179.98765432101234]


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


@dataclass(frozen=True, slots=True)
class MapFrame:
    """A drawn map without a centre: its element, and its script either side of the centre.

    Every request's map shares the frame's element id: a page shows one map.
    """

    name: str  # the map's JavaScript variable, for the scripts that add to it
    html: Markup
    before_centre: Markup
    after_centre: Markup
    js: tuple[str, ...]
    css: tuple[str, ...]


def draw_frame(pages: TileSettings, zoom: int) -> MapFrame:
    """Draw a `LocalMap` with folium, as every page map starts, and cut it at its centre."""
    m = base_map(_CENTRE_MARK, zoom, pages)
    figure = m.get_root()
    assert isinstance(figure, Figure)
    figure.render()
    # Only the map's element and script: the page supplies the document, the viewport
    # (folium's disables pinch zoom) and the styles.
    script = figure.script.render()
    mark = json.dumps(_CENTRE_MARK)
    if script.count(mark) != 1:
        raise RuntimeError("folium no longer writes a map's centre as JSON: update maps.frame")
    before, _, after = script.partition(mark)
    return MapFrame(
        name=m.get_name(),
        html=Markup(figure.html.render()),
        before_centre=Markup(before),
        after_centre=Markup(after),
        js=tuple(url for _, url in LocalMap.default_js),
        css=tuple(url for _, url in LocalMap.default_css),
    )
