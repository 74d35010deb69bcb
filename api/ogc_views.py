"""What the OGC API - Features resources hold: their links, collections and features, built
from domain objects and the service's root address (`root`, e.g. ``http://host/ogc``).

The router decides the format and renders; everything here is plain data, so a link or a
body is the same whichever page or document carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from api.ogc_negotiation import Format
from api.ogc_queryables import QUERYABLES_REL, SCHEMA_JSON, SORTABLES_REL
from api.ogc_schemas import (
    GEOJSON,
    HTML,
    JSON,
    CollectionOut,
    Extent,
    FeatureOut,
    Link,
    PointGeometry,
    SpatialExtent,
)
from api.settings import Settings
from locator.features import Collection, Page, collection_extent, collection_size, public_record
from locator.index import VenueIndex
from locator.venues import Venue

# -- links ----------------------------------------------------------------------------------


def href(root: str, path: str, f: Format | None = None, **params: object) -> str:
    query = {k: str(v) for k, v in params.items() if v is not None}
    if f is not None:
        query["f"] = f
    tail = "?" + urlencode(query, safe=",") if query else ""
    return root + path + tail


def self_and_alternate(
    root: str, path: str, json_type: str, title: str, **params: object
) -> list[Link]:
    return [
        Link(
            href=href(root, path, "json", **params),
            rel="self",
            type=json_type,
            title=f"{title} (JSON)",
        ),
        Link(
            href=href(root, path, "html", **params),
            rel="alternate",
            type=HTML,
            title=f"{title} (web page)",
        ),
    ]


def licence_link(settings: Settings) -> Link:
    return Link(
        href=settings.data.licence_url,
        rel="license",
        type=HTML,
        title="Open Government Licence v3.0",
    )


def attribution(settings: Settings) -> str:
    return " ".join(settings.data.attribution)


def _about_collection(root: str, c: Collection) -> Link:
    return Link(
        href=href(root, f"/collections/{c.id}", "json"),
        rel="collection",
        type=JSON,
        title=f"About the collection {c.title} (JSON)",
    )


# -- bodies ---------------------------------------------------------------------------------


def collection_out(
    root: str, settings: Settings, index: VenueIndex, c: Collection
) -> CollectionOut:
    box = collection_extent(index, c)
    path = f"/collections/{c.id}"
    return CollectionOut(
        id=c.id,
        title=c.title,
        description=c.description,
        attribution=attribution(settings),
        extent=Extent(spatial=SpatialExtent.of(box)) if box else None,
        numberOfPlaces=collection_size(index, c),
        links=[
            *self_and_alternate(root, path, JSON, c.title),
            Link(
                href=href(root, f"{path}/items", "json"),
                rel="items",
                type=GEOJSON,
                title=f"{c.title} (GeoJSON)",
            ),
            Link(
                href=href(root, f"{path}/items", "html"),
                rel="items",
                type=HTML,
                title=f"{c.title} (web page)",
            ),
            Link(
                href=root + f"{path}/queryables",
                rel=QUERYABLES_REL,
                type=SCHEMA_JSON,
                title=f"The properties {c.title} can be filtered on",
            ),
            Link(
                href=root + f"{path}/sortables",
                rel=SORTABLES_REL,
                type=SCHEMA_JSON,
                title=f"The properties {c.title} can be sorted by",
            ),
            licence_link(settings),
        ],
    )


def feature_out(
    root: str, c: Collection, venue: Venue, position: tuple[float, float], links: bool
) -> FeatureOut:
    """A place as a feature, at `position` (in the CRS asked for, its axis order)."""
    properties = public_record(venue)
    # The id is the feature's own member; repeating it in the properties would give GIS
    # tools two "id" columns.
    del properties["id"]
    feature = FeatureOut(
        id=venue.id,
        geometry=PointGeometry(coordinates=position),
        properties=properties,
    )
    if links:
        path = f"/collections/{c.id}/items/{venue.id}"
        feature.links = [
            *self_and_alternate(root, path, GEOJSON, venue.name),
            _about_collection(root, c),
        ]
    return feature


def items_links(
    root: str, c: Collection, page: Page, f: Format, asked: Mapping[str, str]
) -> list[Link]:
    """A page of items' links: itself, the next and previous pages, and its collection.

    They carry the caller's other parameters (`asked`: bbox, filters, sortby, crs...) as
    given, and the page's limit, so each page asks the same question.
    """
    path = f"/collections/{c.id}/items"
    same: dict[str, object] = {**asked, "limit": page.limit}
    links = self_and_alternate(root, path, GEOJSON, c.title, offset=page.offset, **same)
    for rel, offset, title in (
        ("next", page.next_offset, "The next page"),
        ("prev", page.prev_offset, "The previous page"),
    ):
        if offset is not None:
            links.append(
                Link(
                    href=href(root, path, f, offset=offset, **same),
                    rel=rel,
                    type=GEOJSON if f == "json" else HTML,
                    title=title,
                )
            )
    links.append(_about_collection(root, c))
    links.append(
        Link(
            href=root + f"/collections/{c.id}/queryables",
            rel=QUERYABLES_REL,
            type=SCHEMA_JSON,
            title=f"The properties {c.title} can be filtered on",
        )
    )
    return links


def link_header(links: list[Link]) -> str:
    """Links as an HTTP Link header (RFC 8288), for clients that read them there. Commas in
    the addresses are percent-encoded (the same address to us), so naive parsers that split
    the header on commas still read each link whole."""
    return ", ".join(
        f'<{link.href.replace(",", "%2C")}>; rel="{link.rel}"; type="{link.type}"' for link in links
    )
