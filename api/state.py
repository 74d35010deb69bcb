"""The app's state (`app.state`), its values read as plain attributes.

Starlette's `State` keeps its values in a dict behind `__getattr__`, which Python calls only
after the ordinary lookup has failed: every read of `app.state.registry` first raises and
clears an AttributeError (about 2,500 machine instructions), and a JSON search reads four.
Here each value is also an ordinary attribute, found at once; the dict is kept as well, so
item access, iteration and `len` are Starlette's.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import State


class AppState(State):
    def __init__(self, state: dict[str, Any] | None = None) -> None:
        super().__init__(state)
        for key, value in self._state.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key: Any, value: Any) -> None:
        self._state[key] = value
        object.__setattr__(self, key, value)

    def __setitem__(self, key: str, value: Any) -> None:
        self.__setattr__(key, value)

    def __delattr__(self, key: Any) -> None:
        del self._state[key]
        object.__delattr__(self, key)

    def __delitem__(self, key: str) -> None:
        self.__delattr__(key)
