"""The Open Referral UK feed's response shapes, for the OpenAPI document and the answers.

The fields are the UK profile's (HSDS 3.0) that the feed fills (`locator.oruk` decides the
values); optional fields that are not known are left out of the answer, never null.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrukMeta(_Record):
    """What this API is: the HSDS version, the profile and this API's OpenAPI document."""

    version: str = Field(examples=["HSDS-UK-3.0"])
    profile: str = Field(examples=["https://github.com/OpenReferralUK/uk-profile"])
    openapi_url: str


class OrukOrganization(_Record):
    id: UUID
    name: str
    description: str
    website: str | None = None
    email: str | None = None


class OrukTaxonomy(_Record):
    id: UUID
    name: str
    description: str
    version: str | None = None


class OrukTaxonomyTerm(_Record):
    id: UUID
    name: str
    description: str
    parent_id: UUID | None = None
    taxonomy: str | None = None
    taxonomy_id: UUID | None = None
    term: str | None = None


class OrukAttribute(_Record):
    id: UUID
    link_id: UUID
    link_type: str
    taxonomy_term_id: UUID
    taxonomy_term: OrukTaxonomyTerm


class OrukSchedule(_Record):
    id: UUID
    service_id: UUID
    freq: Literal["WEEKLY", "MONTHLY"]
    interval: int = Field(ge=1)
    byday: str = Field(examples=["MO,TU,WE,TH,FR"])
    opens_at: str = Field(examples=["09:00"])
    closes_at: str = Field(examples=["17:00"])
    description: str
    attending_type: str
    notes: str


class OrukPhone(_Record):
    id: UUID
    contact_id: UUID
    number: str = Field(
        description="E.164, or a UK short number's digits", examples=["+441629533400"]
    )
    description: str | None = Field(default=None, examples=["non-emergency; extension 12"])


class OrukContact(_Record):
    id: UUID
    service_id: UUID
    name: str
    phones: list[OrukPhone]


class OrukAddress(_Record):
    id: UUID
    location_id: UUID
    address_1: str
    city: str
    state_province: str
    postal_code: str
    country: str = Field(examples=["GB"])
    address_type: Literal["physical", "postal", "virtual"]


class OrukAccessibility(_Record):
    id: UUID
    location_id: UUID
    description: str


class OrukLocationSummary(_Record):
    id: UUID
    location_type: Literal["physical", "postal", "virtual"]
    name: str
    description: str
    latitude: float = Field(ge=-90, le=90, description="WGS84 (EPSG:4326)")
    longitude: float = Field(ge=-180, le=180, description="WGS84 (EPSG:4326)")
    external_identifier: str
    external_identifier_type: str


class OrukLocation(OrukLocationSummary):
    addresses: list[OrukAddress]
    accessibility: list[OrukAccessibility]


class OrukServiceSummary(_Record):
    id: UUID
    organization_id: UUID
    name: str
    description: str
    url: str | None = None
    email: str | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"]
    assured_date: str | None = Field(default=None, description="When the place was last checked")
    alert: str | None = None
    organization: OrukOrganization


class OrukLink(_Record):
    """A service_at_location inside its service."""

    id: UUID
    service_id: UUID
    location_id: UUID
    location: OrukLocation


class OrukServiceDetails(OrukServiceSummary):
    schedules: list[OrukSchedule]
    contacts: list[OrukContact]
    attributes: list[OrukAttribute]


class OrukService(OrukServiceDetails):
    service_at_locations: list[OrukLink]


class OrukOrganizationServices(OrukOrganization):
    """An organisation with every service it answers for, in full."""

    services: list[OrukService]


class OrukServiceAtLocationSummary(_Record):
    id: UUID
    service_id: UUID
    location_id: UUID
    location: OrukLocationSummary
    service: OrukServiceSummary


class OrukServiceAtLocation(_Record):
    id: UUID
    service_id: UUID
    location_id: UUID
    location: OrukLocation
    service: OrukServiceDetails


class _Page(_Record):
    """The profile's paged list; pages are numbered from 1."""

    total_items: int = Field(ge=0)
    total_pages: int = Field(ge=0)
    page_number: int = Field(ge=1)
    size: int = Field(ge=0, description="How many items this page has")
    first_page: bool
    last_page: bool
    empty: bool


class OrukServicePage(_Page):
    contents: list[OrukServiceSummary]


class OrukServiceAtLocationPage(_Page):
    contents: list[OrukServiceAtLocationSummary]


class OrukOrganizationPage(_Page):
    contents: list[OrukOrganization]


class OrukTaxonomyPage(_Page):
    contents: list[OrukTaxonomy]


class OrukTaxonomyTermPage(_Page):
    contents: list[OrukTaxonomyTerm]
