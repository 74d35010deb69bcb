"""Each place's contact person at the venue (who answers the yearly check): staff only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.add_column(sa.Column("contact_name", sa.String(200)))
        batch.add_column(sa.Column("contact_email", sa.String(200)))
        batch.add_column(sa.Column("contact_phone", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.drop_column("contact_phone")
        batch.drop_column("contact_email")
        batch.drop_column("contact_name")
