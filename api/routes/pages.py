"""The public pages: search, results with the map, a place, privacy advice and credits.

They work without JavaScript; scripts only enhance them. Errors come back on the same page
with the search box still filled in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import LocatorDep, NowDep, ResolverDep, SettingsDep
from api.html import render
from api.settings import Settings
from api.views import place_view
from geodata.placenames import PlaceName
from geodata.resolver import Choices
from locator.errors import InvalidParameter, PlaceNotFound, SafePlacesError
from locator.filter import VenueFilter
from locator.search import Origin
from locator.venues import Kind
from maps.render import place_map, results_map

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {})


@router.get("/find", response_class=HTMLResponse)
def find(
    request: Request,
    resolver: ResolverDep,
    locator: LocatorDep,
    settings: SettingsDep,
    now: NowDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    postcode: Annotated[str | None, Query(max_length=200)] = None,
    lat: Annotated[str | None, Query(max_length=40)] = None,
    lon: Annotated[str | None, Query(max_length=40)] = None,
    k: Annotated[int, Query(ge=1, le=20, description="How many places to list.")] = 5,
) -> HTMLResponse:
    """Results for a postcode, place name or location; errors shown on the same page."""
    typed = q if q is not None else postcode
    try:
        found = origin_of(resolver, typed, lat, lon)
    except SafePlacesError as exc:
        choices = [c for c in exc.choices if isinstance(c, PlaceName)]
        return render(
            request,
            "home.html",
            {"q": typed, "error": exc.user_message, "choices": choices},
            status_code=exc.status,
        )
    if isinstance(found, Choices):
        return render(
            request,
            "home.html",
            {"q": typed, "choices": found.options, "choices_message": found.message},
        )
    return _results(request, found, typed, locator, settings, now, k)


def origin_of(
    resolver: ResolverDep, typed: str | None, lat: str | None, lon: str | None
) -> Origin | Choices:
    if lat is not None or lon is not None:
        try:
            return resolver.coordinates(float(lat or "nan"), float(lon or "nan"))
        except ValueError:
            raise InvalidParameter(
                "We couldn't read that location. Please type a postcode."
            ) from None
    if typed is None or not typed.strip():
        raise InvalidParameter("Please type a postcode, or the name of a town or village.")
    return resolver.resolve(typed)


def _results(
    request: Request,
    origin: Origin,
    typed: str | None,
    locator: LocatorDep,
    settings: Settings,
    now: datetime,
    k: int,
) -> HTMLResponse:
    pages = settings.pages
    result = locator.nearest(origin, k)
    walk_m = settings.search.open_now_walk_m
    open_filter = VenueFilter.of([Kind.SAFE_PLACE], open_at=now)
    nearest_open = locator.index.nearest(
        origin.longitude, origin.latitude, 1, open_filter, max_distance_m=walk_m
    )
    places = [
        place_view(m.venue, now, pages, str(i), m) for i, m in enumerate(result.places, start=1)
    ]
    police = result.nearest_police
    police_view = place_view(police.venue, now, pages, "P", police) if police else None
    open_view = (
        place_view(nearest_open[0].venue, now, pages, "", nearest_open[0]) if nearest_open else None
    )
    map_parts = results_map(
        origin, result.places, police, pages, distances=[p.distance or "" for p in places]
    )
    return render(
        request,
        "find.html",
        {
            "q": typed if typed is not None else "",
            "origin": origin,
            "messages": result.messages,
            "places": places,
            "police": police_view,
            "open_now": open_view,
            "open_minutes": settings.search.open_now_walk_minutes,
            "map": map_parts,
            "more_url": _more_url(request, k),
        },
    )


def _more_url(request: Request, k: int) -> str | None:
    """The same search listing 10 places, when fewer are shown."""
    if k >= 10:
        return None
    params = {key: value for key, value in request.query_params.items() if key != "k"}
    return f"/find?{urlencode({**params, 'k': 10})}"


@router.get("/places/{place_id}", response_class=HTMLResponse)
def place(
    request: Request, place_id: str, locator: LocatorDep, now: NowDep, settings: SettingsDep
) -> HTMLResponse:
    venue = locator.index.get(place_id)
    if venue is None:
        raise PlaceNotFound(
            "We couldn't find that place. It may have been removed.",
            log_message="unknown place id",
        )
    view = place_view(venue, now, settings.pages, "1")
    hours = venue.opening_hours.by_day_words() if venue.opening_hours else None
    return render(
        request,
        "place.html",
        {"p": view, "hours": hours, "map": place_map(venue, settings.pages)},
    )


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> HTMLResponse:
    return render(request, "privacy.html", {})


@router.get("/about", response_class=HTMLResponse)
def about(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(
        request,
        "about.html",
        {
            "attribution": settings.data.attribution,
            "licence_url": settings.data.licence_url,
            "area_name": settings.search.area_name,
            "tile_attribution": settings.pages.tile_attribution,
        },
    )
