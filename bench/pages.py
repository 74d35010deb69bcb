"""The results page: bytes a phone downloads (compressed, all assets but tiles) and render time."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from bench.timing import Timing, gc_paused

RESULTS_URL = "/find?q=DE4%203AG&k=10"
WORKER_URL = "/sw.js"
_ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"')
_ICON = re.compile(r'<use href="(/static/[^"#]+)')


@dataclass(frozen=True, slots=True)
class PagesResult:
    places: int
    transfer: list[tuple[str, int, int]]  # url, compressed bytes, uncompressed bytes
    render: Timing
    worker: Timing  # /sw.js, which phones ask for at every visit

    @property
    def total_compressed(self) -> int:
        return sum(c for _, c, _ in self.transfer)


def _compressed_size(client: TestClient, url: str) -> tuple[int, int]:
    with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as r:
        body = r.read()
        return r.num_bytes_downloaded, len(body)


def run_pages(repeats: int) -> PagesResult:
    with TestClient(create_app(Settings())) as client:
        html = client.get(RESULTS_URL).text
        places = html.count('class="sp-place"')
        urls = [RESULTS_URL, *dict.fromkeys(_ASSET.findall(html) + _ICON.findall(html))]
        transfer = [(url, *_compressed_size(client, url)) for url in urls]
        for _ in range(5):  # warm up templates, caches and the locator
            client.get(RESULTS_URL)
        samples: dict[str, list[float]] = {RESULTS_URL: [], WORKER_URL: []}
        with gc_paused():
            for _ in range(repeats):
                for url, times in samples.items():
                    start = time.perf_counter()
                    client.get(url)
                    times.append(time.perf_counter() - start)
    return PagesResult(
        places, transfer, Timing(tuple(samples[RESULTS_URL])), Timing(tuple(samples[WORKER_URL]))
    )
