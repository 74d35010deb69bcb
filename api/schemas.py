"""Response models for the public JSON API. Public models carry no internal notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from geodata.gazetteer import DistrictLocation, PostcodeLocation, SectorLocation
from geodata.national import NationalLocation
from geodata.resolver import Located
from locator.contact_details import read_phones, shown_phones
from locator.hours import OpeningHours, describe_unknown
from locator.match import VenueMatch
from locator.origin import NamedPlace, Origin, OutsideNote
from locator.search import SearchResult
from locator.venues import Venue


class PostcodeOut(BaseModel):
    postcode: str = Field(examples=["DE4 3AG"])
    latitude: float = Field(examples=[53.142342])
    longitude: float = Field(examples=[-1.551396])
    approximate: bool = Field(
        description="True for a postcode district (`DE4`) or sector (`DE4 3`): the position "
        "is the middle of its postcodes."
    )
    terminated: bool = Field(False, description="True if the postcode is no longer in use.")
    local_authority_code: str | None = None
    in_service_area: bool = Field(
        True, description="False for a place outside the area the service covers."
    )
    country: str | None = Field(
        None,
        examples=["England"],
        description="For a postcode beyond the area the service has data for.",
    )

    @classmethod
    def of(cls, found: Located, in_service_area: bool = True) -> PostcodeOut:
        if isinstance(found, PostcodeLocation):
            return cls(
                postcode=found.postcode.value,
                latitude=found.latitude,
                longitude=found.longitude,
                approximate=False,
                terminated=found.terminated,
                local_authority_code=found.local_authority_code,
                in_service_area=in_service_area,
            )
        if isinstance(found, DistrictLocation):
            code = found.district.value
        elif isinstance(found, SectorLocation):
            code = found.sector.value
        else:
            code = str(found.code)
        return cls(
            postcode=code,
            latitude=found.latitude,
            longitude=found.longitude,
            approximate=not isinstance(found, NationalLocation) or found.approximate,
            local_authority_code=(
                found.local_authority_code if isinstance(found, NationalLocation) else None
            ),
            in_service_area=in_service_area,
            country=found.country if isinstance(found, NationalLocation) else None,
        )


class OutsideOut(BaseModel):
    """Where a real postcode beyond the service area is, from its nearest edge."""

    country: str | None = Field(examples=["England"])
    distance_m: float = Field(examples=[12000], description="From the area's boundary.")
    direction: str = Field(examples=["west"])

    @classmethod
    def of(cls, note: OutsideNote) -> OutsideOut:
        return cls(
            country=note.country, distance_m=round(note.distance_m), direction=note.direction
        )


class OriginOut(BaseModel):
    label: str = Field(examples=["DE4 3AG"])
    latitude: float
    longitude: float
    source: str = Field(examples=["postcode"])
    approximate: bool
    terminated: bool = False
    message: str | None = Field(
        None, examples=["We couldn't find DE1 9ZZ, so we used the middle of DE1."]
    )
    outside: OutsideOut | None = Field(
        None, description="Set for a real postcode beyond the area the service covers."
    )

    @classmethod
    def of(cls, origin: Origin) -> OriginOut:
        note = origin.outside_note
        return cls(
            label=origin.label,
            latitude=origin.latitude,
            longitude=origin.longitude,
            source=origin.source.value,
            approximate=origin.approximate,
            terminated=origin.terminated,
            message=origin.message,
            outside=OutsideOut.of(note) if note else None,
        )


class ChoiceOut(BaseModel):
    name: str
    label: str = Field(examples=["Newton, Bolsover (DE55)"])
    kind: str = Field(examples=["village"])
    local_authority: str
    postcode_district: str
    latitude: float
    longitude: float
    q: str = Field(
        description="Send this as `q` to choose this place.", examples=["Newton, Bolsover"]
    )

    @classmethod
    def of(cls, place: NamedPlace) -> ChoiceOut:
        return cls(
            name=place.name,
            label=place.label,
            kind=place.kind,
            local_authority=place.local_authority,
            postcode_district=place.postcode_district,
            latitude=place.latitude,
            longitude=place.longitude,
            q=f"{place.name}, {place.local_authority}",
        )


class SearchOut(BaseModel):
    status: Literal["found", "choices"]
    origin: OriginOut | None = None
    message: str | None = None
    choices: list[ChoiceOut] = []


class DayHours(BaseModel):
    day: str = Field(examples=["Monday"])
    spans: list[str] = Field(examples=[["09:30-17:00"]], description="Empty when closed all day.")


class HoursOut(BaseModel):
    text: str = Field(
        examples=["Mon 09:30-17:00; Tue 09:30-17:00", "Mo-Fr 09:00-17:00; Sa 10:00-13:00; PH off"],
        description="The hours as kept: our weekly form, or OpenStreetMap `opening_hours` "
        "syntax as it was typed (see https://wiki.openstreetmap.org/wiki/Key:opening_hours).",
    )
    days: list[DayHours] = Field(
        description="Monday to Sunday. For OpenStreetMap rules that change with the date, this "
        "week's."
    )
    bank_holidays: list[str] | None = Field(
        examples=[[], ["10:00-16:00"]],
        description="Spans on England's bank holidays: empty when closed; null when the usual "
        "hours of the day hold. Hours in the weekly form that don't say are closed on bank "
        "holidays; OpenStreetMap rules that don't mention PH keep their usual hours.",
    )

    @classmethod
    def of(cls, hours: OpeningHours | None) -> HoursOut | None:
        if hours is None:
            return None
        return cls(
            text=hours.to_text(),
            days=[DayHours(day=d, spans=s) for d, s in hours.by_day()],
            bank_holidays=hours.bank_holidays(),
        )


class PhoneOut(BaseModel):
    """One of a place's phone numbers, ready to show and to dial."""

    number: str = Field(
        description="E.164 (+441629533400), or a UK short number's digits (101, 999).",
        examples=["+441629533400"],
    )
    extension: str | None = Field(None, examples=["12"])
    label: str | None = Field(None, description="Words about it.", examples=["textphone"])
    relay: str | None = Field(
        None, description="Relay UK's prefix (18001, 18002) dialled before it.", examples=[None]
    )
    shown: str = Field(
        description="As dialled in the UK, with its extension and words.",
        examples=["01629 533400 ext. 12 (textphone)"],
    )
    tel: str = Field(
        description="An RFC 3966 tel: link that dials it (short numbers as tel:101).",
        examples=["tel:+44-1629-533400;ext=12"],
    )

    @classmethod
    def all_of(cls, stored: str | None) -> list[PhoneOut]:
        """Each number of a stored phone cell; none for text that isn't a real number."""
        return [
            cls(
                number=n.number,
                extension=n.extension,
                label=n.label,
                relay=n.relay,
                shown=n.shown,
                tel=n.tel,
            )
            for n in read_phones(stored) or ()
        ]


