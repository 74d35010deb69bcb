"""Typed models of the Open Referral UK profile (HSDS 3.0), written from its compiled schemas.

Written field by field from OpenReferralUK/uk-profile ``schema/compiled/`` (commit ecdfabf,
copies in tests/fixtures/oruk/): every property each record may have, the required ones
required, the formats checked (uuid, email, uri, date, date-time, the enums), and nothing
else allowed (a misspelt field fails). The one addition is `Contact.phones`, where HSDS 3.0
nests a contact's phones (the profile keeps the phone record, linked by `contact_id`).
The paged list is the profile OpenAPI's `Page`. The profile is by Open Referral, CC BY-SA 4.0.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import AnyUrl, AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

# "HH:MM" (the profile's words) or "HH:MM:SS" (its example), optionally with an offset.
CLOCK = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d\d:\d\d)?$"
BYDAY = r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$"
LocationType = Literal["physical", "postal", "virtual"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class TaxonomyTerm(Record):
    id: UUID
    name: str
    description: str
    parent_id: UUID | None = None
    taxonomy: str | None = None
    taxonomy_id: UUID | None = None
    term_uri: AnyUrl | None = None
    term: str | None = None


class Taxonomy(Record):
    id: UUID
    name: str
    description: str
    uri: AnyUrl | None = None
    version: str | None = None
    taxonomy_terms: list[TaxonomyTerm] | None = None


class Attribute(Record):
    id: UUID
    link_id: UUID | None = None
    taxonomy_term_id: UUID | None = None
    link_type: str | None = None
    taxonomy_term: TaxonomyTerm | None = None


class Schedule(Record):
    id: UUID
    service_id: UUID | None = None
    service_at_location_id: UUID | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    dtstart: date | None = None
    freq: Literal["WEEKLY", "MONTHLY"] | None = None
    interval: float | None = None
    byday: str | None = Field(
        default=None, pattern=r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$"
    )
    bymonthday: str | None = None
    description: str | None = None
    opens_at: str | None = Field(default=None, pattern=CLOCK)
    closes_at: str | None = Field(default=None, pattern=CLOCK)
    schedule_link: AnyUrl | None = None
    attending_type: str | None = None
    notes: str | None = None


class ServiceArea(Record):
    id: UUID
    service_id: UUID | None = None
    name: str | None = None
    extent: str | None = None
    extent_type: str | None = None
    uri: str | None = None
    service_area: str | None = None


class Address(Record):
    id: UUID
    location_id: UUID | None = None
    attention: str | None = None
    address_1: str
    city: str
    region: str | None = None
    state_province: str
    postal_code: str
    country: str
    address_type: LocationType
    attributes: list[Attribute] | None = None


class Accessibility(Record):
    id: UUID
    location_id: UUID | None = None
    description: str | None = None
    details: str | None = None
    url: AnyUrl | None = None
    attributes: list[Attribute] | None = None
    accessibility: str | None = None


class LocationSummary(Record):
    id: UUID
    location_type: LocationType
    name: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None


class Location(LocationSummary):
    addresses: list[Address] | None = None
    accessibility: list[Accessibility] | None = None
    attributes: list[Attribute] | None = None


class Language(Record):
    id: UUID
    service_id: UUID | None = None
    phone_id: UUID | None = None


class OrganizationIdentifier(Record):
    id: UUID
    organization_id: UUID | None = None
    identifier_scheme: str | None = None
    identifier_type: str
    identifier: str
    attributes: list[Attribute] | None = None


class OrganizationSummary(Record):
    id: UUID
    name: str
    description: str
    email: EmailStr | None = None
    website: AnyUrl | None = None
    logo: str | None = None
    uri: AnyUrl | None = None
    parent_organization_id: UUID | None = None


class Organization(OrganizationSummary):
    organization_identifiers: list[OrganizationIdentifier] | None = None
    attributes: list[Attribute] | None = None


class Funding(Record):
    id: UUID
    service_id: UUID | None = None
    source: str | None = None


class CostOption(Record):
    id: UUID
    service_id: UUID | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    option: str | None = None
    amount: float | None = None
    amount_description: str | None = None


class Phone(Record):
    """schema/phone.json: the fields the profile keeps."""

    id: UUID
    contact_id: UUID | None = None
    number: str
    description: str | None = None
    languages: list[Language] | None = None


class Contact(Record):
    id: UUID
    service_id: UUID | None = None
    name: str | None = None
    title: str | None = None
    attributes: list[Attribute] | None = None
    phones: list[Phone] | None = None  # HSDS 3.0's nesting (see the module's docstring)


class ServiceSummary(Record):
    """compiled/service_list.json: the one-to-one fields and the organisation."""

    id: UUID
    organization_id: UUID | None = None
    name: str
    description: str | None = None
    url: AnyUrl | None = None
    email: EmailStr | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"]
    fees: str | None = None
    accreditations: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    assured_date: date | None = None
    assurer_email: EmailStr | None = None
    alert: str | None = None
    last_modified: AwareDatetime | None = None
    organization: OrganizationSummary | None = None


class ServiceAtLocationInService(Record):
    id: UUID
    service_id: UUID | None = None
    location_id: UUID | None = None
    location: Location | None = None


class ServiceDetails(ServiceSummary):
    """The full service inside a full service_at_location (compiled/service_at_location.json)."""

    schedules: list[Schedule] | None = None
    service_areas: list[ServiceArea] | None = None
    languages: list[Language] | None = None
    organization: Organization | None = None
    funding: list[Funding] | None = None
    cost_options: list[CostOption] | None = None
    contacts: list[Contact] | None = None
    attributes: list[Attribute] | None = None


class Service(ServiceDetails):
    """compiled/service.json."""

    service_at_locations: list[ServiceAtLocationInService] | None = None


class OrganizationServices(Organization):
    """compiled/organization.json: an organisation with its services in full."""

    services: list[Service] | None = None


class ServiceAtLocationSummary(Record):
    """compiled/service_at_location_list.json."""

    id: UUID
    service_id: UUID | None = None
    location_id: UUID | None = None
    location: LocationSummary | None = None
    service: ServiceSummary | None = None


class ServiceAtLocation(Record):
    """compiled/service_at_location.json."""

    id: UUID
    service_id: UUID | None = None
    location_id: UUID | None = None
    location: Location | None = None
    service: ServiceDetails | None = None


class Page(Record):
    """The profile OpenAPI's `Page`, with `contents` (checked by the caller's item model)."""

    total_items: int = Field(ge=0)
    total_pages: int = Field(ge=0)
    page_number: int = Field(ge=1)
    size: int = Field(ge=0)
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, object]]


class Meta(Record):
    """The profile OpenAPI's answer at `/`."""

    version: str
    profile: AnyUrl
    openapi_url: AnyUrl
