"""Places as Open Referral UK records, with no HTTP: every record validated against the UK
profile's compiled JSON schemas (jsonschema) and the typed models written from them, the ids
stable, the schedules exactly the opening hours, the addresses in the profile's parts."""

from __future__ import annotations

import json
import uuid
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from oruk_models import Service, ServiceAtLocation, ServiceAtLocationSummary, ServiceSummary
from synthetic import venue_at
from verify_budget import examples

from locator import oruk
from locator.contact_details import store_phones
from locator.errors import InvalidParameter
from locator.hours import OpeningHours, TimeSpan
from locator.index import VenueIndex
from locator.oruk_feed import Catalogues, ServiceQuery, page_of, parse_clock, parse_day
from locator.oruk_ids import NAMESPACE, oruk_id
from locator.oruk_schedules import BYDAY, schedules
from locator.venues import Category, Kind, LocationPrecision, Venue

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "oruk"
POLICE = oruk.Organisation("Derbyshire Constabulary", "The county's police.", "https://p.example")
SCHEME = oruk.Organisation("Testshire Council", "Runs the scheme.", "https://c.example", "a@c.uk")
PUBLISHER = oruk.Publisher(SCHEME, POLICE, "Derbyshire")


def schema(name: str) -> Draft202012Validator:
    found = json.loads((SCHEMAS / name).read_text())
    return Draft202012Validator(found, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check(validator: Draft202012Validator, record: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]
    assert not errors, errors


def no_nulls(value: object) -> bool:
    if isinstance(value, dict):
        return all(v is not None and no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nulls(v) for v in value)
    return True


LIBRARY = venue_at(
    1,
    -1.556,
    53.138454,
    id="S1",
    name="Matlock Library",
    address="Kenning Park, Steep Turnpike, Matlock, Derbyshire",
    postcode="DE4 3AH",
    phone=store_phones("01629 533400 ext 12 / 101 (non-emergency)"),
    email="matlock.library@example.org",
    website="https://libraries.example.org/matlock",
    opening_hours=OpeningHours.parse("Mon-Fri 09:00-17:00; Sat 10:00-13:00; Sun 22:00-02:00"),
    accessibility_notes="Step-free entrance from the car park.",
    last_checked=date(2026, 5, 1),
)
OFFICE = venue_at(
    2,
    -1.427,
    53.235,
    id="P1",
    name="Chesterfield Police Station",
    kind=Kind.POLICE_ENQUIRY_OFFICE,
    category=Category.POLICE_STATION,
    address="Chesterfield",
    location_precision=LocationPrecision.TOWN,
    phone="101",
    operator="Derbyshire Constabulary",
)
CAFE = venue_at(
    3,
    -1.55,
    53.14,
    id="S2",
    name="Corner Café",
    category=Category.CAFE,
    verified=False,
    verification_note="Not confirmed since 2024.",
    email="not an email",
    website="www.no-scheme.example",
)
VENUES = (LIBRARY, OFFICE, CAFE)


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.id)
def test_every_record_meets_the_profile(venue: Venue) -> None:
    records = {
        "compiled/service.json": (oruk.service(venue, PUBLISHER), Service),
        "compiled/service_list.json": (oruk.service_summary(venue, PUBLISHER), ServiceSummary),
        "compiled/service_at_location.json": (
            oruk.service_at_location(venue, PUBLISHER),
            ServiceAtLocation,
        ),
        "compiled/service_at_location_list.json": (
            oruk.service_at_location_summary(venue, PUBLISHER),
            ServiceAtLocationSummary,
        ),
    }
    for name, (record, model) in records.items():
        check(schema(name), record)
        model.model_validate(record)
        assert no_nulls(record), name


def test_terms_and_the_taxonomy_meet_the_profile() -> None:
    terms = oruk.taxonomy_terms()
    for term in terms:
        check(schema("taxonomy_term.json"), term)
    check(schema("taxonomy.json"), oruk.taxonomy())
    assert len({t["id"] for t in terms}) == len(terms) == len(Kind) + len(Category)
    by_slug = {t["term"]: t for t in terms}
    assert by_slug["library"]["parent_id"] == by_slug["safe-place"]["id"]
    assert by_slug["police-station"]["parent_id"] == by_slug["police-enquiry-office"]["id"]
    assert "parent_id" not in by_slug["safe-place"]


