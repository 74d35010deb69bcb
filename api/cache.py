"""Answers to recent identical searches, kept in memory so a busy server need not redo them.

A search's answer depends on the place data, on the search itself and on the time: whether
each listed place is open, and the words for it ("Closes at 5pm", "Opens tomorrow"), change
when one of them opens or closes and at midnight. So each answer is kept under its search until
that moment (`valid_until`), for one version of the place data: the first answer for a newer
version empties the cache. (An "open now" search is keyed by its minute as well: which places
are open anywhere nearby can change at any of their times.) An edit through any worker swaps
in a new locator in every worker (`geodata.changes`), and answers are kept per locator, so
the next search after the swap sees the edit.

Privacy: what people search for is held only here, in this process's memory, for at most
`size` searches (the least recently used go first), and is never written or logged anywhere.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime

# About 5 KB an answer (five places with their hours): at most about 10 MB a worker.
DEFAULT_SIZE = 2048


class ResponseCache:
    """Bounded, least-recently-used, thread-safe: serialized answers by search and minute."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[bytes, datetime | None]] = OrderedDict()
        # What the answers were computed from (the live locator): another one empties the cache.
        self._data: object = None
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, data: object, key: Hashable, now: datetime | None = None) -> bytes | None:
        """The answer kept for `key` over `data` that is still right at `now`, or None."""
        with self._lock:
            entry = self._entries.get(key) if data is self._data else None
            if entry is not None and now is not None and entry[1] is not None and now >= entry[1]:
                del self._entries[key]  # its words have changed since
                entry = None
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(
        self, data: object, key: Hashable, body: bytes, valid_until: datetime | None = None
    ) -> None:
        """Keep `body` as the answer to `key` over `data`, until `valid_until` (if given)."""
        if self.size <= 0:
            return
        with self._lock:
            if data is not self._data:
                # The data changed: nothing kept so far may be served again.
                self._entries.clear()
                self._data = data
            entries = self._entries
            if key in entries:
                entries.move_to_end(key)  # a new key goes in at the end already
            entries[key] = (body, valid_until)
            while len(entries) > self.size:
                entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._data = None
