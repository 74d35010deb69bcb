"""Where a search runs: on the event loop when it is all local, in the thread pool when it
may wait for the online geocoder."""

from __future__ import annotations

from datetime import datetime

from fastapi.concurrency import run_in_threadpool

from geodata.resolver import LocationResolver
from locator.origin import Choices
from locator.search import Locator, SearchRequest, SearchResult, search


def goes_online(asked: SearchRequest, resolver: LocationResolver) -> bool:
    """Whether the search may ask the online geocoder (a place name, with it switched on)."""
    return asked.text is not None and resolver.geocoder is not None


async def search_places(
    asked: SearchRequest, resolver: LocationResolver, locator: Locator, now: datetime
) -> SearchResult | Choices:
    """`locator.search.search`, on the event loop unless it may wait on the network.

    All local, a search takes a fraction of a millisecond: quicker on the loop than handed
    to a thread. It also keeps the projection to the National Grid on one thread: pyproj
    gives each thread its own PROJ transformer, built (about 20 ms) the first time that
    thread projects, and the pool's threads come and go (an idle one ends after 10 s).
    """
    if goes_online(asked, resolver):
        return await run_in_threadpool(search, asked, resolver, locator, now)
    return search(asked, resolver, locator, now)