@settings(max_examples=examples(100))
@given(st.sampled_from(["service", "location", "phone"]), st.text(max_size=30))
def test_an_id_is_the_standard_uuid5(entity: str, key: str) -> None:
    assert oruk_id(entity, key) == str(uuid.uuid5(NAMESPACE, f"{entity}/{key}"))


def test_ids_are_uuids_made_from_the_place_id() -> None:
    first = oruk.service(LIBRARY, PUBLISHER)
    again = oruk.service(LIBRARY, PUBLISHER)
    assert first == again
    other = oruk.service(CAFE, PUBLISHER)
    ids = [first["id"], first["service_at_locations"][0]["id"], first["contacts"][0]["id"]]
    ids += [first["service_at_locations"][0]["location_id"], other["id"]]
    assert len(set(ids)) == len(ids)
    for found in ids:
        assert uuid.UUID(found).version == 5
    assert first["id"] == oruk.service_id(LIBRARY) != oruk.location_id(LIBRARY)


def test_the_service_says_what_the_place_is_and_who_answers_for_it() -> None:
    library = oruk.service(LIBRARY, PUBLISHER)
    assert library["name"] == "Safe Place: Matlock Library"
    assert "scared, lost or in trouble" in library["description"]
    assert library["organization"]["name"] == "Testshire Council"
    assert library["organization_id"] == library["organization"]["id"] == SCHEME.id
    assert (library["email"], library["url"]) == (LIBRARY.email, LIBRARY.website)
    assert library["assured_date"] == "2026-05-01"
    office = oruk.service(OFFICE, PUBLISHER)
    assert office["name"].startswith("Police enquiry office")
    assert "hate crime" in office["description"]
    assert office["organization"]["website"] == "https://p.example"
    other_force = venue_at(
        9,
        -1.4,
        53.2,
        kind=Kind.POLICE_ENQUIRY_OFFICE,
        category=Category.POLICE_STATION,
        operator="Elsewhere Police",
    )
    assert oruk.service(other_force, PUBLISHER)["organization"]["name"] == "Elsewhere Police"
    no_force = venue_at(
        10, -1.4, 53.2, kind=Kind.POLICE_ENQUIRY_OFFICE, category=Category.POLICE_STATION
    )
    assert oruk.service(no_force, PUBLISHER)["organization_id"] == POLICE.id
    cafe = oruk.service(CAFE, PUBLISHER)
    # Not a usable email or web address: left out, not sent broken.
    assert "email" not in cafe and "url" not in cafe
    assert cafe["alert"] == "Not confirmed since 2024."
    terms = {a["taxonomy_term"]["term"] for a in cafe["attributes"]}
    assert terms == {"safe-place", "cafe"}


def test_the_location_is_the_place_in_wgs84_with_its_address() -> None:
    found = oruk.service_at_location(LIBRARY, PUBLISHER)["location"]
    assert (found["latitude"], found["longitude"]) == (53.138454, -1.556)
    assert found["name"] == "Matlock Library"
    (address,) = found["addresses"]
    assert address["address_1"] == "Kenning Park, Steep Turnpike"
    assert (address["city"], address["state_province"]) == ("Matlock", "Derbyshire")
    assert (address["postal_code"], address["country"]) == ("DE4 3AH", "GB")
    assert found["accessibility"][0]["description"] == "Step-free entrance from the car park."
    office = oruk.service_at_location(OFFICE, PUBLISHER)["location"]
    (address,) = office["addresses"]
    # Only the town is known: the place's name is the first line, no postcode is made up.
    assert (address["address_1"], address["city"]) == (
        "Chesterfield Police Station",
        "Chesterfield",
    )
    assert address["postal_code"] == ""
    assert "Approximate location" in office["description"]
    assert oruk.service_at_location(CAFE, PUBLISHER)["location"]["addresses"] == []


