"""The one app-owned holder of the live locator, replaced whole after a data change."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from locator.search import Locator


class LocatorRegistry:
    """Readers take `current` once per request; a data change builds a new `Locator` and swaps
    it in.

    Rebinding one attribute is atomic in Python, so a reader sees the old index or the new
    one, never a half-built one. The lock only keeps two rebuilds from running at once.
    """

    def __init__(self, locator: Locator, data_version: int = 0) -> None:
        self._locator = locator
        self._lock = threading.Lock()
        self.data_version = data_version
        # When the live locator was built (Unix time), for the operators' metrics.
        self.loaded_at = time.time()

    @property
    def current(self) -> Locator:
        return self._locator

    def swap(self, locator: Locator, data_version: int | None = None) -> Locator:
        """Make `locator` live; return the one it replaces."""
        with self._lock:
            old, self._locator = self._locator, locator
            self.loaded_at = time.time()
            self.data_version = self.data_version + 1 if data_version is None else data_version
            return old

    def current_for(self, data_version: int, build: Callable[[], Locator]) -> Locator:
        """The live locator, first rebuilt with `build` if the data has moved on.

        Every worker process calls this with the database's version: an edit committed
        through any worker is seen by the next search in all of them. The version only goes
        up, so a search that read it just before a newer rebuild takes the newer locator
        rather than building an older one again (a restored database needs a restart).
        """
        if data_version <= self.data_version:
            return self._locator
        with self._lock:
            if data_version > self.data_version:  # another thread may have rebuilt it
                self._locator = build()
                self.data_version = data_version
                self.loaded_at = time.time()
            return self._locator
