"""A place's reference (external_ref) is its own: no two places share one.

The store checks in its writing transaction, which holds the write lock, so a reference taken
by another edit is seen. The database's unique index is the last word: a clash it reports
(from a writer that skipped the lock) is put in the same words by `clash_after`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.rows import PlaceRow
from locator.errors import DuplicateReference

# A reference a write would give a place: (reference, that place's id or None for a new
# one, where to say it is, e.g. "Row 3 (MAT-001): ").
Claim = tuple[str | None, str | None, str]


def refuse_taken(session: Session, ref: str | None, place_id: str | None, where: str = "") -> None:
    """`DuplicateReference` if a place other than `place_id` has `ref`."""
    if not ref:
        return
    holder = session.execute(
        select(PlaceRow.id, PlaceRow.name).where(
            PlaceRow.external_ref == ref, PlaceRow.id != (place_id or "")
        )
    ).first()
    if holder is not None:
        raise DuplicateReference(ref, holder.id, holder.name, where)


def clash_after(session: Session, claims: Iterable[Claim]) -> DuplicateReference | None:
    """After a unique-index failure (rolled back): which claimed reference another place has."""
    for ref, place_id, where in claims:
        try:
            refuse_taken(session, ref, place_id, where)
        except DuplicateReference as exc:
            return exc
    return None
