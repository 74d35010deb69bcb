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
from api.html import render
from api.params import kinds_and_categories, parse_bbox
from api.routes.pages import origin_of
from api.settings import Settings
from api.views import PlaceView, place_view
from geodata.placenames import PlaceName
from geodata.resolver import Choices
from locator.errors import InvalidParameter, SafePlacesError
from locator.filter import VenueFilter
from locator.search import Locator
from locator.venues import Category, Kind
from maps.render import MapParts, area_map, results_map

router = APIRouter(include_in_schema=False)

MAX_PLACES = 50
DEFAULT_NEAR = 5  # near a postcode or place: the few nearest

Text = Annotated[str | None, Query(max_length=200)]
Many = Annotated[list[str] | None, Query()]


@dataclass(frozen=True, slots=True)
class EmbedOptions:
    """What a partner asked the embedded map to show, checked."""

    kinds: list[Kind]
    categories: list[Category]
    count: int | None  # None: the default for the kind of search
    show_search: bool

    @classmethod
    def parse(
        cls, kind: list[str] | None, category: list[str] | None, k: str | None, search: str | None
    ) -> EmbedOptions:
        kinds, categories = kinds_and_categories(kind, category, default=Kind.SAFE_PLACE)
        return cls(kinds, categories, parse_count(k), _flag(search, "search"))

    @property
    def filter(self) -> VenueFilter:
        return VenueFilter.of(self.kinds, self.categories)

    def query(self) -> list[tuple[str, str]]:
        """These options as query parameters, to keep them when the box is used."""
        params = [("kind", k.value) for k in self.kinds]
        params += [("category", c.value) for c in self.categories]
        if self.count is not None:
            params.append(("k", str(self.count)))
        if not self.show_search:
            params.append(("search", "no"))
        return params


def parse_count(text: str | None) -> int | None:
    """How many places (k): empty for the default, else a whole number from 1 to MAX_PLACES."""
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_PLACES:
        raise InvalidParameter(
            f"The number of places (k) must be a whole number from 1 to {MAX_PLACES}."
        )
    return int(text)


def _flag(text: str | None, name: str) -> bool:
    if text is None or text.strip().lower() in ("", "yes", "true", "1", "on"):
        return True
    if text.strip().lower() in ("no", "false", "0", "off"):
        return False
    raise InvalidParameter(f"{name} must be yes or no.")


@dataclass
class EmbedView:
    heading: str
    places: list[PlaceView]
    map: MapParts | None = None
    messages: list[str] | None = None
    choices: list[PlaceName] | None = None
    located: bool = False


def _near(
    locator: Locator, origin: Any, options: EmbedOptions, settings: Settings, now: datetime
) -> EmbedView:
    result = locator.nearest(origin, options.count or DEFAULT_NEAR, options.filter)
    places = [
        place_view(m.venue, now, settings.pages, str(i), m)
        for i, m in enumerate(result.places, start=1)
    ]
    return EmbedView(
        heading=near_words(options, origin.label),
        places=places,
        map=results_map(
            origin, result.places, None, settings.pages, [p.distance or "" for p in places]
        ),
        messages=result.messages,
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
    venues = sorted(locator.index.select(options.filter, box), key=lambda v: v.name.lower())
    shown = venues[: options.count or MAX_PLACES]
    messages = []
    if len(venues) > len(shown):
        messages.append(
            f"Showing {len(shown)} of the {len(venues)} places in this area. "
            "Zoom in or search to see the others."
        )
    return EmbedView(
        heading=f"{_sentence(what_words(options))} in this area",
        places=[place_view(v, now, settings.pages, str(i)) for i, v in enumerate(shown, start=1)],
        map=area_map(box, shown, settings.pages),
        messages=messages,
        located=True,
    )


def what_words(options: EmbedOptions) -> str:
    """What the map shows, in words to use mid-sentence: "Safe Places", "police station…"."""
    return _WORDS[_which(options)][0]


def find_words(options: EmbedOptions) -> str:
    """The heading before a search: "Find a Safe Place"…"""
    return _WORDS[_which(options)][1]


def near_words(options: EmbedOptions, label: str) -> str:
    return f"{_sentence(what_words(options))} near {label}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _which(options: EmbedOptions) -> str:
    # Categories narrow the kinds: "libraries" can't bring a police front desk.
    kinds = set(options.kinds)
    if options.categories:
        kinds &= {c.kind for c in options.categories}
    if kinds == {Kind.POLICE_ENQUIRY_OFFICE}:
        return "police"
    return "both" if Kind.POLICE_ENQUIRY_OFFICE in kinds else "safe"


_WORDS = {
    "safe": ("Safe Places", "Find a Safe Place"),
    "police": ("police station front desks", "Find a police station front desk"),
    "both": (
        "Safe Places and police station front desks",
        "Find a Safe Place or a police station front desk",
    ),
}


def _set_up_wrong(exc: InvalidParameter) -> InvalidParameter:
    """An option in the frame's address is wrong: that is for the website's team to fix."""
    return InvalidParameter(
        "This map is not set up right, so it can't show places. Please tell the website's "
        f"owner. (For them: {exc.user_message})",
        log_message=exc.log_message,
    )


@router.get("/embed", response_class=HTMLResponse)
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
    try:
        try:
            options = EmbedOptions.parse(kind, category, k, search)
            context["options"] = options
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
            found = origin_of(resolver, typed, lat, lon)
            if isinstance(found, Choices):
                view = EmbedView(_sentence(what_words(options)), [], choices=found.options)
                context["choices_message"] = found.message
            else:
                if typed is None:
                    # A point in the frame's address is the partner's, not where the visitor is.
                    found = replace(found, label="this place")
                view = _near(locator, found, options, settings, now)
        else:
            view = EmbedView(find_words(options), [])
    except SafePlacesError as exc:
        status = exc.status
        options = context.get("options") or EmbedOptions([Kind.SAFE_PLACE], [], None, True)
        context["options"] = options
        view = EmbedView(find_words(options), [])
        context["error"] = exc.user_message
        context["choices"] = [c for c in exc.choices if isinstance(c, PlaceName)]
    context["view"] = view
    context["keep"] = options.query()
    context["choice_url"] = lambda name: "/embed?" + urlencode([("q", name), *options.query()])
    return render(
        request, "embed.html", context, status, frame_origins=settings.partners.frame_origins
    )
