"""The one app-owned holder of the live locator, replaced whole after a data change."""

from __future__ import annotations

import threading

from locator.search import Locator


class LocatorRegistry:
    """Readers take `current` once per request; writers build a new `Locator` and `swap` it in.

    Rebinding one attribute is atomic in Python, so a reader sees the old index or the new
    one, never a half-built one. The lock only keeps two writers from interleaving.
    """

    def __init__(self, locator: Locator) -> None:
        self._locator = locator
        self._lock = threading.Lock()
        self.version = 1

    @property
    def current(self) -> Locator:
        return self._locator

    def swap(self, locator: Locator) -> Locator:
        """Make `locator` live; return the one it replaces."""
        with self._lock:
            old, self._locator = self._locator, locator
            self.version += 1
            return old
