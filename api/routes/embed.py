"""The embeddable map (`/embed`) for partner sites.

`/embed` is the only page other sites may frame (the origins in `partners.frame_origins`):
a map with the numbered list under it and little else. Every parameter is read here, by
hand, so a bad one comes back as a plain message inside the frame rather than an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import LocatorDep, NowDep, ResolverDep, SettingsDep
from api.embed_options import EmbedOptions, find_words, near_words, sentence, what_words
from api.errors import status_of
from api.html import NoStore, render
from api.params import page_request, parse_bbox
from api.settings import Settings
from api.views import PlaceView, origin_words, place_view, results_view
from geodata.placenames import PlaceName
from locator.errors import InvalidParameter, SafePlacesError
from locator.origin import Choices, NamedPlace
from locator.search import Locator, SearchRequest, SearchResult, search
from locator.venues import Kind
from maps.render import MapParts, area_map

router = APIRouter(include_in_schema=False)

Text = Annotated[str | None, Query(max_length=200)]
Many = Annotated[list[str] | None, Query()]


@dataclass
class EmbedView:
    heading: str
    places: list[PlaceView]
    map: MapParts | None = None
    messages: list[str] | None = None
    choices: list[NamedPlace] | None = None
    choices_message: str | None = None
    located: bool = False


def _near(
    result: SearchResult, options: EmbedOptions, settings: Settings, now: datetime
) -> EmbedView:
    view = results_view(
        result, settings.pages, now, with_police=False, root=settings.server.root_path
    )
    return EmbedView(
        heading=near_words(options, origin_words(result.origin)),
        places=view.places,
        map=view.map,
        messages=view.messages,
        located=True,
    )


def _in_box(
    locator: Locator,
    box: tuple[float, float, float, float],
    options: EmbedOptions,
    settings: Settings,
    now: datetime,
) -> EmbedView:
    # In an area there is no "nearest": the places are listed by name.
    venues = locator.in_box(box, options.filter)
    shown = venues[: options.count or settings.search.max_k]
    messages = []
    if len(venues) > len(shown):
        messages.append(
            f"Showing {len(shown)} of the {len(venues)} places in this area. "
            "Zoom in or search to see the others."
        )
    return EmbedView(
        heading=f"{sentence(what_words(options))} in this area",
        places=[place_view(v, now, settings.pages, str(i)) for i, v in enumerate(shown, start=1)],
        map=area_map(box, shown, settings.pages, now=now, root=settings.server.root_path),
        messages=messages,
        located=True,
    )


def _set_up_wrong(exc: InvalidParameter) -> InvalidParameter:
    """An option in the frame's address is wrong: that is for the website's team to fix."""
    return InvalidParameter(
        "This map is not set up right, so it can't show places. Please tell the website's "
        f"owner. (For them: {exc.user_message})",
        log_message=exc.log_message,
    )


@router.get("/embed", response_class=HTMLResponse, dependencies=[NoStore])
def embed(
    request: Request,
    resolver: ResolverDep,
    locator: LocatorDep,
    settings: SettingsDep,
    now: NowDep,
    q: Text = None,
    postcode: Text = None,
    lat: Annotated[str | None, Query(max_length=40)] = None,
    lon: Annotated[str | None, Query(max_length=40)] = None,
    bbox: Text = None,
    kind: Many = None,
    category: Many = None,
    k: Annotated[str | None, Query(max_length=10)] = None,
    search: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    """A map and numbered list for another site's page (in an iframe)."""
    typed = q if q is not None else postcode
    context: dict[str, Any] = {"q": typed or "", "attribution": settings.data.attribution}
    status = 200
    limits = settings.search
    options = EmbedOptions([Kind.SAFE_PLACE], [], None, True)
    try:
        try:
            options = EmbedOptions.parse(kind, category, k, search, limits)
            box = parse_bbox(bbox) if bbox is not None and typed is None else None
            if box is None and typed is None and lat is None and lon is None:
                if not options.show_search:
                    raise InvalidParameter(
                        "it needs a postcode (q), a location (lat and lon) or an area (bbox)."
                    )
        except InvalidParameter as exc:
            raise _set_up_wrong(exc) from None
        if box is not None:
            view = _in_box(locator, box, options, settings, now)
        elif typed is not None or lat is not None or lon is not None:
            view = _searched(
                page_request(typed, lat, lon), resolver, locator, options, settings, now
            )
        else:
            view = EmbedView(find_words(options), [])
    except SafePlacesError as exc:
        status = status_of(exc)
        view = EmbedView(find_words(options), [])
        context["error"] = exc.user_message
        context["choices"] = [c for c in exc.choices if isinstance(c, PlaceName)]
    context.update(view=view, options=options, keep=options.query())
    if view.choices_message:
        context["choices_message"] = view.choices_message
    context["choice_url"] = lambda name: "/embed?" + urlencode([("q", name), *options.query()])
    return render(
        request, "embed.html", context, status, frame_origins=settings.partners.frame_origins
    )


def _searched(
    asked: SearchRequest,
    resolver: ResolverDep,
    locator: Locator,
    options: EmbedOptions,
    settings: Settings,
    now: datetime,
) -> EmbedView:
    """Near a postcode, place or point: the search use case, with the partner's options."""
    asked = replace(
        asked,
        k=options.count,
        kinds=tuple(options.kinds),
        categories=tuple(options.categories),
        nearest_open=False,
    )
    found = search(asked, resolver, locator, now)
    if isinstance(found, Choices):
        return EmbedView(
            sentence(what_words(options)),
            [],
            choices=list(found.options),
            choices_message=found.message,
        )
    if asked.text is None:
        # A point in the frame's address is the partner's, not where the visitor is.
        found = replace(found, origin=replace(found.origin, label="this place"))
    return _near(found, options, settings, now)
