"""Open data downloads: every active place as GeoJSON, CSV or GeoPackage, and an index.

The files are built by `geodata.opendata` once per data version. Each response carries an
``ETag`` and ``Last-Modified`` made from the data version and the places' latest change, so a
client (or a cache) asking again with ``If-None-Match`` or ``If-Modified-Since`` gets a 304
until staff change something.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.conditional import PUBLIC, Validators, not_modified
from api.openapi import problems
from api.route_rules import KnownParamsRoute
from geodata.opendata import FORMATS, OpenDataCache
from locator.features import PUBLIC_FIELDS

router = APIRouter(prefix="/api/v1/downloads", tags=["downloads"], route_class=KnownParamsRoute)


def get_opendata(request: Request) -> OpenDataCache:
    """The app's one cache of built files (made in the lifespan; empty until first asked)."""
    cache: OpenDataCache = request.app.state.opendata
    return cache


OpenDataDep = Annotated[OpenDataCache, Depends(get_opendata)]


class LicenceOut(BaseModel):
    name: str = Field(examples=["Open Government Licence v3.0"])
    url: str


class DownloadOut(BaseModel):
    format: str = Field(examples=["gpkg"])
    title: str
    href: str
    media_type: str
    filename: str


class DownloadsOut(BaseModel):
    title: str
    description: str
    licence: LicenceOut
    attribution: list[str] = Field(description="Show this wherever the data is used.")
    crs: str = Field(description="Coordinates: WGS84 longitude/latitude.", examples=["EPSG:4326"])
    places: int = Field(description="How many places the files hold (active places only).")
    data_version: int = Field(description="Goes up with every change to the place data.")
    last_modified: datetime
    columns: list[str]
    downloads: list[DownloadOut]


def _link_header(request: Request, licence_url: str) -> str:
    index = str(request.url_for("downloads_index"))
    return f'<{licence_url}>; rel="license", <{index}>; rel="describedby"; type="application/json"'


@router.get("", response_model=DownloadsOut, name="downloads_index", responses=problems(400))
def downloads_index(request: Request, cache: OpenDataDep) -> DownloadsOut:
    """The open data files, with the licence and the attribution to show with them."""
    snap = cache.snapshot()
    info = cache.info
    return DownloadsOut(
        title=info.title,
        description=(
            "Every active place, as the Safe Places Locator serves it, in three formats. "
            "The CSV has no geometry column: use latitude and longitude. The GeoJSON holds the "
            "licence and attribution as the top-level members licence and attribution; the "
            "GeoPackage in its metadata (QGIS shows it under Layer Properties, Metadata)."
        ),
        licence=LicenceOut(name=info.licence_name, url=info.licence_url),
        attribution=list(info.attribution),
        crs="EPSG:4326",
        places=len(snap.venues),
        data_version=snap.data_version,
        last_modified=snap.last_modified,
        columns=list(PUBLIC_FIELDS),
        downloads=[
            DownloadOut(
                format=f.name,
                title=f.title,
                href=str(request.url_for(f"places_{f.name}")),
                media_type=f.media_type,
                filename=f"safe-places{f.suffix}",
            )
            for f in FORMATS.values()
        ],
    )


def _responses(name: str) -> dict[int | str, dict[str, Any]]:
    media_type = FORMATS[name].media_type.split(";")[0]
    return {
        **problems(400),
        200: {"content": {media_type: {}}, "description": FORMATS[name].title},
        304: {"description": "Not modified since the copy you have (ETag or date)."},
    }


@router.get("/places.geojson", response_class=Response, responses=_responses("geojson"))
def places_geojson(request: Request, cache: OpenDataDep) -> Response:
    """Every active place as GeoJSON; the licence and attribution are top-level members."""
    return _send(request, cache, "geojson")


@router.get("/places.csv", response_class=Response, responses=_responses("csv"))
def places_csv(request: Request, cache: OpenDataDep) -> Response:
    """Every active place as CSV (latitude, longitude columns); the licence is in the ``Link``
    header and the download index."""
    return _send(request, cache, "csv")


@router.get("/places.gpkg", response_class=Response, responses=_responses("gpkg"))
def places_gpkg(request: Request, cache: OpenDataDep) -> Response:
    """Every active place as a GeoPackage, the licence and attribution in its metadata."""
    return _send(request, cache, "gpkg")


def _send(request: Request, cache: OpenDataCache, name: str) -> Response:
    found = cache.get(name)
    headers = {
        "ETag": found.etag,
        "Last-Modified": format_datetime(found.last_modified, usegmt=True),
        "Cache-Control": PUBLIC,
        "Link": _link_header(request, cache.info.licence_url),
    }
    if not_modified(request, Validators(found.etag, found.last_modified)):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return Response(found.content, media_type=found.format.media_type, headers=headers)
