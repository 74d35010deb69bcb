"""Each place's local authority, for editors' areas.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.add_column(sa.Column("local_authority_code", sa.String(16)))
        batch.create_index("ix_places_local_authority_code", ["local_authority_code"])


def downgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.drop_index("ix_places_local_authority_code")
        batch.drop_column("local_authority_code")
