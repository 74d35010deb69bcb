"""The Open Referral UK feed's ids: UUIDs (the profile's format) made with uuid5 from what
each record is of, so the same place keeps the same ids on every server, after every restart."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

Record = dict[str, Any]

# Fixed for good: every id in the feed is derived from it (changing it renumbers the feed).
NAMESPACE = uuid.UUID("6b1f4c5e-2d3a-5e8f-9c41-7a0d2b6e9f13")
_NAMESPACE_BYTES = NAMESPACE.bytes


def oruk_id(entity: str, key: str) -> str:
    """The stable UUID of one record, e.g. ``oruk_id("service", "V001")``: RFC 9562's
    version 5 (``uuid.uuid5(NAMESPACE, f"{entity}/{key}")``), made straight from the SHA-1
    digest, as a feed of many places makes two for each place when its data changes."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{entity}/{key}".encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
