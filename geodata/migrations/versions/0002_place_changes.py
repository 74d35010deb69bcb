"""The audit trail: one row per change to a place, with each field's before and after.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("place_id", sa.String(64), sa.ForeignKey("places.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    op.create_index("ix_place_changes_place_id", "place_changes", ["place_id"])


def downgrade() -> None:
    op.drop_index("ix_place_changes_place_id", table_name="place_changes")
    op.drop_table("place_changes")
