"""A coroutine run to its end from a plain (synchronous) test.

`asyncio.run` refuses to start where an event loop is already running in the thread, and one
is once Playwright's sync API has started in it (the browser tests' session): so each runs in
a thread of its own, with a loop of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(1, thread_name_prefix="test-loop") as pool:
        return pool.submit(asyncio.run, coroutine).result()
