"""Whether the service and the minimal peer answer alike, so that comparing their speed is fair:
the same places in the same order, and the same police enquiry office, for a sample of real
postcodes, each asked once of each (these postcodes are kept out of the load's walk)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Protocol

from bench.workload import NEAREST


class Server(Protocol):
    def get(self, path: str) -> bytes: ...


@dataclass
class Agreement:
    checked: int = 0
    same: int = 0
    # The same places, but some at exactly the same grid distance in the other order.
    ties: int = 0
    different: list[str] = field(default_factory=list)  # the postcodes, for the report
    fields_differ: list[str] = field(default_factory=list)  # JSON fields one has and not the other

    def summary(self) -> str:
        text = f"{self.same:,} of {self.checked:,} postcodes: the same places in the same order"
        if self.ties:
            text += f"; {self.ties} differ only in the order of places at exactly equal distance"
        if self.different:
            text += f"; **{len(self.different)} DIFFERENT** (e.g. {self.different[0]})"
        if self.fields_differ:
            text += f"; **JSON fields differ: {', '.join(self.fields_differ)}**"
        return text


def _ids(answer: dict[str, Any]) -> list[str]:
    police = answer["nearest_police_enquiry_office"]
    return [p["id"] for p in answer["places"]] + [police["id"] if police else ""]


def _fields(answer: dict[str, Any]) -> set[str]:
    found = {f"origin.{k}" for k in answer["origin"]} | set(answer)
    for p in answer["places"][:1]:
        found |= {f"places.{k}" for k in p}
    return found


def _tied_only(mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """The same places, where a different order is only among equal grid distances (the
    peer's distances are grid metres, so an exact tie shows as equal figures)."""
    at = 0
    ours = [p["id"] for p in mine["places"]]
    for _, group in groupby(theirs["places"], key=lambda p: p["distance_m"]):
        ids = {p["id"] for p in group}
        if set(ours[at : at + len(ids)]) != ids:
            return False
        at += len(ids)
    return at == len(ours) and _ids(mine)[-1] == _ids(theirs)[-1]


def agree(service: Server, peer: Server, postcodes: Sequence[str]) -> Agreement:
    found = Agreement()
    missing: set[str] = set()
    for code in postcodes:
        path = NEAREST + urllib.parse.quote(code)
        mine, theirs = json.loads(service.get(path)), json.loads(peer.get(path))
        found.checked += 1
        missing |= _fields(mine) ^ _fields(theirs)
        if _ids(mine) == _ids(theirs):
            found.same += 1
        elif _tied_only(mine, theirs):
            found.ties += 1
        else:
            found.different.append(code)
    found.fields_differ = sorted(missing)
    return found
