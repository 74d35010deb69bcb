"""The public pages: search, a place, reporting a hate crime, privacy advice and credits (the
results page is api.routes.results).

They work without JavaScript; scripts only enhance them. Errors come back on the same page
with the search box still filled in.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import LocatorDep, NowDep, ResolverDep, SettingsDep
from api.html import NoStore, contact_book, render
from api.params import page_request
from api.views import place_view
from locator.bank_holidays import is_bank_holiday, next_bank_holiday
from locator.errors import PlaceNotFound, SafePlacesError
from locator.hours import LONDON
from locator.hours_text import DAY_NAMES
from locator.origin import Choices, Origin
from locator.search import find_origin
from maps.render import place_map

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {})


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
    holidays = venue.opening_hours.bank_holiday_words() if venue.opening_hours else None
    today = now.astimezone(LONDON).date()
    search_query = urlencode({"q": q} if q else {"lat": lat or "", "lon": lon or ""})
    return render(
        request,
        "place.html",
        {
            "p": view,
            "hours": hours,
            "bank_holidays": holidays,
            "bank_holiday_today": is_bank_holiday(today),
            "next_bank_holiday": _day_words(next_bank_holiday(today)),
            "today": DAY_NAMES[now.astimezone(LONDON).weekday()],
            "map": place_map(venue, settings.pages, now=now, root=settings.server.root_path),
            "back_url": f"/find?{search_query}" if origin is not None else None,
            "where": q.strip() if q else "your location",
        },
    )


def _day_words(day: date) -> str:
    """ "Friday 25 December", as the page says a date."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {day:%B}"


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
