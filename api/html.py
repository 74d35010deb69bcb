"""Rendering pages: shared context, a per-response CSP nonce, private pages kept out of the
browser's cache, and HTML error pages."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.auth import STAFF_PATH
from api.contacts import DEFAULT_CONTACTS, ContactBook, load_contact_book
from api.fragments import AnsweredPlaces, ListedPlaces
from api.pictures import picture
from api.settings import PagesSettings, Settings
from api.static import referrer_policy
from api.views import places_words
from locator.contact_details import shown_phones

TEMPLATES_DIR = Path(__file__).parent / "templates"
# The pages of a search, compiled as a server starts rather than by the first search.
SEARCH_PAGES = ("home.html", "find.html", "place.html")


def make_templates(root: str = "") -> Jinja2Templates:
    """`root`: the path prefix the service is served under ("" at the root), before every
    link a template writes."""
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    # The templates ship with the code: not checked on disk again at every page (a results
    # page includes about twenty), and a server never mixes old code with new templates.
    templates.env.auto_reload = False
    templates.env.globals["root"] = root
    templates.env.filters["rooted"] = lambda path: _rooted(root, path)
    templates.env.filters["places"] = places_words
    templates.env.filters["phone"] = shown_phones  # stored in E.164, read as dialled
    templates.env.globals["picture"] = partial(picture, root=root)
    # place_item for a search's list, its fixed words made once for each place.
    templates.env.globals["listed_place"] = ListedPlaces(templates.env)
    templates.env.globals["answered_place"] = AnsweredPlaces(templates.env)
    return templates


def _rooted(root: str, url: object) -> object:
    """A path of this app ("/find?…") with the prefix before it; any other address (a full
    URL, tel:, mailto:, a path already made by url_for) as it is."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return root + url
    return url


def no_store(request: Request) -> None:
    """Mark a page as private: what someone searched for, looked at or may report.

    Its page (and any error page it gives) is sent with `Cache-Control: no-store`, so it is
    never written to the browser's cache: after "Exit this page", Back or the cache can't show
    it again without asking this server.
    """
    request.state.no_store = True


# For a route's `dependencies=[...]`.
NoStore = Depends(no_store)


def contact_book(pages: PagesSettings) -> ContactBook:
    return load_contact_book(pages.contacts_file or DEFAULT_CONTACTS)


def is_staff_path(path: str) -> bool:
    return path == STAFF_PATH or path.startswith(STAFF_PATH + "/")


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    frame_origins: Sequence[str] | None = None,
) -> HTMLResponse:
    """A page with the shared context (help contacts, exit link) and a strict CSP.

    Pages refuse to be framed unless `frame_origins` is given (the embeddable map): then this
    site and those origins may frame it. A route marked `NoStore` is never cached.
    """
    templates: Jinja2Templates = request.app.state.templates
    base = page_context(request)
    response = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )
    return with_page_headers(request, response, base["nonce"], frame_origins)


def page_context(request: Request, path: str | None = None) -> dict[str, Any]:
    """What every page's template is given: the pages' settings, the help contacts, this
    response's CSP nonce, the referrer policy, and whether it is a staff page (`path`: the
    page's path where the caller knows it, else the request's)."""
    pages = request.app.state.settings.pages
    path = request.url.path if path is None else path
    return {
        "pages": pages,
        "contacts": contact_book(pages).contacts,
        "nonce": request.app.state.nonces(),
        "referrer_policy": referrer_policy(path),
        # Staff pages are for council officers at work: no quick exit, no "help now" panel.
        "staff_page": is_staff_path(path),
    }


def with_page_headers(
    request: Request,
    response: HTMLResponse,
    nonce: str,
    frame_origins: Sequence[str] | None = None,
) -> HTMLResponse:
    """A page's CSP (with its nonce) and, for a route marked `NoStore`, its Cache-Control."""
    settings: Settings = request.app.state.settings
    response.headers["Content-Security-Policy"] = content_security_policy(
        settings.pages.tile_url, nonce, frame_origins
    )
    if getattr(request.state, "no_store", False):
        response.headers["Cache-Control"] = "no-store"
    return response


def page_response(
    request: Request, body: bytes | str, nonce: str, status_code: int = 200
) -> HTMLResponse:
    """A page made already, with `with_page_headers`' headers written with the others
    (a results page's answer: one list of headers made, none looked for and replaced)."""
    settings: Settings = request.app.state.settings
    headers = {"Content-Security-Policy": content_security_policy(settings.pages.tile_url, nonce)}
    if getattr(request.state, "no_store", False):
        headers["Cache-Control"] = "no-store"
    return HTMLResponse(body, status_code, headers)


def content_security_policy(
    tile_url: str, nonce: str, frame_origins: Sequence[str] | None = None
) -> str:
    """Only this app's own scripts (and the map's, by nonce); images also from the tile server."""
    before, after = _policy_around_nonce(
        tile_url, None if frame_origins is None else tuple(frame_origins)
    )
    return f"{before}{nonce}{after}"


@lru_cache(maxsize=16)
def _policy_around_nonce(tile_url: str, frame_origins: tuple[str, ...] | None) -> tuple[str, str]:
    """The policy either side of its nonce: the same for every page with these settings."""
    tiles = urlsplit(tile_url)
    tile_origin = f"{tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    after = [
        # Leaflet positions tiles and markers with inline styles.
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: {tile_origin}".strip(),
        "connect-src 'self'",
        # The installable app: its manifest and its service worker, from this site only.
        "manifest-src 'self'",
        "worker-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors "
        + ("'none'" if frame_origins is None else " ".join(["'self'", *frame_origins])),
    ]
    return "default-src 'self'; script-src 'self' 'nonce-", "'; " + "; ".join(after)


def wants_html(request: Request) -> bool:
    """Page routes answer errors as pages; the API and scripts get problem+json."""
    path = request.url.path
    if path.startswith(("/api/", "/static/", "/openapi", "/healthz", "/readyz")):
        return False
    if path.startswith("/ogc"):
        # OGC API resources name their format with ?f=, and that wins over Accept.
        f = request.query_params.get("f", "").lower()
        if f in ("json", "html"):
            return f == "html"
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status
    )
