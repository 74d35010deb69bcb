"""Keep a worker's loaded data out of the cyclic garbage collector's way.

A worker holds hundreds of thousands of long-lived objects once its data is loaded (postcodes,
place names, the index). CPython's full collection walks every one of them, and it runs
whenever enough new objects have outlived two younger collections: on the Derbyshire data each
took about 110 ms, and every request in that worker waited it out (under load, a p99 of
hundreds of milliseconds). Frozen (`gc.freeze`), they are left out of every collection: the
data lives as long as the worker anyway. Only what requests create is collected, in a
millisecond or so.

Frozen objects are still freed by reference counting, which is how a replaced index goes
(a `Locator` holds no reference cycles: tests/api/test_heap.py checks it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def importing() -> Iterator[None]:
    """The collector off while the service's modules are imported, and what they made frozen.

    Modules, classes, functions and the models built from them live as long as the process:
    a full collection would walk them all, and importing the service (about 1,900 modules)
    set off several, a tenth of a second of a start. A few cycles thrown away while importing
    are frozen with the rest (`settle` would freeze them a moment later anyway).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def loading() -> Iterator[None]:
    """The collector off while the data loads, for `settle` to freeze it afterwards.

    Loading makes hundreds of thousands of objects that all live on (100,000 places at
    national scale) and no garbage worth a collection: the collector would only walk them
    again and again as they grow (full collections of them alone took a third of a second
    of a national start). `settle`'s young collection afterwards frees what loading threw away.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle() -> None:
    """Freeze everything alive now, once the young garbage of loading is collected.

    Called when the data is loaded and after every rebuild. A young collection only: a full
    one costs as much as the pauses this avoids.
    """
    gc.collect(1)
    gc.freeze()


def thaw() -> None:
    """Hand everything back to the collector (the app is stopping; a process that starts
    another app, as the tests do, can then free this one)."""
    gc.unfreeze()
