"""The embed code page for partner web teams: choose the options, see the map as visitors
will, copy an `<iframe>` that works. It checks what was chosen, in words, before giving code."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import ResolverDep, SettingsDep
from api.embed_options import EmbedOptions, find_words, parse_count, what_words
from api.html import render
from locator.errors import InvalidParameter, SafePlacesError
from locator.origin import Choices
from locator.settings import SearchSettings
from locator.venues import Category, Kind

router = APIRouter(include_in_schema=False)

# Width and height in pixels: tall enough that the list starts within the first screen.
SIZES = {"small": (300, 720), "medium": (600, 800), "large": (1000, 800)}
KIND_WORDS = {
    Kind.SAFE_PLACE: "Safe Places",
    Kind.POLICE_ENQUIRY_OFFICE: "police station front desks",
}


def check_options(
    resolver: ResolverDep,
    q: str | None,
    kind: list[str] | None,
    category: list[str] | None,
    k: str | None,
    search: str | None,
    limits: SearchSettings,
) -> tuple[EmbedOptions, dict[str, str]]:
    """The options as chosen (kept, so the form shows them again) and a message per problem.
    Kinds and categories come from tick boxes: values that aren't ours are ignored."""
    errors: dict[str, str] = {}
    kinds = [x for x in Kind if x.value in (kind or [])]
    categories = [c for c in Category if c.value in (category or [])]
    if kinds and categories:
        for c in categories:
            if c.kind not in kinds:
                errors["kind"] = (
                    f"{c.label} is one of the {KIND_WORDS[c.kind]}, which is not ticked. "
                    f"Tick {KIND_WORDS[c.kind]} too, or untick {c.label}."
                )
                break
    count = None
    try:
        count = parse_count(k, limits)
    except InvalidParameter:
        errors["k"] = f"How many places must be a whole number from 1 to {limits.max_k}."
    if not kinds:
        kinds = list(dict.fromkeys(c.kind for c in categories)) or [Kind.SAFE_PLACE]
    options = EmbedOptions(kinds, categories, count, (search or "yes") != "no")
    if q and q.strip():
        # The start place must be one the map will find, or the partner publishes an error.
        try:
            found = resolver.resolve(q)
            if isinstance(found, Choices):
                names = "; ".join(c.label for c in found.options[:6])
                errors["q"] = f"There is more than one {q.strip()}. Type one of: {names}."
        except SafePlacesError as exc:
            errors["q"] = exc.user_message
    return options, errors


@router.get("/partners/embed", response_class=HTMLResponse)
def embed_code(
    request: Request,
    resolver: ResolverDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    k: Annotated[str | None, Query(max_length=10)] = None,
    search: Annotated[str | None, Query(max_length=10)] = None,
    size: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    """Choose the options, see the map as partners will, copy the <iframe> snippet."""
    options, errors = check_options(resolver, q, kind, category, k, search, settings.search)
    chosen = size if size in SIZES else "medium"
    width, height = SIZES[chosen]
    place = q.strip() if q and q.strip() else None
    params = ([("q", place)] if place else []) + options.query()
    path = "/embed" + (f"?{urlencode(params)}" if params else "")
    # The frame's title is what a screen reader announces on the partner's page.
    title = (
        f"Map and list of {what_words(options)} near {place}"
        if place
        else f"{find_words(options)}: map and list"
    )
    context: dict[str, Any] = {
        "q": q or "",
        "options": options,
        "errors": errors,
        "kinds": [(x, KIND_WORDS[x]) for x in Kind],
        "categories": list(Category),
        "size": chosen,
        "sizes": SIZES,
        "preview_path": path,
        "src": str(request.base_url).rstrip("/") + path,
        "title": title,
        "width": width,
        "height": height,
        "max_places": settings.search.max_k,
        "frame_origins": settings.partners.frame_origins,
        "contact": settings.partners.contact,
    }
    return render(request, "partners_embed.html", context, 422 if errors else 200)
