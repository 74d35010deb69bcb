"""Staff pages for many places at once: the list with its filters and counts.

The filtering is the place list's (`geodata.place_list`), read from the query string once
(`api.place_filters`), so every view of a list shows the same places.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import STAFF_PATH, StaffPage
from api.deps import DatasetsDep, EditorDep
from api.html import render
from api.list_views import (
    CHANGED_CHOICES,
    CHECK_CHOICES,
    KIND_CHOICES,
    MISSING_CHOICES,
    STATUS_CHOICES,
    list_url,
    one_page,
    status_counts,
)
from api.place_filters import FiltersDep
from api.staff_schemas import StaffPlaceOut
from locator.venues import Category

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)


@router.get("/places", response_class=HTMLResponse)
def places(
    request: Request,
    staff: StaffPage,
    editor: EditorDep,
    datasets: DatasetsDep,
    filters: FiltersDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    today = date.today()
    found = editor.list_places(filters.query, today)
    size = request.app.state.settings.pages.staff_list_page_size
    shown = one_page(found.places, page, size, filters.query)
    context = {
        "staff": staff,
        "found": found,
        "page": shown,
        "places": [StaffPlaceOut.of(r, today) for r in shown.items],
        "counts": status_counts(found, filters.query),
        "filters": filters.values,
        "message": filters.message,
        "choices": {
            "status": STATUS_CHOICES,
            "kind": KIND_CHOICES,
            "check": CHECK_CHOICES,
            "missing": MISSING_CHOICES,
            "changed": CHANGED_CHOICES,
            "area": datasets.staff_areas(),
        },
        "print_url": list_url(filters.query, "/places/print"),
        "area_label": datasets.areas.label,
        "categories": {c.value: c.label for c in Category},
    }
    return render(request, "staff/places.html", context, 422 if filters.message else 200)
