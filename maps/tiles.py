"""Where the base map's tiles come from: the one thing a map fetches from another server."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator


class TileSettings(BaseModel):
    """The tile server every map is drawn on (the pages' maps and the staff reports')."""

    # Point this at your own server (or a local stub in tests). OpenStreetMap's tile policy
    # asks for its attribution.
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    tile_max_zoom: int = Field(default=19, ge=1, le=22)

    @field_validator("tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        if not all(part in value for part in ("{z}", "{x}", "{y}")):
            raise ValueError("tile_url must contain {z}, {x} and {y}")
        return value
