"""The results page: the nearest places for a postcode, place name or location, in a list
and on a map; a name that could be several places asked as a question; a problem said on
the search page with the search box still filled in.

Its router is included before the others (api.app): a person's search is the one page
every visit asks for, and its path is matched first rather than after every other route.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute

from api.deps import LocatorDep, NowDep, ResolverDep, SettingsDep, current_time, get_locator
from api.errors import status_of
from api.html import NoStore, no_store, page_context, page_response, render
from api.params import page_request
from api.query import QueryReader
from api.results_page import ResultsPages
from api.searching import search_places
from api.settings import Settings
from api.views import origin_words, results_view
from geodata.placenames import PlaceName
from geodata.resolver import LocationResolver
from locator.errors import SafePlacesError
from locator.origin import Choices, NamedPlace
from locator.search import Locator, SearchResult

router = APIRouter(include_in_schema=False)


class ResultsRoute(APIRoute):
    """Answers /find without FastAPI's per-request dependency solving.

    Reading and checking five parameters one by one and solving five dependencies was a
    third of the framework's work for this page. The parameters are read once, by one model
    made from `find`'s own signature (api.query: the same checks, the same error page), and
    the app state the dependencies would give is taken directly.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        query = QueryReader(self.dependant.query_params)

        async def route(request: Request) -> Response:
            no_store(request)
            asked = query.read(request.query_params)
            now = await current_time(request)
            state = request.app.state
            locator = await get_locator(request)
            return await _answer(request, state.resolver, locator, state.settings, now, **asked)

        return route


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

    Its route (`ResultsRoute`) answers without calling this: the signature says what the
    parameters are, and this is the same answer by FastAPI's ordinary way.
    """
    return await _answer(request, resolver, locator, settings, now, q, postcode, lat, lon, k)


router.add_api_route(
    "/find",
    find,
    methods=["GET"],
    response_class=HTMLResponse,
    dependencies=[NoStore],
    route_class_override=ResultsRoute,
)


async def _answer(
    request: Request,
    resolver: LocationResolver,
    locator: Locator,
    settings: Settings,
    now: datetime,
    q: str | None = None,
    postcode: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    k: int | None = None,
) -> HTMLResponse:
    """The search runs where `api.searching` says. A results page of a shape already kept
    (`api.results_page`: a fraction of a millisecond) is made on the event loop; one whose
    shape is new, and a question or a problem (a few milliseconds of templates), in the
    thread pool, so other requests carry on meanwhile."""
    typed = q if q is not None else postcode
    found: SearchResult | Choices | SafePlacesError
    try:
        found = await search_places(page_request(typed, lat, lon, k), resolver, locator, now)
    except SafePlacesError as exc:
        found = exc
    if not isinstance(found, SearchResult):
        return await run_in_threadpool(_asked_page, request, settings, found, typed)
    k = k or settings.search.default_k
    # Its path is this route's: a results page is a public page (not staff, no referrer).
    context = page_context(request, "/find") | _results_context(
        request, settings, locator, now, found, typed, lat, lon, k
    )
    pages: ResultsPages = request.app.state.results_pages
    page: bytes | str | None = pages.filled(context)
    if page is None:
        page = await run_in_threadpool(pages.rendered, context)
    return page_response(request, page, context["nonce"])


def _asked_page(
    request: Request, settings: Settings, found: Choices | SafePlacesError, typed: str | None
) -> HTMLResponse:
    """The search page again, with the question or the problem."""
    if isinstance(found, SafePlacesError):
        choices = [c for c in found.choices if isinstance(c, PlaceName)]
        context = {"q": typed, "error": found.user_message, "error_title": found.title}
        return render(
            request, "home.html", context | _choices(choices, None, settings), status_of(found)
        )
    return render(request, "home.html", {"q": typed} | _choices(found.options, found, settings))


def _results_context(
    request: Request,
    settings: Settings,
    locator: Locator,
    now: datetime,
    found: SearchResult,
    typed: str | None,
    lat: str | None,
    lon: str | None,
    k: int,
) -> dict[str, Any]:
    """What find.html shows of a search's answer (with `api.html.page_context`)."""
    pages: ResultsPages = request.app.state.results_pages
    view = results_view(
        found,
        settings.pages,
        now,
        root=settings.server.root_path,
        opening_of=locator.opening,
        fixed=pages.words(locator),
        popups=pages.popups(locator),
    )
    search_query = urlencode({"lat": lat, "lon": lon} if typed is None else {"q": typed})
    return {
        "q": typed if typed is not None else "",
        "where": typed.strip() if typed and typed.strip() else origin_words(view.origin),
        "messages": view.messages,
        "places": view.places,
        "police": view.police,
        "kept": pages.kept_json(view.places, view.police, typed),
        "open_now": view.open_now,
        "outside": not found.in_service_area,
        "area_name": settings.search.area_name,
        "open_minutes": settings.search.open_now_walk_minutes,
        "map": view.map,
        "more_url": _more_url(request, k),
        "search_query": search_query,
    }


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
