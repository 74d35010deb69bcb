"""Where login passwords are checked: a few threads of their own, at a low CPU priority.

argon2 is slow and memory-hard on purpose (a tenth of a second of CPU, 64 MiB and four lanes
for each check). A login runs in one of only `LoginSettings.hash_threads` threads (the login
route's own CapacityLimiter, so the threads public routes share are never taken), and that
thread hands the argon2 check itself to one of as many threads here. On Linux these, and the
lanes argon2 starts from them, run at nice `LoginSettings.hash_nice`: when the cores are busy
a public lookup goes first, and a login, not a search for a Safe Place, is what waits.

Only the hash runs at the low priority; the login's database work stays at the normal one. A
thread starved of CPU while it holds the GIL would hold up every other thread of the worker,
the event loop too, and argon2 (in C) lets go of the GIL while it works.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def _lower_priority(nice: int) -> None:
    # Linux gives each thread its own nice value; elsewhere a thread id is not a process id,
    # and setpriority would renice the wrong thing.
    if sys.platform == "linux" and nice > 0:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)


class PasswordChecks:
    """The app's password-checking threads (`app.state.password_checks`)."""

    def __init__(self, check: Callable[[str, str], bool], threads: int, nice: int = 0) -> None:
        self._check = check
        self._pool = ThreadPoolExecutor(
            threads, thread_name_prefix="password", initializer=_lower_priority, initargs=(nice,)
        )

    def verify(self, password: str, hashed: str) -> bool:
        """Does `password` match `hashed`? Called from a login thread, which waits here."""
        return self._pool.submit(self._check, password, hashed).result()
