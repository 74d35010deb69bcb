"""View-building without HTTP: what the results page, the embed and the staff pages show."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from synthetic import venue_at

from api.kept import kept_words
from api.settings import PagesSettings, Settings
from api.staff_views import changed_fields, clash, history_rows, row_values, shown
from api.views import FixedWords, place_view, results_view
from geodata.datasets import Datasets, load_datasets
from geodata.history import Change
from locator.hours import LONDON, OpeningHours
from locator.match import VenueMatch
from locator.opening import OpeningStates
from locator.search import SearchRequest, SearchResult, search
from maps.render import Opening

MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
PAGES = PagesSettings(tile_url="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png")


@pytest.fixture(scope="module")
def datasets(synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Datasets:
    db = Path(tmp_path_factory.mktemp("views")) / "places.db"
    settings = synthetic_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    return load_datasets(settings)


@pytest.fixture(scope="module")
def result(datasets: Datasets, synthetic_settings: Settings) -> SearchResult:
    found = search(
        SearchRequest(text="DE4 3AG", k=3),
        datasets.resolver(synthetic_settings),
        datasets.locator(synthetic_settings),
        MONDAY_10AM,
    )
    assert isinstance(found, SearchResult)
    return found


def test_results_are_numbered_as_on_the_map(result: SearchResult) -> None:
    view = results_view(result, PAGES, MONDAY_10AM)
    assert [p.number for p in view.places] == ["1", "2", "3"]
    assert [p.id for p in view.places] == [m.venue.id for m in result.places]
    assert view.police is not None and view.police.number == "P"
    assert view.open_now is not None and view.open_now.id == "S1"
    assert view.open_now.open_state == "open" and view.open_now.distance
    # Each listed place and the police front desk are on the map with the same number.
    titles = [json.loads(t) for t in re.findall(r'"title":\s*("(?:[^"\\]|\\.)*")', view.map.script)]
    assert titles[1:] == [f"{p.number}: {p.name}" for p in [*view.places, view.police]]


def test_the_embed_leaves_out_the_police_front_desk(result: SearchResult) -> None:
    view = results_view(result, PAGES, MONDAY_10AM, with_police=False)
    assert view.police is None and len(view.places) == 3


def test_a_form_post_changes_only_what_was_edited(datasets: Datasets) -> None:
    row = datasets.store.get("S1")
    loaded = row_values(row)
    assert changed_fields(dict(loaded), loaded) == {}
    posted = loaded | {"phone": "01629 533400", "email": ""}
    assert changed_fields(posted, loaded) == {
        "phone": "01629 533400",
        "outside_area_override": False,
    }


def test_a_clash_keeps_this_persons_change_on_top_of_theirs(datasets: Datasets) -> None:
    row = datasets.store.get("S1")
    loaded = row_values(row) | {"phone": "01629 111111"}  # what this person started from
    posted = loaded | {"phone": "01629 222222", "name": "Matlock Town Library"}
    changed = changed_fields(posted, loaded)
    found = clash(row, loaded, posted, changed)
    assert found.values["phone"] == "01629 222222"  # theirs changed it too: the form has ours
    assert found.values["name"] == "Matlock Town Library"
    assert "(phone number)" in found.message and "You both changed the phone number" in (
        found.message
    )


def test_history_reads_in_words_newest_first() -> None:
    at = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    changes = [
        Change(1, "seed", at, "create", {"category": (None, "library")}),
        Change(2, "ann@council.gov.uk", at, "suspend", {"status": ("active", "suspended")}),
    ]
    newest, first = history_rows(changes)
    assert newest["action"] == "suspended" and newest["fields"] == [
        ("Status", "Active", "Suspended")
    ]
    assert first["actor"] == "the open data, on first start"
    assert first["fields"] == [("What kind of place it is", None, "Library")]


def test_hours_are_shown_as_grouped_lines() -> None:
    stored = "Mon 09:00-17:00; Tue 09:00-17:00; Wed 09:00-17:00; Thu 09:00-17:00; Fri 09:00-17:00"
    assert shown("opening_hours", stored, "\n") == "Mon-Fri 09:00-17:00"
    assert shown("verified", True) == "yes"


def test_kept_words_are_the_list_as_it_reads_and_nothing_more(result: SearchResult) -> None:
    """What "Keep these places on my phone" keeps: the list's words, never a position."""
    view = results_view(result, PAGES, MONDAY_10AM)
    kept = kept_words(view.places, view.police, " DE4 3AG ")
    places = kept["places"]
    assert kept["where"] == "DE4 3AG" and isinstance(places, list)
    assert [p["number"] for p in places] == ["1", "2", "3", "P"]
    library = next(p for p in places if p["name"] == "Matlock Library")
    assert library == {
        "number": library["number"],
        "name": "Matlock Library",
        "what": "Library",
        "pic": "/static/pictures/1F4DA.svg",
        "distance": library["distance"],
        "opening": "Open now. Closes at 5pm.",
        "address": "Steep Turnpike, Matlock, DE4 3AH",
        "phones": [{"shown": "01629 000000", "tel": "tel:+44-1629-000000"}],
    }
    assert str(library["distance"]).startswith("About ") and "mile" in str(library["distance"])
    assert not re.search(r"53\.1|-1\.5|\"(lat|lon)", json.dumps(kept)), "a position was kept"
    assert kept_words(view.places, None, None)["where"] == "where you were"


