"""Places as rows in memory, for testing lists and exports without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from geodata.rows import PlaceRow

TODAY = date(2026, 12, 2)
DALES, AMBER = "E07000035", "E07000032"


def place(ref: str, name: str, **fields: object) -> PlaceRow:
    values: dict[str, object] = {
        "id": f"SP{ref}", "external_ref": ref, "name": name, "kind": "safe_place",
        "category": "library", "address": "", "postcode": None, "latitude": 53.1,
        "longitude": -1.5, "location_precision": "postcode", "status": "active",
        "local_authority_code": DALES, "last_checked": TODAY - timedelta(days=10),
        "phone": "01629 000000", "opening_hours": "Mon 09:00-17:00",
        "accessibility_notes": "Step-free", "version": 1,
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
    }  # fmt: skip
    return PlaceRow(**(values | fields))


ROWS = [
    place("MAT-001", "Matlock Library", address="Steep Turnpike, Matlock", postcode="DE4 3AG",
          phone="01629 533 400", last_checked=TODAY - timedelta(days=400)),
    place("MAT-002", "Corner Café", address="Dale Road, Matlock", postcode="DE4 3AH",
          status="suspended", phone=None, last_checked=None, contact_name="Jo Bloggs",
          contact_email="jo@cafe.example", contact_phone="07700 900456"),
    place("ALF-001", "Alfreton Library", address="Severn Square, Alfreton", postcode="DE55 7BQ",
          local_authority_code=AMBER, opening_hours=None,
          last_checked=TODAY - timedelta(days=350)),
    place("POL-001", "Chesterfield Police Station", kind="police_enquiry_office",
          category="police_station", phone="101", status="removed", accessibility_notes="",
          local_authority_code="E07000034", updated_at=datetime.now(UTC)),
    place("MAT-003", "Matlock Bath Pharmacy", postcode="DE4 3PG", status="draft"),
]  # fmt: skip
