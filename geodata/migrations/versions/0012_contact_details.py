"""Phone numbers in E.164 and email addresses in their normal form, as every new edit and
import now stores them (`locator.contact_details`).

Each place's ``phone`` and ``contact_phone`` that reads as real UK numbers is rewritten in the
stored form ("01629 533400 ext 12" becomes "+441629533400;ext=12"); each ``email`` and
``contact_email`` that is an address is normalised (the domain in lower case). A value that
doesn't read is kept exactly as it was, never dropped: the staff dashboard's "Phone number or
email to fix" lists those places, and the quality report says why each is wrong. The numbers
are the same numbers, so no place's version or history changes; `data_version` goes up, so
every running worker reads the places again.

Downgrading writes each stored number back as it is dialled in the UK ("01629 533400
ext. 12"), the form the earlier code showed; emails stay normalised (still addresses).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from alembic import op

from locator.contact_details import (
    InvalidEmail,
    InvalidPhone,
    normalise_email,
    shown_phones,
    store_phones,
)

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PHONES = ("phone", "contact_phone")
EMAILS = ("email", "contact_email")
_log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    rules = dict.fromkeys(PHONES, _stored_phone) | dict.fromkeys(EMAILS, _normal_email)
    changed, kept = _rewrite(rules)
    # Counts only: the values are venue data, but a log is no place for them.
    _log.info(
        "contact details: %d values rewritten in the stored form, %d kept as they were "
        "(not real numbers or addresses: listed on the staff dashboard)",
        changed,
        kept,
    )


def downgrade() -> None:
    _rewrite(dict.fromkeys(PHONES, shown_phones))


def _stored_phone(value: str) -> str | None:
    try:
        return store_phones(value)
    except InvalidPhone:
        return None


def _normal_email(value: str) -> str | None:
    try:
        return normalise_email(value)
    except InvalidEmail:
        return None


def _rewrite(rules: Mapping[str, Callable[[str], str | None]]) -> tuple[int, int]:
    """Apply each column's rule to every place; a rule's None keeps the value as it was.
    Returns how many values changed and how many were kept because they didn't read."""
    bind = op.get_bind()
    places = sa.table("places", sa.column("id"), *(sa.column(f) for f in rules))
    changed = kept = 0
    rows = bind.execute(sa.select(places.c.id, *(places.c[f] for f in rules))).all()
    for row in rows:
        values: dict[str, str] = {}
        for field, rule in rules.items():
            old = getattr(row, field)
            if old is None or not str(old).strip():
                continue
            new = rule(str(old))
            if new is None:
                kept += 1
            elif new != old:
                values[field] = new
        if values:
            changed += len(values)
            bind.execute(sa.update(places).where(places.c.id == row.id).values(**values))
    if changed:
        _bump_data_version(bind)
    return changed, kept


def _bump_data_version(bind: sa.Connection) -> None:
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    current = bind.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar()
    if current is not None:
        bump = sa.update(meta).where(meta.c.key == "data_version")
        bind.execute(bump.values(value=str(int(current) + 1)))
