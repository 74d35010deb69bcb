"""Places and the meta table (data version, seeding).

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("external_ref", sa.String(128), unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("postcode", sa.String(8)),
        sa.Column("latitude", sa.Float, nullable=False),
        sa.Column("longitude", sa.Float, nullable=False),
        sa.Column("location_precision", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(100)),
        sa.Column("email", sa.String(200)),
        sa.Column("website", sa.String(500)),
        sa.Column("opening_hours", sa.Text),
        sa.Column("accessibility_notes", sa.Text),
        sa.Column("last_checked", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("verification_note", sa.Text),
        sa.Column("operator", sa.String(200)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_places_status", "places", ["status"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("meta")
    op.drop_index("ix_places_status", table_name="places")
    op.drop_table("places")
