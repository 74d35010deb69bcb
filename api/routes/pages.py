"""The public pages: search, results with the map, a place, reporting a hate crime, privacy
advice and credits.

They work without JavaScript; scripts only enhance them. Errors come back on the same page
with the search box still filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import LocatorDep, NowDep, ResolverDep, SettingsDep
from api.errors import status_of
from api.html import NoStore, contact_book, render
from api.kept import kept_words
from api.params import page_request
from api.searching import search_places
from api.settings import Settings
from api.views import origin_words, place_view, results_view
from geodata.placenames import PlaceName
from locator.errors import PlaceNotFound, SafePlacesError
from locator.hours import LONDON
from locator.hours_text import DAY_NAMES
from locator.origin import Choices, NamedPlace, Origin
from locator.search import SearchResult, find_origin
from maps.render import place_map

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {})


@router.get("/find", response_class=HTMLResponse, dependencies=[NoStore])
async def find(
    request: Request,
    resolver: ResolverDep,
    locator: LocatorDep,
    settings: SettingsDep,
    now: NowDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    postcode: Annotated[str | None, Query(max_length=200)] = None,
    lat: Annotated[str | None, Query(max_length=40)] = None,
    lon: Annotated[str | None, Query(max_length=40)] = None,
    k: Annotated[int | None, Query(description="How many places to list.")] = None,
) -> HTMLResponse:
    """Results for a postcode, place name or location; errors shown on the same page.

    The search runs where `api.searching` says; the page (a few milliseconds of
    templates) is drawn in the thread pool, so other requests carry on meanwhile.
    """
    typed = q if q is not None else postcode
    found: SearchResult | Choices | SafePlacesError
    try:
        found = await search_places(page_request(typed, lat, lon, k), resolver, locator, now)
    except SafePlacesError as exc:
        found = exc
    return await run_in_threadpool(
        _find_page, request, settings, now, found, typed, lat, lon, k or settings.search.default_k
    )


def _find_page(
    request: Request,
    settings: Settings,
    now: datetime,
    found: SearchResult | Choices | SafePlacesError,
    typed: str | None,
    lat: str | None,
    lon: str | None,
    k: int,
) -> HTMLResponse:
    """The results page, or the search page again with the question or the problem."""
    if isinstance(found, SafePlacesError):
        choices = [c for c in found.choices if isinstance(c, PlaceName)]
        context = {"q": typed, "error": found.user_message, "error_title": found.title}
        return render(
            request, "home.html", context | _choices(choices, None, settings), status_of(found)
        )
    if isinstance(found, Choices):
        return render(request, "home.html", {"q": typed} | _choices(found.options, found, settings))
    view = results_view(found, settings.pages, now)
    search_query = urlencode({"lat": lat, "lon": lon} if typed is None else {"q": typed})
    return render(
        request,
        "find.html",
        {
            "q": typed if typed is not None else "",
            "where": typed.strip() if typed and typed.strip() else origin_words(view.origin),
            "messages": view.messages,
            "places": view.places,
            "police": view.police,
            "kept": kept_words(view.places, view.police, typed),
            "open_now": view.open_now,
            "outside": not found.in_service_area,
            "area_name": settings.search.area_name,
            "open_minutes": settings.search.open_now_walk_minutes,
            "map": view.map,
            "more_url": _more_url(request, k),
            "search_query": search_query,
        },
    )


def _choices(
    options: Sequence[NamedPlace], found: Choices | None, settings: Settings
) -> dict[str, Any]:
    """A name that could be several places, asked as a question with a button for each."""
    if not options:
        return {}
    return {
        "choices": options,
        "question": found.question if found else "Did you mean one of these places?",
        "area_name": settings.search.area_name,
    }


def _more_url(request: Request, k: int) -> str | None:
    """The same search listing 10 places, when fewer are shown."""
    if k >= 10:
        return None
    params = {key: value for key, value in request.query_params.items() if key != "k"}
    return f"/find?{urlencode({**params, 'k': 10})}"


@router.get("/places/{place_id}", response_class=HTMLResponse, dependencies=[NoStore])
def place(
    request: Request,
    place_id: str,
    resolver: ResolverDep,
    locator: LocatorDep,
    now: NowDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    lat: Annotated[str | None, Query(max_length=40)] = None,
    lon: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """One place; reached from a search, also how far it is and the way back to the results."""
    venue = locator.index.get(place_id)
    if venue is None:
        raise PlaceNotFound(
            "We couldn't find that place. It may have been removed.",
            log_message="unknown place id",
        )
    origin = _searched_from(q, lat, lon, resolver) if q or lat or lon else None
    match = locator.distance_to(origin, venue) if origin is not None else None
    view = place_view(venue, now, settings.pages, "1", match)
    hours = venue.opening_hours.by_day_words() if venue.opening_hours else None
    search_query = urlencode({"q": q} if q else {"lat": lat or "", "lon": lon or ""})
    return render(
        request,
        "place.html",
        {
            "p": view,
            "hours": hours,
            "today": DAY_NAMES[now.astimezone(LONDON).weekday()],
            "map": place_map(venue, settings.pages, now=now),
            "back_url": f"/find?{search_query}" if origin is not None else None,
            "where": q.strip() if q else "your location",
        },
    )


def _searched_from(
    q: str | None, lat: str | None, lon: str | None, resolver: ResolverDep
) -> Origin | None:
    """Where the search this place came from started; None if it can't be told again (the
    place page is shown all the same)."""
    try:
        found = find_origin(page_request(q, lat, lon), resolver)
    except SafePlacesError:
        return None
    return None if isinstance(found, Choices) else found


@router.get("/hate-crime", response_class=HTMLResponse, dependencies=[NoStore])
def hate_crime(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Every way to report a hate crime, from the deployment's contacts file."""
    groups = contact_book(settings.pages).report_groups()
    return render(request, "hate_crime.html", {"groups": groups})


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request, settings: SettingsDep) -> HTMLResponse:
    tiles = urlsplit(settings.pages.tile_url)
    return render(request, "privacy.html", {"tile_host": tiles.hostname or tiles.netloc})


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
