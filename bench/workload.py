"""What the HTTP load asks for: the endpoints, their paths, and how the postcodes are dealt out.

The headline workload is real traffic: many people, each typing their own postcode. Its
requests walk through a shuffled list of real postcodes, one after another, so no postcode
comes twice in a run; every run of the service carries on where the last one stopped, so no
round meets the postcodes of an earlier round while the service's answer cache (api/cache.py,
2,048 answers) could still hold them: a postcode comes round again only after every other one
in the list, tens of thousands of searches later, long after the cache has let it go.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PRODUCT = "service"
PEER = "peer"
GRANIAN = "granian"
UVLOOP = "uvloop"

CEILING = "ceiling"
UNIQUE = "nearest-unique"
PEER_UNIQUE = "peer-unique"
GRANIAN_UNIQUE = "granian-unique"
GRANIAN_CEILING = "granian-ceiling"
UVLOOP_UNIQUE = "uvloop-unique"
UVLOOP_CEILING = "uvloop-ceiling"
HITS = "nearest-hits"
PLACES = "places"
FIND = "find-unique"
FIND_GZIP = "find-unique-gzip"

# What a browser sends with every page it asks for: the results page comes compressed.
BROWSER_ENCODING = (("Accept-Encoding", "gzip, deflate, br"),)

NEAREST = "/api/v1/places/nearest?postcode="


@dataclass(frozen=True, slots=True)
class Endpoint:
    key: str
    label: str  # for the tables
    paths: tuple[str, ...]
    server: str = PRODUCT
    walk: bool = False  # True: one path after another, each once; False: at random
    note: str = ""
    headers: tuple[tuple[str, str], ...] = ()  # sent with every request


@dataclass(frozen=True, slots=True)
class Postcodes:
    """The postcodes a run sends: a sample for the agreement check (never in the load, so
    checking leaves nothing in the cache), one for the cache-hit row, and the shuffled rest."""

    sample: tuple[str, ...]
    hit: str
    pool: tuple[str, ...]

    @classmethod
    def deal(cls, postcodes: Sequence[str], sample: int, seed: int) -> Postcodes:
        shuffled = [postcodes[i] for i in np.random.default_rng(seed).permutation(len(postcodes))]
        sample = min(sample, max(len(shuffled) // 4, 1))
        return cls(tuple(shuffled[:sample]), shuffled[sample], tuple(shuffled[sample + 1 :]))


def quoted(codes: Sequence[str], path: str) -> tuple[str, ...]:
    return tuple(f"{path}{urllib.parse.quote(c)}" for c in codes)


def endpoints(
    postcodes: Postcodes, peer: bool, granian: bool = False, uvloop: bool = False
) -> list[Endpoint]:
    """The endpoints of one worker count, in the order of a round's first turn."""
    pool = len(postcodes.pool)
    found = [
        Endpoint(
            UNIQUE,
            "`/api/v1/places/nearest?postcode=…`, every request a new postcode",
            quoted(postcodes.pool, NEAREST),
            walk=True,
            note=f"{pool:,} postcodes, shuffled, none twice in a run: every search misses the "
            "cache",
        ),
        Endpoint(CEILING, "`/api/v1/ping` (constant JSON: the ceiling)", ("/api/v1/ping",)),
    ]
    if peer:
        found.append(
            Endpoint(
                PEER_UNIQUE,
                "minimal peer (`bench/peer.py`), every request a new postcode",
                quoted(postcodes.pool, NEAREST),
                server=PEER,
                walk=True,
                note="dict + cKDTree + orjson, the same postcodes in the same order",
            )
        )
    if granian:
        found += _granian(postcodes)
    if uvloop:
        found += _uvloop(postcodes)
    found += [
        Endpoint(
            HITS,
            "`/api/v1/places/nearest?postcode=…`, one postcode again and again",
            quoted([postcodes.hit], NEAREST),
            note="answered from the cache",
        ),
        Endpoint(PLACES, "`/api/v1/places` (GeoJSON, every place)", ("/api/v1/places",)),
        *_pages(postcodes),
    ]
    return found


def _granian(postcodes: Postcodes) -> list[Endpoint]:
    """The same app under granian, beside uvicorn: the server kept is the faster one."""
    return [
        Endpoint(
            GRANIAN_UNIQUE,
            "the service under granian, every request a new postcode",
            quoted(postcodes.pool, NEAREST),
            server=GRANIAN,
            walk=True,
            note="the same app, logging and postcodes; granian instead of uvicorn",
        ),
        Endpoint(
            GRANIAN_CEILING,
            "`/api/v1/ping` under granian",
            ("/api/v1/ping",),
            server=GRANIAN,
            note="÷ ping: against uvicorn's",
        ),
    ]


def _uvloop(postcodes: Postcodes) -> list[Endpoint]:
    """The same service on the other event loop, beside asyncio's (what it runs on)."""
    return [
        Endpoint(
            UVLOOP_UNIQUE,
            "the service on uvloop, every request a new postcode",
            quoted(postcodes.pool, NEAREST),
            server=UVLOOP,
            walk=True,
            note="`safeplaces serve` with `SAFEPLACES_SERVER__LOOP=uvloop` instead of "
            "asyncio's loop",
        ),
        Endpoint(
            UVLOOP_CEILING,
            "`/api/v1/ping` on uvloop",
            ("/api/v1/ping",),
            server=UVLOOP,
            note="÷ ping: against asyncio's loop's",
        ),
    ]


def _pages(postcodes: Postcodes) -> list[Endpoint]:
    """The results page, plain and as a browser asks for it, on the JSON searches' walk."""
    return [
        Endpoint(
            FIND,
            "`/find?postcode=…` (the results page), every request a new postcode",
            quoted(postcodes.pool, "/find?postcode="),
            walk=True,
            note="the same walk through the postcodes as the JSON searches",
        ),
        Endpoint(
            FIND_GZIP,
            "`/find?postcode=…` as a browser asks for it (gzip), every request a new postcode",
            quoted(postcodes.pool, "/find?postcode="),
            walk=True,
            note="`Accept-Encoding: gzip, deflate, br`, as browsers send it: compressed pages",
            headers=BROWSER_ENCODING,
        ),
    ]


# The percentiles each run reports besides the maximum: enough points about the 99th for
# the p99 of several runs' requests taken together (bench.load.pooled_percentile).
TAIL_PERCENTILES = (50, 75, 90, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9)

LUA = """
local paths = {%s}
local headers = {%s}
local n = #paths
local walk = %s
local at = %d
math.randomseed(%d)
request = function()
  if walk then
    at = at %% n + 1
    return wrk.format("GET", paths[at], headers)
  end
  return wrk.format("GET", paths[math.random(n)], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  local tail = {}
  for _, p in ipairs({%s}) do
    tail[#tail + 1] = string.format("[%%g, %%d]", p, latency:percentile(p))
  end
  tail[#tail + 1] = string.format("[100, %%d]", latency.max)
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"errors": %%d, "non2xx": %%d, "tail_us": [%%s]}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, table.concat(tail, ", ")))
end
"""
