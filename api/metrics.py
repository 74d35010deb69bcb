"""/metrics in Prometheus' text format: requests and their latency by route template (never
the path people asked for, nor its query), and what the service has loaded.

Counted in the access log's middleware (`api.logging.PrivateAccessLog`), which already knows
the route template: one dictionary lookup and two additions per request. With several worker
processes, `safeplaces serve` points PROMETHEUS_MULTIPROC_DIR at a folder of its own, so the
counts are the sum over all workers whichever one answers the scrape; what is loaded (places,
data version, last reload) is that of the worker that answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from ipaddress import ip_address, ip_network
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.datastructures import State

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Seconds: from a cached nearest-place answer (well under a millisecond) to a slow import.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)


class LoadedData(Collector):
    """What this worker has loaded, read from the app's state when scraped (never counted)."""

    def __init__(self, state: State, version: str) -> None:
        self._state = state
        self._version = version

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("safeplaces_info", "The running version.", labels=["version"])
        info.add_metric([self._version], 1)
        yield info
        registry = getattr(self._state, "registry", None)
        if registry is None:  # still starting
            return
        places = GaugeMetricFamily(
            "safeplaces_places_loaded", "Active places in the live index.", labels=["kind"]
        )
        for kind, count in registry.current.index.counts().items():
            places.add_metric([kind], count)
        yield places
        yield GaugeMetricFamily(
            "safeplaces_data_version",
            "The version of the place data the live index was built from.",
            value=registry.data_version,
        )
        yield GaugeMetricFamily(
            "safeplaces_last_reload_timestamp_seconds",
            "When the live index was last built (Unix time).",
            value=registry.loaded_at,
        )
        watcher = getattr(self._state, "watcher", None)
        if watcher is not None:
            yield GaugeMetricFamily(
                "safeplaces_database_reachable",
                "1 while the database answers; 0 while searches are answered from memory alone.",
                value=int(watcher.reachable),
            )


class RequestMetrics:
    """The app's own metrics registry (never prometheus_client's global one: each app, a
    test's included, counts only its own requests)."""

    def __init__(self, state: State, version: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._multiprocess = bool(os.environ.get(MULTIPROCESS_DIR))
        self._requests = Counter(
            "safeplaces_requests",
            "Requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "safeplaces_request_duration_seconds",
            "Time to answer, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._loaded = LoadedData(state, version)
        self.registry.register(self._loaded)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:  # the first of its kind: label lookups once, not per request
            children = (
                self._requests.labels(method, route, str(status)),
                self._latency.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def exposition(self) -> bytes:
        if not self._multiprocess:
            return generate_latest(self.registry)
        # Every worker's counts, summed from their files; this worker's loaded data.
        combined = CollectorRegistry()
        MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
        combined.register(self._loaded)
        return generate_latest(combined)


def allowed(client_host: str | None, networks: list[str]) -> bool:
    """Whether a scrape from `client_host` may see the metrics (no networks: anyone)."""
    if not networks:
        return True
    try:
        address = ip_address(client_host or "")
    except ValueError:
        return False
    return any(address in ip_network(n, strict=False) for n in networks)
