"""The staff place list's filters, read from a page's query string: the list, its print view
and its export all take them, so each shows exactly the same places.

An empty value means any. A value we don't know is said in words above the list, which then
leaves that filter out; what was typed stays in the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from api.deps import DatasetsDep
from geodata.place_list import PlaceQuery
from locator.errors import InvalidParameter

Text = Annotated[str | None, Query(max_length=100)]


@dataclass(frozen=True, slots=True)
class ListFilters:
    query: PlaceQuery
    message: str | None = None  # what could not be read, in words

    @property
    def values(self) -> dict[str, str]:
        """What the form shows: each filter as it was read (the search as typed)."""
        return self.query.params()


def list_filters(
    datasets: DatasetsDep,
    q: Text = None,
    status: Text = None,
    area: Text = None,
    kind: Text = None,
    check: Text = None,
    overdue: Text = None,
    missing: Text = None,
    fix: Text = None,
    changed: Text = None,
) -> ListFilters:
    typed = {
        "q": q, "status": status, "area": area, "kind": kind, "check": check,
        "overdue": overdue, "missing": missing, "fix": fix, "changed": changed,
    }  # fmt: skip
    given = {k: (v or "").strip() for k, v in typed.items()}
    messages = []
    if given["area"]:
        # A name ("Amber Valley") or a code in any case.
        try:
            known = datasets.gazetteer.local_authority_codes()
            given["area"] = next(iter(datasets.areas.parse([given["area"]], known)), "")
        except ValueError as exc:
            messages.append(str(exc))
            given["area"] = ""
    try:
        query = PlaceQuery.from_params(given)
    except InvalidParameter as exc:
        messages.append(exc.user_message)
        query = PlaceQuery.from_params(_valid_only(given))
    return ListFilters(query, " ".join(messages) or None)


def _valid_only(given: dict[str, str]) -> dict[str, str]:
    """The filters that can be read on their own (the text search always can)."""
    kept = {}
    for key, value in given.items():
        try:
            PlaceQuery.from_params({key: value})
        except InvalidParameter:
            continue
        kept[key] = value
    return kept


FiltersDep = Annotated[ListFilters, Depends(list_filters)]
