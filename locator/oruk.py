"""Places as Open Referral UK records (HSDS 3.0, UK profile): the mapping, free of the web.

Who is the organisation? A directory team groups services by the body that answers for them
and de-duplicates organisations across feeds. A Safe Place is a shop, library or café whose
staff help under a scheme the council runs: the venue is where the help is (the location),
the council is who answers for the service (the organisation), so one organisation holds
every Safe Place, as the council's other services are listed. A police enquiry office is run
by its force (the office's operator in the data), which is its organisation.

Each place gives one service, one location and one service_at_location linking them. Ids
are UUIDs (the profile's format) made with uuid5 from the place id: the same place keeps the
same ids in every response, on every server, after every restart.

Phones: the UK profile keeps the phone table but drops `phones` from services and locations;
a phone links to a contact (`contact_id`), so a place's numbers are given on the service's one
contact, as HSDS 3.0 nests them (extra properties are allowed by the profile's schemas).
Values the profile types as strings are left out when unknown, never sent as null.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from locator.contact_details import read_phones
from locator.oruk_ids import Record, oruk_id
from locator.oruk_schedules import schedules
from locator.venues import Category, Kind, Venue

SERVICE_WORDS = {
    Kind.SAFE_PLACE: (
        "Safe Place",
        "Staff will help you if you feel scared, lost or in trouble when you are out. Go in "
        "and ask any member of staff. They will help you phone someone you trust, or the "
        "police if you need them.",
    ),
    Kind.POLICE_ENQUIRY_OFFICE: (
        "Police enquiry office",
        "Report a crime, including hate crime, or ask the police for help at the front desk. "
        "In an emergency phone 999; for anything else you can also phone 101.",
    ),
}


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation record's own fields."""

    name: str
    description: str
    website: str | None = None
    email: str | None = None

    @property
    def id(self) -> str:
        return oruk_id("organization", self.name.casefold())

    def record(self) -> Record:
        return _present(
            {
                "id": self.id,
                "name": self.name,
                "description": self.description,
                "website": _uri(self.website),
                "email": _email(self.email),
            }
        )


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who the feed names: the scheme's organisation, and the police force for an office
    whose data names none. `county` fills the addresses' state_province."""

    scheme: Organisation
    police: Organisation
    county: str = "Derbyshire"

    def organisation(self, venue: Venue) -> Organisation:
        if venue.kind is Kind.SAFE_PLACE:
            return self.scheme
        force = (venue.operator or "").strip()
        if not force or force.casefold() == self.police.name.casefold():
            return self.police
        return Organisation(force, f"{force} runs police enquiry offices in {self.county}.")


# -- the vocabulary: the kinds of place, and each category under its kind ---------------------

TAXONOMY_ID = oruk_id("taxonomy", "place-types")
TAXONOMY_NAME = "Safe Places Locator place types"
_KIND_TERMS = {Kind.SAFE_PLACE: "safe-place", Kind.POLICE_ENQUIRY_OFFICE: "police-enquiry-office"}


def kind_term_id(kind: Kind) -> str:
    return oruk_id("taxonomy_term", _KIND_TERMS[kind])


def category_term_id(category: Category) -> str:
    return oruk_id("taxonomy_term", category.value.replace("_", "-"))


def taxonomy() -> Record:
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": "The kinds of place the Safe Places Locator lists (Safe Places and "
        "police enquiry offices), and under each the sort of venue it is.",
        "version": "1",
    }


def taxonomy_terms() -> list[Record]:
    """Every term: the two kinds first, then the categories, each under its kind."""
    terms = [
        _term(kind_term_id(kind), slug, SERVICE_WORDS[kind][0], SERVICE_WORDS[kind][1], None)
        for kind, slug in _KIND_TERMS.items()
    ]
    for category in Category:
        slug = category.value.replace("_", "-")
        words = f"{category.label}: a {SERVICE_WORDS[category.kind][0].lower()} of this sort."
        terms.append(_term(category_term_id(category), slug, category.label, words, category.kind))
    return terms


def _term(term_id: str, slug: str, name: str, description: str, parent: Kind | None) -> Record:
    return _present(
        {
            "id": term_id,
            "name": name,
            "description": description,
            "parent_id": kind_term_id(parent) if parent is not None else None,
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": TAXONOMY_ID,
            "term": slug,
        }
    )


def term_ids(venue: Venue) -> tuple[str, str]:
    """The terms a place is filed under: its kind and its category."""
    return kind_term_id(venue.kind), category_term_id(venue.category)


@cache
def _terms_by_id() -> dict[str, Record]:
    """The terms by id, made once: a pure function of the enums (callers copy what they keep)."""
    return {t["id"]: t for t in taxonomy_terms()}


def attributes(venue: Venue, service_id: str) -> list[Record]:
    """The links from a service to its terms."""
    return [
        {
            "id": oruk_id("attribute", f"{venue.id}/{term_id}"),
            "link_id": service_id,
            "link_type": "service",
            "taxonomy_term_id": term_id,
            "taxonomy_term": dict(_terms_by_id()[term_id]),
        }
        for term_id in term_ids(venue)
    ]


# -- one place's records ------------------------------------------------------------------


def service_id(venue: Venue) -> str:
    return oruk_id("service", venue.id)


def location_id(venue: Venue) -> str:
    return oruk_id("location", venue.id)


def service_at_location_id(venue: Venue) -> str:
    return oruk_id("service_at_location", venue.id)