def test_each_number_is_a_phone_on_the_services_contact() -> None:
    (contact,) = oruk.service(LIBRARY, PUBLISHER)["contacts"]
    found = [(p["number"], p.get("description")) for p in contact["phones"]]
    assert found == [("+441629533400", "extension 12"), ("101", "non-emergency")]
    assert {p["contact_id"] for p in contact["phones"]} == {contact["id"]}
    assert len({p["id"] for p in contact["phones"]}) == 2
    assert oruk.service(CAFE, PUBLISHER)["contacts"] == []
    # Not a real number (kept as typed for an officer to fix): given as it is.
    typed = venue_at(7, -1.5, 53.1, phone="ask at the desk")
    (contact,) = oruk.service(typed, PUBLISHER)["contacts"]
    assert [p["number"] for p in contact["phones"]] == ["ask at the desk"]


def test_a_relay_uk_number_says_its_prefix() -> None:
    relay = venue_at(8, -1.5, 53.1, phone="18001 +441629533400 (textphone)")
    (contact,) = oruk.service(relay, PUBLISHER)["contacts"]
    (phone,) = contact["phones"]
    assert phone["number"] == "+441629533400"
    assert phone["description"] == "textphone; through Relay UK: dial 18001 first"


def test_schedules_group_the_days_with_the_same_times() -> None:
    found = oruk.service(LIBRARY, PUBLISHER)["schedules"]
    shown = [(s["byday"], s["opens_at"], s["closes_at"]) for s in found]
    assert shown == [
        ("MO,TU,WE,TH,FR", "09:00", "17:00"),
        ("SA", "10:00", "13:00"),
        ("SU", "22:00", "02:00"),
    ]
    assert {s["freq"] for s in found} == {"WEEKLY"} and {s["interval"] for s in found} == {1}
    assert found[0]["description"].startswith("Monday, Tuesday, Wednesday, Thursday and Friday")
    assert found[2]["description"] == "Sunday: 22:00 to 02:00 the next day."
    assert "Europe/London" in found[0]["notes"]
    assert schedules(CAFE, "x") == []


@pytest.mark.parametrize(
    ("text", "week", "holidays"),
    [
        ("Mo-Fr 09:00-17:00; PH off", [("MO,TU,WE,TH,FR", "09:00", "17:00")], "Closed on"),
        ("Mo-Sa 08:00-20:00; PH 10:00-16:00", [("MO,TU,WE,TH,FR,SA", "08:00", "20:00")],
         "On bank holidays: 10:00 to 16:00."),
        ("Mon-Fri 09:00-17:00; Bank holidays as usual", [("MO,TU,WE,TH,FR", "09:00", "17:00")],
         "usual hours apply"),
        ("24/7", [("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")], "usual hours apply"),
    ],
)  # fmt: skip
def test_hours_in_either_form_with_their_bank_holidays(
    text: str, week: list[tuple[str, str, str]], holidays: str
) -> None:
    venue = venue_at(1, -1.5, 53.1, opening_hours=OpeningHours.parse(text))
    found = schedules(venue, oruk.service_id(venue))
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in found] == week
    assert all(holidays in s["notes"] and "Europe/London" in s["notes"] for s in found)
    check(schema("compiled/service.json"), oruk.service(venue, PUBLISHER))


MINUTE = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))


def _span_or_none(day: int, start: time, end: time) -> TimeSpan | None:
    try:
        return TimeSpan(day, start, end)
    except ValueError:
        return None


@settings(max_examples=examples(60))
@given(st.lists(st.tuples(st.integers(0, 6), MINUTE, MINUTE), max_size=12))
def test_the_schedules_are_exactly_the_week_people_are_shown(
    raw: list[tuple[int, time, time]],
) -> None:
    spans = [s for s in (_span_or_none(*r) for r in raw) if s is not None]
    hours = OpeningHours.parse(OpeningHours(tuple(spans)).to_text())
    venue = venue_at(1, -1.5, 53.1, opening_hours=hours)
    found = schedules(venue, oruk.service_id(venue))
    read = {
        (BYDAY.index(day), s["opens_at"], s["closes_at"])
        for s in found
        for day in s["byday"].split(",")
    }
    assert hours is not None
    shown = {
        (day, start, "00:00" if end == "24:00" else end)
        for day, (_, ranges) in enumerate(hours.by_day())
        for start, end in (r.split("-") for r in ranges)
    }
    assert read == shown
    assert len({s["id"] for s in found}) == len(found)