def test_a_places_view_is_the_same_made_kept_or_shared(result: SearchResult) -> None:
    """Views are shared between searches with the same words (whole minutes, tenths of a
    mile): each is what `place_view` makes for its own match, whatever went before."""
    fixed = FixedWords(PAGES).for_places(object())
    venue = result.places[0].venue
    open_now, closed = Opening("Open now. Closes at 5pm.", "open"), Opening("Closed.", "closed")
    asked = [
        ("1", VenueMatch(venue, 480.0, 6), open_now),
        ("1", VenueMatch(venue, 481.0, 6), open_now),  # the same words: shared
        ("2", VenueMatch(venue, 481.0, 6), open_now),
        ("1", VenueMatch(venue, 481.0, 6), closed),
        ("1", VenueMatch(venue, 5000.0, 60), open_now),
        ("1", VenueMatch(venue, 5000.0, 61), open_now),
        ("1", VenueMatch(venue, 5010.0, 75), open_now),  # past an hour: the same words
        ("1", VenueMatch(venue, 60.0, 1), open_now),
    ]
    for number, match, words in asked * 2:
        made = fixed.view(venue, number, match, words)
        assert made == place_view(venue, MONDAY_10AM, PAGES, number, match, words)
    assert fixed.view(venue, "1", asked[0][1], open_now) is fixed.view(
        venue, "1", asked[1][1], open_now
    )
    # A place changed in the same data version (same id, another object) is not shown as it was.
    renamed = replace(venue, name="Matlock Town Library")
    again = fixed.view(renamed, "1", VenueMatch(renamed, 480.0, 6), open_now)
    assert again.name == "Matlock Town Library"


def test_a_kept_opening_is_shown_in_the_same_words_while_it_holds_and_anew_after() -> None:
    venue = venue_at(1, -1.55, 53.14, opening_hours=OpeningHours.parse("Mo-Fr 09:00-17:00"))
    states, fixed = OpeningStates(), FixedWords(PagesSettings())
    morning = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    evening = datetime(2026, 11, 24, 18, 0, tzinfo=LONDON)
    first = fixed.opening(states.of(venue, morning))
    assert first == Opening("Open now. Closes at 5pm.", "open")
    assert fixed.opening(states.of(venue, morning.replace(hour=11))) is first  # still holds
    later = fixed.opening(states.of(venue, evening))
    assert later.state == "closed" and later.words.startswith("Closed now.")
