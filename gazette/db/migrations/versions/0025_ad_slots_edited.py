"""ad slots edited on the desk: who set a slot's markup and when, which the runs' sync from the
config leaves alone until the slot is handed back

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ad_slots", sa.Column("edited_at", sa.DateTime(), nullable=True))
    op.add_column("ad_slots", sa.Column("edited_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ad_slots") as batch:
        batch.drop_column("edited_by")
        batch.drop_column("edited_at")