def test_pages_count_as_the_profile_says() -> None:
    items = list(range(5))
    first = page_of(items, 1, 2).envelope([0, 1])
    assert first == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
        "contents": [0, 1],
    }
    last = page_of(items, 3, 2)
    assert last.items == [4] and last.envelope([4])["last_page"]
    past = page_of(items, 4, 2).envelope([])
    assert past["empty"] and past["last_page"] and not past["first_page"]
    nothing = page_of([], 1, 10).envelope([])
    assert (nothing["total_pages"], nothing["first_page"], nothing["last_page"]) == (0, True, True)
    for page, per_page in ((0, 10), (1, 0), (1, 501)):
        with pytest.raises(InvalidParameter):
            page_of(items, page, per_page)


def test_filters_by_term_words_day_and_times() -> None:
    office_term, _ = oruk.term_ids(OFFICE)
    assert [v.id for v in VENUES if ServiceQuery(taxonomy_term_id=office_term).matches(v)] == ["P1"]
    assert ServiceQuery(search="steep matlock").matches(LIBRARY)
    assert not ServiceQuery(search="steep buxton").matches(LIBRARY)
    assert not ServiceQuery(taxonomy_id=str(uuid.uuid4())).matches(LIBRARY)
    assert ServiceQuery(taxonomy_id=oruk.TAXONOMY_ID).matches(LIBRARY)
    assert ServiceQuery(day=parse_day("sa")).matches(LIBRARY)
    saturday_after_ten = ServiceQuery(day=5, start_time=time(10, 30))
    assert not saturday_after_ten.matches(LIBRARY)
    assert ServiceQuery(day=0, start_time=time(9), end_time=time(17)).matches(LIBRARY)
    assert not ServiceQuery(day=0, end_time=time(16, 59)).matches(LIBRARY)
    # The Sunday span closes the next day: after any end time on Sunday.
    assert not ServiceQuery(day=6, end_time=time(23, 59)).matches(LIBRARY)
    assert not ServiceQuery(day=0).matches(CAFE)  # hours not known
    # Hours in OpenStreetMap's syntax are filtered by the same week.
    osm = venue_at(8, -1.5, 53.1, opening_hours=OpeningHours.parse("Mo-Fr 09:00-17:00; PH off"))
    assert ServiceQuery(day=4, start_time=time(9), end_time=time(17)).matches(osm)
    assert not ServiceQuery(day=5).matches(osm)
    assert parse_day("Monday") == parse_day("MO") == 0
    assert parse_clock("09:30:00", "start_time") == time(9, 30)
    for bad in ("9", "25:00", "09:60", "nine"):
        with pytest.raises(InvalidParameter) as error:
            parse_clock(bad, "start_time")
        assert "(start_time)" in error.value.user_message
    with pytest.raises(InvalidParameter) as error:
        parse_day("Funday")
    assert "(day)" in error.value.user_message


def test_a_catalogue_is_made_once_per_index() -> None:
    catalogues = Catalogues()
    first = VenueIndex(VENUES)
    assert catalogues.kept(first) is None
    made = catalogues.of(first)
    assert catalogues.kept(first) is made is catalogues.of(first)
    assert made.by_service_id(oruk.service_id(LIBRARY)) == LIBRARY
    assert made.by_service_id(oruk.service_id(LIBRARY).upper()) == LIBRARY
    assert made.by_service_at_location_id(oruk.service_id(LIBRARY)) is None
    second = VenueIndex(VENUES[1:])
    assert catalogues.kept(second) is None
    assert catalogues.of(second).by_service_id(oruk.service_id(LIBRARY)) is None
    assert catalogues.kept(first) is None  # replaced whole
    assert made.select(ServiceQuery()) == sorted(VENUES, key=lambda v: v.name.casefold())
    assert made.select(ServiceQuery(search="matlock")) == [LIBRARY]
