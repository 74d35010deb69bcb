"""The Open Referral UK feed's ids: UUIDs (the profile's format) made with uuid5 from what
each record is of, so the same place keeps the same ids on every server, after every restart."""

from __future__ import annotations

import uuid
from typing import Any

Record = dict[str, Any]

# Fixed for good: every id in the feed is derived from it (changing it renumbers the feed).
NAMESPACE = uuid.UUID("6b1f4c5e-2d3a-5e8f-9c41-7a0d2b6e9f13")


def oruk_id(entity: str, key: str) -> str:
    """The stable UUID of one record, e.g. ``oruk_id("service", "V001")``."""
    return str(uuid.uuid5(NAMESPACE, f"{entity}/{key}"))
