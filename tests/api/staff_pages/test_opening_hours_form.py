"""The place form takes opening hours in either syntax: OpenStreetMap rules typed a line each
are kept as rules, the weekly form's bank holiday line is kept, and a bad rule is explained by
the field; the public page lists the bank holiday hours (read on a fixed ordinary Tuesday: on the
day itself a row says "(today)", and on a bank holiday the next one is not shown)."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

from fastapi.testclient import TestClient
from staff_forms import HTML, csrf

from api.deps import get_now
from locator.hours import LONDON

TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
BOX = re.compile(r'<textarea[^>]*name="opening_hours"[^>]*>([^<]*)</textarea>')


def _save(editor: TestClient, hours: str, version: int):  # type: ignore[no-untyped-def]
    page = editor.get("/staff/places/S1", headers=HTML)
    form = {
        "csrf_token": csrf(page.text), "version": str(version), "name": "Matlock Library",
        "category": "library", "postcode": "DE4 3AH", "opening_hours": hours,
    }  # fmt: skip
    return editor.post("/staff/places/S1", data=form, headers=HTML)


def _public_rows(editor: TestClient) -> str:
    """The place's public page as text, read on an ordinary Tuesday morning."""
    editor.app.dependency_overrides[get_now] = lambda: TUESDAY  # type: ignore[attr-defined]
    page = editor.get("/places/S1", headers=HTML).text
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _box(editor: TestClient) -> str:
    found = BOX.search(editor.get("/staff/places/S1", headers=HTML).text)
    assert found is not None
    return unescape(found.group(1))


def test_osm_rules_typed_a_line_each_are_kept(editor: TestClient) -> None:
    assert _save(editor, "Mo-Fr 09:00-17:00\r\nSa 10:00-13:00\r\nPH off\r\n", 1).status_code == 303
    store = editor.app.state.datasets.store  # type: ignore[attr-defined]
    saved = store.get("S1").opening_hours
    assert saved == "Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off"
    assert _box(editor) == "Mo-Fr 09:00-17:00\nSa 10:00-13:00\nPH off"
    rows = _public_rows(editor)
    assert "Saturday 10am to 1pm" in rows
    assert "Bank holidays Closed" in rows
    assert re.search(r"The next bank holiday is \w+day \d{1,2} [A-Z][a-z]+\.", rows)


def test_the_weekly_forms_bank_holiday_line_is_kept(editor: TestClient) -> None:
    assert _save(editor, "Mon-Fri 09:00-17:00\nBank holidays 10:00-16:00", 1).status_code == 303
    assert _box(editor) == "Mon-Fri 09:00-17:00\nBank holidays 10:00-16:00"
    rows = _public_rows(editor)
    assert "Bank holidays 10am to 4pm" in rows


def test_a_bad_rule_is_explained_by_the_field(editor: TestClient) -> None:
    r = _save(editor, "Mo-Fr 09:00-17:00; Sa 10:00-13:00 sometimes", 1)
    assert r.status_code == 422
    assert 'href="#f-opening_hours"' in r.text
    text = unescape(r.text)
    assert 'as OpenStreetMap opening hours: the part from "sometimes" is not understood' in text
    assert "Mo-Fr 09:00-17:00; Sa 10:00-13:00 sometimes</textarea>" in text  # kept as typed
    assert _box(editor) == "Mon-Fri 09:00-17:00\nSat 09:00-12:00"  # nothing saved
