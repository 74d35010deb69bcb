"""Response models of the OGC API - Features endpoints, their media types and conformance.

Their OpenAPI 3.0 definition, which OGC clients read, is written by hand in `api.ogc_openapi`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from locator.feature_crs import CRS84, CRS_URIS, BBox
from locator.features import Value

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
PROBLEM_JSON = "application/problem+json"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    # The Sorting draft (Part 8) under the URIs its editors' server (ldproxy) declares.
    "http://www.opengis.net/spec/ogcapi-features-8/0.0/conf/sorting",
    "http://www.opengis.net/spec/ogcapi-features-8/0.0/conf/features-sorting",
]


class Link(BaseModel):
    href: str
    rel: str
    type: str
    title: str


class LandingPage(BaseModel):
    title: str
    description: str
    attribution: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]  # noqa: N815 - the standard's name


class SpatialExtent(BaseModel):
    bbox: list[list[float]] = Field(description="min lon, min lat, max lon, max lat")
    crs: str = CRS84

    @classmethod
    def of(cls, box: BBox) -> SpatialExtent:
        return cls(bbox=[[round(v, 6) for v in box]])


class Extent(BaseModel):
    spatial: SpatialExtent


class CollectionOut(BaseModel):
    id: str
    title: str
    description: str
    attribution: str
    itemType: Literal["feature"] = "feature"  # noqa: N815
    crs: list[str] = list(CRS_URIS)
    # The positions are kept in longitude/latitude; the others are worked out on the way out.
    storageCrs: str = CRS84  # noqa: N815
    extent: Extent | None = None
    numberOfPlaces: int = Field(description="Active places in the collection.")  # noqa: N815
    links: list[Link]


class CollectionsOut(BaseModel):
    links: list[Link]
    collections: list[CollectionOut]


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(
        description="In the crs asked for, in its axis order: longitude, latitude by default."
    )


class FeatureOut(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: dict[str, Value]
    links: list[Link] | None = None


class FeatureCollectionOut(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[FeatureOut]
    links: list[Link]
    numberMatched: int  # noqa: N815
    numberReturned: int  # noqa: N815
    timeStamp: str  # noqa: N815
