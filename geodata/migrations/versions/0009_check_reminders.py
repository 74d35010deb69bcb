"""Yearly-check reminders sent: one per place, stage and due date.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("place_id", sa.String(64), sa.ForeignKey("places.id"), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("sent_to", sa.String(200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_check_reminders_place", "check_reminders", ["place_id", "stage", "due_on"])


def downgrade() -> None:
    op.drop_table("check_reminders")
