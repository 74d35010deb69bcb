"""Which format an OGC API - Features request asks for, after refusing what it may not ask.

``f=json`` / ``f=html`` names the format; without it the Accept header decides, JSON unless
HTML is preferred, so clients that send ``*/*`` get JSON. A parameter the resource doesn't
take, or one given twice, is a 400 (the standard's status).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from fastapi import Request

from api.params import refuse_unknown
from locator.errors import BadQueryParameter

Format = Literal["json", "html"]


def negotiate(request: Request, allowed: Iterable[str] = ("f",)) -> Format:
    """The format asked for, after refusing parameters this resource doesn't take."""
    refuse_unknown(request.query_params, allowed)
    f = request.query_params.get("f")
    if f is not None:
        if f.lower() not in ("json", "html"):
            raise BadQueryParameter('f must be "json" or "html".', log_message="unknown format")
        return "html" if f.lower() == "html" else "json"
    return "html" if _prefers_html(request.headers.get("accept", "")) else "json"


def _prefers_html(accept: str) -> bool:
    """True when the Accept header ranks HTML above JSON (a browser); ties go to JSON."""
    html = json = 0.0
    for item in accept.split(","):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, q)
        elif "json" in media or media in ("*/*", "application/*"):
            json = max(json, q)
    return html > json