class PlaceOut(BaseModel):
    """A place as the public sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(examples=["V031"])
    name: str = Field(examples=["Matlock Library"])
    kind: str = Field(examples=["safe_place"])
    category: str = Field(examples=["library"])
    category_label: str = Field(examples=["Library"])
    address: str
    postcode: str | None
    latitude: float
    longitude: float
    location_precision: str = Field(
        description="building, postcode, street, locality or town", examples=["building"]
    )
    location_note: str | None = Field(
        None, examples=["Approximate location: check the address before you go."]
    )
    phone: str | None = Field(
        None,
        description="Its phone numbers as people in the UK read them, joined by ' / '.",
        examples=["01629 533400 ext. 12 / 101 (non-emergency)"],
    )
    phones: list[PhoneOut] = Field(
        default_factory=list,
        description="Each number in `phone`, in E.164 with a tel: link: dial these, never "
        "the digits of `phone` (an extension's digits would run on to the number).",
    )
    email: str | None = None
    website: str | None = None
    opening_hours: HoursOut | None = Field(None, description="Null when the hours are not known.")
    accessibility_notes: str | None = None
    last_checked: date | None = None
    verified: bool = Field(
        description="False when the data does not confirm the place is in the Safe Places scheme."
    )

    @classmethod
    def fields_of(cls, v: Venue) -> dict[str, object]:
        return {
            "id": v.id,
            "name": v.name,
            "kind": v.kind.value,
            "category": v.category.value,
            "category_label": v.category.label,
            "address": v.address,
            "postcode": v.postcode,
            "latitude": v.latitude,
            "longitude": v.longitude,
            "location_precision": v.location_precision.value,
            "location_note": v.location_note,
            "phone": shown_phones(v.phone),
            "phones": PhoneOut.all_of(v.phone),
            "email": v.email,
            "website": v.website,
            "opening_hours": HoursOut.of(v.opening_hours),
            "accessibility_notes": v.accessibility_notes,
            "last_checked": v.last_checked,
            "verified": v.verified,
        }

    @classmethod
    def of(cls, v: Venue) -> PlaceOut:
        return cls.model_validate(cls.fields_of(v))


class NearbyPlaceOut(PlaceOut):
    distance_m: float = Field(description="Straight-line (geodesic) metres.", examples=[412.3])
    walk_minutes: int = Field(examples=[5])
    open_now: bool | None = Field(description="Null when the hours are not known.")
    opening_status: str = Field(examples=["Open now. Closes at 5pm."])
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @classmethod
    def of_match(cls, match: VenueMatch, now: datetime) -> NearbyPlaceOut:
        v = match.venue
        fields = cls.fields_of(v)
        fields.update(distance_m=round(match.distance_m, 1), walk_minutes=match.walk_minutes)
        if v.opening_hours is None:
            fields.update(open_now=None, opening_status=describe_unknown())
        else:
            status = v.opening_hours.status(now)
            fields.update(
                open_now=status.open_now,
                opening_status=status.describe(now),
                opens_at=status.opens_at,
                closes_at=status.closes_at,
            )
        return cls.model_validate(fields)


class NearestOut(BaseModel):
    origin: OriginOut
    in_service_area: bool
    messages: list[str]
    places: list[NearbyPlaceOut]
    nearest_police_enquiry_office: NearbyPlaceOut | None

    @classmethod
    def of(cls, result: SearchResult, now: datetime) -> NearestOut:
        police = result.nearest_police
        return cls(
            origin=OriginOut.of(result.origin),
            in_service_area=result.in_service_area,
            messages=result.messages,
            places=[NearbyPlaceOut.of_match(m, now) for m in result.places],
            nearest_police_enquiry_office=NearbyPlaceOut.of_match(police, now) if police else None,
        )


class PlaceNameOut(BaseModel):
    suggestions: list[ChoiceOut]


class ReadyOut(BaseModel):
    status: Literal["ready"]
    postcodes: int
    postcode_districts: int
    place_names: int
    places: dict[str, int]
    rows_skipped: int = Field(description="Data rows that could not be used (see the logs).")
    data_version: int = Field(description="Goes up with every change to the place data.")


class AboutOut(BaseModel):
    attribution: list[str]
    licence_url: str
