"""Staff pages for many places at once: the list with its filters and counts, its print view,
and its export for a mail merge (CSV and Excel).

The filtering is the place list's (`geodata.place_list`), read from the query string once
(`api.place_filters`), so every view of a list shows the same places.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import STAFF_PATH, StaffPage
from api.deps import DatasetsDep, EditorDep
from api.html import render
from api.list_views import (
    CHANGED_CHOICES,
    CHECK_CHOICES,
    FIX_CHOICES,
    KIND_CHOICES,
    MISSING_CHOICES,
    STATUS_CHOICES,
    filter_words,
    list_url,
    one_page,
    status_counts,
)
from api.place_filters import FiltersDep
from api.staff_schemas import StaffPlaceOut
from api.staff_views import VALUE_WORDS, shown
from geodata.list_export import export_table, to_csv, to_xlsx
from geodata.place_list import check_due
from locator.accounts import Role
from locator.errors import InvalidParameter
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
            "fix": FIX_CHOICES,
            "changed": CHANGED_CHOICES,
            "area": datasets.staff_areas(),
        },
        # A viewer changes nothing: no boxes to tick. An editor's are checked place by place.
        "can_bulk": staff.user.role is not Role.VIEWER,
        "back": list_url(filters.query, page=shown.number if shown.number > 1 else 0),
        # "All that match": the filters go to the bulk change, which finds the places again.
        "match": urlencode(filters.query.params()),
        "print_url": list_url(filters.query, "/places/print"),
        "csv_url": list_url(filters.query, "/places/export.csv"),
        "xlsx_url": list_url(filters.query, "/places/export.xlsx"),
        "area_name": datasets.areas.name,
        "categories": {c.value: c.label for c in Category},
    }
    return render(request, "staff/places.html", context, 422 if filters.message else 200)


@router.get("/places/print", response_class=HTMLResponse)
def print_view(
    request: Request,
    staff: StaffPage,
    editor: EditorDep,
    datasets: DatasetsDep,
    filters: FiltersDep,
) -> HTMLResponse:
    """Every place the filters let through (not one page), as a table that fits A4."""
    today = date.today()
    found = editor.list_places(filters.query, today)
    context = {
        "staff": staff,
        "found": found,
        "places": [StaffPlaceOut.of(r, today) for r in found.places],
        "due": {r.id: check_due(r.last_checked) for r in found.places},
        "said": filter_words(filters.query, datasets.areas.label),
        "message": filters.message,
        "today": today,
        "list_url": list_url(filters.query),
        "area_name": datasets.areas.name,
    }
    return render(request, "staff/places_print.html", context, 422 if filters.message else 200)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


@router.get("/places/export.{suffix}")
def export(
    suffix: Literal["csv", "xlsx"],
    staff: StaffPage,
    editor: EditorDep,
    datasets: DatasetsDep,
    filters: FiltersDep,
) -> Response:
    """The list as a spreadsheet for a mail merge: the same places as the list, in its order."""
    if filters.message:
        raise InvalidParameter(filters.message)
    today = date.today()
    found = editor.list_places(filters.query, today)
    area = datasets.areas.name
    table = export_table(found.places, today, lambda c: area(c) if c else "", VALUE_WORDS, shown)
    media_type, write = EXPORTS[suffix]
    name = f"safe-places-{today.isoformat()}.{suffix}"
    return Response(
        write(table),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
