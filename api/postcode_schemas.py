"""The postcodes.io-style answers: a batch, the postcodes near a point, an outcode."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import PostcodeOut
from geodata.areas import Areas
from geodata.postcode_lookup import MAX_BATCH, Outcode


class BulkPostcodesIn(BaseModel):
    """Up to 100 postcodes to look up at once."""

    model_config = ConfigDict(extra="forbid")

    postcodes: list[str] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        examples=[["DE4 3AG", "de45 1aa", "S40 1LP"]],
        description=f"The postcodes (or districts, or sectors), 1 to {MAX_BATCH}.",
    )


class BulkItem(BaseModel):
    query: str = Field(description="The postcode as it was sent.")
    result: PostcodeOut | None = Field(
        description="Where it is; null for text that is no postcode, or one we don't know."
    )


class BulkPostcodesOut(BaseModel):
    result: list[BulkItem] = Field(description="One item per postcode sent, in the same order.")


class NearbyPostcodeOut(PostcodeOut):
    distance_m: float = Field(
        examples=[42.5], description="Metres from the point (straight line, on the grid)."
    )


class NearbyPostcodesOut(BaseModel):
    result: list[NearbyPostcodeOut] = Field(
        description="The postcodes in use within the radius, nearest first; empty if none."
    )


class AreaOut(BaseModel):
    code: str = Field(examples=["E07000035"], description="The ONS local authority code.")
    name: str | None = Field(
        examples=["Derbyshire Dales"], description="Its name, where the service has it."
    )


class OutcodeOut(BaseModel):
    outcode: str = Field(examples=["DE4"])
    latitude: float = Field(examples=[53.126667])
    longitude: float = Field(examples=[-1.565214])
    postcode_count: int = Field(description="How many postcodes the outcode has.")
    local_authorities: list[AreaOut] = Field(
        description="The local authorities its postcodes are in, most postcodes first "
        "(empty where the postcode data doesn't say)."
    )
    country: str | None = Field(None, examples=["England"])

    @classmethod
    def of(cls, found: Outcode, areas: Areas) -> OutcodeOut:
        return cls(
            outcode=found.outcode.value,
            latitude=found.latitude,
            longitude=found.longitude,
            postcode_count=found.postcode_count,
            local_authorities=[
                AreaOut(code=code, name=areas.names.get(code))
                for code in found.local_authority_codes
            ],
            country=found.country,
        )
