"""Optional online place-name fallback through geopy's Nominatim client.

Off by default: it sends what the person typed to another server. When on, requests are
rate-limited (Nominatim's usage policy asks for at most one a second), answers are cached in
memory, and results are restricted to Great Britain around the service area.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from locator.errors import GeocoderUnavailable
from locator.settings import GeocoderSettings

log = logging.getLogger(__name__)

GeocodeHit = tuple[float, float, str]  # latitude, longitude, display name


class OnlineGeocoder:
    """Looks a free-text place up online; one instance per app, with its own cache."""

    def __init__(
        self,
        settings: GeocoderSettings,
        viewbox: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ) -> None:
        url = settings.url
        self._client = Nominatim(
            user_agent=settings.user_agent,
            domain=f"{url.host}{f':{url.port}' if url.port else ''}{(url.path or '').rstrip('/')}",
            scheme=url.scheme,
            timeout=settings.timeout_seconds,
        )
        self._geocode = RateLimiter(
            self._client.geocode,
            min_delay_seconds=settings.min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._country_codes = settings.country_codes
        self._viewbox = viewbox
        self._cache: OrderedDict[str, GeocodeHit | None] = OrderedDict()
        self._cache_size = settings.cache_size
        self._lock = threading.Lock()

    def lookup(self, query: str) -> GeocodeHit | None:
        """The best match for `query`, or None when the geocoder knows no such place."""
        key = " ".join(query.lower().split())
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        kwargs: dict[str, Any] = {"exactly_one": True, "country_codes": self._country_codes}
        if self._viewbox is not None:
            kwargs["viewbox"] = self._viewbox
        try:
            location = self._geocode(query, **kwargs)
        except GeopyError as exc:
            # The query is never logged: only that the service failed.
            log.warning("online geocoder failed: %s", type(exc).__name__)
            raise GeocoderUnavailable(
                "We couldn't search for that place just now. Please try a postcode instead."
            ) from exc
        hit = (
            None if location is None else (location.latitude, location.longitude, location.address)
        )
        with self._lock:
            self._cache[key] = hit
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return hit