def service_summary(venue: Venue, publisher: Publisher) -> Record:
    """A service's one-to-one fields and its organisation (the profile's service list item)."""
    organisation = publisher.organisation(venue)
    name, description = SERVICE_WORDS[venue.kind]
    alert = venue.verification_note if not venue.verified else None
    return _present(
        {
            "id": service_id(venue),
            "organization_id": organisation.id,
            "name": f"{name}: {venue.name}",
            "description": description,
            "url": _uri(venue.website),
            "email": _email(venue.email),
            # Only active places are published.
            "status": "active",
            "assured_date": venue.last_checked.isoformat() if venue.last_checked else None,
            "alert": alert or None,
            "organization": organisation.record(),
        }
    )


def service(venue: Venue, publisher: Publisher) -> Record:
    """A service with everything about it (the profile's full service)."""
    found = service_summary(venue, publisher)
    sid = found["id"]
    found["schedules"] = schedules(venue, sid)
    found["service_at_locations"] = [
        {
            "id": service_at_location_id(venue),
            "service_id": sid,
            "location_id": location_id(venue),
            "location": location(venue, publisher),
        }
    ]
    found["contacts"] = contacts(venue, sid)
    found["attributes"] = attributes(venue, sid)
    return found


def location_summary(venue: Venue) -> Record:
    """A location's one-to-one fields. The position is WGS84 (EPSG:4326), as HSDS asks."""
    notes = [venue.category.label, venue.location_note]
    return _present(
        {
            "id": location_id(venue),
            "location_type": "physical",
            "name": venue.name,
            "description": ". ".join(n.rstrip(".") for n in notes if n) + ".",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "external_identifier": venue.id,
            "external_identifier_type": "Safe Places Locator place id",
        }
    )


def location(venue: Venue, publisher: Publisher) -> Record:
    found = location_summary(venue)
    found["addresses"] = [address(venue, publisher.county)] if venue.address.strip() else []
    notes = (venue.accessibility_notes or "").strip()
    access = {"id": oruk_id("accessibility", venue.id), "location_id": found["id"]}
    found["accessibility"] = [{**access, "description": notes}] if notes else []
    return found


def address(venue: Venue, county: str) -> Record:
    """The free-text address in the profile's parts: the last part is the town (after a
    trailing county, if given), the rest is the first line. A place whose address is only its
    town takes its own name as the first line. The postcode is empty when not known (it is a
    required field, and no postcode is made up)."""
    parts = [p.strip() for p in venue.address.split(",") if p.strip()]
    if parts and parts[-1].casefold() == county.casefold():
        parts.pop()
    city = parts.pop() if parts else county
    return {
        "id": oruk_id("address", venue.id),
        "location_id": location_id(venue),
        "address_1": ", ".join(parts) or venue.name,
        "city": city,
        "state_province": county,
        "postal_code": venue.postcode or "",
        "country": "GB",
        "address_type": "physical",
    }


def service_at_location_summary(venue: Venue, publisher: Publisher) -> Record:
    """The profile's service_at_location list item: the link, its location and its service."""
    return {
        "id": service_at_location_id(venue),
        "service_id": service_id(venue),
        "location_id": location_id(venue),
        "location": location_summary(venue),
        "service": service_summary(venue, publisher),
    }


def service_at_location(venue: Venue, publisher: Publisher) -> Record:
    """The full service_at_location: the location and the service with all their records."""
    full = service(venue, publisher)
    del full["service_at_locations"]  # this record is that link
    return {
        "id": service_at_location_id(venue),
        "service_id": full["id"],
        "location_id": location_id(venue),
        "location": location(venue, publisher),
        "service": full,
    }


def contacts(venue: Venue, sid: str) -> list[Record]:
    """The place's one contact (its front desk), with a phone record for each number."""
    if not (venue.phone or "").strip():
        return []
    contact_id = oruk_id("contact", venue.id)
    found = {"id": contact_id, "service_id": sid, "name": venue.name}
    return [{**found, "phones": phones(venue, contact_id)}]


def phones(venue: Venue, contact_id: str) -> list[Record]:
    """Each number in E.164 (``+441629533400``; a UK short number as its digits, ``101``),
    its words and any extension in the description (the profile has no extension field).
    A stored value that isn't a real number (kept for an officer to fix) is given as it is."""
    stored = (venue.phone or "").strip()
    numbers = read_phones(stored)
    if numbers is None:
        return [{"id": oruk_id("phone", venue.id), "contact_id": contact_id, "number": stored}]
    found = []
    for number in numbers:
        words = [number.label or "", f"extension {number.extension}" if number.extension else ""]
        # E.164 has no room for Relay UK's prefix: the words say it (18001 01629 533400).
        words.append(f"through Relay UK: dial {number.relay} first" if number.relay else "")
        described = "; ".join(w for w in words if w)
        record = {
            "id": oruk_id("phone", f"{venue.id}/{number.stored}"),
            "contact_id": contact_id,
            "number": number.number,
        }
        found.append({**record, "description": described} if described else record)
    return found


def _present(record: Record) -> Record:
    """Without the fields that are not known: the profile types them as strings, not null."""
    return {k: v for k, v in record.items() if v is not None}


def _uri(value: str | None) -> str | None:
    text = (value or "").strip()
    return text if text.startswith(("https://", "http://")) and " " not in text else None


def _email(value: str | None) -> str | None:
    text = (value or "").strip()
    local, at, domain = text.partition("@")
    return text if local and at and "." in domain and " " not in text else None
